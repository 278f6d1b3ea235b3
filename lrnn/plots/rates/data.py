r"""The numbers of Chapter 3's figures, computed once per setting and cached, so that widgets and scrubbers only redraw.

Every function validates its arguments and then calls a cached computation on
plain floats and tuples. The numbers come from :mod:`lrnn.rates` (Blaschke and
Gram errors, Hankel singular values, geometric rates) and :mod:`lrnn.l1fit`
(Markov's exact :math:`L^1` formula, the Proposition's bounds, best :math:`L^1`
fits by linear programming).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ... import l1fit as L1
from ... import rates as R
from ..._validation import as_real_array, as_real_scalar, as_size
from ...kernels import Exponential, PowerLaw

__all__ = [
    "JACKSON_WIDTHS", "FREE_LP_WIDTHS", "CURSE_OMEGAS", "CURSE_EPSILONS",
    "asymptotic_fixed_error", "asymptotic_fixed_l1_error", "motivation_data", "jackson_data", "width_data",
    "curse_data", "widths_from_curves", "delay_line_data",
]

#: Widths of the Jackson experiment.
JACKSON_WIDTHS = (4, 6, 8, 12, 16, 24, 32)
#: Widths of the best-L¹ fits on free exponents (linear programs).
FREE_LP_WIDTHS = (4, 8, 12, 16, 20, 24, 28, 32)
#: Memory exponents ω of the curse experiment.
CURSE_OMEGAS = (0.1, 0.15, 0.25, 0.4, 0.6, 1.0)
#: Relative errors ε of the curse experiment.
CURSE_EPSILONS = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3)

#: Largest width of one best-L¹ fit (a linear program) or of one non-normal model in these experiments.
_MAX_FIT_WIDTH = 256
#: Largest number of widths, exponents or accuracies in one experiment.
_MAX_POINTS = 64


def _widths(name: str, values, limit: int = _MAX_FIT_WIDTH) -> tuple[int, ...]:
    """A non-empty increasing tuple of integer widths in [1, limit]."""
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence of integer widths, got {type(values).__name__}")
    if not 1 <= len(values) <= _MAX_POINTS:
        raise ValueError(f"{name} must contain 1 to {_MAX_POINTS} widths, got {len(values)}")
    out = tuple(as_size(name, v, limit=limit, why="the largest width of one fit in these experiments")
                for v in values)
    if any(b <= a for a, b in zip(out[:-1], out[1:])):
        raise ValueError(f"{name} must be increasing, got {out}")
    return out


def _floats(name: str, values, *, positive: bool = True) -> tuple[float, ...]:
    arr = as_real_array(name, values, ndim=1, nonempty=True)
    if arr.size > _MAX_POINTS:
        raise ValueError(f"{name} must contain at most {_MAX_POINTS} values, got {arr.size}")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be positive, got minimum {arr.min():g}")
    return tuple(float(v) for v in arr)


def _broadcastable(width: np.ndarray, omega: np.ndarray) -> None:
    try:
        np.broadcast_shapes(width.shape, omega.shape)
    except ValueError:
        raise ValueError(f"omega of shape {omega.shape} must broadcast against width of shape {width.shape}") from None


def _cached(wrapper, cached):
    """Give the validating ``wrapper`` the ``cache_clear``/``cache_info`` of the cached computation."""
    wrapper.cache_clear = cached.cache_clear
    wrapper.cache_info = cached.cache_info
    return wrapper


# ============================================================================ asymptotic laws
def asymptotic_fixed_error(width: ArrayLike, omega: ArrayLike) -> np.ndarray:
    r"""Large-width :math:`L^2` law of the grid :math:`\lambda_k = k`: :math:`(2\ln m + 2\gamma_E + 1)^{-(\omega+1/2)}`.

    The relative :math:`L^2` error of the best fit of :math:`(1+t)^{-(1+\omega)}`
    (derived in the chapter by Laplace's method from the Blaschke formula).

    Parameters
    ----------
    width : array_like
        Widths :math:`m \ge 1`.
    omega : array_like
        Exponents :math:`\omega \ge 0` (broadcast against ``width``).

    Returns
    -------
    numpy.ndarray
    """
    m = as_real_array("width", width)
    om = as_real_array("omega", omega)
    if m.size and np.any(m < 1):
        raise ValueError(f"width must be at least 1, got minimum {m.min():g}")
    if om.size and np.any(om < 0):
        raise ValueError(f"omega must be non-negative, got minimum {om.min():g}")
    _broadcastable(m, om)
    return (2.0 * np.log(m) + 2.0 * np.euler_gamma + 1.0) ** (-(om + 0.5))


def asymptotic_fixed_l1_error(width: ArrayLike, omega: ArrayLike, beta: float = 1.0) -> np.ndarray:
    r"""Large-width :math:`L^1` law of the grid :math:`\lambda_k = k\beta`: :math:`(1 + 2\ln(m+1)/\beta)^{-\omega}`.

    The relative :math:`L^1` error of the best fit of :math:`(1+t)^{-(1+\omega)}`:
    the relative tail :math:`\int_T^\infty\rho/\|\rho\|_1` beyond the horizon
    :math:`T = 2\ln(m+1)/\beta` (derived in the chapter from Markov's formula and
    Wallis' product).

    Parameters
    ----------
    width : array_like
        Widths :math:`m \ge 0`.
    omega : array_like
        Exponents :math:`\omega \ge 0` (broadcast against ``width``).
    beta : float, default 1
        The grid spacing :math:`\beta > 0`.

    Returns
    -------
    numpy.ndarray
    """
    m = as_real_array("width", width)
    om = as_real_array("omega", omega)
    beta = as_real_scalar("beta", beta, positive=True)
    if m.size and np.any(m < 0):
        raise ValueError(f"width must be non-negative, got minimum {m.min():g}")
    if om.size and np.any(om < 0):
        raise ValueError(f"omega must be non-negative, got minimum {om.min():g}")
    _broadcastable(m, om)
    with np.errstate(over="ignore"):
        base = 1.0 + 2.0 * np.log1p(m) / beta           # may be inf for a tiny beta: the error is then 0
    return base ** (-om)


# ============================================================================ motivation
@lru_cache(maxsize=2)
def _motivation_data(rate: float, omega: float) -> dict:
    widths = np.unique(np.round(np.logspace(0, 8, 41)))
    exp_target, pow_target = Exponential(rate), PowerLaw(omega)
    exp_l1 = np.full(widths.size, np.nan)
    small = widths <= 1000
    exp_l1[small] = L1.fixed_grid_l1_errors(exp_target, widths[small])
    return dict(rate=rate, omega=omega, widths=widths,
                exp_l2=R.fixed_grid_errors(exp_target, widths), pow_l2=R.fixed_grid_errors(pow_target, widths),
                exp_l1=exp_l1, pow_l1=L1.fixed_grid_best_l1(pow_target, widths))


def motivation_data(rate: float = 1.5, omega: float = 0.5) -> dict:
    r"""Best relative errors on the grid :math:`\lambda_k = k` for :math:`e^{-\kappa t}` and :math:`(1+t)^{-(1+\omega)}`.

    :math:`L^2`: Blaschke formula; :math:`L^1`: Markov's formula (exact for both
    targets: for :math:`e^{-\kappa t}` the interpolation error has the sign pattern of
    Markov's theorem at every width; for the power law the certificate is checked).
    The exponential's :math:`L^1` errors are shown up to :math:`m = 10^3`, where the
    alternating sum still has ten correct digits (NaN beyond).

    Parameters
    ----------
    rate : float, default 1.5
        The exponential's rate κ > 0.
    omega : float, default 0.5
        The power law's exponent ω > 0.

    Returns
    -------
    dict
        ``rate``, ``omega``, ``widths`` (41 widths log-spaced in [1, 1e8]), ``exp_l1``,
        ``exp_l2``, ``pow_l1``, ``pow_l2``.
    """
    return _motivation_data(as_real_scalar("rate", rate, positive=True),
                            as_real_scalar("omega", omega, positive=True))


_cached(motivation_data, _motivation_data)


# ============================================================================ Jackson slopes
@lru_cache(maxsize=64)
def _jackson_data(power: float, rate: float, widths: tuple) -> dict:
    target = R.RampExponential(power, rate, 1.0)
    alpha = int(math.ceil(power) - 1)
    bprime = rate / (alpha + 1)
    ms = np.array(widths)
    errors = {b: np.array([L1.best_l1_fit(target, b * np.arange(1.0, m + 1.0)).error for m in ms])
              for b in {bprime, 1.0}}                  # one grid when β' = 1
    proof, unit = errors[bprime], errors[1.0].copy()
    tail = slice(-4, None) if ms.size >= 2 else slice(None)
    slope = (lambda e: float(np.polyfit(np.log(ms[tail]), np.log(e[tail]), 1)[0])) if ms.size >= 2 \
        else (lambda e: float("nan"))
    return dict(power=power, rate=rate, widths=ms, proof=proof, unit=unit, alpha=alpha, bprime=bprime,
                slope_proof=slope(proof), slope_unit=slope(unit))


def jackson_data(power: float, rate: float, widths: tuple = JACKSON_WIDTHS) -> dict:
    r"""Best :math:`L^1` errors of :math:`(t-1)_+^{p}e^{-\kappa t}` on two stable grids (cached).

    * the grid of the Jackson construction, :math:`\lambda_k = k\beta'` with
      :math:`\beta' = \kappa/(\alpha+1)`, :math:`\alpha = \lceil p\rceil - 1` (the smoothness);
    * the grid :math:`\lambda_k = k`, which ignores the decay rate.

    Errors are relative, :math:`\|\rho-\hat\rho\|_1/\|\rho\|_1`, of the best :math:`L^1`
    fits (:func:`lrnn.l1fit.best_l1_fit`, accurate to about :math:`10^{-3}` relative).

    Parameters
    ----------
    power : float
        The smoothness exponent :math:`p > 0` of the ramp.
    rate : float
        The decay rate :math:`\kappa > 0`.
    widths : sequence of int, default :data:`JACKSON_WIDTHS`
        Increasing widths, each at most 256.

    Returns
    -------
    dict
        The widths, the two error arrays (``proof``, ``unit``), α, β′ and the slopes of
        :math:`\ln E` against :math:`\ln m` fitted over the last four widths
        (``slope_proof``, ``slope_unit``; NaN for a single width).
    """
    power = as_real_scalar("power", power, positive=True)
    rate = as_real_scalar("rate", rate, positive=True)
    return _jackson_data(power, rate, _widths("widths", widths))


_cached(jackson_data, _jackson_data)


# ============================================================================ errors against width
@lru_cache(maxsize=16)
def _width_data(omega: float, free_max: int, lp_widths: tuple) -> dict:
    target = PowerLaw(omega)
    fixed_m = np.unique(np.round(np.logspace(0, 8, 33)))
    free_m = np.arange(1, free_max + 1)
    lp_m = np.array(lp_widths)
    sig = R.hankel_singular_values(target, int(lp_m.max()) + 1)
    return dict(omega=omega, fixed_m=fixed_m,
                fixed_l1=L1.fixed_grid_best_l1(target, fixed_m),
                fixed_l1_bound=L1.grid_l1_lower_bound(target, fixed_m),
                fixed_l2=R.fixed_grid_errors(target, fixed_m),
                free_m=free_m, free_l2=np.array([R.best_error(target, R.geometric_rates(int(m))) for m in free_m]),
                lp_m=lp_m, free_l1=np.array([L1.best_l1_fit(target, R.geometric_rates(int(m))).error for m in lp_m]),
                hankel=sig[lp_m] / target.norm(1))


def width_data(omega: float, free_max: int = 32, lp_widths: tuple = FREE_LP_WIDTHS) -> dict:
    r"""Errors against width for :math:`(1+t)^{-(1+\omega)}` (cached).

    Parameters
    ----------
    omega : float
        The exponent ω > 0.
    free_max : int, default 32
        Largest width of the :math:`L^2` curve on free exponents (at most 256).
    lp_widths : sequence of int, default :data:`FREE_LP_WIDTHS`
        Increasing widths of the best-:math:`L^1` fits on free exponents (each at most 256).

    Returns
    -------
    dict
        * fixed grid :math:`\lambda_k = k`, widths ``fixed_m`` up to :math:`10^8`:
          ``fixed_l1`` (the best relative :math:`L^1` error: Markov's formula, certified up to
          :math:`m = 64`, :func:`lrnn.l1fit.fixed_grid_best_l1`),
          ``fixed_l1_bound`` (the Proposition's lower bound), ``fixed_l2`` (Blaschke);
        * free exponents :math:`64\cdot2^{-(k-1)}`: ``free_m``/``free_l2`` (widths 1..``free_max``,
          Blaschke), ``lp_m``/``free_l1`` (best relative :math:`L^1` errors from the linear
          program) and ``hankel`` (:math:`\sigma_{m+1}/\|\rho\|_1`: no width-:math:`m` linear
          RNN does better in :math:`L^1`).
    """
    omega = as_real_scalar("omega", omega, positive=True)
    free_max = as_size("free_max", free_max, limit=_MAX_FIT_WIDTH, why="the largest width of these experiments")
    return _width_data(omega, free_max, _widths("lp_widths", lp_widths))


_cached(width_data, _width_data)


# ============================================================================ the curse: width against ω
#: The L² curves: widths 1 … 512 sampled densely (the crossing of a large ε lies there), then 61 values of ln m
#: up to 300 ln 10, where ln E is nearly linear in ln(2 ln m + 2γ_E + 1) (the large-width law).
_SMALL_WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
_LAW_SHIFT = 2.0 * np.euler_gamma + 1.0


@lru_cache(maxsize=4)
def _curse_data(omegas: tuple) -> dict:
    logm = np.concatenate([np.log(np.array(_SMALL_WIDTHS, dtype=float)),
                           np.linspace(math.log(768.0), 300 * math.log(10.0), 61)])
    logL = np.linspace(math.log(math.log(2.0)), math.log(1e40), 160)
    l2, l1 = [], []
    for om in omegas:
        target = PowerLaw(om)
        l2.append(R.fixed_grid_errors(target, np.exp(logm)))
        l1.append(np.array([L1._fixed_grid_l1_from_log(target, math.exp(x), 1.0) for x in logL]))
    out = dict(omegas=np.array(omegas), l2_logm=logm, l2_err=np.array(l2), l1_logL=logL, l1_err=np.array(l1))
    _CURVES[id(out)] = omegas
    return out


#: id → omegas of the curves made by :func:`_curse_data` (so that their widths can be cached as well).
_CURVES: dict[int, tuple] = {}


def curse_data(omegas: tuple = CURSE_OMEGAS) -> dict:
    r"""Fixed-grid error curves from which the required widths are read for any :math:`\epsilon` (cached).

    Parameters
    ----------
    omegas : sequence of float, default :data:`CURSE_OMEGAS`
        The exponents ω > 0 (at most 64).

    Returns
    -------
    dict
        ``omegas``; ``l2_logm`` (:math:`\ln m` from 0 to :math:`300\ln 10`, dense below
        :math:`m = 512`) with ``l2_err[i]`` (best relative :math:`L^2` errors); ``l1_logL`` (:math:`\ln\ln(m+1)` on a grid up to
        :math:`\ln(m+1)=10^{40}`) with ``l1_err[i]`` (Markov's formula, relative :math:`L^1`).
    """
    return _curse_data(_floats("omegas", omegas))


_cached(curse_data, _curse_data)


def _interp_monotone(x_grid, err, epsilon):
    """x where the decreasing curve err(x) crosses ε (log-linear interpolation); NaN if not reached."""
    ok = err <= epsilon
    if not ok.any():
        return np.nan
    j = int(np.argmax(ok))
    if j == 0:
        return float(x_grid[0])
    e0, e1 = math.log(err[j - 1]), math.log(err[j])
    return float(x_grid[j - 1] + (math.log(epsilon) - e0) * (x_grid[j] - x_grid[j - 1]) / (e1 - e0))


def widths_from_curves(data: dict, epsilon: float) -> dict:
    r"""Widths the fixed grid needs for relative error :math:`\epsilon`, read from :func:`curse_data`.

    Parameters
    ----------
    data : dict
        The curves of :func:`curse_data`.
    epsilon : float
        The relative error, :math:`10^{-12} \le \epsilon < 1` (smaller values need widths far beyond
        the curves, :math:`10^{10^{40}}`).

    The :math:`L^2` curve is interpolated linearly in :math:`\ln E` against
    :math:`\ln(2\ln m+2\gamma_E+1)` (exact for the large-width law; within :math:`3\cdot10^{-3}`
    decades of the exact search beyond :math:`m = 512`), and a width up to 512, where the
    curves are sampled densely, is rounded up to the next integer (the smallest width that
    reaches :math:`\epsilon`).

    Returns
    -------
    dict
        ``log10_l2`` (:math:`L^2`), ``log10_l1`` (:math:`L^1`, Markov's formula) and
        ``log10_bound`` (the Proposition's lower bound in :math:`L^1`), each :math:`\log_{10} m`
        per :math:`\omega` (NaN: beyond the curves).
    """
    keys = ("omegas", "l2_logm", "l2_err", "l1_logL", "l1_err")
    if not isinstance(data, dict) or any(k not in data for k in keys):
        raise TypeError(f"data must be the dict returned by curse_data (keys {keys})")
    epsilon = as_real_scalar("epsilon", epsilon, minimum=1e-12, below=1.0)
    omegas = tuple(float(om) for om in data["omegas"])
    if _CURVES.get(id(data)) == omegas and data is _curse_data(omegas):   # the cached curves: cache the widths too
        return {k: v.copy() for k, v in _cached_widths(omegas, epsilon).items()}
    return _widths_from_curves(data, epsilon)


@lru_cache(maxsize=64)
def _cached_widths(omegas: tuple, epsilon: float) -> dict:
    return _widths_from_curves(_curse_data(omegas), epsilon)


def _widths_from_curves(data: dict, epsilon: float) -> dict:
    l2, l1, bound = [], [], []
    law = np.log(2.0 * np.asarray(data["l2_logm"]) + _LAW_SHIFT)     # ln E is nearly linear in this variable
    for i, om in enumerate(data["omegas"]):
        x = _interp_monotone(law, data["l2_err"][i], epsilon)
        log_m = 0.5 * (math.exp(x) - _LAW_SHIFT) if np.isfinite(x) else np.nan
        if log_m <= math.log(_SMALL_WIDTHS[-1]):                         # the densely sampled widths: an integer
            log_m = math.log(math.ceil(math.exp(log_m) - 1e-9))
        l2.append(log_m / math.log(10.0))
        xl = _interp_monotone(data["l1_logL"], data["l1_err"][i], epsilon)
        L = math.exp(xl) if np.isfinite(xl) else np.nan
        l1.append((L + math.log1p(-math.exp(-L))) / math.log(10.0) if np.isfinite(L) else np.nan)
        bound.append(L1.grid_l1_width_bound(PowerLaw(float(om)), epsilon))
    return dict(log10_l2=np.array(l2), log10_l1=np.array(l1), log10_bound=np.array(bound))


# ============================================================================ Bernstein: a non-normal family
def _delay_line(m: int, a: float, g: float, beta: float):
    """W = −aI + g N (N the down-shift), U = e₁, c_j = ((a − β/2)/g)^j, j = 0..m−1."""
    W = -a * np.eye(m) + g * np.eye(m, k=-1)
    U = np.zeros(m)
    U[0] = 1.0
    c = ((a - beta / 2.0) / g) ** np.arange(m)
    return W, U, c


@lru_cache(maxsize=4)
def _delay_line_data(a: float, g: float, beta: float, widths: tuple) -> dict:
    from scipy import linalg

    t = np.linspace(0.0, 30.0, 601)
    b = a - beta / 2.0
    kernels = np.array([np.exp(-beta * t / 2.0) * special.gammaincc(m, b * t) for m in widths])
    tf = np.linspace(0.0, 200.0, 40001)
    sup_error = np.array([np.max(np.exp(-beta * tf / 2.0) * special.gammainc(m, b * tf)) for m in widths])
    tn = np.linspace(0.0, 12.0, 61)
    norms, wnorm, cnorm = [], [], []
    with L1._single_thread_lapack():
        for m in widths[:3]:
            W, U, c = _delay_line(m, a, g, beta)
            j = np.arange(m)
            cols = [np.exp(-a * s + j * np.log(g * s) - special.gammaln(j + 1.0)) if s > 0 else (j == 0) * 1.0
                    for s in tn]
            norms.append([np.linalg.norm(linalg.toeplitz(col, np.zeros(m)), 2) for col in cols])
            wnorm.append(np.linalg.norm(W, 2))
            with np.errstate(over="ignore"):
                cnorm.append(np.linalg.norm(c))
    return dict(a=a, g=g, beta=beta, widths=np.array(widths), t=t, kernels=kernels, sup_error=sup_error,
                tn=tn, norms=np.array(norms), W_norm=np.array(wnorm), c_norm=np.array(cnorm))


def delay_line_data(a: float = 2.0, g: float = 3.0, beta: float = 1.0, widths: tuple = (10, 20, 40, 80)) -> dict:
    r"""The family :math:`W_m = -aI + gN_m`, :math:`U = e_1`, :math:`c_j = ((a-\beta/2)/g)^j`.

    Its kernels are :math:`e^{-at}\sum_{j<m}((a-\beta/2)t)^j/j! = e^{-\beta t/2}Q(m, (a-\beta/2)t)`
    (:math:`Q` the regularised upper incomplete Gamma function) and converge uniformly
    to :math:`e^{-\beta t/2}`. :math:`e^{W_mt} = e^{-at}\sum_{j<m}(gt)^jN^j/j!` is the lower
    triangular Toeplitz matrix with first column :math:`e^{-at}(gt)^j/j!`; its spectral norm
    shows the transient growth that no spectral margin controls.

    Parameters
    ----------
    a : float, default 2
        The spectral margin: every eigenvalue of :math:`W_m` is :math:`-a`; :math:`a > \beta/2`.
    g : float, default 3
        The gain :math:`g > 0` of the shift.
    beta : float, default 1
        Twice the decay rate of the limit kernel :math:`e^{-\beta t/2}`, :math:`\beta > 0`.
    widths : sequence of int, default (10, 20, 40, 80)
        Increasing widths m (each at most 256); the norms are computed for the first three.

    Returns
    -------
    dict
        ``t``, ``kernels``, ``sup_error`` (per width, on a fine grid), ``tn``, ``norms`` (first
        three widths), ``W_norm``, ``c_norm`` (norms of the parameters) and the arguments.
    """
    a = as_real_scalar("a", a, positive=True, maximum=1e6)
    g = as_real_scalar("g", g, positive=True, maximum=1e6)
    beta = as_real_scalar("beta", beta, positive=True)
    if not a > beta / 2.0:
        raise ValueError(f"a must exceed beta / 2 = {beta / 2.0:g} (the kernels then converge), got {a:g}")
    return _delay_line_data(a, g, beta, _widths("widths", widths))


_cached(delay_line_data, _delay_line_data)
