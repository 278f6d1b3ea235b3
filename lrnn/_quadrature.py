"""Quadrature on the half line [0, ∞) used where no closed form exists.

Two tools:

* :func:`integrate_half_line` — adaptive QUADPACK (``scipy.integrate.quad``)
  on the finite pieces between caller-supplied breakpoints (lags, zeros of an
  oscillating kernel) and, on the last, unbounded piece, the substitution
  ``t = b + s (e^u − 1)`` which turns an algebraic tail ``t^{-(1+ω)}`` into an
  exponential one ``e^{-ωu}``.
* :func:`log_panel_rule` — a fixed composite Gauss–Legendre rule in the same
  logarithmic variable, vectorised, used for Laplace transforms of power laws.

Nothing here is part of the public API.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable

import numpy as np
from scipy import integrate

_QUAD_OPTS = dict(limit=500, epsabs=0.0, epsrel=1e-12)


def integrate_half_line(
    f: Callable[[float], float],
    breakpoints: Iterable[float] = (),
    scale: float = 1.0,
    epsabs: float = 0.0,
    noisy: bool = False,
) -> float:
    r"""Return :math:`\int_0^\infty f(t)\,dt` for an integrable scalar ``f``.

    Parameters
    ----------
    f : callable
        Scalar function of ``t >= 0``.
    breakpoints : iterable of float
        Points where ``f`` has kinks or features (sorted and de-duplicated here).
    scale : float
        Time scale of the tail substitution ``t = b + scale·(e^u − 1)``.
    epsabs : float
        Absolute tolerance passed to QUADPACK (relative tolerance is 1e-12).
    noisy : bool
        The integrand carries rounding noise by construction (a squared
        difference of nearly equal kernels): QUADPACK's "roundoff error
        detected" warning is then expected and silenced; the result is as
        accurate as the integrand's values.
    """
    if noisy:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", integrate.IntegrationWarning)
            return integrate_half_line(f, breakpoints, scale, epsabs)
    edges = [0.0]
    for b in sorted(float(b) for b in breakpoints if np.isfinite(b) and b > 0):
        if b - edges[-1] > 1e-9 * max(1.0, b):  # merge (near-)duplicates: no sliver intervals
            edges.append(b)
    opts = dict(_QUAD_OPTS)
    total = 0.0
    # Pieces after the first are integrated to an absolute tolerance of 1e-13
    # times the running total: a piece that is negligible (a super-exponential
    # tail, a far ripple) must not force QUADPACK to resolve it relatively.
    def piece(g, a, b):
        nonlocal total
        tol = max(epsabs, 1e-13 * abs(total))
        total += integrate.quad(g, a, b, **dict(opts, epsabs=tol))[0]

    for a, b in zip(edges[:-1], edges[1:]):
        if b > a:
            piece(f, a, b)
    last = edges[-1]

    def tail(u: float) -> float:
        e = np.exp(u)
        return f(last + scale * (e - 1.0)) * scale * e

    # In u the integrand decays at least exponentially for the kernels of this
    # package (e^{-ωu} for a power law). Integrate u in [0, 700] in pieces (so
    # that e^u stays finite); the neglected remainder is below e^{-700ω}·‖ρ‖₁.
    for a, b in ((0.0, 4.0), (4.0, 40.0), (40.0, 700.0)):
        piece(tail, a, b)
    return float(total)


def sign_changes(f_vec: Callable[[np.ndarray], np.ndarray], t_max: float, n: int = 4001) -> list[float]:
    """Zeros of a vectorised function on ``[0, t_max]``: bracketed on a grid of
    ``n`` points and refined by Brent's method. Used as breakpoints for ∫|ρ|, whose
    kinks would otherwise cost QUADPACK accuracy and time."""
    from scipy import optimize

    t = np.linspace(0.0, t_max, n)
    v = f_vec(t)
    idx = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    scalar = lambda x: float(f_vec(np.array([x]))[0])  # noqa: E731
    return [optimize.brentq(scalar, t[i], t[i + 1], xtol=1e-14 * max(1.0, t[i])) for i in idx[:5000]]


_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)


def log_panel_rule(upper: float, panel: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of composite 24-point Gauss–Legendre on ``[0, upper]``.

    Used in the variable ``u`` with ``t = e^u − 1``; panels of width ``panel``.
    """
    n = max(1, int(np.ceil(upper / panel)))
    a = np.linspace(0.0, upper, n + 1)
    half = 0.5 * (a[1:] - a[:-1])
    mid = 0.5 * (a[1:] + a[:-1])
    nodes = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()
    weights = (half[:, None] * _GL_W[None, :]).ravel()
    return nodes, weights
