r"""Best :math:`L^2` approximation of a memory kernel by a width-m linear RNN: :func:`fit`.

A diagonal linear RNN with :math:`W=-\mathrm{diag}(\lambda)`, :math:`U=\mathbf 1` and read-out :math:`a` has the
kernel :math:`\hat\rho(t)=\sum_{k=1}^m a_k e^{-\lambda_k t}`. For fixed rates :math:`\lambda_k>0` the best
coefficients in :math:`L^2[0,\infty)` solve the Gram (Cauchy) system

.. math::

    G a = b, \qquad G_{ij} = \frac{1}{\lambda_i+\lambda_j}, \qquad
    b_i = \mathcal L\rho(\lambda_i) = \int_0^\infty e^{-\lambda_i t}\rho(t)\,dt .

:math:`G` is Hilbert-like (its condition number grows exponentially with m), so it is never factorised in double
precision (:func:`best_weights`; the methods are described in :mod:`lrnn._muntz`):

* **targets that are exponential sums** (a finite Laplace measure: :class:`~lrnn.kernels.Exponential`,
  :class:`~lrnn.kernels.ExponentialSum`, :class:`~lrnn.kernels.DampedOscillation`, sums and multiples of them,
  the kernel of a diagonalisable :class:`~lrnn.LinearRNN`) in closed form: for one pole, :math:`\rho(t)=e^{-pt}`,
  the error of the best approximation is :math:`E(s)=\frac{B(s)}{B(-p)(s+p)}` in the Laplace domain, with the
  Blaschke product :math:`B(s)=\prod_k\frac{s-\lambda_k}{s+\lambda_k}`; its residues give

  .. math::

      a_k = \frac{2\lambda_k}{p+\lambda_k}\prod_{i\ne k}
            \frac{p-\lambda_i}{p+\lambda_i}\,\frac{\lambda_k+\lambda_i}{\lambda_k-\lambda_i},
      \qquad
      \frac{\|\rho-\hat\rho\|_2}{\|\rho\|_2} = \prod_k\frac{|p-\lambda_k|}{|p+\lambda_k|},

  the second by :func:`blaschke_error`; products of differences computed to full relative precision (in logarithms, so no overflow);
* **other targets** (power laws, delayed bumps, Airy kernels) are projected on the Takenaka–Malmquist
  orthonormal basis of :math:`\mathrm{span}\{e^{-\lambda_kt}\}`; where double precision cannot determine the
  projection (clustered rates) and the target has extended-precision closed forms, the weights come from an
  extended-precision solve, regularised so that float64 can hold them.

Where double precision stops: the returned model stores its weights in float64, so its kernel is off the exact
optimum by up to about :math:`m\epsilon\,(|a|^\top G|a|)^{1/2}` (:func:`coefficient_floor`). For rates well
separated on a logarithmic scale this is negligible; on the equispaced grid :math:`\lambda_k=k` the weights
alternate in sign and grow exponentially with m, and for :math:`e^{-0.37t}` the error of the returned model
matches the Blaschke product to 1e-8 relative up to m = 16, but not beyond m ≈ 20 (see the tests; pass
``regularise=True`` for the float64 weights of least error instead of the rounded optimum).

With free rates, :func:`fit` chooses them by variable projection (the coefficients eliminated, the log-rates
optimised by Levenberg–Marquardt, ``scipy.optimize.least_squares``): for exponential-sum targets the residual is
the exact Blaschke-product error with an analytic Jacobian, from several log-spaced and clustered starts and
three minimal ratios between neighbouring rates (1.1, 1.02, 1.003), scored by the exact error plus the float64
floor; for other kernels the residual is sampled on a logarithmic time grid (Kaufman's Jacobian) from the best of
16 log-spaced starts (ranked on the grid, the best three scored exactly), with neighbouring rates at least a
factor 1.1 apart. The final coefficients are the best ones for the chosen rates. Rates stay positive by
construction (log parametrisation), so the model is always stable. It is a local method: good rates, not
provably optimal ones.

Errors of a model: :func:`l2_error` (exact where the target has closed forms) and :func:`l1_error` — the
:math:`L^1` error of the approximation theorems — by vectorised adaptive Gauss–Legendre quadrature in
:math:`\ln(1+t)` (both in :mod:`lrnn._model_errors`). Best errors on prescribed rates: :func:`best_error`, the
same function as :func:`lrnn.rates.best_error`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize

from . import _blaschke as _B
from . import _muntz
from ._blaschke import blaschke_error
from ._linalg import single_threaded
from ._model_errors import l1_error, l2_error, time_scales
from ._muntz import best_error, best_weights, coefficient_floor
from ._validation import as_bool, as_integer, as_norm_order, as_real_scalar, as_size, float64_failures_name
from .kernels import Kernel
from .rnn import LinearRNN, as_kernel

__all__ = [
    "fit",
    "best_weights",
    "blaschke_error",
    "best_error",
    "coefficient_floor",
    "l2_error",
    "l1_error",
    "error_curve",
    "log_spaced_rates",
]

_EPS = np.finfo(float).eps

#: The widest model :func:`fit` chooses free rates for (variable projection costs O(m³) per step).
MAX_FREE_WIDTH = 128

#: Exponential-sum targets with more poles than this try the finer rate ratios from their best start only.
_FEW_POLES = 16


# ----------------------------------------------------------------------------- rates
def log_spaced_rates(low: float, high: float, hidden_size: int) -> np.ndarray:
    """``hidden_size`` rates spaced evenly on a log scale from ``low`` to ``high`` (both > 0).

    Parameters
    ----------
    low, high : float
        The smallest and the largest rate, :math:`0 < \\text{low} < \\text{high}` (equal is allowed for one rate,
        which is then :math:`\\sqrt{\\text{low}\\cdot\\text{high}}`).
    hidden_size : int
        How many rates (at most 4096).

    Returns
    -------
    numpy.ndarray, shape (hidden_size,)
    """
    lo = as_real_scalar("low", low, positive=True)
    hi = as_real_scalar("high", high, positive=True)
    m = as_size("hidden_size", hidden_size, limit=_B.MAX_GRAM_TERMS, why="the largest fixed-rate fit")
    if m == 1:
        with np.errstate(over="ignore", under="ignore"):
            mid = np.sqrt(lo * hi)
        return np.array([mid if np.isfinite(mid) and mid > 0 else np.sqrt(lo) * np.sqrt(hi)])
    if not hi > lo:
        raise ValueError(f"high must exceed low for hidden_size > 1, got low={lo}, high={hi}")
    return np.geomspace(lo, hi, m)


# ----------------------------------------------------------------------------- the fit
@float64_failures_name("target")
def fit(target: Kernel | LinearRNN, hidden_size: int, exponents: ArrayLike | None = None, *,
        regularise: bool | None = None) -> LinearRNN:
    r"""A stable width-m linear RNN approximating a kernel in :math:`L^2[0,\infty)`.

    The model is diagonal, :math:`W=-\mathrm{diag}(\lambda)`, :math:`U=\mathbf 1`, :math:`c=a`, with kernel
    :math:`\hat\rho(t)=\sum_{k=1}^m a_ke^{-\lambda_kt}`.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ to approximate (scalar input).
    hidden_size : int
        The width m ≥ 1: at most 4096 with fixed rates, at most 128 with free ones.
    exponents : array_like of shape (m,), optional
        Fixed positive, distinct rates :math:`\lambda_k`. Then the weights are the best :math:`L^2` ones,
        :math:`a=G^{-1}b`, computed without forming :math:`G` (:func:`best_weights`). If omitted, the rates are
        chosen too: a log-spaced start covering the time scales of ρ, refined by variable projection
        (coefficients eliminated, log-rates optimised by Gauss–Newton on a logarithmic quadrature grid); the
        better of the start and the refined rates (in exact :math:`L^2` error) is returned.
    regularise : bool or None, default None
        Fixed rates only: how to choose float64 weights where rounding the exact optimum would cost accuracy
        (see :func:`best_weights`).

    Returns
    -------
    LinearRNN
        Diagonal and Hurwitz (all rates > 0), hidden size m.

    Notes
    -----
    The error of the returned model is ``lrnn.distance(target, model, 2)``; :func:`l2_error` evaluates it
    without cancellation where the target has closed forms (``lrnn.distance`` loses digits when the weights are
    large and alternate in sign). For ``target = Exponential(κ)`` and fixed rates, the relative error equals
    :func:`blaschke_error` ``(κ, exponents)`` to 1e-8 relative while :func:`coefficient_floor` stays below about
    1e-4 of it (rounding adds in quadrature): for λ_k = k up to m = 16, for rates log-spaced over four decades
    beyond m = 32. For power laws on clustered rates (S4D or LRU initialisations) the weights are solved in
    extended precision, at a cost of up to a few seconds for m ≤ 64.

    Cost (CPU time, 2 shared cores; ``benchmarks/bench_fit.py``): fixed rates 0.1–2 ms (about 90 ms for an Airy
    kernel, whose Laplace transform is a quadrature) at m = 32; free rates 10–130 ms for exponential sums and
    0.01–0.4 s for other kernels at m ≤ 16. Fits run BLAS single-threaded (``threadpoolctl``): faster for these
    small problems, and reproducible whatever threads ran before.

    Examples
    --------
    >>> from lrnn import kernels, distance
    >>> model = fit(kernels.Exponential(0.37), 4, exponents=[1.0, 2.5, 0.1, 7.0])
    >>> round(distance(kernels.Exponential(0.37), model) / kernels.Exponential(0.37).norm(), 9)
    0.176371998
    """
    rho = as_kernel(target)
    if exponents is not None:
        m = as_size("hidden_size", hidden_size, limit=_B.MAX_GRAM_TERMS,
                    why="fixed-rate fits build (m × m) tables")
        lam = _B.as_rates(exponents, "exponents", limit=_B.MAX_GRAM_TERMS, why="fixed-rate fits build (m × m) tables")
        if lam.size != m:
            raise ValueError(f"exponents must have hidden_size = {m} entries, got {lam.size}")
        if regularise is not None:
            regularise = as_bool("regularise", regularise)
        with single_threaded():
            return LinearRNN.diagonal(lam, _muntz.fixed_rate_weights(rho, lam, regularise=regularise))
    m = as_size("hidden_size", hidden_size, limit=MAX_FREE_WIDTH,
                why="free rates are chosen by variable projection, O(m³) work per step")
    if regularise is not None:
        as_bool("regularise", regularise)
    if rho.is_zero:
        return LinearRNN.diagonal(log_spaced_rates(0.1, 10.0, m) if m > 1 else np.ones(1), np.zeros(m))
    with single_threaded():
        return _fit_free(rho, m)


def _fit_free(rho: Kernel, m: int) -> LinearRNN:
    at = _muntz.atoms(rho)
    if at is not None:
        scale = float(np.max(np.abs(at[1])))          # the best rates do not depend on the target's scale
        lam = _free_rates_poles(at[0], at[1] / scale if scale > 0 else at[1], m)
        return LinearRNN.diagonal(lam, _muntz.fixed_rate_weights(rho, lam))
    lam, a = _free_rates_grid(rho, m)
    return LinearRNN.diagonal(lam, a)


def _gram_root(p: np.ndarray) -> np.ndarray:
    r"""L (n × r) with :math:`LL^H = M`, :math:`M_{ij} = 1/(p_i+\bar p_j)`: the numerically significant part
    (eigenvalues above :math:`10^{-17}` of the largest; Cauchy matrices of many poles have low numerical rank)."""
    M = 1.0 / (p[:, None] + np.conj(p)[None, :])
    vals, vecs = np.linalg.eigh(M)
    keep = vals > 1e-17 * vals.max()
    return vecs[:, keep] * np.sqrt(vals[keep])


_GL_X, _GL_W = np.polynomial.legendre.leggauss(6)


def _grid(t_start: float, t_stop: float, panel: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes/weights: one linear panel on [0, t_start], log-panels up to t_stop."""
    n = max(1, int(np.ceil(np.log(t_stop / t_start) / panel)))
    edges = np.linspace(np.log(t_start), np.log(t_stop), n + 1)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    u = (mid[:, None] + half[:, None] * _GL_X).ravel()
    wu = (half[:, None] * _GL_W).ravel()
    t = np.exp(u)
    w = wu * t
    t0 = 0.5 * t_start * (_GL_X + 1.0)
    w0 = 0.5 * t_start * _GL_W
    return np.concatenate([t0, t]), np.concatenate([w0, w])


_MIN_RATIO = 1.1  # smallest ratio between neighbouring free rates (keeps the weights representable)


def _to_eta(theta: np.ndarray, ratio: float = _MIN_RATIO) -> np.ndarray:
    """Sorted log-rates θ → unconstrained η with θ_1 = η_1, θ_k = θ_{k−1} + log(ratio) + e^{η_k}."""
    th = np.sort(theta)
    gaps = np.maximum(np.diff(th) - np.log(ratio), 1e-3)
    return np.concatenate([th[:1], np.log(gaps)])


def _from_eta(eta: np.ndarray, ratio: float = _MIN_RATIO) -> tuple[np.ndarray, np.ndarray]:
    """η → θ and the Jacobian ∂θ/∂η (lower triangular)."""
    inc = np.concatenate([eta[:1], np.log(ratio) + np.exp(eta[1:])])
    theta = np.cumsum(inc)
    d = np.concatenate([[1.0], np.exp(eta[1:])])
    T = np.tril(np.ones((eta.size, eta.size))) * d[None, :]
    return theta, T


def _solve_eta(parts_theta, theta0: np.ndarray, max_nfev: int, ratio: float = _MIN_RATIO) -> np.ndarray:
    """Gauss–Newton (MINPACK LM) over η for a residual/Jacobian function of θ; returns θ."""
    cache = {}

    def get(eta):
        key = eta.tobytes()
        if key not in cache:
            cache.clear()
            theta, T = _from_eta(eta, ratio)
            theta = np.clip(theta, -60.0, 60.0)
            r, J = parts_theta(theta)
            cache[key] = (r, J @ T)
        return cache[key]

    eta0 = _to_eta(theta0, ratio)
    n_res = get(eta0)[0].size
    pad = max(0, eta0.size - n_res)  # MINPACK needs at least as many residuals as unknowns

    def fun(e):
        return np.concatenate([get(e)[0], np.zeros(pad)])

    def jac(e):
        return np.vstack([get(e)[1], np.zeros((pad, eta0.size))])

    try:
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            sol = optimize.least_squares(fun, eta0, jac=jac, method="lm", xtol=1e-12, ftol=1e-14,
                                         gtol=1e-14, max_nfev=max_nfev)
    except (ValueError, np.linalg.LinAlgError):
        return np.sort(theta0)
    theta = np.clip(_from_eta(sol.x, ratio)[0], -60.0, 60.0)
    return theta if np.all(np.isfinite(theta)) else np.sort(theta0)


def _grid_parts(t, sw, y):
    """Variable-projection residual and Kaufman Jacobian in log-rates θ on the weighted grid."""

    def parts(theta):
        lam = np.exp(theta)
        E = np.exp(-np.multiply.outer(t, lam)) * sw[:, None]
        Q, Rq = np.linalg.qr(E)
        d = np.abs(np.diag(Rq))
        if d.min() > 1e-13 * d.max():
            a = np.linalg.solve(Rq, Q.T @ y)
        else:
            a = np.linalg.lstsq(E, y, rcond=1e-13)[0]
        if not np.all(np.isfinite(a)):
            return np.full(y.size, 1e150), np.zeros((y.size, lam.size))
        r = y - E @ a
        D = -(t[:, None] * lam[None, :]) * E * a[None, :]  # ∂(E a)/∂θ_i at fixed a
        D = D - Q @ (Q.T @ D)  # Kaufman: the part orthogonal to the span
        return r, -D

    return parts


def _spread(lam: np.ndarray) -> np.ndarray:
    """Separate (numerically) coincident rates by a relative 1e-6 so the Gram system stays regular."""
    lam = np.sort(lam)
    for k in range(1, lam.size):
        if lam[k] <= lam[k - 1] * (1 + 1e-6):
            lam[k] = lam[k - 1] * (1 + 1e-6)
    return lam


def _blaschke_residual(p: np.ndarray, w: np.ndarray, L: np.ndarray):
    """Residual vector r(θ) (real) with ‖r‖² = ‖ρ − best fit with rates e^θ‖², and its Jacobian."""

    real = bool(np.all(p.imag == 0) and np.all(w.imag == 0) and np.isrealobj(L))
    if real:                    # real poles: the same formulas in real arithmetic (about 3x faster)
        p, w = p.real.copy(), w.real.copy()
    n = p.size
    pc, wc = p[:, None], w[:, None]

    def parts(theta):
        lam = np.exp(theta)[None, :]
        den = pc + lam
        ratio = (pc - lam) / den                                               # (n, m)
        # ∂c_j/∂θ_k = w_j Π_{i≠k} ratio_ji · (−2 p_j λ_k / (p_j + λ_k)²); products without the k-th
        # factor from prefix and suffix products (no division by a vanishing factor)
        pre = np.empty_like(ratio)
        pre[:, 0] = 1.0
        np.cumprod(ratio[:, :-1], axis=1, out=pre[:, 1:])
        suf = np.empty_like(ratio)
        suf[:, -1] = 1.0
        np.cumprod(ratio[:, :0:-1], axis=1, out=suf[:, -2::-1])
        c = w * (pre[:, -1] * ratio[:, -1])
        r = L.T @ c  # ‖Lᵀc‖² = cᵀ M c̄ with M = L Lᴴ, the squared error (see best_error)
        dc = (wc * pre * suf) * (-2.0 * pc * lam / (den * den))
        J = L.T @ dc
        if real:
            return r, J
        return np.concatenate([r.real, r.imag]), np.vstack([J.real, J.imag])

    del n
    return parts


def _storage_floor_sq(p: np.ndarray, w: np.ndarray, lam: np.ndarray) -> float:
    """(mε)²|a|ᵀG|a| for the closed-form weights: the squared error float64 weights may add (see coefficient_floor)."""
    with np.errstate(over="ignore", invalid="ignore"):
        a = np.real(w @ _B.single_pole_weights(p, lam))
    return _muntz._storage_sq(a, lam)


def _free_rates_poles(p: np.ndarray, w: np.ndarray, m: int) -> np.ndarray:
    """Free rates for an exponential-sum target: minimise the exact Blaschke residual."""
    L = _gram_root(p)
    parts = _blaschke_residual(p, w, L)
    scale_lo, scale_hi = float(np.min(p.real)), float(np.max(np.abs(p)))
    starts = []
    if np.all(np.abs(p.imag) == 0) and p.size <= m:  # exact representation available
        extra = (log_spaced_rates(scale_hi * 2, scale_hi * 2.0 ** min(m - p.size + 1, 60), m - p.size)
                 if m > p.size else [])
        starts.append(np.concatenate([np.sort(p.real), extra]))
    starts.append(log_spaced_rates(scale_lo / 2, scale_hi * 2, m) if m > 1 else np.array([np.sqrt(scale_lo * scale_hi)]))
    starts.append(log_spaced_rates(scale_lo / 8, scale_hi * 8, m) if m > 1 else np.array([scale_lo]))
    if m > 1:  # clusters near the slowest decay rate (confluent optima of oscillatory targets)
        starts.append(log_spaced_rates(scale_lo * 0.8, scale_lo * 1.25, m))
        starts.append(log_spaced_rates(scale_lo * 0.9, scale_hi * 1.1, m))
    bound = (np.log(scale_lo) - 25.0, np.log(scale_hi) + 25.0)
    best, best_val = None, np.inf
    # targets with many poles: the finer ratios only from the start that did best at the first ratio (each
    # Levenberg–Marquardt solve costs O(n·m) per step)
    few = p.size <= _FEW_POLES
    scored = []
    for lam0 in starts:
        theta0 = np.clip(np.log(_spread(np.asarray(lam0, float))), bound[0] + 1e-9, bound[1] - 1e-9)
        ratios = (_MIN_RATIO, 1.02, 1.003) if few else (_MIN_RATIO,)
        thetas = [theta0] + [_solve_eta(parts, theta0, 30 * m + 50, ratio) for ratio in ratios]
        start_best = np.inf
        for th in thetas:
            lam = _spread(np.exp(th))
            val = float(np.sum(parts(np.log(lam))[0] ** 2)) + _storage_floor_sq(p, w, lam)
            start_best = min(start_best, val)
            if val < best_val:
                best, best_val = lam, val
        scored.append((start_best, theta0))
        if best_val == 0.0:
            return best
    if not few:
        theta0 = min(scored, key=lambda x: x[0])[1]
        for ratio in (1.02, 1.003):
            lam = _spread(np.exp(_solve_eta(parts, theta0, 30 * m + 50, ratio)))
            val = float(np.sum(parts(np.log(lam))[0] ** 2)) + _storage_floor_sq(p, w, lam)
            if val < best_val:
                best, best_val = lam, val
    if best is None:
        raise ValueError("target: no finite residual for any starting set of rates (weights or rates beyond float64)")
    return best


def _grid_score(E: np.ndarray, y: np.ndarray) -> float:
    """Squared residual of the least-squares fit of y by the columns of E (QR, rank-revealing fallback)."""
    Q, Rq = np.linalg.qr(E)
    d = np.abs(np.diag(Rq))
    if d.min() > 1e-13 * d.max():
        r = y - Q @ (Q.T @ y)
    else:
        r = y - E @ np.linalg.lstsq(E, y, rcond=1e-13)[0]
    return float(r @ r)


def _free_rates_grid(rho: Kernel, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Free rates for a general kernel: best log-spaced start, refined by variable projection.

    Starts: log-spaced rates from λ_lo to λ_hi, on a 4 × 4 table of ranges
    between reciprocals of energy quantiles of ρ² (λ_lo from 1/t(1−1e-12) to
    1/(3 t(1−1e-3)), λ_hi from 3/t(1−1e-3) to 3/t(1e-3)), each widened when
    needed so that neighbouring rates differ by a factor ≥ 1.3. The starts are
    ranked by their least-squares residual on the logarithmic quadrature grid
    (cheap: no Laplace transforms); the best three are scored exactly (error
    estimate of the best weights from Laplace transforms, rounding included), and
    the best of them is refined by Gauss–Newton on the grid (rates kept within
    [0.1/t_max, 10 × the largest starting rate]); the better of start and
    refinement in the exact score wins. Returns the rates and their best weights.
    """
    q6, q3, q97, q12 = time_scales(rho)
    if m == 1:
        starts = [np.array([1.0 / np.sqrt(q3 * q97)]), np.array([1.0 / q97]), np.array([1.0 / q3])]
    else:
        ranges = [(lo, hi) for lo in np.geomspace(1.0 / q12, 1.0 / (3 * q97), 4)
                  for hi in np.geomspace(3.0 / q97, 3.0 / q3, 4)]
        starts = []
        for a, b in ranges:  # widen to a ratio of at least 1.3 between neighbours (conditioning)
            if b < a * 1.3 ** (m - 1):
                c, h = np.sqrt(a * b), 1.3 ** ((m - 1) / 2)
                a, b = c / h, c * h
            starts.append(log_spaced_rates(a, b, m))
    t_start, t_stop = max(q6 * 0.1, 1e-8), min(q12 * 5, 1e7)
    t, w = _grid(t_start, t_stop, panel=0.1)
    sw = np.sqrt(w)
    y = np.asarray(rho(t), dtype=float) * sw

    def exact(lam):
        a, est, _ = _muntz._tm_weights(rho, lam, 1e-13)
        return (est if np.all(np.isfinite(a)) else np.inf), a

    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        on_grid = [_grid_score(np.exp(-np.multiply.outer(t, lam)) * sw[:, None], y) for lam in starts]
    ranked = [starts[i] for i in np.argsort(on_grid, kind="stable")[:3]]
    scored = [(exact(lam), lam) for lam in ranked]
    k = int(np.argmin([s[0][0] for s in scored]))
    (best_val, best_a), best = scored[k]
    theta = _solve_eta(_grid_parts(t, sw, y), np.log(best), 3 * m + 15)
    lam1 = _spread(np.clip(np.exp(theta), 0.1 / t_stop, 10.0 * best.max()))
    val1, a1 = exact(lam1)
    if val1 < best_val:
        best, best_a = lam1, a1
    order = np.argsort(best)
    return best[order], best_a[order]


# ----------------------------------------------------------------------------- curves
@float64_failures_name("target")
def error_curve(target: Kernel | LinearRNN, widths: Sequence[int],
                exponents: Callable[[int], np.ndarray] | None = None, p: int = 2, relative: bool = True) -> np.ndarray:
    r"""Errors :math:`\|\rho-\hat\rho_m\|_p` (relative to :math:`\|\rho\|_p` by default) of fits of each width.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    widths : sequence of int
        The widths m (at most 1000 of them).
    exponents : callable, optional
        ``exponents(m)`` returns the m fixed rates; ``None`` fits free rates.
    p : {1, 2}
        Which norm: 2 uses :func:`l2_error`, 1 uses :func:`l1_error` (adaptive quadrature of
        :math:`|\rho-\hat\rho|`).
    relative : bool, default True
        Divide by :math:`\|\rho\|_p` (the zero kernel then raises ``ValueError``).

    Returns
    -------
    numpy.ndarray, shape (len(widths),)
    """
    rho = as_kernel(target)
    p = as_norm_order(p)
    relative = as_bool("relative", relative)
    if isinstance(widths, (str, bytes)) or not isinstance(widths, (Sequence, np.ndarray)):
        raise TypeError(f"widths must be a sequence of integers, got {type(widths).__name__}")
    if len(widths) > 1000:
        raise ValueError(f"widths must have at most 1000 entries, got {len(widths)}")
    ms = [as_integer("widths", int(m) if isinstance(m, np.integer) else m) for m in widths]
    if exponents is not None and not callable(exponents):
        raise TypeError(f"exponents must be a callable m -> rates or None, got {type(exponents).__name__}")
    if relative and rho.is_zero:
        raise ValueError("target is the zero kernel: a relative error divides by its norm 0 (use relative=False)")
    scale = rho.norm(p) if relative else 1.0
    out = np.empty(len(ms))
    for i, m in enumerate(ms):
        model = fit(rho, m, None if exponents is None else exponents(m))
        out[i] = (l2_error(rho, model) if p == 2 else l1_error(rho, model)) / scale
    return out
