r"""The :math:`L^2` and :math:`L^1` errors of a model: :math:`\|\rho-\hat\rho\|_p` for a kernel and a linear RNN.

* :func:`l2_error` — exact (extended precision) when both sides are known in closed form: a target with a finite
  Laplace measure or extended-precision Laplace transforms, and a diagonal (or diagonalisable, for atomic
  targets) model; otherwise adaptive quadrature of :math:`(\rho-\hat\rho)^2` itself, never of the expanded form,
  which cancels.
* :func:`l1_error` — the error of the approximation theorems, :math:`\sup_t\|H_t-\widehat H_t\|`: adaptive
  composite Gauss–Legendre quadrature in :math:`x=\ln(1+t)` with the panels split at the sign changes of
  :math:`\rho-\hat\rho` (:func:`residual_integral`).

Both are re-exported by :mod:`lrnn.approximation`; :func:`lrnn.rates.l1_error` is the same integral for a model
given by its rates and weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath as mp
import numpy as np
from scipy.optimize import brentq

from . import _limits
from ._linalg import single_threaded
from ._muntz import atoms, mp_closed_form
from ._validation import as_bool
from .kernels import Kernel
from .rnn import LinearRNN, as_kernel

__all__ = ["l2_error", "l1_error", "residual_integral", "relative_to", "time_scales", "model_kernel", "as_model",
           "MAX_EXACT_TERMS"]

#: The most terms (target atoms + model modes) of the extended-precision L² error (O(n²) mpmath operations).
MAX_EXACT_TERMS = 256

#: Integrand evaluations (points × model terms) one adaptive quadrature may spend, and points at most.
_MAX_QUAD_WORK = 2**27
_MAX_QUAD_POINTS = 2**22


def _budget_error() -> ValueError:
    return ValueError(f"target, model: the error does not converge within {_MAX_QUAD_POINTS} quadrature points "
                      "(a kernel that oscillates too often over its memory, or a model too large to evaluate "
                      "without cancellation)")

_GL16_X, _GL16_W = np.polynomial.legendre.leggauss(16)
_GL8_X, _GL8_W = np.polynomial.legendre.leggauss(8)


# ----------------------------------------------------------------------------- arguments
def as_model(model, name: str = "model") -> LinearRNN:
    """A scalar-input :class:`LinearRNN`, or a TypeError/ValueError naming ``name``."""
    if not isinstance(model, LinearRNN):
        raise TypeError(f"{name} must be a LinearRNN, got {type(model).__name__}")
    if model.input_dim != 1:
        raise ValueError(f"{name} must have scalar input (d = 1), got d = {model.input_dim}")
    return model


def _require_nonzero(kern: Kernel, relative: bool) -> None:
    if relative and kern.is_zero:
        raise ValueError("target is the zero kernel: a relative error divides by its norm 0 (use relative=False)")


def _oscillation_check(z: np.ndarray, name: str) -> None:
    """Refuse modes e^{zt} that oscillate too often over their decay for a piecewise quadrature."""
    z = np.asarray(z, complex)
    osc = z[np.abs(z.imag) > 0]
    if osc.size == 0:
        return
    with np.errstate(divide="ignore", over="ignore"):
        swings = np.abs(osc.imag) * (40.0 / np.abs(osc.real)) / math.pi
    if np.max(swings) > _limits.MAX_QUAD_PIECES:
        raise ValueError(f"{name} has an oscillating mode (decay rate {np.abs(osc.real).min():.3g}, frequency "
                         f"{np.abs(osc.imag).max():.3g}) that changes sign about {np.max(swings):.3g} times "
                         f"before it decays, more than the {_limits.MAX_QUAD_PIECES} a quadrature resolves "
                         "in bounded time")


# ----------------------------------------------------------------------------- the model's kernel
def model_kernel(model: LinearRNN) -> tuple[Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], float, int]:
    """``t -> (ρ̂(t), magnitude of its terms)`` for a scalar-input model, its slowest decay rate and its number of
    terms (the magnitude bounds the rounding noise of ρ̂)."""
    if model.is_diagonal:
        lam = -np.diag(model.W)
        a = np.asarray(model.c) * np.asarray(model.U).reshape(-1)
        aa = np.abs(a)

        def diag(t):
            with np.errstate(under="ignore"):
                E = np.exp(-np.multiply.outer(t, lam))
            return E @ a, E @ aa

        return diag, float(lam.min()), lam.size

    def dense(t):
        v = model.kernel(t)
        return v, np.abs(v)

    return dense, float(-model.spectral_abscissa), model.hidden_size


# ----------------------------------------------------------------------------- time scales of a kernel
def time_scales(rho: Kernel) -> tuple[float, float, float, float]:
    """Energy quantiles of ρ² on a wide logarithmic scan: times of 1e-6, 1e-3, 1−1e-3, 1−1e-12 of ∫ρ²."""
    t = np.geomspace(1e-7, 1e6, 1301)
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        v = np.abs(np.asarray(rho(t), dtype=float))
        top = float(np.max(v))
        v = (v / top) ** 2 if top > 0 and math.isfinite(top) else v
    dlog = np.log(t[1]) - np.log(t[0])
    cum = np.concatenate([[v[0] * t[0]], v[0] * t[0] + np.cumsum(0.5 * (v[1:] * t[1:] + v[:-1] * t[:-1]) * dlog)])
    total = cum[-1]
    if not (total > 0 and math.isfinite(total)):
        raise ValueError("target must be a non-zero kernel with finite values on [1e-7, 1e6] (its time scales "
                         "are read from there)")
    q = cum / total

    def at(level):
        return float(t[min(np.searchsorted(q, level), t.size - 1)])

    return at(1e-6), at(1e-3), at(1 - 1e-3), at(1 - 1e-12)


# ----------------------------------------------------------------------------- adaptive quadrature
def _panel_sums(g, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss–Legendre sums on the panels [a_i, b_i] of ``g(x) -> (values, noise)``: the 16-point sums of the
    values, the 8-point sums of the values and the 16-point sums of the rounding-noise bound."""
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    x = np.concatenate([mid[:, None] + half[:, None] * _GL16_X, mid[:, None] + half[:, None] * _GL8_X], axis=1)
    v, noise = g(x.ravel())
    v, noise = v.reshape(x.shape), noise.reshape(x.shape)
    return half * (v[:, :16] @ _GL16_W), half * (v[:, 16:] @ _GL8_W), half * (noise[:, :16] @ _GL16_W)


def residual_integral(rho: Kernel, kernel_hat: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], p: int,
                      slowest: float, terms: int = 1, rtol: float = 1e-11, panel: float = 0.05) -> float:
    r""":math:`\int_0^\infty |\rho(t) - \hat\rho(t)|^p dt` (p = 1 or 2) by adaptive composite Gauss–Legendre.

    The variable is :math:`x=\ln(1+t)` (algebraic tails become exponential ones), the integrand
    :math:`g(x)=|e(t)|^p(1+t)` with :math:`e=\rho-\hat\rho`. ``kernel_hat(t)`` returns :math:`\hat\rho(t)` and the
    magnitude of the terms summed to get it (for a diagonal model :math:`\sum_k|a_k|e^{-\lambda_kt}`), which bounds
    the rounding noise of e. Panels of width ``panel`` on :math:`[0, X]` are bisected wherever the 16- and 8-point
    rules differ by more than their share of ``rtol`` times the total *and* more than the rounding noise of the
    integrand on the panel; for p = 1 the panels are first split at the sign changes of e (Brent's method). The
    horizon X grows until the tail, estimated from the local decay rate of g, is below ``rtol`` of the total.
    ``slowest`` is the slowest decay rate of ρ̂ (it sets the first horizon), ``terms`` its number of terms: the
    work (at most 2²² points and 2²⁷ points × terms) is bounded, beyond which a ``ValueError`` is raised.
    """
    eps = np.finfo(float).eps

    def resid(x):
        t = np.expm1(x)
        r = np.asarray(rho(t), dtype=float)
        v, mag = kernel_hat(t)
        return r - v, np.abs(r) + mag

    def g(x):
        e, mag = resid(x)
        e = np.abs(e)
        noise = 64.0 * eps * mag
        w = np.exp(x)
        if p == 1:
            return e * w, noise * w
        return e * e * w, noise * (2.0 * e + noise) * w

    _, _, q97, q12 = time_scales(rho)
    X = float(min(700.0, max(math.log1p(q12), math.log1p(50.0 / slowest), math.log1p(q97) + 2.0, 5.0)))
    x_done = 0.0
    total = 0.0
    budget = min(_MAX_QUAD_POINTS, _MAX_QUAD_WORK // max(terms, 1))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        while True:
            n = max(1, int(math.ceil((X - x_done) / panel)))
            edges = np.linspace(x_done, X, n + 1)
            if p == 1:  # split at the sign changes of the residual
                half, mid = 0.5 * np.diff(edges), 0.5 * (edges[1:] + edges[:-1])
                xs = np.unique(np.concatenate([edges, (mid[:, None] + half[:, None] * _GL16_X).ravel()]))
                ev = resid(xs)[0]
                budget -= xs.size
                flips = np.flatnonzero(ev[:-1] * ev[1:] < 0)
                if flips.size > _limits.MAX_QUAD_PIECES:
                    raise ValueError(f"the residual changes sign more than {_limits.MAX_QUAD_PIECES} times: "
                                     "its L1 norm cannot be integrated piecewise in bounded time")
                roots = [brentq(lambda xv: float(resid(np.array([xv]))[0][0]), xs[k], xs[k + 1], xtol=1e-14)
                         for k in flips]
                edges = np.unique(np.concatenate([edges, roots]))
            a, b = edges[:-1], edges[1:]
            part = 0.0
            for _ in range(40):  # adaptive bisection of the panels that are not converged
                hi, lo, noise = _panel_sums(g, a, b)
                budget -= 24 * a.size
                scale = max(abs(total) + abs(part) + abs(float(np.sum(hi))), 1e-300)
                bad = np.abs(hi - lo) > np.maximum(rtol * scale * (b - a) / max(X, 1.0), noise)
                bad &= (b - a) > 1e-9 * max(X, 1.0)
                part += float(np.sum(hi[~bad]))
                if not np.any(bad):
                    break
                if np.count_nonzero(bad) > 200_000 or budget < 48 * np.count_nonzero(bad):
                    raise _budget_error()
                a, b = a[bad], b[bad]
                m = 0.5 * (a + b)
                a, b = np.concatenate([a, m]), np.concatenate([m, b])
            else:
                part += float(np.sum(_panel_sums(g, a, b)[0]))
            total += part
            # tail beyond X from the local decay rate of g (exact for g ∝ e^{-rx})
            g1, g2 = g(np.array([X - 1.0, X]))[0]
            if not (np.isfinite(g2) and g2 > 0) or X >= 700.0:
                break
            if budget <= 0:
                raise _budget_error()
            r = math.log(g1 / g2) if g1 > g2 else 0.0
            if r > 0 and g2 / r <= rtol * abs(total):
                total += g2 / r
                break
            x_done, X = X, min(700.0, X + max(10.0, X))
    if not math.isfinite(total):
        raise ValueError("target, model: the error overflows float64 (the kernel or the model is too large)")
    return float(total)


# ----------------------------------------------------------------------------- the L² error
def _exact_l2_squared(rho: Kernel, model: LinearRNN):
    """‖ρ − ρ̂‖² in extended precision (an mpmath number) and ‖ρ‖² (mpmath), or None without closed forms."""
    at_model = atoms(model.as_kernel())
    if at_model is None:
        return None
    q, r = at_model
    at_rho = atoms(rho)
    n = q.size + (0 if at_rho is None else at_rho[0].size)
    if n > MAX_EXACT_TERMS:
        return None
    real_model = bool(np.all(q.imag == 0))
    if at_rho is None and not (real_model and np.all((np.abs(q) > 1e-100) & (np.abs(q) < 1e100))):
        # Laplace transforms at complex points have no closed form here; at extreme points mpmath's special
        # functions can take unbounded time: quadrature instead
        return None
    # working digits: enough to resolve the result below the magnitude of the expanded terms (in logarithms:
    # the terms of extreme kernels over- or underflow float64)
    with np.errstate(over="ignore", divide="ignore", under="ignore", invalid="ignore"):
        la = np.log10(np.abs(r))
        lq = np.log10(np.abs(np.add.outer(q, q)))
        mag = np.max(la[:, None] + la[None, :] - lq) if r.size else -np.inf
    nrm = float(rho.norm(2)) if not rho.is_zero else 0.0
    extra = float(mag) - 2.0 * math.log10(nrm) if nrm > 0 and math.isfinite(mag) else 0.0
    dps = int(min(_limits.MAX_DPS, 40 + max(extra, 0.0) + 2 * math.log10(n + 1) + math.log10(n + 1)))
    with mp.workdps(dps):
        Q = [mp.mpc(complex(x)) for x in q]
        Rm = [mp.mpc(complex(x)) for x in r]
        mm = mp.re(mp.fsum(ri * rj / (qi + qj) for qi, ri in zip(Q, Rm) for qj, rj in zip(Q, Rm)))
        if at_rho is not None:
            P = [mp.mpc(complex(x)) for x in at_rho[0]]
            Wt = [mp.mpc(complex(x)) for x in at_rho[1]]
            nn = mp.re(mp.fsum(wi * wj / (pi + pj) for pi, wi in zip(P, Wt) for pj, wj in zip(P, Wt)))
            cross = mp.re(mp.fsum(wi * rj / (pi + qj) for pi, wi in zip(P, Wt) for qj, rj in zip(Q, Rm)))
        else:
            L = mp_closed_form(lambda: rho.mp_laplace([mp.re(x) for x in Q], dps))
            nn = mp_closed_form(lambda: rho.mp_norm_squared(dps))
            if L is None or nn is None:
                return None
            cross = mp.fsum(mp.re(rj) * Lj for rj, Lj in zip(Rm, L))
        return max(nn - 2 * cross + mm, mp.mpf(0)), nn


def l2_error(target: Kernel | LinearRNN, model: LinearRNN, relative: bool = False) -> float:
    r"""The :math:`L^2` error :math:`\|\rho-\hat\rho\|_2` of a model, exact where both sides have closed forms.

    :math:`\|\rho\|^2-2\langle\rho,\hat\rho\rangle+\|\hat\rho\|^2` is evaluated in extended precision (mpmath,
    with enough digits to resolve it below the size of its terms) from the float64 parameters when the model has
    a modal form (diagonal, or reliably diagonalisable) and the target has a finite Laplace measure (exponential
    sums, damped oscillations, linear RNNs) or extended-precision Laplace transforms (power laws, delayed bumps,
    ramps; then a model with real modes), up to 256 terms in all: the cancellation that limits
    :func:`lrnn.distance` for models with large alternating weights does not occur. Otherwise adaptive
    quadrature of :math:`(\rho-\hat\rho)^2` itself: composite Gauss–Legendre in :math:`x=\ln(1+t)`, vectorised,
    relative tolerance about 1e-11 (see :func:`l1_error`).

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    model : LinearRNN
        Scalar input.
    relative : bool, default False
        Divide by :math:`\|\rho\|_2` (the zero kernel then raises ``ValueError``).

    Returns
    -------
    float
    """
    rho = as_kernel(target)
    model = as_model(model)
    relative = as_bool("relative", relative)
    _require_nonzero(rho, relative)
    exact = _exact_l2_squared(rho, model)
    if exact is not None:
        e2, nn = exact
        with mp.workdps(30):
            value = mp.sqrt(e2 / nn) if relative else mp.sqrt(e2)
        out = float(value)
        if not math.isfinite(out):
            raise ValueError("target, model: the L2 error overflows float64 (the kernel or the model is too large, "
                             "or the target's norm too small for a relative error)")
        return out
    _oscillation_check(model.eigenvalues, "model")
    at = atoms(rho)
    if at is not None:
        _oscillation_check(-at[0], "target")
    kernel_hat, slowest, terms = model_kernel(model)
    with single_threaded():
        err = math.sqrt(residual_integral(rho, kernel_hat, 2, slowest, terms))
    return relative_to(err, rho, 2) if relative else err


def l1_error(target: Kernel | LinearRNN, model: LinearRNN, relative: bool = False) -> float:
    r"""The :math:`L^1` error :math:`\|\rho-\hat\rho\|_1=\int_0^\infty|\rho(t)-\hat\rho(t)|\,dt` of a model.

    This is the error of the approximation theorems,
    :math:`\sup_t\|H_t-\widehat H_t\| = \|\rho-\hat\rho\|_{L^1}`. Computed by adaptive composite Gauss–Legendre
    quadrature in :math:`x=\ln(1+t)`, with the panels split at the sign changes of :math:`\rho-\hat\rho`
    (relative tolerance about 1e-11; the tail of a power law is followed out to :math:`t\approx e^{700}`). It
    agrees with ``lrnn.distance(target, model, 1)`` (adaptive QUADPACK) and is vectorised, so it is much faster
    for models with slow modes or many sign changes. Modes that oscillate more than 20 000 times before they
    decay are refused (``ValueError``).

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    model : LinearRNN
        Scalar input; any Hurwitz W (diagonal models are evaluated fastest).
    relative : bool, default False
        Divide by :math:`\|\rho\|_1` (the zero kernel then raises ``ValueError``).

    Returns
    -------
    float
    """
    rho = as_kernel(target)
    model = as_model(model)
    relative = as_bool("relative", relative)
    _require_nonzero(rho, relative)
    _oscillation_check(model.eigenvalues, "model")
    at = atoms(rho)
    if at is not None:
        _oscillation_check(-at[0], "target")
    kernel_hat, slowest, terms = model_kernel(model)
    with single_threaded():
        err = residual_integral(rho, kernel_hat, 1, slowest, terms)
    return relative_to(err, rho, 1) if relative else err


def relative_to(err: float, rho: Kernel, p: int) -> float:
    """``err / ‖ρ‖_p``, or a ValueError naming ``target`` when that is not a finite number."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        out = err / float(rho.norm(p))
    if not math.isfinite(out):
        raise ValueError(f"target's L{p} norm is too small for a relative error in float64 (use relative=False)")
    return out
