r"""Best :math:`L^1` approximation of a memory kernel by exponential sums with prescribed rates.

The error of the approximation theorems is the uniform error
:math:`\sup_t\|H_t-\widehat H_t\| = \|\rho-\hat\rho\|_{L^1}`. For prescribed decay rates
:math:`\lambda_1,\dots,\lambda_m > 0` (a diagonal linear RNN :math:`W = -\operatorname{diag}(\lambda_k)`), the best
error

.. math::

    E_m = \min_{a\in\mathbb R^m}\int_0^\infty\Big|\rho(t)-\sum_{k=1}^m a_k e^{-\lambda_k t}\Big|\,dt

is a convex problem. This module computes it in three ways.

* :func:`best_l1_fit` — any rates: a linear program (HiGHS) on a graded Gauss–Legendre discretisation of
  :math:`[0, T]`, in its dual form :math:`\max\{\sum_i y_i\rho(t_i) : B^\top y = -\tau,\ |y_i|\le w_i\}` (only
  :math:`m` equality constraints), in a well-conditioned basis (shifted Legendre polynomials in
  :math:`u=e^{-\beta t}` for the grid :math:`\lambda_k=k\beta`, orthonormalised exponentials otherwise). The tail
  :math:`[T,\infty)` enters exactly, as :math:`\int_T^\infty\rho - \tau\cdot c`, under the sign condition
  :math:`\rho-\hat\rho` of one sign there, which is checked. The sign changes of the first solution's residual
  become panel edges and the program is solved again, so that :math:`|\rho-\hat\rho|` is smooth on every panel. The
  reported error is the :math:`L^1` norm of the fitted residual computed on a second, finer quadrature: an upper
  bound on :math:`E_m` that is accurate to the discretisation. :func:`fixed_grid_best_l1` combines the two
  methods on the grid :math:`k\beta`.
* :func:`fixed_grid_l1_errors`, :func:`markov_certificate` — the grid :math:`\lambda_k = k\beta`, any width:
  Markov's dual certificate (module :mod:`lrnn._markov`).
* :func:`grid_l1_lower_bound`, :func:`grid_l1_width_bound` — the book's Proposition (Nikolskii's inequality,
  module :mod:`lrnn._markov`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.polynomial import legendre as _leg
from numpy.typing import ArrayLike
from scipy import linalg, optimize

from . import _limits
from ._blaschke import as_rates
from ._linalg import single_threaded
from ._markov import (_fixed_grid_l1_from_log, _fixed_l1_width, as_widths, fixed_grid_l1_errors,  # noqa: F401
                      grid_l1_lower_bound, grid_l1_width_bound, l1_scale, markov_certificate)
from ._validation import as_bool, as_size, check_table, float64_failures_name
from .kernels import Kernel
from .rnn import LinearRNN, as_kernel

__all__ = [
    "L1Fit",
    "best_l1_fit",
    "fixed_grid_l1_errors",
    "fixed_grid_best_l1",
    "markov_certificate",
    "grid_l1_lower_bound",
    "grid_l1_width_bound",
]

_GL_FIRST = np.polynomial.legendre.leggauss(4)   # the first, coarse program
_GL_LP = np.polynomial.legendre.leggauss(8)      # the linear program's rule
_GL_CHECK = np.polynomial.legendre.leggauss(12)  # the independent error quadrature
_GRADING = 16                                      # panels graded towards a kernel's breakpoint
_PANEL = 0.5                                       # panel width of the program in ln t

#: The most rates of one linear program.
MAX_L1_RATES = 512

#: The latest time the program discretises (geometric panels from 0.02/λ_max).
_T_LIMIT = 1e300

#: BLAS/LAPACK single-threaded inside a block (the name :mod:`lrnn.plots.rates` uses; see :mod:`lrnn._linalg`).
_single_thread_lapack = single_threaded


def _panels(edges: np.ndarray, rule) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights on consecutive ``edges``."""
    a, b = edges[:-1], edges[1:]
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    return (mid[:, None] + half[:, None] * rule[0]).ravel(), (half[:, None] * rule[1]).ravel()


# ----------------------------------------------------------------------------- the linear program
@dataclass
class L1Fit:
    r"""A fitted exponential sum :math:`\hat\rho(t)=\sum_k a_k e^{-\lambda_k t}` and its :math:`L^1` error.

    Attributes
    ----------
    rates : numpy.ndarray
        The prescribed rates :math:`\lambda_k` (in the order given).
    error : float
        :math:`\|\rho-\hat\rho\|_{L^1}` of this fit (divided by :math:`\|\rho\|_{L^1}`
        when ``relative``), by a quadrature independent of the program's: an upper
        bound on the best error :math:`E_m`.
    lp_value : float
        The optimum of the discretised program (same normalisation as ``error``).
    sign_changes : numpy.ndarray
        The times where the residual :math:`\rho-\hat\rho` changes sign.
    relative : bool
    weights : numpy.ndarray
        (property) The weights :math:`a_k`. On the grid :math:`\lambda_k = k\beta` they
        are the exact power-basis coefficients of the fitted polynomial, rounded to
        float64; they grow quickly with the width and cancel, so evaluate the model
        by calling the fit (a stable basis), not from ``weights``.
    """

    rates: np.ndarray
    error: float
    lp_value: float
    sign_changes: np.ndarray
    relative: bool
    _evaluate: object = field(repr=False, default=None)
    _weights: object = field(repr=False, default=None)

    def __call__(self, t) -> np.ndarray:
        r"""The model kernel :math:`\hat\rho(t)`, evaluated in the fit's stable basis."""
        t = np.asarray(t, float)
        return self._evaluate(t.ravel()).reshape(t.shape)

    @property
    def weights(self) -> np.ndarray:
        """The weights :math:`a_k` of the fit (see the class attributes)."""
        if callable(self._weights):
            self._weights = self._weights()
        return self._weights

    @property
    def model(self) -> LinearRNN:
        """The fit as a diagonal :class:`~lrnn.LinearRNN` (``W = -diag(rates)``, ``U = 1``, ``c = weights``)."""
        return LinearRNN.diagonal(self.rates, self.weights)


@lru_cache(maxsize=8)
def _shifted_legendre_to_power(m: int) -> tuple:
    """Integer matrix M with P_j(2u−1) = Σ_i M[j][i] u^i (exact Python ints)."""
    return tuple(tuple(math.comb(j, i) * math.comb(j + i, i) * (-1) ** (j + i) if i <= j else 0 for i in range(m))
                 for j in range(m))


class _LegendreBasis:
    r"""The grid :math:`\lambda_k = k\beta`: :math:`b_j(t) = u\,P_j(2u-1)`, :math:`u = e^{-\beta t}`, :math:`j<m`."""

    def __init__(self, beta: float, m: int):
        self.beta, self.m = beta, m

    def matrix(self, t):
        u = np.exp(-self.beta * t)
        return _leg.legvander(2.0 * u - 1.0, self.m - 1) * u[:, None]

    def tail(self, T):
        r""":math:`\int_T^\infty b_j\,dt = \beta^{-1}\int_0^{u_T}P_j(2u-1)\,du`."""
        uT = math.exp(-self.beta * T)
        eye = np.eye(self.m)
        up = _leg.legval(2.0 * uT - 1.0, _leg.legint(eye, lbnd=-1.0, axis=0))
        return 0.5 * up / self.beta

    def tail_bound(self, T, coef):
        r""":math:`\int_T^\infty|\hat\rho|\le e^{-\beta T}\sum_j|c_j|/\beta` (:math:`|P_j|\le1`)."""
        return math.exp(-self.beta * T) * float(np.sum(np.abs(coef))) / self.beta

    def evaluate(self, coef):
        beta = self.beta

        def f(t):
            u = np.exp(-beta * t)
            return u * _leg.legval(2.0 * u - 1.0, coef)
        return f

    def weights(self, coef, rates):
        """Power-basis coefficients of u·p(u), summed exactly (rationals) from the Legendre coefficients."""
        from fractions import Fraction

        M = _shifted_legendre_to_power(self.m)
        c = [Fraction(float(x)) for x in coef]
        try:
            mono = [float(sum(c[j] * M[j][i] for j in range(i, self.m))) for i in range(self.m)]
        except OverflowError:
            raise ValueError(f"the power-basis weights of this width-{self.m} fit overflow float64; evaluate the "
                             "fit by calling it (a stable basis)") from None
        a_by_k = np.array(mono)  # coefficient of u^(i+1), i.e. of the rate (i+1)β
        k = np.rint(rates / self.beta).astype(int)
        return a_by_k[k - 1]


class _ExponentialBasis:
    r"""Any rates: :math:`b_k(t) = \lambda_k e^{-\lambda_k t}` (unit :math:`L^1` norm each)."""

    def __init__(self, rates):
        self.rates = rates

    def matrix(self, t):
        return np.exp(-np.multiply.outer(t, self.rates)) * self.rates

    def tail(self, T):
        return np.exp(-self.rates * T)

    def weights(self, coef, rates):
        return self.rates * coef

    def tail_bound(self, T, coef):
        r""":math:`\int_T^\infty|\hat\rho|\le\sum_k|a_k|e^{-\lambda_kT}/\lambda_k`."""
        return float(np.sum(np.abs(coef) * np.exp(-self.rates * T)))

    def evaluate(self, coef):
        a = self.rates * coef
        lam = self.rates

        def f(t):
            return np.exp(-np.multiply.outer(t, lam)) @ a
        return f


def _grid_spacing(rates: np.ndarray) -> float | None:
    """β if the rates are exactly {β, 2β, …, mβ} (any order), else None."""
    r = np.sort(rates)
    beta = r[0]
    return beta if np.allclose(r, beta * np.arange(1.0, r.size + 1.0), rtol=1e-12, atol=0) else None


def _horizon(target: Kernel, lam_min: float) -> float:
    """Where the program's discretisation ends: the model is below e^{-60} of its size beyond, and the target's
    features (a lag, the zeros of its ripples) lie well inside."""
    T = 60.0 / lam_min
    bps = [b for b in target._breakpoints() if np.isfinite(b)]
    T = max([T] + [2.0 * b + 10.0 * target._timescale for b in bps])
    if not T <= _T_LIMIT:
        raise ValueError(f"rates: the slowest rate {lam_min:g} (or the target's features) put the program's horizon "
                         f"at t = {T:.3g}, beyond the {_T_LIMIT:g} a float64 discretisation resolves")
    return T


def _residual_roots(resid, edges):
    """Sign changes of ``resid`` on ``edges`` (sampled at the interior nodes of the panels).

    Each bracketed root is refined by the Illinois variant of regula falsi, vectorised over
    the brackets (superlinear; 30 steps reach the bracket's rounding level).
    """
    xs = _panels(edges, _GL_LP)[0]            # interior nodes only: a zero on an edge is still bracketed
    ev = resid(xs)
    keep = ev != 0.0                           # the program's residual vanishes exactly at some nodes
    xs, ev = xs[keep], ev[keep]
    flips = np.flatnonzero(ev[:-1] * ev[1:] < 0)
    if flips.size == 0:
        return np.empty(0)
    a, b = xs[flips].copy(), xs[flips + 1].copy()
    fa, fb = ev[flips].copy(), ev[flips + 1].copy()
    side = np.zeros(a.size, int)
    for _ in range(30):
        with np.errstate(invalid="ignore", divide="ignore"):
            c = np.where(fb != fa, (a * fb - b * fa) / (fb - fa), 0.5 * (a + b))
        c = np.clip(c, np.minimum(a, b), np.maximum(a, b))
        stuck = (c == a) | (c == b)              # the step rounds to an end: that end is the root in float64
        fc = resid(c)
        left = np.sign(fc) == np.sign(fa)     # the root is in [c, b]
        # Illinois: halve the value kept at an end that stays twice in a row
        fb = np.where(left & (side == 1), 0.5 * fb, fb)
        fa = np.where(~left & (side == -1), 0.5 * fa, fa)
        a, fa = np.where(left, c, a), np.where(left, fc, fa)
        b, fb = np.where(left, b, c), np.where(left, fb, fc)
        side = np.where(left, 1, -1)
        if np.all((np.abs(b - a) <= 1e-14 * np.maximum(1.0, np.abs(a))) | (fc == 0) | stuck):
            break
    return np.where(np.abs(fa) < np.abs(fb), a, b)


@float64_failures_name("target")
def best_l1_fit(target, rates, *, relative: bool = True, refine: int = 1) -> L1Fit:
    r"""The best :math:`L^1[0,\infty)` approximation of ``target`` by :math:`\sum_k a_k e^{-\lambda_k t}`.

    .. math::

        E_m = \min_a \int_0^\infty\Big|\rho(t) - \sum_{k=1}^m a_k e^{-\lambda_k t}\Big|\,dt .

    Solved as a linear program (HiGHS dual simplex) on composite 8-point
    Gauss–Legendre panels, geometric in :math:`t` (ratio :math:`e^{0.25/\mathrm{refine}}`)
    from :math:`0.02/\lambda_{\max}` to :math:`T = 60/\lambda_{\min}`, plus the
    target's breakpoints and, on the grid :math:`\lambda_k=k\beta`, Markov's points
    :math:`-\tfrac2\beta\ln\sin\frac{j\pi}{2(m+1)}`; the residual's sign changes of a
    first solve are added as panel edges and the program is solved again. The tail
    beyond :math:`T` enters exactly under the (checked) condition that
    :math:`\rho-\hat\rho` has the sign of :math:`\rho` there. On the grid
    :math:`\lambda_k = k\beta`, when Markov's interpolant (:func:`markov_certificate`)
    has a smaller :math:`L^1` error than the program's fit it is returned instead: the
    discretised program is degenerate when the best residual changes sign exactly at
    Markov's points, and its vertex can then be a poorer continuous fit.

    Accuracy: ``lp_value`` (the discretised optimum) and ``error`` (the continuous
    :math:`L^1` error of the returned fit, an upper bound on :math:`E_m`) agree with
    :math:`E_m` to about :math:`10^{-3}` relative or better (``refine=2`` halves the
    panels, for a convergence check).

    Parameters
    ----------
    target : Kernel or LinearRNN
        The memory kernel :math:`\rho` (any :mod:`lrnn.kernels` kernel with
        :math:`\rho` of one sign at large times).
    rates : array_like, shape (m,)
        Distinct positive rates :math:`\lambda_k`, at most 512 (the program has m equality constraints
        and a few thousand variables).
    relative : bool, default True
        Divide errors by :math:`\|\rho\|_{L^1}` (the zero kernel then raises ``ValueError``).
    refine : int, default 1
        Panel refinement (halves the panels for ``refine=2``): a second
        discretisation for convergence checks; at most 16.

    Returns
    -------
    L1Fit
    """
    target = as_kernel(target, "target")
    lam = as_rates(rates, limit=MAX_L1_RATES, why="the linear program grows with the number of rates")
    relative = as_bool("relative", relative)
    refine = as_size("refine", refine, limit=16, why="the linear program's size grows with it")
    scale = l1_scale(target, relative)
    if target.is_zero:
        return _zero_fit(lam, relative)
    count = float(target._oscillations())
    if not count <= _limits.MAX_QUAD_PIECES:
        raise ValueError(f"target = {target!r} changes sign about {count:.3g} times over its memory, more than "
                         f"the linear program's panels resolve ({_limits.MAX_QUAD_PIECES})")
    with single_threaded():
        return _best_l1_fit(target, lam, relative, refine, scale)


def _zero_fit(lam: np.ndarray, relative: bool) -> L1Fit:
    """The best fit of the zero kernel: all weights zero, error zero."""
    return L1Fit(rates=lam, error=0.0, lp_value=0.0, sign_changes=np.empty(0), relative=relative,
                 _evaluate=lambda t: np.zeros(np.shape(t)), _weights=np.zeros(lam.size))


def _best_l1_fit(target: Kernel, lam: np.ndarray, relative: bool, refine: int, scale: float) -> L1Fit:
    m = lam.size
    T = _horizon(target, float(lam.min()))
    t_lo = 0.02 / float(lam.max())
    h = _PANEL / refine
    n_geo = int(math.ceil(math.log(T / t_lo) / h)) + 1
    edges = [np.array([0.0, T]), t_lo * np.exp(h * np.arange(n_geo))]
    beta = _grid_spacing(lam)
    if beta is not None:
        j = np.arange(1, m + 1)
        edges.append(-(2.0 / beta) * np.log(np.sin(j * np.pi / (2.0 * (m + 1)))))
    for b in target._breakpoints():             # features (a lag): panels graded geometrically towards them
        if 0 < b < T:
            d = min(b, 1.0 / float(lam.max())) * 0.5 ** np.arange(0, _GRADING)
            edges.append(np.concatenate([[b], b - d[:4], b + d]))
    edges = np.unique(np.concatenate(edges))
    edges = edges[(edges >= 0) & (edges <= T)]

    tail_signed = float(target.tail(T))
    s_T = 1.0 if tail_signed >= 0 else -1.0

    basis = _LegendreBasis(beta, m) if beta is not None else _ExponentialBasis(lam)
    tau = basis.tail(T)

    def solve(edges, rule):
        # min Σ w_i |ρ_i − (Bc)_i| + s_T (∫_T^∞ρ − τ·c), in the masses z_i = y_i / w_i ∈ [−1, 1] and an
        # orthonormal basis of diag(w) B (QR): max Σ (w_i ρ_i) z_i  s.t.  Qᵀz = −s_T R⁻ᵀτ,  |z_i| ≤ 1.
        t, w = _panels(edges, rule)
        check_table("rates", t.size, m, why="linear-program matrix (nodes × rates; fewer rates or a smaller "
                    "refine)")
        Bw = basis.matrix(t) * w[:, None]
        Q, R = linalg.qr(Bw, mode="economic")
        rhs = -s_T * linalg.solve_triangular(R, tau, trans="T")
        r = np.asarray(target(t), float) * w
        res = optimize.linprog(-r, A_eq=Q.T, b_eq=rhs, bounds=(-1.0, 1.0), method="highs-ds",
                               options={"presolve": False, "time_limit": 60.0})
        if res.status != 0:  # pragma: no cover - HiGHS reports infeasibility/failure
            raise ValueError(f"target, rates: the linear program failed ({res.message}); the target's values or the "
                             "rates may be too ill-conditioned for the discretisation")
        coef = linalg.solve_triangular(R, -np.asarray(res.eqlin.marginals))
        return coef, -res.fun + s_T * tail_signed

    coef, value = solve(edges, _GL_FIRST)        # a first, coarser solve locates the residual's sign changes
    fhat = basis.evaluate(coef)
    resid = lambda x: np.asarray(target(x), float) - fhat(x)  # noqa: E731
    roots = _residual_roots(resid, edges)
    edges = np.unique(np.concatenate([edges, roots]))
    coef, value = solve(edges, _GL_LP)

    def l1_of(coef):
        """The continuous L¹ error of a coefficient vector (finer rule, the residual's zeros as edges)."""
        fhat = basis.evaluate(coef)
        resid = lambda x: np.asarray(target(x), float) - fhat(x)  # noqa: E731
        roots = _residual_roots(resid, edges)
        fine = np.unique(np.concatenate([edges, roots, 0.5 * (edges[1:] + edges[:-1])]))
        tq, wq = _panels(fine, _GL_CHECK)
        body = float(wq @ np.abs(resid(tq)))
        model_tail = float(basis.tail(T) @ coef)
        err = body + abs(tail_signed - model_tail)
        # beyond T the residual has the sign of ρ unless the model matters there: bound the difference
        if s_T * resid(np.array([T]))[0] < 0 and 2.0 * basis.tail_bound(T, coef) > 1e-9 * err:
            raise ValueError("rates: the fitted model is not negligible at the horizon T = 60/min(rates), so the "
                             "tail of the L1 error is uncertain (the target changes sign late or the rates are "
                             "too ill-conditioned)")
        return err, roots, fhat

    err, roots, fhat = l1_of(coef)
    if beta is not None:
        # When the best residual changes sign exactly at Markov's points, the discretised program is
        # degenerate (every fit with that sign pattern at the nodes is optimal for it) and its vertex can
        # be a poor continuous fit; the interpolant at Markov's points is then the exact optimum. Keep the
        # better of the two (both errors are upper bounds on E_m).
        j = np.arange(1, m + 1)
        tj = -(2.0 / beta) * np.log(np.sin(j * np.pi / (2.0 * (m + 1))))
        c_markov = np.linalg.solve(basis.matrix(tj), np.asarray(target(tj), float))
        err_m, roots_m, fhat_m = l1_of(c_markov)
        if err_m < err:
            coef, err, roots, fhat = c_markov, err_m, roots_m, fhat_m
    if not (np.isfinite(err) and np.isfinite(value)):
        raise ValueError("the L1 error overflows float64 (the kernel's weights are too large)")
    return L1Fit(rates=lam, error=err / scale, lp_value=value / scale, sign_changes=roots,
                 relative=bool(relative), _evaluate=fhat, _weights=lambda: basis.weights(coef, lam))


# ----------------------------------------------------------------------------- the grid, both methods
@float64_failures_name("target")
def fixed_grid_best_l1(target: Kernel | LinearRNN, widths: ArrayLike, beta: float = 1.0, *, relative: bool = True,
                       certify_up_to: int = 64) -> np.ndarray:
    r"""Best :math:`L^1` errors on the grid :math:`\lambda_k = k\beta`: Markov's value where it is attained.

    For widths up to ``certify_up_to`` Markov's certificate is computed (:func:`markov_certificate`); where the
    interpolant does not attain the bound (it can fail at the first widths, e.g. :math:`m = 1` for
    :math:`(1+t)^{-2}`), the error of the linear program's fit (:func:`best_l1_fit`) is returned instead. Beyond,
    Markov's value :func:`fixed_grid_l1_errors` is returned: a lower bound that equals the best error for every
    power law and width the book checks.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    widths : array_like
        Widths :math:`m \ge 1`, at most 1000 of them.
    beta : float, default 1.0
        Grid spacing.
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^1}` (the zero kernel then raises ``ValueError``).
    certify_up_to : int, default 64
        Certify widths up to this one (at most 512).

    Returns
    -------
    numpy.ndarray
    """
    target = as_kernel(target, "target")
    ms = as_widths(widths, limit=1000)
    certify_up_to = as_size("certify_up_to", certify_up_to, minimum=0, limit=MAX_L1_RATES,
                            why="uncertified widths fall back to a linear program of that size")
    out = fixed_grid_l1_errors(target, ms, beta, relative=relative)
    for i, m in enumerate(ms):
        m = int(round(m))
        if m <= certify_up_to and not target.is_zero:
            lower, upper = markov_certificate(target, m, beta, relative=relative)
            if upper > lower * (1.0 + 1e-9):
                out[i] = best_l1_fit(target, beta * np.arange(1.0, m + 1.0), relative=relative).error
    return out
