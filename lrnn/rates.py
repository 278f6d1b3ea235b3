r"""Approximation rates, the curse of memory and Hankel lower bounds.

The best :math:`L^2[0,\infty)` approximation of a memory kernel :math:`\rho`
from the span of :math:`e^{-\lambda_1 t},\dots,e^{-\lambda_m t}` (a diagonal
linear RNN with *prescribed* decay rates :math:`\lambda_k > 0`) has a closed
form whenever :math:`\rho` is a Laplace transform,
:math:`\rho(t) = \int e^{-ut}\,d\mu(u)`. With the Blaschke product

.. math::

    B(u) = \prod_{k=1}^m \frac{\lambda_k - u}{\lambda_k + u},

the squared residual of the best approximation is (Müntz–Szász / Blaschke
identity)

.. math::

    R = \min_{a}\Big\|\rho - \sum_k a_k e^{-\lambda_k t}\Big\|_{L^2}^2
      = \iint \frac{B(u)\,B(v)}{u+v}\,d\mu(u)\,d\mu(v) .

No Gram matrix (whose entries :math:`1/(\lambda_i+\lambda_j)` make it as
ill-conditioned as a Hilbert matrix) is formed. For the grid
:math:`\lambda_k = k\beta` the product has the Gamma-function form
:math:`B(u) = \frac{\Gamma(m+1-v)\Gamma(1+v)}{\Gamma(1-v)\Gamma(m+1+v)}`,
:math:`v = u/\beta`, which makes widths :math:`m = 10^{8}` and beyond cheap.

The same quantity is also computed the direct way, by an mpmath Gram solve
in extended precision (:func:`exact_fit`), which returns the fitted weights.

The width a rule of rates needs for a relative error :math:`\epsilon` (:func:`required_width`)
is computed in :math:`L^2` (``p=2``, the white-noise error) or in :math:`L^1` (``p=1``, the uniform
error of the theorems, with the solvers of :mod:`lrnn.l1fit`).

Lower bounds valid for *every* width-:math:`m` linear RNN come from the Hankel
operator :math:`(\Gamma_\rho f)(t) = \int_0^\infty \rho(t+s) f(s)\,ds`: the
model's Hankel operator has rank at most :math:`m` and
:math:`\|\Gamma_e\| \le \|e\|_{L^1}`, so
:math:`\|\rho-\hat\rho\|_{L^1} \ge \sigma_{m+1}(\Gamma_\rho)`
(:func:`hankel_singular_values`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import mpmath as mp
import numpy as np
from scipy import linalg, special

from ._validation import as_integer, as_real_array, as_real_scalar
from .kernels import DampedOscillation, ExponentialSum, Kernel, PowerLaw
# NumPy's and SciPy's OpenBLAS run single-threaded inside the block (spin-waiting worker threads make
# the small eigen-solvers here up to 100x slower on a loaded machine); the helper lives with the L¹ solver.
from .l1fit import _single_thread_lapack
from .rnn import LinearRNN, as_kernel

__all__ = [
    "RampExponential",
    "blaschke",
    "grid_blaschke",
    "best_error",
    "fixed_grid_errors",
    "geometric_rates",
    "exact_fit",
    "l1_error",
    "hankel_singular_values",
    "WidthResult",
    "required_width",
]


# ----------------------------------------------------------------------------- validation helpers
def _as_rates(rates) -> np.ndarray:
    r = as_real_array("rates", rates, ndim=1)
    if r.size == 0:
        raise ValueError("rates must contain at least one rate")
    if np.any(r <= 0):
        raise ValueError(f"rates must be positive (stable modes e^(-rate t)), got minimum {r.min()}")
    return r


# ----------------------------------------------------------------------------- a target with finite smoothness
class RampExponential(Kernel):
    r"""A kernel of finite smoothness and exponential decay: :math:`\rho(t) = w\,(t-\ell)_+^{p}\,e^{-\gamma t}`.

    It has exactly :math:`\lceil p\rceil-1` continuous derivatives, and it and
    those derivatives decay like :math:`e^{-\beta t}` for every :math:`\beta<\gamma`:
    a test case for the Jackson-type rate theorem with smoothness
    :math:`\alpha=\lceil p\rceil-1` and decay :math:`\beta<\gamma`.

    Parameters
    ----------
    power : float
        The exponent :math:`p > 0` of the ramp (its smoothness).
    rate : float
        The decay rate :math:`\gamma > 0`.
    lag : float, default 1.0
        Where the ramp starts, :math:`\ell \ge 0`.
    weight : float, default 1.0
        Amplitude :math:`w`.

    Notes
    -----
    Closed forms (:math:`x=t-\ell`):
    step response :math:`w e^{-\gamma\ell}\Gamma(p+1)\gamma^{-(p+1)}P(p+1,\gamma x_+)`;
    Laplace transform :math:`w e^{-(s+\gamma)\ell}\Gamma(p+1)/(s+\gamma)^{p+1}`;
    :math:`\|\rho\|_2^2 = w^2e^{-2\gamma\ell}\Gamma(2p+1)/(2\gamma)^{2p+1}`;
    :math:`\|\rho\|_1 = |w|e^{-\gamma\ell}\Gamma(p+1)/\gamma^{p+1}`.
    """

    def __init__(self, power: float, rate: float, lag: float = 1.0, weight: float = 1.0):
        self.power = as_real_scalar("power", power, positive=True)
        self.rate = as_real_scalar("rate", rate, positive=True)
        self.lag = as_real_scalar("lag", lag, nonnegative=True)
        self.weight = as_real_scalar("weight", weight)
        self._timescale = 1.0 / self.rate

    def __repr__(self) -> str:
        return f"RampExponential(power={self.power!r}, rate={self.rate!r}, lag={self.lag!r}, weight={self.weight!r})"

    def _eval(self, t):
        x = np.maximum(t - self.lag, 0.0)
        with np.errstate(divide="ignore"):
            logv = self.power * np.log(x) - self.rate * t
        return np.where(x > 0, self.weight * np.exp(logv), 0.0)

    def _primitive(self, t):
        p, g = self.power, self.rate
        x = np.maximum(t - self.lag, 0.0)
        c = self.weight * math.exp(-g * self.lag + special.gammaln(p + 1) - (p + 1) * math.log(g))
        return c * special.gammainc(p + 1, g * x)

    def _between(self, a, b):
        p, g = self.power, self.rate
        xa, xb = np.maximum(a - self.lag, 0.0), np.maximum(b - self.lag, 0.0)
        c = self.weight * math.exp(-g * self.lag + special.gammaln(p + 1) - (p + 1) * math.log(g))
        # Q(xa) − Q(xb) with the regularised upper incomplete gamma: no cancellation in the tail.
        return c * (special.gammaincc(p + 1, g * xa) - special.gammaincc(p + 1, g * xb))

    def laplace(self, s):
        r"""Closed form :math:`w e^{-(s+\gamma)\ell}\Gamma(p+1)/(s+\gamma)^{p+1}`."""
        s = as_real_array("s", s)
        if np.any(s <= 0):
            raise ValueError(f"s must be positive (Laplace variable s > 0), got minimum {s.min()}")
        q = s + self.rate
        return self.weight * np.exp(-q * self.lag + special.gammaln(self.power + 1) - (self.power + 1) * np.log(q))

    def norm(self, p: int = 2) -> float:
        """Closed forms (see the class notes)."""
        if isinstance(p, (bool, np.bool_)) or p not in (1, 2):
            raise ValueError(f"p must be 1 or 2 (the L¹ or L² norm), got {p!r}")
        a, g, w = self.power, self.rate, abs(self.weight)
        if p == 1:
            return w * math.exp(-g * self.lag + special.gammaln(a + 1) - (a + 1) * math.log(g))
        return w * math.exp(0.5 * (-2 * g * self.lag + special.gammaln(2 * a + 1) - (2 * a + 1) * math.log(2 * g)))

    def _breakpoints(self):
        return (self.lag,) if self.lag > 0 else ()


# ----------------------------------------------------------------------------- Blaschke products
def blaschke(u, rates) -> np.ndarray:
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
        :math:`B(u)`, same shape as ``u`` (real for real ``u``). For real
        ``u`` it is accumulated as a sum of logarithms with a separate sign,
        so that products of thousands of factors neither under- nor overflow
        prematurely.
    """
    lam = _as_rates(rates)
    z = np.asarray(u)
    if np.iscomplexobj(z):
        z = z.astype(complex)
        if np.any(z.real <= 0) or not np.all(np.isfinite(z)):
            raise ValueError("u must have positive real part (a point of the right half-plane)")
        out = np.ones(z.shape, complex)
        for chunk in np.array_split(lam, max(1, lam.size // 512)):
            out *= np.prod((chunk - z[..., None]) / (chunk + z[..., None]), axis=-1)
        return out
    x = as_real_array("u", u)
    if np.any(x < 0):
        raise ValueError(f"u must be non-negative, got minimum {x.min()}")
    flat = x.ravel()
    logabs = np.zeros(flat.shape)
    negatives = np.zeros(flat.shape, dtype=np.int64)
    for chunk in np.array_split(lam, max(1, lam.size // 512)):
        diff = chunk[None, :] - flat[:, None]
        with np.errstate(divide="ignore"):
            logabs += np.sum(np.log(np.abs(diff)) - np.log(chunk[None, :] + flat[:, None]), axis=1)
        negatives += np.sum(diff < 0, axis=1)
    out = np.where(negatives % 2 == 0, 1.0, -1.0) * np.exp(logabs)
    return out.reshape(x.shape)


def _log_gamma_ratio(N: float, v: np.ndarray) -> np.ndarray:
    r""":math:`\ln\Gamma(N-v) - \ln\Gamma(N+v)` for :math:`0 \le v < N`, without cancellation for huge N.

    For N ≤ 1e5 the difference of ``gammaln``; beyond, the Stirling series
    :math:`-2(N-\tfrac12)\operatorname{artanh}(v/N) + 2v - 2v\ln N - v\ln(1-v^2/N^2)
    + \frac{v}{6(N^2-v^2)}` (next term :math:`O(v/N^4)`).
    """
    if N <= 1e5:
        return special.gammaln(N - v) - special.gammaln(N + v)
    r = v / N
    return (-2.0 * (N - 0.5) * np.arctanh(r) + 2.0 * v - 2.0 * v * math.log(N) - v * np.log1p(-r * r)
            + v / (6.0 * (N * N - v * v)))


def grid_blaschke(u, width, beta: float = 1.0) -> np.ndarray:
    r"""Blaschke product of the grid :math:`\lambda_k = k\beta`, :math:`k = 1..m`, for any width.

    Uses :math:`B_m(u) = \frac{\Gamma(m+1-v)\,\Gamma(1+v)}{\Gamma(1-v)\,\Gamma(m+1+v)}`,
    :math:`v = u/\beta`, through log-Gamma functions (Stirling's series for
    :math:`m > 10^5`), with the sign :math:`(-1)^{\#\{k \le m:\,k < v\}}`.
    Small widths (or points beyond the grid) use the product itself.

    Parameters
    ----------
    u : array_like
        Real points :math:`u \ge 0`.
    width : int or float
        The width :math:`m \ge 1` (a float is allowed for huge widths, e.g. ``1e12``;
        it is rounded to the nearest integer).
    beta : float, default 1.0
        The grid spacing :math:`\beta > 0`.
    """
    x = as_real_array("u", u)
    if np.any(x < 0):
        raise ValueError(f"u must be non-negative, got minimum {x.min()}")
    m = as_real_scalar("width", width, positive=True)
    m = float(round(m))
    if m < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    beta = as_real_scalar("beta", beta, positive=True)
    v = x / beta
    vmax = float(v.max()) if v.size else 0.0
    if m <= max(256.0, 2.0 * vmax + 16.0):
        return blaschke(x, beta * np.arange(1.0, m + 1.0))
    N = m + 1.0
    with np.errstate(divide="ignore"):
        logabs = _log_gamma_ratio(N, v) + special.gammaln(1.0 + v) - special.gammaln(1.0 - v)
    sign = np.where(np.floor(v) % 2 == 0, 1.0, -1.0)
    out = sign * np.exp(logabs)
    return np.where(v == np.round(v), np.where(v == 0, 1.0, 0.0), out)


# ----------------------------------------------------------------------------- Laplace measures
_GL8 = np.polynomial.legendre.leggauss(10)


def _panel_rule(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite 10-point Gauss–Legendre on consecutive ``edges``."""
    a, b = edges[:-1], edges[1:]
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    nodes = (mid[:, None] + half[:, None] * _GL8[0][None, :]).ravel()
    weights = (half[:, None] * _GL8[1][None, :]).ravel()
    return nodes, weights


@lru_cache(maxsize=8)
def _log_nodes(x_lo: float, x_hi: float, fine_lo: float, refine: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nodes in x = ln u: panels of width 1 below ``fine_lo`` and 0.25 above (divided by ``refine``).

    Returns (u, weights·u, Cauchy matrix 1/(u_i+u_j)).
    """
    coarse = np.arange(x_lo, fine_lo, 1.0 / refine)
    fine = np.linspace(fine_lo, x_hi, int(np.ceil((x_hi - fine_lo) * 4 * refine)) + 1)
    edges = np.unique(np.concatenate([coarse, fine]))
    x, w = _panel_rule(edges)
    u = np.exp(x)
    C = 1.0 / np.add.outer(u, u)
    return u, w * u, C


def _measure(target: Kernel):
    """The Laplace measure of ``target``: ('discrete', points, masses) or ('gamma', omega, weight), or None."""
    if isinstance(target, PowerLaw):
        return ("gamma", target.omega, target.weight)
    if isinstance(target, DampedOscillation):
        z = target.rate - 1j * target.frequency
        if target.frequency == 0:
            return ("discrete", np.array([target.rate]), np.array([target.weight]))
        return ("discrete", np.array([z, np.conj(z)]), 0.5 * target.weight * np.ones(2))
    if isinstance(target, ExponentialSum):
        return ("discrete", target.rates.copy(), target.weights.copy())
    return None


def _residual_energy(target: Kernel, bfun, refine: int = 1, fine_lo: float | None = None) -> float:
    """∬ B B /(u+v) dμ dμ for the Laplace measure of ``target``; ``bfun(u)`` evaluates B."""
    kind = _measure(target)
    if kind is None:
        raise TypeError(f"target must be a Laplace transform of a known measure (ExponentialSum, "
                        f"DampedOscillation, PowerLaw) for the Blaschke formula, got {type(target).__name__}; "
                        "use method='gram'")
    if kind[0] == "discrete":
        z, w = kind[1], kind[2]
        b = bfun(z)
        R = np.sum(np.outer(w * b, w * b) / np.add.outer(z, z))
        return float(np.real(R))
    _, omega, weight = kind
    # node sets are shared between nearby smallest rates: the limits are rounded down (finer, never coarser)
    lo = -45.0 if fine_lo is None else min(-45.0, 10.0 * math.floor((fine_lo - 30.0) / 10.0))
    fl = -12.0 if fine_lo is None else min(-12.0, 4.0 * math.floor((fine_lo - 4.0) / 4.0))
    u, wu, C = _log_nodes(lo, math.log(120.0), fl, refine)
    dens = np.exp(omega * np.log(u) - u - special.gammaln(1.0 + omega))
    F = wu * dens * bfun(u) * weight
    with _single_thread_lapack():
        return float(F @ (C @ F))


def _norm_sq(target: Kernel) -> float:
    return float(target.norm(2)) ** 2


def best_error(target, rates, *, relative: bool = True, method: str = "blaschke", refine: int = 1) -> float:
    r"""The best :math:`L^2` error of ``target`` from :math:`\mathrm{span}\{e^{-\lambda_k t}\}`.

    .. math::

        E = \min_a \Big\|\rho - \sum_k a_k e^{-\lambda_k t}\Big\|_{L^2[0,\infty)},
        \qquad E^2 = \iint \frac{B(u)B(v)}{u+v}\,d\mu(u)\,d\mu(v).

    Parameters
    ----------
    target : Kernel
        ``ExponentialSum``/``Exponential``/``DampedOscillation`` (discrete
        measures: the formula is a finite sum) or ``PowerLaw``
        (:math:`d\mu = w\,u^\omega e^{-u}/\Gamma(1+\omega)\,du`: Gauss–Legendre in
        :math:`\ln u`). With ``method='gram'`` also :class:`RampExponential`.
    rates : array_like, shape (m,)
        Distinct decay rates :math:`\lambda_k > 0`.
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^2}`.
    method : {'blaschke', 'gram'}
        ``'gram'`` solves the Gram system in extended precision (:func:`exact_fit`).
    refine : int, default 1
        Quadrature refinement factor of the power-law integral (for convergence checks).

    Returns
    -------
    float
    """
    target = as_kernel(target, "target")
    lam = _as_rates(rates)
    if method not in ("blaschke", "gram"):
        raise ValueError(f"method must be 'blaschke' or 'gram', got {method!r}")
    if not isinstance(relative, (bool, np.bool_)):
        raise TypeError(f"relative must be a bool, got {type(relative).__name__}")
    refine = as_integer("refine", refine)
    if np.unique(lam).size != lam.size:
        raise ValueError("rates must be distinct")
    if method == "gram":
        _, err = exact_fit(target, lam, relative=relative)
        return err
    R = _residual_energy(target, lambda z: blaschke(z, lam), refine, fine_lo=math.log(lam.min()))
    err = math.sqrt(max(R, 0.0))
    return err / math.sqrt(_norm_sq(target)) if relative else err


def fixed_grid_errors(target, widths, beta: float = 1.0, *, relative: bool = True, refine: int = 1) -> np.ndarray:
    r"""Best :math:`L^2` errors on the fixed stable grid :math:`\lambda_k = k\beta`, :math:`k=1..m`, for each width.

    The grid is the spectrum of :math:`W = -\mathrm{diag}(\beta, 2\beta, \dots, m\beta)`:
    the slowest mode keeps the stability margin :math:`\beta` whatever :math:`m`.
    Errors come from the Blaschke formula with the Gamma-function product
    (:func:`grid_blaschke`), so widths up to :math:`10^{12}` and more cost the
    same as small ones.

    Parameters
    ----------
    target : Kernel
        As in :func:`best_error` (Blaschke method).
    widths : array_like of int
        Widths :math:`m \ge 1` (floats are rounded; huge values are allowed).
    beta : float, default 1.0
        Grid spacing and stability margin.
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^2}`.
    refine : int, default 1
        Quadrature refinement (power laws).

    Returns
    -------
    numpy.ndarray
        Errors, one per width.
    """
    target = as_kernel(target, "target")
    ms = as_real_array("widths", widths, ndim=(0, 1))
    ms = np.atleast_1d(ms)
    if ms.size == 0 or np.any(ms < 1):
        raise ValueError(f"widths must be at least 1, got {ms.tolist()}")
    beta = as_real_scalar("beta", beta, positive=True)
    refine = as_integer("refine", refine)
    scale = math.sqrt(_norm_sq(target)) if relative else 1.0
    out = np.empty(ms.size)
    for i, m in enumerate(ms):
        def bfun(z, m=m):
            if np.iscomplexobj(z):
                return blaschke(z, beta * np.arange(1.0, round(m) + 1.0))
            return grid_blaschke(z, m, beta)
        out[i] = math.sqrt(max(_residual_energy(target, bfun, refine, fine_lo=math.log(beta)), 0.0)) / scale
    return out


def geometric_rates(width: int, ratio: float = 2.0, rate_max: float = 64.0) -> np.ndarray:
    r"""The free-exponent grid :math:`\lambda_k = \lambda_{\max}\,r^{-(k-1)}`, :math:`k = 1..m` (descending).

    Its smallest rate :math:`\lambda_{\min} = \lambda_{\max} r^{-(m-1)}` approaches
    the stability boundary exponentially fast in the width.
    """
    m = as_integer("width", width)
    ratio = as_real_scalar("ratio", ratio)
    if not ratio > 1:
        raise ValueError(f"ratio must be greater than 1, got {ratio}")
    rate_max = as_real_scalar("rate_max", rate_max, positive=True)
    return rate_max * ratio ** -np.arange(m, dtype=float)


# ----------------------------------------------------------------------------- extended-precision Gram solve
def _mp_laplace_and_norm(target: Kernel, lam: list):
    """Laplace transforms at ``lam`` and ‖ρ‖², in mpmath, from closed forms."""
    if isinstance(target, PowerLaw):
        w, om = mp.mpf(target.weight), mp.mpf(target.omega)
        return [w * mp.exp(s) * mp.expint(1 + om, s) for s in lam], w * w / (1 + 2 * om)
    if isinstance(target, RampExponential):
        w, p, g, a = (mp.mpf(x) for x in (target.weight, target.power, target.rate, target.lag))
        b = [w * mp.exp(-(s + g) * a) * mp.gamma(p + 1) / (s + g) ** (p + 1) for s in lam]
        return b, w * w * mp.exp(-2 * g * a) * mp.gamma(2 * p + 1) / (2 * g) ** (2 * p + 1)
    if isinstance(target, DampedOscillation):
        w, r, nu = (mp.mpf(x) for x in (target.weight, target.rate, target.frequency))
        b = [w * (s + r) / ((s + r) ** 2 + nu**2) for s in lam]
        return b, w * w * (1 / (4 * r) + r / (4 * (r * r + nu * nu)))
    if isinstance(target, ExponentialSum):
        rs = [mp.mpf(x) for x in target.rates]
        ws = [mp.mpf(x) for x in target.weights]
        b = [sum(wi / (s + ri) for ri, wi in zip(rs, ws)) for s in lam]
        n2 = sum(wi * wj / (ri + rj) for ri, wi in zip(rs, ws) for rj, wj in zip(rs, ws))
        return b, n2
    raise TypeError(f"target must be an ExponentialSum, DampedOscillation, PowerLaw or RampExponential for the "
                    f"extended-precision Gram solve, got {type(target).__name__}")


def exact_fit(target, rates, *, relative: bool = True, dps: int | None = None) -> tuple[np.ndarray, float]:
    r"""Best :math:`L^2` fit on prescribed rates by an extended-precision Gram solve.

    Solves :math:`G a = b` with :math:`G_{ij} = 1/(\lambda_i+\lambda_j)` and
    :math:`b_i = \int_0^\infty e^{-\lambda_i t}\rho(t)\,dt` (closed forms, in
    mpmath), and returns the weights :math:`a` and the error
    :math:`\sqrt{\|\rho\|^2 - b^\top G^{-1} b}`. Every entry is formed in
    extended precision (forming them in float64 and promoting would leave an
    error floor of the size of the float rounding times the condition number).

    Parameters
    ----------
    target : Kernel
        ``ExponentialSum``, ``DampedOscillation``, ``PowerLaw`` or :class:`RampExponential`.
    rates : array_like, shape (m,)
        Distinct positive rates.
    relative : bool, default True
        Divide the error by :math:`\|\rho\|_{L^2}`.
    dps : int, optional
        Decimal digits (default :math:`30 + 1.6m`, enough for the Hilbert-like grid
        :math:`\lambda_k = k`, whose condition number grows like :math:`e^{3.5m}`).

    Returns
    -------
    weights : numpy.ndarray, shape (m,)
    error : float
    """
    target = as_kernel(target, "target")
    lam_f = _as_rates(rates)
    if np.unique(lam_f).size != lam_f.size:
        raise ValueError("rates must be distinct")
    m = lam_f.size
    if dps is None:
        dps = int(30 + 1.6 * m)
    dps = as_integer("dps", dps, minimum=15)
    with mp.workdps(dps):
        lam = [mp.mpf(float(x)) for x in lam_f]
        b, n2 = _mp_laplace_and_norm(target, lam)
        G = mp.matrix(m, m)
        for i in range(m):
            for j in range(m):
                G[i, j] = 1 / (lam[i] + lam[j])
        a = mp.lu_solve(G, mp.matrix(b))
        R = n2 - sum(b[i] * a[i] for i in range(m))
        err = mp.sqrt(max(R, 0))
        if relative:
            err = err / mp.sqrt(n2)
        return np.array([float(x) for x in a]), float(err)


# ----------------------------------------------------------------------------- L¹ errors
def l1_error(target, rates, weights, *, relative: bool = True, panel: float = 0.05) -> float:
    r"""The :math:`L^1` error :math:`\int_0^\infty|\rho(t) - \sum_k a_k e^{-\lambda_k t}|\,dt`.

    This is the error of the approximation theorems,
    :math:`\sup_t\|H_t - \widehat H_t\|`. Computed with composite Gauss–Legendre
    in :math:`x = \ln(1+t)` (panels of width ``panel``, split at the sign changes of
    the residual, located by Brent's method) up to the time where the rest of
    :math:`\int|\rho|` is below :math:`10^{-10}\|\rho\|_1`.

    Parameters
    ----------
    target : Kernel
    rates, weights : array_like, shape (m,)
        The model :math:`\sum_k a_k e^{-\lambda_k t}`.
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^1}`.
    panel : float, default 0.05
        Panel width in :math:`x`.
    """
    target = as_kernel(target, "target")
    lam = _as_rates(rates)
    a = as_real_array("weights", weights, ndim=1)
    if a.shape != lam.shape:
        raise ValueError(f"weights must have the shape of rates {lam.shape}, got {a.shape}")
    panel = as_real_scalar("panel", panel, positive=True)
    n1 = float(target.norm(1))
    # horizon: where |ρ| has dropped far enough (power laws: T^{-ω}/ω < 1e-10 ‖ρ‖₁)
    if isinstance(target, PowerLaw):
        X = min(700.0, 23.0 / target.omega + 5.0)
    else:
        X = 5.0
        while X < 700 and abs(float(target(np.expm1(X)))) * np.expm1(X) > 1e-12 * n1:
            X += 2.0
    X = max(X, math.log1p(40.0 / lam.min()))
    edges = np.linspace(0.0, X, int(np.ceil(X / panel)) + 1)
    bps = [math.log1p(b) for b in target._breakpoints() if 0 < b < math.expm1(X)]
    edges = np.unique(np.concatenate([edges, bps]))

    def resid(xv):
        tv = np.expm1(xv)
        return target(tv) - np.exp(-np.multiply.outer(tv, lam)) @ a

    # the zeros of the residual become panel edges, so that |e| is smooth on every panel
    from scipy.optimize import brentq

    xs = np.unique(np.concatenate([edges, _panel_rule(edges)[0]]))  # sample at edges and all nodes
    ev = resid(xs)
    flips = np.flatnonzero(ev[:-1] * ev[1:] < 0)
    roots = [brentq(lambda xv: float(resid(np.array(xv))), xs[i], xs[i + 1], xtol=1e-15) for i in flips]
    edges = np.unique(np.concatenate([edges, roots]))
    x, w = _panel_rule(edges)
    t = np.expm1(x)
    e = resid(x)
    val = float(np.sum(w * np.abs(e) * (1.0 + t)))
    return val / n1 if relative else val


# ----------------------------------------------------------------------------- Hankel singular values
def _hsv_state_space(W, U, c) -> np.ndarray:
    """Square-root method: σ = svd(L_Qᵀ L_P) with P = L_P L_Pᵀ, Q = L_Q L_Qᵀ."""
    m = W.shape[0]
    if np.count_nonzero(W - np.diag(np.diag(W))) == 0 and np.all(np.isreal(np.diag(W))):
        lam = -np.diag(W)
        C = 1.0 / np.add.outer(lam, lam)  # Cauchy Gramian kernel, exact closed form
        P = np.outer(U[:, 0], U[:, 0]) * C
        Q = np.outer(c, c) * C
    else:
        P = linalg.solve_continuous_lyapunov(W, -U @ U.T)
        Q = linalg.solve_continuous_lyapunov(W.T, -np.outer(c, c))
    P, Q = 0.5 * (P + P.T), 0.5 * (Q + Q.T)

    def factor(S):
        d, V = linalg.eigh(S, driver="evd")
        return V * np.sqrt(np.clip(d, 0.0, None))

    with _single_thread_lapack():
        s = linalg.svd(factor(Q).T @ factor(P), compute_uv=False)
    return np.sort(s)[::-1][:m]


def _hsv_quadrature(target: Kernel, refine: int, tol: float) -> np.ndarray:
    r"""Nyström discretisation of Γ in t = e^x − 1 (Gauss–Legendre panels), symmetric: σ = |eig|."""
    f = lambda t: np.abs(target(t))  # noqa: E731
    # horizon: tail of the Hilbert–Schmidt norm ∫ r ρ(r)² dr beyond 2T below tol² of the total
    xs = np.linspace(0.0, 700.0, 7001)
    r = np.expm1(xs)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        h = np.nan_to_num(r * f(r) ** 2 * (1.0 + r))
    cum = np.cumsum(h[::-1])[::-1] * 0.1
    total = cum[0]
    if not total > 0:
        raise ValueError("target must be a non-zero kernel")
    idx = np.flatnonzero(cum < tol**2 * total)
    X2 = xs[idx[0]] if idx.size else 700.0  # horizon for r = t + s
    X = max(4.0, X2)  # each of t, s ≤ r
    fine_hi = min(X, 8.0)
    e1 = np.linspace(0.0, fine_hi, int(np.ceil(fine_hi * 4 * refine)) + 1)
    # beyond x = 8 the kernel varies on the scale of x itself (nearest complex singularity at
    # distance ≳ π for the kernels of this package): panels of width 2 keep 1e-15 accuracy
    e2 = np.arange(fine_hi, X + 2.0 / refine, 2.0 / refine)
    edges = np.unique(np.concatenate([e1, e2, [math.log1p(b) for b in target._breakpoints()]]))
    x, w = _panel_rule(edges)
    t = np.expm1(x)
    sw = np.sqrt(w * (1.0 + t))
    A = sw[:, None] * target(np.add.outer(t, t)) * sw[None, :]
    # divide-and-conquer LAPACK driver: the default QR-iteration driver is ~50x slower here
    with _single_thread_lapack():
        ev = linalg.eigh(0.5 * (A + A.T), eigvals_only=True, driver="evd")
    return np.sort(np.abs(ev))[::-1]


def hankel_singular_values(target, k: int, *, refine: int = 1, tol: float = 1e-8) -> np.ndarray:
    r"""The ``k`` largest Hankel singular values of a kernel, in descending order.

    The Hankel operator of :math:`\rho` maps past inputs to future outputs,

    .. math::

        (\Gamma_\rho f)(t) = \int_0^\infty \rho(t+s)\,f(s)\,ds, \qquad
        \Gamma_\rho : L^2[0,\infty) \to L^2[0,\infty),

    and :math:`\sigma_1 \ge \sigma_2 \ge \dots` are its singular values. A
    width-:math:`m` linear RNN has a Hankel operator of rank at most :math:`m`,
    hence every such model satisfies
    :math:`\|\rho-\hat\rho\|_{L^1} \ge \|\Gamma_{\rho-\hat\rho}\| \ge \sigma_{m+1}`.

    * Kernels with a state-space realisation :math:`(W, U, c)` (exponential
      sums, damped oscillations, :class:`~lrnn.LinearRNN`):
      :math:`\sigma_i = \sqrt{\lambda_i(PQ)}` with the Gramians
      :math:`WP + PW^\top = -UU^\top`, :math:`W^\top Q + QW = -cc^\top`
      (closed-form Cauchy Gramians :math:`U_iU_j/(\lambda_i+\lambda_j)` for a
      real diagonal :math:`W`), by the square-root method
      :math:`\sigma = \mathrm{svd}(L_Q^\top L_P)`. Accurate to about
      :math:`10^{-15}\sigma_1` in absolute terms, so to 1e-6 relative for
      :math:`\sigma_i \gtrsim 10^{-9}\sigma_1`; beyond the model order the
      values are zero.
    * Other kernels: Nyström discretisation in :math:`t = e^x - 1` with
      composite 10-point Gauss–Legendre panels (width 0.25/``refine`` for
      :math:`x<8`, 2/``refine`` beyond) up to the horizon where the
      Hilbert–Schmidt tail :math:`\int_{r>2T} r\rho(r)^2dr` falls below
      ``tol²`` of the total; :math:`\sigma_i = |\mathrm{eig}(D^{1/2}KD^{1/2})|`
      (the kernel :math:`\rho(t+s)` is symmetric). Check convergence with ``refine=2``.

    Parameters
    ----------
    target : Kernel or LinearRNN
        A scalar kernel (any :mod:`lrnn.kernels` kernel) or a scalar-input model.
    k : int
        How many singular values to return (k ≥ 1).
    refine : int, default 1
        Quadrature refinement factor (non-state-space kernels).
    tol : float, default 1e-8
        Relative truncation tolerance of the horizon (non-state-space kernels).

    Returns
    -------
    numpy.ndarray, shape (k,)
    """
    kern = as_kernel(target, "target")
    k = as_integer("k", k)
    refine = as_integer("refine", refine)
    tol = as_real_scalar("tol", tol, positive=True)
    ss = kern.state_space()
    if ss is not None:
        W, U, c = (np.asarray(a, float) for a in ss)
        U = U.reshape(W.shape[0], -1)
        s = _hsv_state_space(W, U, c)
    else:
        s = _hsv_quadrature(kern, refine, tol)
    out = np.zeros(k)
    out[: min(k, s.size)] = s[:k]
    return out


# ----------------------------------------------------------------------------- required width
@dataclass
class WidthResult:
    r"""The answer of :func:`required_width`.

    Attributes
    ----------
    width : int or None
        The smallest width reaching the target error (``kind='smallest'``), or a
        certified lower bound on it (``kind='lower bound'``). None when the search
        limit was reached, or when the width exceeds :math:`10^{15}` (then read
        ``log10_width``).
    error : float
        The relative error at that width, in the norm ``p`` (for ``p=1`` on the
        fixed grid: Markov's value, a lower bound on the best error that equals it
        where certified).
    min_rate : float
        The smallest decay rate :math:`\lambda_{\min}` used (the stability margin).
    model : LinearRNN or None
        The fitted diagonal model (None when the width exceeds ``model_limit``, was
        not reached, or for ``p=1`` on the fixed grid, whose :math:`L^1`-best weights
        grow too fast to be stored in float64; use :func:`lrnn.l1fit.best_l1_fit`).
    p : int
        The norm: 2 (relative :math:`L^2` error, the white-noise error) or 1 (relative
        :math:`L^1` error, the uniform error of the theorems).
    log10_width : float
        :math:`\log_{10}` of ``width`` (finite also when the width is astronomically large).
    kind : str
        ``'smallest'`` — the smallest width whose best error reaches :math:`\epsilon`;
        ``'lower bound'`` — a rigorous lower bound on it (``p=1``, fixed grid, beyond
        the widths where Markov's certificate is computed).
    bound_log10_width : float
        ``p=1``, fixed grid only: :math:`\log_{10}` of the lower bound on the width given
        by the book's Proposition (:func:`lrnn.l1fit.grid_l1_width_bound`); NaN otherwise.
    """

    width: int | None
    error: float
    min_rate: float
    model: LinearRNN | None
    p: int = 2
    log10_width: float = float("nan")
    kind: str = "smallest"
    bound_log10_width: float = float("nan")


def _fit_model(target: Kernel, rates: np.ndarray, well_conditioned: bool) -> LinearRNN:
    """The best L² model on ``rates``: :func:`lrnn.fit` for well-conditioned (geometric) grids,
    the extended-precision Gram solve for the Hilbert-like grid λ_k = kβ (where float64 weights
    computed in double precision lose digits: at m = 16 the weights differ by ~0.3%)."""
    if well_conditioned:
        try:
            from .approximation import fit
        except ImportError:  # pragma: no cover - the module ships with the package
            fit = None
        if fit is not None:
            return fit(target, int(rates.size), exponents=rates)
    weights, _ = exact_fit(target, rates)
    return LinearRNN.diagonal(rates, weights)


def _log10_or_nan(m) -> float:
    return math.log10(m) if m else float("nan")


def _required_width_l1(target: Kernel, epsilon: float, rule: str, beta: float, ratio: float, rate_max: float,
                       max_width: float | None, model_limit: int) -> WidthResult:
    """``required_width`` in the relative L¹ error (see its docstring)."""
    from . import l1fit

    if rule == "geometric":
        limit = int(min(max_width if max_width is not None else 200, 400))
        cache: dict[int, object] = {}

        def fit_at(m):
            if m not in cache:
                cache[m] = l1fit.best_l1_fit(target, geometric_rates(m, ratio, rate_max))
            return cache[m]

        # start at the L² width (cheap, Blaschke formula): the L¹ width is usually a little larger
        start = required_width(target, epsilon, "geometric", ratio=ratio, rate_max=rate_max,
                               max_width=limit, model_limit=0).width or 1
        m = min(start, limit)
        if fit_at(m).error <= epsilon:
            while m > 1 and fit_at(m - 1).error <= epsilon:
                m -= 1
            hi = m
        else:
            lo, step = m, 1
            while True:
                hi = min(lo + step, limit)
                if fit_at(hi).error <= epsilon:
                    break
                if hi == limit:
                    f = fit_at(limit)
                    return WidthResult(None, f.error, float(f.rates.min()), None, p=1)
                lo, step = hi, 2 * step
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if fit_at(mid).error <= epsilon:
                    hi = mid
                else:
                    lo = mid
        f = fit_at(hi)
        model = f.model if hi <= model_limit else None
        return WidthResult(int(hi), f.error, float(f.rates.min()), model, p=1, log10_width=math.log10(hi))
    # fixed grid: Markov's value D_m ≤ E_m, bisection in ln(m + 1)
    max_log = math.log(max_width + 1.0) if max_width is not None else 1e300
    bound = l1fit.grid_l1_width_bound(target, epsilon, beta)
    m, L, value = l1fit._fixed_l1_width(target, epsilon, beta, max_log)
    if m is None and L > max_log:
        return WidthResult(None, value, beta, None, p=1, kind="lower bound", bound_log10_width=bound)
    log10w = math.log10(m) if m is not None else (L + math.log1p(-math.exp(-L))) / math.log(10.0)
    kind = "lower bound"
    if m is not None and m <= 512 and l1fit.markov_certificate(target, m, beta)[1] <= epsilon:
        kind = "smallest"   # the interpolant reaches ε at m, while E_{m−1} ≥ D_{m−1} > ε
    width = m if m is not None and m <= 10**15 else None
    return WidthResult(width, value, beta, None, p=1, log10_width=log10w, kind=kind, bound_log10_width=bound)


def required_width(target, epsilon: float, rule: str = "fixed", *, p: int = 2, beta: float = 1.0,
                   ratio: float = 2.0, rate_max: float = 64.0, max_width: float | None = None,
                   model_limit: int = 64) -> WidthResult:
    r"""The smallest width whose best fit reaches relative error :math:`\epsilon` under an exponent rule.

    Rules:

    * ``'fixed'`` — the stable grid :math:`\lambda_k = k\beta` (stability margin
      :math:`\beta` for every width);
    * ``'geometric'`` — free exponents on the geometric grid
      :math:`\lambda_k = \lambda_{\max}r^{-(k-1)}` (:func:`geometric_rates`); the
      smallest rate then sits exponentially close to the stability boundary.

    Norms:

    * ``p=2`` (default) — relative :math:`L^2` error of the best :math:`L^2` fit.
      Fixed grid: doubling and bisection with :func:`fixed_grid_errors` (Blaschke
      formula), up to ``max_width`` (default :math:`10^{15}`); geometric: widths up to
      ``min(max_width, 400)``.
    * ``p=1`` — relative :math:`L^1` error :math:`\|\rho-\hat\rho\|_1/\|\rho\|_1` of the
      best :math:`L^1` fit (the uniform error of the theorems).

      - Geometric: the linear program of :func:`lrnn.l1fit.best_l1_fit` (accurate to
        about :math:`10^{-3}` relative), searched from the :math:`L^2` width, widths
        up to ``min(max_width, 400)`` (default 200).
      - Fixed grid: the smallest width whose Markov value
        (:func:`lrnn.l1fit.fixed_grid_l1_errors`, a lower bound on the best error
        :math:`E_m`) reaches :math:`\epsilon`, found by bisection in :math:`\ln(m+1)`, so
        that widths like :math:`10^{2000}` are found (read ``log10_width``). Since
        :math:`E_{m-1}\ge D_{m-1}>\epsilon`, it is a **lower bound** on the required
        width (``kind='lower bound'``); when :math:`m\le512` and Markov's interpolant
        reaches :math:`\epsilon` (:func:`lrnn.l1fit.markov_certificate`) it is the
        smallest width (``kind='smallest'``). ``bound_log10_width`` holds the weaker,
        explicit lower bound of the book's Proposition
        (:func:`lrnn.l1fit.grid_l1_width_bound`). No model is returned.

    Parameters
    ----------
    target : Kernel
        As in :func:`best_error` (``p=2``); any kernel of one sign at large times (``p=1``).
    epsilon : float
        Target relative error, :math:`0 < \epsilon < 1`.
    rule : {'fixed', 'geometric'}
    p : {2, 1}, default 2
        The norm of the error.
    beta : float, default 1.0
        Spacing of the fixed grid.
    ratio, rate_max : float
        Ratio (> 1) and largest rate of the geometric grid.
    max_width : float, optional
        Search limit (default :math:`10^{15}` for ``p=2``; for ``p=1``: 200 on the
        geometric grid, none on the fixed grid).
    model_limit : int, default 64
        Fit and return a model only up to this width: :func:`lrnn.fit` with the
        rates prescribed (geometric rule, ``p=2``), the extended-precision Gram solve
        of :func:`exact_fit` (fixed rule, ``p=2``), the linear program (geometric
        rule, ``p=1``).

    Returns
    -------
    WidthResult
    """
    target = as_kernel(target, "target")
    epsilon = as_real_scalar("epsilon", epsilon, positive=True)
    if not epsilon < 1:
        raise ValueError(f"epsilon must be a relative error in (0, 1), got {epsilon}")
    if rule not in ("fixed", "geometric"):
        raise ValueError(f"rule must be 'fixed' or 'geometric', got {rule!r}")
    if isinstance(p, (bool, np.bool_)) or p not in (1, 2):
        raise ValueError(f"p must be 1 or 2 (the L¹ or L² error), got {p!r}")
    if max_width is not None:
        max_width = as_real_scalar("max_width", max_width, positive=True)
    model_limit = as_integer("model_limit", model_limit, minimum=0)
    geometric_rates(1, ratio, rate_max)  # validates ratio and rate_max
    beta = as_real_scalar("beta", beta, positive=True)
    if p == 1:
        return _required_width_l1(target, epsilon, rule, beta, ratio, rate_max, max_width, model_limit)
    if max_width is None:
        max_width = 1e15
    if rule == "geometric":
        err = float("nan")
        for m in range(1, int(min(max_width, 400)) + 1):
            lam = geometric_rates(m, ratio, rate_max)
            err = best_error(target, lam)
            if err <= epsilon:
                model = _fit_model(target, lam, True) if m <= model_limit else None
                return WidthResult(m, err, float(lam.min()), model, log10_width=math.log10(m))
        return WidthResult(None, err, float(lam.min()), None)

    def err_at(m):
        return float(fixed_grid_errors(target, [m], beta)[0])

    lo = 0
    hi = 1
    e_hi = err_at(hi)
    while e_hi > epsilon:
        if hi >= max_width:
            return WidthResult(None, e_hi, beta, None)
        lo = hi
        hi = int(min(max_width, 2 * hi)) if hi < 2**53 else min(max_width, hi * hi)
        e_hi = err_at(hi)
    if hi > 2**53:  # beyond exact integers in float: bisect ln m to relative precision 1e-12
        a, b = math.log(max(lo, 1)), math.log(hi)
        while b - a > 1e-12 * b:
            mid = 0.5 * (a + b)
            if err_at(math.exp(mid)) <= epsilon:
                b = mid
            else:
                a = mid
        return WidthResult(int(round(math.exp(b))), err_at(math.exp(b)), beta, None, log10_width=b / math.log(10.0))
    while hi - lo > 1:
        mid = (lo + hi) // 2
        e_mid = err_at(mid)
        if e_mid <= epsilon:
            hi, e_hi = mid, e_mid
        else:
            lo = mid
    model = _fit_model(target, beta * np.arange(1.0, hi + 1.0), False) if hi <= model_limit else None
    return WidthResult(int(hi), e_hi, beta, model, log10_width=math.log10(hi))
