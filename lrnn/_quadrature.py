"""Quadrature on the half line [0, ∞), with budgets, used where no closed form exists.

Three tools:

* :func:`integrate_half_line` — adaptive QUADPACK (``scipy.integrate.quad``)
  on the finite pieces between caller-supplied breakpoints (lags, zeros of an
  oscillating kernel) and, on the last, unbounded piece, the substitution
  ``t = b + s (e^u − 1)`` which turns an algebraic tail ``t^{-(1+ω)}`` into an
  exponential one ``e^{-ωu}``. Work is bounded: at most
  :data:`lrnn._limits.MAX_QUAD_PIECES` pieces and
  :data:`lrnn._limits.MAX_QUAD_EVALUATIONS` integrand evaluations, else
  :class:`QuadratureBudgetError` (a ``ValueError``) instead of a hang.
* :func:`sign_changes` — zeros of a vectorised function, bracketed on a mixed
  linear and geometric grid and refined by Brent's method.
* :func:`log_panel_rule` — a fixed composite Gauss–Legendre rule in the
  logarithmic variable, vectorised, used for Laplace transforms of power laws;
  :func:`gauss_legendre` — one panel per interval, vectorised.

Nothing here is part of the public API.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable

import numpy as np
from scipy import integrate, optimize

from . import _limits

__all__ = ["QuadratureBudgetError", "integrate_half_line", "sign_changes", "log_panel_rule", "gauss_legendre"]

_QUAD_OPTS = dict(limit=500, epsabs=0.0, epsrel=1e-12)

#: The largest finite time used as a quadrature end point (beyond, e^{u} substitutions overflow).
_T_MAX = 1e300


class QuadratureBudgetError(ValueError):
    """A half-line integral needs more pieces or evaluations than the budget allows (a kernel that oscillates
    too often over its memory, or decays too slowly to be integrated in bounded time)."""


def integrate_half_line(
    f: Callable[[float], float],
    breakpoints: Iterable[float] = (),
    scale: float = 1.0,
    epsabs: float = 0.0,
    noisy: bool = False,
    max_evaluations: int = _limits.MAX_QUAD_EVALUATIONS,
) -> float:
    r"""Return :math:`\int_0^\infty f(t)\,dt` for an integrable scalar ``f``.

    Parameters
    ----------
    f : callable
        Scalar function of ``t >= 0``.
    breakpoints : iterable of float
        Points where ``f`` has kinks or features (sorted and de-duplicated here);
        at most :data:`lrnn._limits.MAX_QUAD_PIECES`.
    scale : float
        Time scale of the tail substitution ``t = b + scale·(e^u − 1)``.
    epsabs : float
        Absolute tolerance passed to QUADPACK (relative tolerance is 1e-12).
    noisy : bool
        The integrand carries rounding noise by construction (a squared
        difference of nearly equal kernels): QUADPACK's "roundoff error
        detected" warning is then expected and silenced; the result is as
        accurate as the integrand's values.
    max_evaluations : int
        Budget of integrand evaluations over all pieces.

    Raises
    ------
    QuadratureBudgetError
        When the pieces or the evaluations exceed the budget.
    """
    if noisy:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            return integrate_half_line(f, breakpoints, scale, epsabs, max_evaluations=max_evaluations)
    scale = float(min(max(scale, 1e-300), _T_MAX))
    edges = [0.0]
    points = sorted(float(b) for b in breakpoints if np.isfinite(b) and 0 < b < _T_MAX)
    if len(points) > _limits.MAX_QUAD_PIECES:
        raise QuadratureBudgetError(
            f"the integrand has {len(points)} features (zeros or lags) to split at, more than the "
            f"{_limits.MAX_QUAD_PIECES} a half-line quadrature resolves in bounded time")
    for b in points:
        if b - edges[-1] > 1e-9 * max(1.0, b):  # merge (near-)duplicates: no sliver intervals
            edges.append(b)
    count = [0]

    def counted(g):
        def h(x):
            count[0] += 1
            if count[0] > max_evaluations:
                raise QuadratureBudgetError(
                    f"the integral did not converge within {max_evaluations} evaluations of the integrand "
                    "(it oscillates too often or decays too slowly over the range it must cover)")
            return g(x)
        return h

    opts = dict(_QUAD_OPTS)
    total = 0.0

    # Pieces after the first are integrated to an absolute tolerance of 1e-13
    # times the running total: a piece that is negligible (a super-exponential
    # tail, a far ripple) must not force QUADPACK to resolve it relatively.
    def piece(g, a, b):
        nonlocal total
        tol = max(epsabs, 1e-13 * abs(total))
        total += integrate.quad(counted(g), a, b, **dict(opts, epsabs=tol))[0]

    for a, b in zip(edges[:-1], edges[1:]):
        if b > a:
            piece(f, a, b)
    last = edges[-1]

    def tail(u: float) -> float:
        e = math.exp(u)
        t = last + scale * (e - 1.0)
        return f(t) * scale * e if t < _T_MAX else 0.0

    # In u the integrand decays at least exponentially for the kernels of this
    # package (e^{-ωu} for a power law). Integrate u in [0, 700] in pieces (so
    # that e^u stays finite), stopping where t reaches 1e300; the neglected
    # remainder is below e^{-700ω}·‖ρ‖₁ (or the kernel's mass beyond t = 1e300).
    u_end = min(700.0, math.log1p(max(_T_MAX - last, 0.0) / scale))
    for a, b in ((0.0, 4.0), (4.0, 40.0), (40.0, 700.0)):
        a, b = min(a, u_end), min(b, u_end)
        if b > a:
            piece(tail, a, b)
    if not math.isfinite(total):
        raise QuadratureBudgetError("the integral overflows float64 (the integrand is too large over its range)")
    return float(total)


def sign_changes(f_vec: Callable[[np.ndarray], np.ndarray], t_max: float, n: int = 4001,
                 t_min: float | None = None) -> list[float]:
    """Zeros of a vectorised function on ``[0, t_max]``: bracketed on a grid and refined by Brent's method.

    The grid joins ``n`` equally spaced points and ``n`` geometrically spaced ones from ``t_min``
    (default ``t_max·1e-12``) to ``t_max``, so that zeros near 0 of a kernel with widely spread time scales
    are found too. Used as breakpoints for ∫|ρ|, whose kinks would otherwise cost QUADPACK accuracy and
    time. Returns at most :data:`lrnn._limits.MAX_QUAD_PIECES` zeros (raises beyond).
    """
    t_max = float(min(t_max, _T_MAX))
    if not t_max > 0:
        return []
    lo = t_max * 1e-12 if t_min is None else max(float(t_min), t_max * 1e-300)
    t = np.unique(np.concatenate([[0.0], np.linspace(0.0, t_max, n), np.geomspace(lo, t_max, n)]))
    with np.errstate(all="ignore"):
        v = np.asarray(f_vec(t), dtype=float)
    idx = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    if idx.size > _limits.MAX_QUAD_PIECES:
        raise QuadratureBudgetError(f"the integrand changes sign {idx.size} times, more than the "
                                    f"{_limits.MAX_QUAD_PIECES} a half-line quadrature resolves in bounded time")
    scalar = lambda x: float(f_vec(np.array([x]))[0])  # noqa: E731
    roots = []
    for i in idx:
        try:
            roots.append(optimize.brentq(scalar, t[i], t[i + 1], xtol=1e-14 * max(1e-300, t[i]), maxiter=200))
        except (RuntimeError, ValueError):  # values too extreme to refine: the bracket's midpoint
            roots.append(0.5 * (t[i] + t[i + 1]))
    return roots


_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)


def log_panel_rule(upper: float, panel: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of composite 24-point Gauss–Legendre on ``[0, upper]``.

    Used in the variable ``u`` with ``t = e^u − 1``; panels of width ``panel``
    (at most 100 000 panels).
    """
    n = int(min(max(1, math.ceil(upper / panel)), 100_000))
    a = np.linspace(0.0, upper, n + 1)
    half = 0.5 * (a[1:] - a[:-1])
    mid = 0.5 * (a[1:] + a[:-1])
    nodes = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()
    weights = (half[:, None] * _GL_W[None, :]).ravel()
    return nodes, weights


_GL16_X, _GL16_W = np.polynomial.legendre.leggauss(16)


def gauss_legendre(f: Callable[[np.ndarray], np.ndarray], a, b) -> np.ndarray:
    """∫ₐᵇ f by one 16-point Gauss–Legendre panel per pair (a, b) (arrays, vectorised)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    half = 0.5 * (b - a)
    mid = 0.5 * (b + a)
    x = mid[..., None] + half[..., None] * _GL16_X
    return half * (f(x) @ _GL16_W)
