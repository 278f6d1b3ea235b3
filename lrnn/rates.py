r"""Approximation rates and the curse of memory: best errors on rules of rates, and the widths they need.

The best :math:`L^2[0,\infty)` approximation of a memory kernel :math:`\rho` from the span of
:math:`e^{-\lambda_1 t},\dots,e^{-\lambda_m t}` (a diagonal linear RNN with *prescribed* decay rates
:math:`\lambda_k > 0`) has a closed form whenever :math:`\rho` is a Laplace transform,
:math:`\rho(t) = \int e^{-ut}\,d\mu(u)`. With the Blaschke product

.. math::

    B(u) = \prod_{k=1}^m \frac{\lambda_k - u}{\lambda_k + u},

the squared residual of the best approximation is (Müntz–Szász / Blaschke identity)

.. math::

    R = \min_{a}\Big\|\rho - \sum_k a_k e^{-\lambda_k t}\Big\|_{L^2}^2
      = \iint \frac{B(u)\,B(v)}{u+v}\,d\mu(u)\,d\mu(v)

(:func:`best_error`, the same function as :func:`lrnn.approximation.best_error`; the measure is the kernel's own,
:meth:`lrnn.kernels.Kernel.laplace_measure`). No Gram matrix (whose entries :math:`1/(\lambda_i+\lambda_j)` make
it as ill-conditioned as a Hilbert matrix) is formed. For the grid :math:`\lambda_k = k\beta` the product has the
Gamma-function form :math:`B(u) = \frac{\Gamma(m+1-v)\Gamma(1+v)}{\Gamma(1-v)\Gamma(m+1+v)}`, :math:`v = u/\beta`
(:func:`grid_blaschke`), which makes widths :math:`m = 10^{8}` and beyond cheap (:func:`fixed_grid_errors`).

The same quantity is also computed the direct way, by a Cholesky solve of the Gram system in extended precision
(:func:`exact_fit`), which returns the fitted weights.

The width a rule of rates needs for a relative error :math:`\epsilon` (:func:`required_width`) is computed in
:math:`L^2` (``p=2``, the white-noise error) or in :math:`L^1` (``p=1``, the uniform error of the theorems, with
the solvers of :mod:`lrnn.l1fit`).

Lower bounds valid for *every* width-:math:`m` linear RNN come from the Hankel operator
(:func:`hankel_singular_values`, module :mod:`lrnn.hankel`): :math:`\|\rho-\hat\rho\|_{L^1} \ge
\sigma_{m+1}(\Gamma_\rho)`. :class:`RampExponential` is a kernel of :mod:`lrnn.kernels`, importable here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import _muntz, l1fit
from ._blaschke import as_rates, blaschke, grid_blaschke
from ._linalg import single_threaded
from ._model_errors import relative_to, residual_integral
from ._muntz import best_error, exact_fit, fixed_grid_errors
from ._validation import as_bool, as_choice, as_norm_order, as_real_array, as_real_scalar, as_size, float64_failures_name
from .hankel import hankel_singular_values
from .kernels import Kernel, RampExponential
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


# ----------------------------------------------------------------------------- rules of rates
def geometric_rates(width: int, ratio: float = 2.0, rate_max: float = 64.0) -> np.ndarray:
    r"""The free-exponent grid :math:`\lambda_k = \lambda_{\max}\,r^{-(k-1)}`, :math:`k = 1..m` (descending).

    Its smallest rate :math:`\lambda_{\min} = \lambda_{\max} r^{-(m-1)}` approaches the stability boundary
    exponentially fast in the width.

    Parameters
    ----------
    width : int
        The width m (at most 2²⁰).
    ratio : float, default 2.0
        The ratio r > 1 between neighbouring rates.
    rate_max : float, default 64.0
        The largest rate :math:`\lambda_{\max} > 0`.

    Returns
    -------
    numpy.ndarray, shape (m,)
        Positive rates; a ``ValueError`` names ``ratio`` when the smallest one underflows float64.
    """
    m = as_size("width", width, limit=2**20, why="the largest set of rates handled at once")
    ratio = as_real_scalar("ratio", ratio, above=1.0)
    rate_max = as_real_scalar("rate_max", rate_max, positive=True)
    lam = _geometric(m, ratio, rate_max)
    if lam is None:
        raise ValueError(f"ratio = {ratio:g}, rate_max = {rate_max:g}: the smallest of {m} geometric rates "
                         f"underflows float64 (rate_max * ratio**-(width - 1) < 1e-300)")
    return lam


def _geometric(m: int, ratio: float, rate_max: float) -> np.ndarray | None:
    """The geometric grid, or None when its smallest rate is below 1e-300 (validated arguments)."""
    if math.log(rate_max) - (m - 1) * math.log(ratio) < math.log(1e-300):
        return None
    with np.errstate(under="ignore"):
        return rate_max * ratio ** -np.arange(m, dtype=float)


# ----------------------------------------------------------------------------- L¹ errors
def l1_error(target: Kernel | LinearRNN, rates: ArrayLike, weights: ArrayLike, *, relative: bool = True,
             panel: float = 0.05) -> float:
    r"""The :math:`L^1` error :math:`\int_0^\infty|\rho(t) - \sum_k a_k e^{-\lambda_k t}|\,dt`.

    This is the error of the approximation theorems, :math:`\sup_t\|H_t - \widehat H_t\|`; the same integral as
    :func:`lrnn.approximation.l1_error` for the model ``LinearRNN.diagonal(rates, weights)``: composite
    Gauss–Legendre in :math:`x = \ln(1+t)` on panels of width ``panel``, split at the sign changes of the
    residual and bisected adaptively (relative tolerance about :math:`10^{-11}`), out to where the rest is
    negligible.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    rates, weights : array_like, shape (m,)
        The model :math:`\sum_k a_k e^{-\lambda_k t}` (positive rates, at most 4096).
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^1}` (the zero kernel then raises ``ValueError``).
    panel : float, default 0.05
        The first panel width in :math:`x`, in :math:`[10^{-4}, 1]`.

    Returns
    -------
    float
    """
    from ._model_errors import model_kernel

    target = as_kernel(target, "target")
    lam = as_rates(rates, distinct=False, limit=4096, why="the model's kernel is tabulated over all rates")
    a = as_real_array("weights", weights, ndim=1)
    if a.shape != lam.shape:
        raise ValueError(f"weights must have the shape of rates {lam.shape}, got {a.shape}")
    relative = as_bool("relative", relative)
    panel = as_real_scalar("panel", panel, minimum=1e-4, maximum=1.0)
    if relative and target.is_zero:
        raise ValueError("target is the zero kernel: a relative error divides by its norm 0 (use relative=False)")
    kernel_hat, slowest, terms = model_kernel(LinearRNN.diagonal(lam, a))
    with single_threaded():
        val = residual_integral(target, kernel_hat, 1, slowest, terms, panel=panel)
    return relative_to(val, target, 1) if relative else val


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
    """The best L² model on ``rates``: the weights of :func:`lrnn.fit` for well-conditioned (geometric) grids,
    the extended-precision Gram solve for the Hilbert-like grid λ_k = kβ (where float64 weights computed in
    double precision lose digits: at m = 16 the weights differ by ~0.3%)."""
    with single_threaded():
        if well_conditioned:
            return LinearRNN.diagonal(rates, _muntz.fixed_rate_weights(target, rates))
        return LinearRNN.diagonal(rates, _muntz.fixed_rate_weights(target, rates, regularise=False))


def _log10_or_nan(m) -> float:
    return math.log10(m) if m else float("nan")


def _required_width_l1(target: Kernel, epsilon: float, rule: str, beta: float, ratio: float, rate_max: float,
                       max_width: float | None, model_limit: int) -> WidthResult:
    """``required_width`` in the relative L¹ error (see its docstring)."""
    if rule == "geometric":
        limit = int(min(max_width if max_width is not None else 200, 400))
        cache: dict[int, object] = {}

        def fit_at(m):
            if m not in cache:
                lam = _geometric(m, ratio, rate_max)
                if lam is None:
                    raise _SearchEnd(m)
                try:
                    cache[m] = l1fit.best_l1_fit(target, lam)
                except ValueError as exc:
                    raise ValueError(f"ratio, rate_max: the geometric rates of width {m} defeat the linear "
                                     f"program ({exc})") from None
            return cache[m]

        # start at the L² width (cheap, Blaschke formula; the L¹ width is usually a little larger), where the
        # kernel knows its Laplace measure
        start = 1
        if target.laplace_measure() is not None or _muntz.atoms(target) is not None:
            start = required_width(target, epsilon, "geometric", ratio=ratio, rate_max=rate_max,
                                   max_width=limit, model_limit=0).width or 1
        m = min(start, limit)
        try:
            return _geometric_l1_search(fit_at, m, epsilon, limit, model_limit)
        except _SearchEnd as end:
            f = fit_at(end.width - 1)             # width 1 never underflows: rate_max > 0
            return WidthResult(None, f.error, float(f.rates.min()), None, p=1)
    return _fixed_l1(target, epsilon, beta, max_width)


class _SearchEnd(Exception):
    """The geometric rates underflow at this width: the search ends there."""

    def __init__(self, width: int):
        super().__init__(width)
        self.width = width


def _geometric_l1_search(fit_at, m: int, epsilon: float, limit: int, model_limit: int) -> WidthResult:
    """Down from a width that reaches ε, or doubling and bisection up to ``limit`` (the geometric L¹ search)."""
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


def _fixed_l1(target: Kernel, epsilon: float, beta: float, max_width: float | None) -> WidthResult:
    """The fixed-grid L¹ search: Markov's value D_m ≤ E_m, bisection in ln(m + 1)."""
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


@float64_failures_name("target", finite_result=False)
def required_width(target: Kernel | LinearRNN, epsilon: float, rule: str = "fixed", *, p: int = 2, beta: float = 1.0,
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
        Fit and return a model only up to this width (at most 128): :func:`lrnn.fit` with the
        rates prescribed (geometric rule, ``p=2``), the extended-precision Gram solve
        of :func:`exact_fit` (fixed rule, ``p=2``), the linear program (geometric
        rule, ``p=1``).

    Returns
    -------
    WidthResult
    """
    target = as_kernel(target, "target")
    epsilon = as_real_scalar("epsilon", epsilon, positive=True, below=1.0)
    rule = as_choice("rule", rule, ("fixed", "geometric"))
    p = as_norm_order(p)
    if max_width is not None:
        max_width = as_real_scalar("max_width", max_width, minimum=1.0)
    model_limit = as_size("model_limit", model_limit, minimum=0, limit=_muntz.MAX_MP_TERMS,
                          why="models are fitted in extended precision up to this width")
    ratio = as_real_scalar("ratio", ratio, above=1.0)
    rate_max = as_real_scalar("rate_max", rate_max, positive=True)
    beta = as_real_scalar("beta", beta, positive=True)
    if target.is_zero:
        raise ValueError("target is the zero kernel: its relative error is undefined (its norm is 0)")
    if p == 1:
        # a kernel's L¹ horizon beyond float64 times for this accuracy names epsilon (float64_failures_name)
        return _required_width_l1(target, epsilon, rule, beta, ratio, rate_max, max_width, model_limit)
    if max_width is None:
        max_width = 1e15
    if rule == "geometric":
        return _geometric_l2(target, epsilon, ratio, rate_max, max_width, model_limit)
    return _fixed_l2(target, epsilon, beta, max_width, model_limit)


def _geometric_l2(target: Kernel, epsilon: float, ratio: float, rate_max: float, max_width: float,
                  model_limit: int) -> WidthResult:
    """Widths 1, 2, … on the geometric grid (Blaschke formula) until the error reaches ε."""
    err, lam_min = math.inf, rate_max
    for m in range(1, int(min(max_width, 400)) + 1):
        lam = _geometric(m, ratio, rate_max)
        if lam is None:             # the smallest rate underflows: no wider grid exists in float64
            break
        err, lam_min = _muntz._best_error(target, lam, "auto", 1) / float(target.norm(2)), float(lam.min())
        if err <= epsilon:
            model = _fit_model(target, lam, True) if m <= model_limit else None
            return WidthResult(m, err, lam_min, model, log10_width=math.log10(m))
    if _geometric(1, ratio, rate_max) is None:
        raise ValueError(f"rate_max = {rate_max:g} is too small: the geometric grid underflows float64 "
                         f"before its first width")
    if not math.isfinite(err):
        raise ValueError(f"target = {target!r}: its best errors on the geometric grid are not finite in float64")
    return WidthResult(None, err, lam_min, None)


def _fixed_l2(target: Kernel, epsilon: float, beta: float, max_width: float, model_limit: int) -> WidthResult:
    """Doubling and bisection on the grid kβ (Gamma-function Blaschke products, any width)."""

    def err_at(m):
        return float(fixed_grid_errors(target, [m], beta)[0])

    lo = 0
    hi = 1
    e_hi = err_at(hi)
    while e_hi > epsilon:
        if hi >= max_width:
            return WidthResult(None, e_hi, beta, None)
        lo = hi
        hi = int(min(max_width, 2 * hi)) if hi < 2**53 else min(max_width, float(hi) * float(hi))
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
    hi = int(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        e_mid = err_at(mid)
        if e_mid <= epsilon:
            hi, e_hi = mid, e_mid
        else:
            lo = mid
    model = _fit_model(target, beta * np.arange(1.0, hi + 1.0), False) if hi <= model_limit else None
    return WidthResult(int(hi), e_hi, beta, model, log10_width=math.log10(hi))
