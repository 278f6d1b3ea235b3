r"""Blaschke products and integrals against Laplace measures: the mathematics shared by :mod:`lrnn.rates`
and :mod:`lrnn.approximation`.

For distinct decay rates :math:`\lambda_1,\dots,\lambda_m > 0` the Blaschke product

.. math::

    B(u) = \prod_{k=1}^m \frac{\lambda_k - u}{\lambda_k + u}

vanishes at the rates, has modulus one on the imaginary axis and modulus below one in the right half-plane.
It carries the whole theory of best :math:`L^2` approximation from :math:`\mathrm{span}\{e^{-\lambda_kt}\}`:

* the best error of :math:`e^{-\kappa t}` is :math:`|B(\kappa)|` times its norm, and of a Laplace transform
  :math:`\rho(t) = \int e^{-ut}\,d\mu(u)` it is
  :math:`E^2 = \iint B(u)B(v)/(u+v)\,d\mu(u)\,d\mu(v)` (:func:`residual_energy`);
* the best weights for :math:`e^{-pt}` are the residues of :math:`B(s)/(B(-p)(s+p))` (:func:`single_pole_weights`);
* the Takenaka–Malmquist functions, whose Laplace transforms are
  :math:`\Phi_k(s)=\frac{\sqrt{2\lambda_k}}{s+\lambda_k}\prod_{i<k}\frac{s-\lambda_i}{s+\lambda_i}`, are an
  orthonormal basis of the span, :math:`\varphi_k = \sum_{j\le k}R_{kj}e^{-\lambda_jt}` (:func:`tm_residues`).

Every product here is accumulated as a sum of logarithms (with a separate sign), so products of thousands of
factors neither under- nor overflow; for the grid :math:`\lambda_k = k\beta` the product has the Gamma-function
form used by :func:`grid_blaschke`, which makes widths of :math:`10^{15}` and beyond cheap.

Nothing here but :func:`blaschke`, :func:`grid_blaschke` and :func:`blaschke_error` is public; those three
are re-exported by :mod:`lrnn.rates` and :mod:`lrnn.approximation`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from . import _limits
from ._validation import as_real_array, as_real_scalar, as_size

__all__ = ["as_rates", "blaschke", "grid_blaschke", "blaschke_error", "discretise_measure", "residual_energy",
           "single_pole_weights", "tm_residues", "MAX_GRAM_TERMS"]

_EPS = float(np.finfo(float).eps)

#: The most rates of a computation that builds (m × m) tables (weights, orthonormal bases, Gram matrices).
MAX_GRAM_TERMS = 4096

#: Beyond this many rates, products over the grid kβ use the Gamma-function form.
_DIRECT_GRID = 4096


# ----------------------------------------------------------------------------- validation
def as_rates(rates, name: str = "rates", *, distinct: bool = True, limit: int = _limits.MAX_TERMS,
             why: str = "the largest set of rates handled at once") -> np.ndarray:
    """Positive, finite, (distinct) decay rates as a 1-D float array, or a ValueError/TypeError naming ``name``."""
    lam = as_real_array(name, rates, ndim=1)
    if lam.size == 0:
        raise ValueError(f"{name} must contain at least one rate")
    if lam.size > limit:
        raise ValueError(f"{name} must have at most {limit} entries ({why}), got {lam.size}")
    if np.any(lam <= 0):
        raise ValueError(f"{name} must be positive decay rates (stable modes e^(-rate t)), got minimum {lam.min()}")
    if distinct:
        srt = np.sort(lam)
        if np.any(np.diff(srt) <= 1e-13 * srt[1:]):
            raise ValueError(f"{name} must be distinct (the Gram matrix of repeated rates is singular)")
    return lam


def _as_points(name: str, u) -> tuple[np.ndarray, bool]:
    """Real points ``u >= 0`` or complex points with positive real part; returns (array, is_complex)."""
    if np.iscomplexobj(u) and not isinstance(u, (str, bytes)):
        try:
            z = np.asarray(u, dtype=complex)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of real or complex numbers") from None
        if not np.all(np.isfinite(z)):
            raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
        if z.size and np.any(z.real <= 0):
            raise ValueError(f"{name} must have positive real part (a point of the right half-plane)")
        return z, True
    x = as_real_array(name, u)
    if x.size and np.any(x < 0):
        raise ValueError(f"{name} must be non-negative, got minimum {x.min()}")
    return x, False


# ----------------------------------------------------------------------------- Blaschke products
def _split(z: np.ndarray, real_fn, complex_fn) -> np.ndarray:
    """Apply ``real_fn`` to the real points of ``z`` and ``complex_fn`` to the others (same shape out)."""
    if not np.iscomplexobj(z):
        return real_fn(z)
    flat = z.ravel()
    real = flat.imag == 0
    if np.all(real):
        return real_fn(flat.real).reshape(z.shape).astype(complex)
    out = np.empty(flat.shape, complex)
    if np.any(real):
        out[real] = real_fn(flat[real].real)
    out[~real] = complex_fn(flat[~real])
    return out.reshape(z.shape)


def _product(z: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """B(z) for validated points (real >= 0 or complex, any shape) and rates, in chunks of the rates."""
    return _split(z, lambda x: _product_one(x, lam), lambda x: _product_one(x, lam))


def _product_one(z: np.ndarray, lam: np.ndarray) -> np.ndarray:
    flat = z.ravel()
    if np.iscomplexobj(flat):
        logs = np.zeros(flat.shape, complex)
        for chunk in np.array_split(lam, max(1, lam.size // 512)):
            with np.errstate(divide="ignore"):
                logs += np.sum(np.log(chunk[None, :] - flat[:, None]) - np.log(chunk[None, :] + flat[:, None]),
                               axis=1)
        with np.errstate(under="ignore"):
            return np.exp(logs).reshape(z.shape)
    logabs = np.zeros(flat.shape)
    negatives = np.zeros(flat.shape, dtype=np.int64)
    for chunk in np.array_split(lam, max(1, lam.size // 512)):
        diff = chunk[None, :] - flat[:, None]
        with np.errstate(divide="ignore"):
            logabs += np.sum(np.log(np.abs(diff) / (chunk[None, :] + flat[:, None])), axis=1)   # ratios in [0, 1]
        negatives += np.sum(diff < 0, axis=1)
    with np.errstate(under="ignore"):
        out = np.where(negatives % 2 == 0, 1.0, -1.0) * np.exp(logabs)
    return out.reshape(z.shape)


def blaschke(u: ArrayLike, rates: ArrayLike) -> np.ndarray:
    r"""The Blaschke product :math:`B(u) = \prod_k (\lambda_k - u)/(\lambda_k + u)`.

    Parameters
    ----------
    u : array_like
        Real points :math:`u \ge 0` or complex points with positive real part.
    rates : array_like, shape (m,)
        The decay rates :math:`\lambda_k > 0`.

    Returns
    -------
    numpy.ndarray
        :math:`B(u)`, same shape as ``u`` (real for real ``u``). It is accumulated as a sum of logarithms with a
        separate sign, so that products of thousands of factors neither under- nor overflow prematurely.
    """
    lam = as_rates(rates, distinct=False)
    z, _ = _as_points("u", u)
    return _product(z, lam)


def blaschke_error(rate: float, exponents: ArrayLike) -> float:
    r"""Relative :math:`L^2` error of the best approximation of :math:`e^{-\kappa t}` from :math:`\{e^{-\lambda_kt}\}`.

    .. math::

        \min_a \frac{\|e^{-\kappa t}-\sum_k a_ke^{-\lambda_kt}\|_{L^2}}{\|e^{-\kappa t}\|_{L^2}}
        = |B(\kappa)| = \prod_{k=1}^m \frac{|\kappa-\lambda_k|}{\kappa+\lambda_k}.

    A thin alias of :func:`blaschke` (the same number as ``best_error(Exponential(rate), exponents)``).

    Parameters
    ----------
    rate : float
        The target's decay rate :math:`\kappa > 0`.
    exponents : array_like, shape (m,)
        Positive, distinct rates :math:`\lambda_k`.

    Returns
    -------
    float
        The product (computed as a sum of logarithms; 0 when κ is one of the rates).
    """
    kappa = as_real_scalar("rate", rate, positive=True)
    lam = as_rates(exponents, "exponents")
    return float(abs(_product(np.array([kappa]), lam)[0]))


def _log_gamma_ratio(N: float, v: np.ndarray) -> np.ndarray:
    r""":math:`\ln\Gamma(N-v) - \ln\Gamma(N+v)` for :math:`|v| \le N/2` (real or complex), without cancellation.

    For N ≤ 1e5 the difference of log-Gamma functions; beyond, the Stirling series
    :math:`-2(N-\tfrac12)\operatorname{artanh}(v/N) + 2v - 2v\ln N - v\ln(1-v^2/N^2)
    + \frac{v}{6(N^2-v^2)}` (next term :math:`O(v/N^4)`).
    """
    if N <= 1e5:
        if np.iscomplexobj(v):
            return special.loggamma(N - v) - special.loggamma(N + v)
        return special.gammaln(N - v) - special.gammaln(N + v)
    r = v / N
    return (-2.0 * (N - 0.5) * np.arctanh(r) + 2.0 * v - 2.0 * v * math.log(N) - v * np.log1p(-r * r)
            + v / (6.0 * (N * N - v * v)))


def _grid_log_real(v: np.ndarray, m: float) -> tuple[np.ndarray, np.ndarray]:
    r"""``(ln|B_m|, sign)`` of :math:`B_m = \prod_{k=1}^m (k-v)/(k+v)` for real :math:`v \ge 0` and a width
    :math:`m > 4096`.

    * :math:`v \le m/2`: :math:`B_m = \frac{\Gamma(m+1-v)\Gamma(1+v)}{\Gamma(1-v)\Gamma(m+1+v)}`, sign
      :math:`(-1)^{\lfloor v\rfloor}` (:func:`_log_gamma_ratio` for the large arguments);
    * :math:`v \ge 2m`: :math:`\ln|B_m| = [\ln\Gamma(v)-\ln\Gamma(v-m)] - [\ln\Gamma(v+m+1)-\ln\Gamma(v+1)]`,
      both differences by Stirling's series beyond :math:`10^5`, sign :math:`(-1)^m`;
    * in between (points near the top of the grid): :func:`_mid_grid_log`.
    """
    logabs = np.empty(v.shape)
    sign = np.empty(v.shape)
    N = m + 1.0
    low = v <= 0.5 * m
    high = v >= 2.0 * m
    mid = ~(low | high)
    if np.any(low):
        x = v[low]
        with np.errstate(divide="ignore"):
            logabs[low] = _log_gamma_ratio(N, x) + special.gammaln(1.0 + x) - special.gammaln(1.0 - x)
        sign[low] = np.where(np.floor(x) % 2 == 0, 1.0, -1.0)
    if np.any(high):
        x = v[high]
        h = 0.5 * m
        # lnΓ(x) − lnΓ(x−m) = −[lnΓ(c−h) − lnΓ(c+h)] with c = x − h; lnΓ(x+m+1) − lnΓ(x+1) likewise, c = x+1+h
        logabs[high] = -_log_gamma_ratio_any(x - h, h) + _log_gamma_ratio_any(x + 1.0 + h, h)
        sign[high] = -1.0 if int(m) % 2 else 1.0
    if np.any(mid):
        logabs[mid], sign[mid] = _mid_grid_log(v[mid], m)
    return logabs, sign


def _log_gamma_ratio_any(c: np.ndarray, h: float) -> np.ndarray:
    """lnΓ(c − h) − lnΓ(c + h) for arrays c >= 2h (> 0), accurate for huge c and h (Stirling beyond 1e5)."""
    c = np.asarray(c, float)
    out = np.empty(c.shape)
    small = c <= 1e5
    if np.any(small):
        out[small] = special.gammaln(c[small] - h) - special.gammaln(c[small] + h)
    if np.any(~small):
        cc = c[~small]
        r = h / cc
        out[~small] = (-2.0 * (cc - 0.5) * np.arctanh(r) + 2.0 * h - 2.0 * h * np.log(cc) - h * np.log1p(-r * r)
                       + h / (6.0 * (cc * cc - h * h)))
    return out


def _mid_grid_log(x: np.ndarray, m: float) -> tuple[np.ndarray, np.ndarray]:
    r"""``(ln|B_m(x)|, sign)`` for :math:`m/2 < x < 2m`: the factors :math:`k < x` and :math:`k > x` separately,

    :math:`\prod_{k\le j}\frac{x-k}{x+k} = \frac{\Gamma(x)\Gamma(x+1)}{\Gamma(x-j)\Gamma(x+j+1)}` and
    :math:`\prod_{j<k\le m}\frac{k-x}{k+x} = \frac{\Gamma(m+1-x)\Gamma(j+1+x)}{\Gamma(j+1-x)\Gamma(m+1+x)}`,
    :math:`j = \#\{k\le m: k<x\}` (positive arguments only; relative accuracy about
    :math:`10^{-16}\,m\ln m`, the rounding of the log-Gamma values). Sign :math:`(-1)^j`.
    """
    j = np.clip(np.ceil(x) - 1.0, 0.0, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = (special.gammaln(x) + special.gammaln(x + 1.0) - special.gammaln(x - j)
                 - special.gammaln(x + j + 1.0))
        above = np.where(j >= m, 0.0, special.gammaln(np.maximum(m + 1.0 - x, 1e-300))
                         + special.gammaln(j + 1.0 + x) - special.gammaln(np.maximum(j + 1.0 - x, 1e-300))
                         - special.gammaln(m + 1.0 + x))
    rate = (x == np.round(x)) & (x >= 1) & (x <= m)
    return np.where(rate, -np.inf, below + above), np.where(j % 2 == 0, 1.0, -1.0)


def _grid_complex(z: np.ndarray, m: float, beta: float) -> np.ndarray:
    """B_m(z) on the grid kβ for complex points (Re z > 0) and a huge width (Gamma-function forms)."""
    with np.errstate(over="ignore", invalid="ignore"):
        v = z / beta
    v = np.where(np.isfinite(v) & (np.abs(v) < 1e300), v, 1e300)     # beyond, B_m = (-1)^m to double precision
    N = m + 1.0
    out = np.empty(v.shape, complex)
    near = np.abs(v) <= 0.5 * N
    far = np.abs(v) >= 2.0 * m
    rest = ~(near | far)
    with np.errstate(under="ignore", over="ignore"):
        if np.any(near):
            x = v[near]
            out[near] = np.exp(_log_gamma_ratio(N, x) + special.loggamma(1.0 + x) - special.loggamma(1.0 - x))
        if np.any(far):
            # ln Π (1 − k/v)/(1 + k/v) = −2 Σ_k artanh(k/v) = −2 Σ_{j odd} S_j / (j v^j), |m/v| ≤ 1/2
            x = v[far]
            q = m / x
            total = np.zeros(x.shape, complex)
            for j in range(1, 120, 2):
                # S_j / v^j = Σ_{k≤m} (k/v)^j = q^j (m/(j+1) + 1/2 + j/(12 m) [j ≥ 2] + O(j³/m³)) (Faulhaber;
                # the omitted Bernoulli terms are below 1e-13 relative for m > 4096)
                term = q**j * (m / (j + 1.0) + 0.5 + (j / (12.0 * m) if j > 1 else 0.0)) / j
                total += term
                if np.all(np.abs(term) <= 1e-17 * np.maximum(np.abs(total), 1e-300)):
                    break
            out[far] = np.exp(-2.0 * total) * (-1.0 if int(m) % 2 else 1.0)
        if np.any(rest):
            x = v[rest]
            out[rest] = np.exp(special.loggamma(N - x) + special.loggamma(1.0 + x) - special.loggamma(1.0 - x)
                               - special.loggamma(N + x))
    return out


def grid_blaschke(u: ArrayLike, width: float, beta: float = 1.0) -> np.ndarray:
    r"""Blaschke product of the grid :math:`\lambda_k = k\beta`, :math:`k = 1..m`, for any width.

    Uses :math:`B_m(u) = \frac{\Gamma(m+1-v)\,\Gamma(1+v)}{\Gamma(1-v)\,\Gamma(m+1+v)}`,
    :math:`v = u/\beta`, through log-Gamma functions (Stirling's series for :math:`m > 10^5`), with the sign
    :math:`(-1)^{\#\{k \le m:\,k < v\}}`; points beyond the grid (:math:`v \ge 2m`) use
    :math:`\prod_k\frac{v-k}{v+k}` as a ratio of Gamma functions of positive arguments. Widths up to 4096 use
    the product itself.

    Parameters
    ----------
    u : array_like
        Real points :math:`u \ge 0`, or complex points with positive real part.
    width : int or float
        The width :math:`m \ge 1` (a float is allowed for huge widths, e.g. ``1e12``; it is rounded to the
        nearest integer).
    beta : float, default 1.0
        The grid spacing :math:`\beta > 0`.

    Returns
    -------
    numpy.ndarray
        :math:`B_m(u)`, of the shape of ``u``.
    """
    z, _ = _as_points("u", u)
    m = as_real_scalar("width", width, minimum=0.5)
    m = float(round(m))
    beta = as_real_scalar("beta", beta, positive=True)
    return _grid(z, m, beta)


def _grid(z: np.ndarray, m: float, beta: float) -> np.ndarray:
    """grid_blaschke for validated arguments."""
    if m <= _DIRECT_GRID:
        return _product(z, beta * np.arange(1.0, m + 1.0))
    return _split(z, lambda x: _grid_real(x, m, beta), lambda x: _grid_complex(x.ravel(), m, beta).reshape(x.shape))


def _grid_real(z: np.ndarray, m: float, beta: float) -> np.ndarray:
    flat = z.ravel()
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        v = np.minimum(flat / beta, 1e300)            # beyond, B_m = (-1)^m to double precision
        logabs, sign = _grid_log_real(v, m)
        out = sign * np.exp(logabs)
    hit = (v == np.round(v)) & (v >= 1) & (v <= m)
    out = np.where(hit, 0.0, out)
    return np.where(v == 0, 1.0, out).reshape(z.shape)


# ----------------------------------------------------------------------------- integrals against a measure
_GL10 = np.polynomial.legendre.leggauss(10)


def _panel_rule(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite 10-point Gauss–Legendre on consecutive ``edges``."""
    a, b = edges[:-1], edges[1:]
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    return (mid[:, None] + half[:, None] * _GL10[0][None, :]).ravel(), (half[:, None] * _GL10[1][None, :]).ravel()


#: Largest refinement of the measure quadrature (nodes grow linearly with it; the energy costs O(nodes²)).
MAX_REFINE = 16


@lru_cache(maxsize=16)
def _log_edges(x_lo: float, x_hi: float, fine_lo: float, fine_hi: float, width: float, refine: int) -> np.ndarray:
    """Panel edges in x = ln u on [x_lo, x_hi]: width ``width``/refine on [fine_lo, fine_hi], 1/refine elsewhere."""
    fine_lo, fine_hi = max(fine_lo, x_lo), min(fine_hi, x_hi)
    parts = [np.array([x_lo, x_hi])]
    if fine_hi > fine_lo:
        n = int(math.ceil((fine_hi - fine_lo) / width * refine))
        parts.append(np.linspace(fine_lo, fine_hi, n + 1))
        if fine_lo > x_lo:
            parts.append(np.linspace(x_lo, fine_lo, int(math.ceil((fine_lo - x_lo) * refine)) + 1))
        if fine_hi < x_hi:
            parts.append(np.linspace(fine_hi, x_hi, int(math.ceil((x_hi - fine_hi) * refine)) + 1))
    else:
        parts.append(np.linspace(x_lo, x_hi, int(math.ceil((x_hi - x_lo) * refine)) + 1))
    return np.unique(np.concatenate(parts))


def discretise_measure(measure, lam: np.ndarray, refine: int = 1) -> tuple[np.ndarray, np.ndarray]:
    r"""Atoms ``(points, masses)`` representing a Laplace measure against functions of the rates ``lam``.

    The atoms of the measure are kept; its density :math:`g` on its ``support`` :math:`[u_-, u_+]` is replaced by
    composite 10-point Gauss–Legendre in :math:`x = \ln u` (masses :math:`w_i u_i g(u_i)`): panels of width
    :math:`\min(1/4, (x_+-x_-)/40)` where the Blaschke product of ``lam`` varies
    (:math:`\ln\lambda_{\min} - 4 \le x \le \ln\lambda_{\max} + 4`, and always on :math:`[-12, x_+]`, where the
    Gamma densities of power laws turn over), width 1 elsewhere; everything divided by ``refine``. The number of
    nodes is at most about :math:`(x_+ - x_-)\cdot 40\cdot` ``refine`` + 1600·``refine`` (a few thousand), whatever
    the rates (rates of 1e-300 or 1e300 add no nodes: beyond the support the product is constant).
    """
    points = np.asarray(measure.points)
    masses = np.asarray(measure.masses)
    if measure.density is None:
        return points, masses
    u_lo, u_hi = (float(x) for x in measure.support)
    if not (u_lo > 0 and u_hi >= u_lo and math.isfinite(u_hi)):
        raise ValueError(f"the Laplace measure's support ({u_lo:g}, {u_hi:g}) cannot be integrated")
    x_lo, x_hi = math.log(u_lo), math.log(u_hi)
    span = x_hi - x_lo
    if span < 1e-9 * max(1.0, abs(x_hi)):
        raise ValueError(f"the Laplace measure is concentrated on [{u_lo:.6g}, {u_hi:.6g}], too narrowly to be "
                         "integrated in float64 (an extreme kernel parameter)")
    width = min(0.25, span / 40.0)
    fine_lo = min(-12.0, math.log(float(lam.min())) - 4.0)
    fine_hi = max(x_hi, math.log(float(lam.max())) + 4.0)
    # cache-friendly: round the fine limits outwards to multiples of 4 (node sets shared between nearby rates)
    fine_lo = 4.0 * math.floor(fine_lo / 4.0)
    fine_hi = 4.0 * math.ceil(fine_hi / 4.0)
    edges = _log_edges(x_lo, x_hi, fine_lo, fine_hi, width, int(refine))
    x, w = _panel_rule(edges)
    u = np.exp(x)
    with np.errstate(under="ignore", over="ignore"):
        dens = np.asarray(measure.density(u), dtype=float)
    node_masses = w * u * dens
    keep = node_masses != 0.0
    return np.concatenate([points, u[keep]]), np.concatenate([masses, node_masses[keep]])


#: Cauchy matrices 1/(z_i + z_j) of the latest node sets, kept for reuse: the errors of many widths against one
#: target share their quadrature nodes (only the Blaschke values change), and forming the matrix costs ten times
#: the quadratic form. At most :data:`_CAUCHY_SLOTS` matrices of at most :data:`_CAUCHY_BYTES` bytes each.
_CAUCHY: dict[bytes, np.ndarray] = {}
_CAUCHY_SLOTS = 3
_CAUCHY_BYTES = 20 * 2**20


def _cauchy_rows(rows: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The rows 1/(r_i + z_j) for ``rows`` r against the nodes ``z`` (formed in place: one block of memory)."""
    block = np.add.outer(rows, z)
    with np.errstate(under="ignore"):
        np.reciprocal(block, out=block)
    return block


def _cauchy_matrix(z: np.ndarray) -> np.ndarray | None:
    """The matrix 1/(z_i + z_j) for the node set ``z`` (cached), or None when it is too large to keep."""
    if z.size * z.size * np.dtype(np.result_type(z, 1.0)).itemsize > _CAUCHY_BYTES:
        return None
    key = z.dtype.str.encode() + z.tobytes()
    cauchy = _CAUCHY.pop(key, None)
    if cauchy is None:
        cauchy = _cauchy_rows(z, z)
        cauchy.setflags(write=False)
    _CAUCHY[key] = cauchy                                  # most recently used last
    while len(_CAUCHY) > _CAUCHY_SLOTS:
        del _CAUCHY[next(iter(_CAUCHY))]
    return cauchy


def residual_energy(points: np.ndarray, masses: np.ndarray, bvalues: np.ndarray) -> float:
    r""":math:`\sum_{i,j} F_iF_j/(z_i+z_j)` with :math:`F = m\,B(z)`: the squared :math:`L^2` norm of
    :math:`\sum_j F_j e^{-z_jt}` (the real part; conjugate atoms come in pairs).

    The Cauchy matrix of a node set of up to about 1600 real nodes is kept for the next call with the same
    nodes (:func:`_cauchy_matrix`); larger sets are done in chunks of about 2**20 entries.
    """
    F = np.asarray(masses) * np.asarray(bvalues)
    z = np.ascontiguousarray(points)
    n = z.size
    if n == 0:
        return 0.0
    cauchy = _cauchy_matrix(z)
    if cauchy is not None:
        return float(complex(F @ (cauchy @ F)).real)
    total = 0.0
    step = max(1, _limits.CHUNK_ENTRIES // max(n, 1))
    with np.errstate(under="ignore"):
        for start in range(0, n, step):
            blk = slice(start, start + step)
            total += complex(F[blk] @ _cauchy_rows(z[blk], z) @ F).real
    return float(total)


# ----------------------------------------------------------------------------- weights from residues
def single_pole_weights(p: np.ndarray, lam: np.ndarray) -> np.ndarray:
    r"""Best weights for each target :math:`e^{-p_jt}` (rows): complex array of shape ``(p.size, m)``,

    .. math::

        A_{jk} = \frac{2\lambda_k}{p_j+\lambda_k}\prod_{i\ne k}\frac{p_j-\lambda_i}{p_j+\lambda_i}
                 \,\frac{\lambda_k+\lambda_i}{\lambda_k-\lambda_i},

    the residues of :math:`E(s)=B(s)/(B(-p_j)(s+p_j))` at :math:`s=-\lambda_k`, computed as
    :math:`\exp(\sum\log)` to full relative precision (no overflow). A pole equal to a rate gives the unit vector.
    Memory O(m²) (at most :data:`MAX_GRAM_TERMS` rates).
    """
    m = lam.size
    diff = lam[:, None] - lam[None, :]
    np.fill_diagonal(diff, 1.0)
    summ = lam[:, None] + lam[None, :]
    np.fill_diagonal(summ, 1.0)
    log_abs_q = np.sum(np.log(summ) - np.log(np.abs(diff)), axis=1)
    sign_q = np.prod(np.sign(diff), axis=1)
    out = np.empty((p.size, m), dtype=complex)
    for j in range(p.size):
        num = p[j] - lam
        den = p[j] + lam
        hit = np.abs(num) <= 4 * _EPS * np.abs(den)
        if np.any(hit):  # the target pole is one of the rates: exact representation
            row = np.zeros(m, dtype=complex)
            row[np.argmax(hit)] = 1.0
            out[j] = row
            continue
        logs = np.log(num.astype(complex)) - np.log(den.astype(complex))
        lk = np.sum(logs) - logs + np.log(2 * lam) - np.log(den.astype(complex)) + log_abs_q
        with np.errstate(under="ignore", over="ignore"):
            out[j] = sign_q * np.exp(lk)
    return out


def tm_residues(lam: np.ndarray) -> np.ndarray:
    r"""Lower-triangular :math:`R` with :math:`\varphi_k(t) = \sum_{j\le k} R_{kj} e^{-\lambda_j t}` (Takenaka–Malmquist),
    :math:`G^{-1}=R^\top R`.

    :math:`R_{kj} = \sqrt{2\lambda_k}\prod_{i<k}(-\lambda_j-\lambda_i) / \prod_{i\le k, i\ne j}(\lambda_i-\lambda_j)`,
    the residue of :math:`\Phi_k` at :math:`-\lambda_j`, in logarithms (full relative precision per entry).
    """
    m = lam.size
    S = np.log(lam[:, None] + lam[None, :])       # log(λ_j + λ_i), [j, i]
    D = lam[None, :] - lam[:, None]               # λ_i − λ_j, [j, i]
    np.fill_diagonal(D, 1.0)
    logD, sgnD = np.log(np.abs(D)), np.sign(D)
    cS = np.concatenate([np.zeros((m, 1)), np.cumsum(S, axis=1)], axis=1)   # cS[j, k] = Σ_{i<k}
    cD = np.cumsum(logD, axis=1)                                            # Σ_{i≤k}
    cN = np.cumsum(sgnD < 0, axis=1)                                        # negative factors, i ≤ k
    R = np.zeros((m, m))
    for k in range(m):
        j = np.arange(k + 1)
        logv = 0.5 * np.log(2 * lam[k]) + cS[j, k] - cD[j, k]
        sign = np.where((k + cN[j, k]) % 2 == 0, 1.0, -1.0)               # (−1)^k from Π(−λ_j−λ_i), i<k
        with np.errstate(over="ignore", under="ignore"):
            R[k, j] = sign * np.exp(logv)
    return R


def as_refine(refine) -> int:
    """The quadrature refinement factor: an integer in [1, MAX_REFINE]."""
    return as_size("refine", refine, limit=MAX_REFINE,
                   why="the node count of the measure quadrature grows with it and its cost with its square")
