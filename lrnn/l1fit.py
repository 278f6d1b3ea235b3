r"""Best :math:`L^1` approximation of a memory kernel by exponential sums with prescribed rates.

The error of the approximation theorems is the uniform error
:math:`\sup_t\|H_t-\widehat H_t\| = \|\rho-\hat\rho\|_{L^1}`. For prescribed decay
rates :math:`\lambda_1,\dots,\lambda_m > 0` (a diagonal linear RNN
:math:`W = -\operatorname{diag}(\lambda_k)`), the best error

.. math::

    E_m = \min_{a\in\mathbb R^m}\int_0^\infty\Big|\rho(t)-\sum_{k=1}^m a_k e^{-\lambda_k t}\Big|\,dt

is a convex problem. This module computes it in three ways.

* :func:`best_l1_fit` — any rates: a linear program (HiGHS) on a graded
  Gauss–Legendre discretisation of :math:`[0, T]`, in its dual form
  :math:`\max\{\sum_i y_i\rho(t_i) : B^\top y = -\tau,\ |y_i|\le w_i\}` (only
  :math:`m` equality constraints), in a well-conditioned basis (shifted Legendre
  polynomials in :math:`u=e^{-\beta t}` for the grid :math:`\lambda_k=k\beta`,
  orthonormalised exponentials otherwise). The tail :math:`[T,\infty)` enters
  exactly, as :math:`\int_T^\infty\rho - \tau\cdot c`, under the sign condition
  :math:`\rho-\hat\rho` of one sign there, which is checked. The sign changes of the
  first solution's residual become panel edges and the program is solved again,
  so that :math:`|\rho-\hat\rho|` is smooth on every panel. The reported error is
  the :math:`L^1` norm of the fitted residual computed on a second, finer
  quadrature: an upper bound on :math:`E_m` that is accurate to the
  discretisation. :func:`fixed_grid_best_l1` combines the two methods on the grid
  :math:`k\beta`.
* :func:`fixed_grid_l1_errors` — the grid :math:`\lambda_k = k\beta`, any width:
  Markov's dual certificate. In :math:`u = e^{-\beta t}` the model is
  :math:`u\,p(u)` with :math:`\deg p\le m-1` and
  :math:`\|\rho-up\|_{L^1(dt)} = \beta^{-1}\|q-p\|_{L^1[0,1]}`,
  :math:`q(u) = \rho(t)/u`. The sign :math:`s_m(u) = \operatorname{sgn}U_m(2u-1)` of the
  Chebyshev polynomial of the second kind is orthogonal to every polynomial of
  degree :math:`< m`, so for every :math:`p`

  .. math::

      \|\rho-up\|_{L^1} \ \ge\ \Big|\int_0^\infty\rho(t)\,s_m(e^{-\beta t})\,dt\Big|
      = \Big|\sum_{j=1}^{m+1}(-1)^j\int_{t_j}^{t_{j-1}}\rho\Big|,
      \qquad t_j = -\tfrac2\beta\ln\sin\frac{j\pi}{2(m+1)},\ t_0=\infty .

  The bound is attained (Markov's theorem) when the residual of the polynomial
  interpolating :math:`q` at the :math:`m` zeros of :math:`U_m(2u-1)` changes sign there and
  nowhere else (always for exponentials :math:`e^{-\kappa t}`, whose :math:`q^{(m)}` has one
  sign; observed for power laws at every width :math:`\ge2` the book checks);
  :func:`markov_certificate` computes both sides. The sum costs
  :math:`O(\min(m, K))` operations with :math:`K = 1000`: beyond the last :math:`K`
  intervals it is summed by the Euler–Boole formula, so widths like :math:`10^{100}` and,
  in :math:`\ln m`, far beyond, are cheap. Its absolute accuracy is about
  :math:`10^{-16}\|\rho\|_1\sqrt{\min(m,K)}` (an alternating sum): fine for the slowly
  decaying errors of long memories, not for errors below :math:`10^{-12}\|\rho\|_1`.
* :func:`grid_l1_lower_bound`, :func:`grid_l1_width_bound` — the book's
  Proposition (Nikolskii's inequality for polynomials,
  :math:`\max_{[0,1]}|p|\le m^2\|p\|_{L^1[0,1]}` for :math:`\deg p\le m-1`): for every
  :math:`\eta\in(0,1)` and :math:`T = \beta^{-1}\ln(m^2/\eta)`,

  .. math::

      \Big\|\rho-\sum_{k=1}^m a_ke^{-k\beta t}\Big\|_{L^1}
      \ \ge\ \frac{\int_T^\infty|\rho| - \eta\|\rho\|_{L^1}}{1+\eta} .
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.polynomial import legendre as _leg
from scipy import linalg, optimize

from ._quadrature import integrate_half_line
from ._validation import as_integer, as_real_array, as_real_scalar
from .kernels import ExponentialSum, Kernel, PowerLaw
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


# ============================================================================ BLAS threads
@lru_cache(maxsize=1)
def _blas_controller():
    """A cached ``threadpoolctl.ThreadpoolController`` (None when threadpoolctl is not installed)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is in the book's requirements
        return None
    return ThreadpoolController()


class _single_thread_lapack:
    """Run the BLAS/LAPACK of NumPy and SciPy single-threaded inside the block (threadpoolctl).

    The matrices here have a few hundred to a few thousand rows; on a loaded
    machine OpenBLAS worker threads spin-wait and make them up to 100x slower.
    The controller is built once, so entering the block costs about 10 µs.
    """

    def __enter__(self):
        ctl = _blas_controller()
        self._limit = ctl.limit(limits=1, user_api="blas") if ctl is not None else None
        return self

    def __exit__(self, *exc):
        if self._limit is not None:
            self._limit.restore_original_limits()
        return False


def _panels(edges: np.ndarray, rule) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights on consecutive ``edges``."""
    a, b = edges[:-1], edges[1:]
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    return (mid[:, None] + half[:, None] * rule[0]).ravel(), (half[:, None] * rule[1]).ravel()


def _as_rates(rates) -> np.ndarray:
    r = as_real_array("rates", rates, ndim=1)
    if r.size == 0:
        raise ValueError("rates must contain at least one rate")
    if np.any(r <= 0):
        raise ValueError(f"rates must be positive (stable modes e^(-rate t)), got minimum {r.min()}")
    if np.unique(r).size != r.size:
        raise ValueError("rates must be distinct")
    return r


def _between(target: Kernel, a, b) -> np.ndarray:
    r""":math:`\int_a^b\rho` for arrays ``a <= b`` (``b`` may be ``inf``), without cancellation in the tail.

    Closed forms for power laws and exponential sums; otherwise differences of the
    step response, replaced by Gauss–Legendre quadrature where they would cancel.
    """
    a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
    if isinstance(target, PowerLaw):
        w, om = target.weight, target.omega
        lead = np.exp(-om * np.log1p(a))
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(np.isinf(b), np.inf, (b - a) / (1.0 + a))
        return -w / om * lead * np.expm1(-om * np.log1p(ratio))
    if isinstance(target, ExponentialSum):
        lam, wts = target.rates, target.weights
        with np.errstate(invalid="ignore"):
            span = np.where(np.isinf(b), np.inf, b - a)[..., None]
        return np.sum(wts / lam * np.exp(-lam * a[..., None]) * -np.expm1(-lam * span), axis=-1)
    out = np.empty(a.shape)
    fin = np.isfinite(b)
    ya, yb = target.step_response(a[fin]), target.step_response(b[fin])
    d = yb - ya
    out[fin] = d
    risky = np.zeros(a.shape, bool)
    risky[fin] = np.abs(d) < 1e-6 * np.maximum(np.abs(ya), np.abs(yb))
    for idx in zip(*np.nonzero(risky)):
        x, wq = _panels(np.linspace(a[idx], b[idx], 5), _GL_CHECK)
        out[idx] = float(wq @ np.asarray(target(x), float))
    for idx in zip(*np.nonzero(~fin)):
        out[idx] = _tail(target, float(a[idx]), signed=True)
    return out


def _tail(target: Kernel, T: float, *, signed: bool = False) -> float:
    r""":math:`\int_T^\infty|\rho|` (or :math:`\int_T^\infty\rho` when ``signed``)."""
    if isinstance(target, PowerLaw):
        return float((abs(target.weight) if not signed else target.weight) / target.omega
                     * math.exp(-target.omega * math.log1p(T)))
    if isinstance(target, ExponentialSum):
        lam, w = target.rates, target.weights
        if signed or np.all(w >= 0) or np.all(w <= 0):
            return float(abs(np.sum(w / lam * np.exp(-lam * T)))) if not signed else float(np.sum(w / lam * np.exp(-lam * T)))
    # a tail that is negligible at the time scale of the kernel (|ρ(T)|(1 + T) below 1e-18 of ‖ρ‖₁,
    # e.g. an exponential at 60 of its time constants) is not integrated
    if abs(float(target(np.asarray(T)))) * (1.0 + T) < 1e-18 * float(target.norm(1)):
        return 0.0
    f = (lambda s: float(target(np.asarray(T + s)))) if signed else (lambda s: abs(float(target(np.asarray(T + s)))))
    return integrate_half_line(f, (), getattr(target, "_timescale", 1.0))


# ============================================================================ the linear program
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
        mono = [float(sum(c[j] * M[j][i] for j in range(i, self.m))) for i in range(self.m)]
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
    """Where the program's discretisation ends: the model is below e^{-60} of its size beyond."""
    T = 60.0 / lam_min
    bps = [b for b in target._breakpoints() if np.isfinite(b)]
    return max([T] + [2.0 * b + 10.0 * getattr(target, "_timescale", 1.0) for b in bps])


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
        fc = resid(c)
        left = np.sign(fc) == np.sign(fa)     # the root is in [c, b]
        # Illinois: halve the value kept at an end that stays twice in a row
        fb = np.where(left & (side == 1), 0.5 * fb, fb)
        fa = np.where(~left & (side == -1), 0.5 * fa, fa)
        a, fa = np.where(left, c, a), np.where(left, fc, fa)
        b, fb = np.where(left, b, c), np.where(left, fb, fc)
        side = np.where(left, 1, -1)
        if np.all(np.abs(b - a) <= 1e-14 * np.maximum(1.0, np.abs(a))) or np.all(fc == 0):
            break
    return np.where(np.abs(fa) < np.abs(fb), a, b)


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
    target : Kernel
        The memory kernel :math:`\rho` (any :mod:`lrnn.kernels` kernel with
        :math:`\rho` of one sign at large times).
    rates : array_like, shape (m,)
        Distinct positive rates :math:`\lambda_k`.
    relative : bool, default True
        Divide errors by :math:`\|\rho\|_{L^1}`.
    refine : int, default 1
        Panel refinement (halves the panels for ``refine=2``): a second
        discretisation for convergence checks.

    Returns
    -------
    L1Fit
    """
    target = as_kernel(target, "target")
    lam = _as_rates(rates)
    if not isinstance(relative, (bool, np.bool_)):
        raise TypeError(f"relative must be a bool, got {type(relative).__name__}")
    refine = as_integer("refine", refine)
    with _single_thread_lapack():
        return _best_l1_fit(target, lam, bool(relative), refine)


def _best_l1_fit(target: Kernel, lam: np.ndarray, relative: bool, refine: int) -> L1Fit:
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

    tail_signed = _tail(target, T, signed=True)
    s_T = 1.0 if tail_signed >= 0 else -1.0

    basis = _LegendreBasis(beta, m) if beta is not None else _ExponentialBasis(lam)
    tau = basis.tail(T)

    def solve(edges, rule):
        # min Σ w_i |ρ_i − (Bc)_i| + s_T (∫_T^∞ρ − τ·c), in the masses z_i = y_i / w_i ∈ [−1, 1] and an
        # orthonormal basis of diag(w) B (QR): max Σ (w_i ρ_i) z_i  s.t.  Qᵀz = −s_T R⁻ᵀτ,  |z_i| ≤ 1.
        t, w = _panels(edges, rule)
        Bw = basis.matrix(t) * w[:, None]
        Q, R = linalg.qr(Bw, mode="economic")
        rhs = -s_T * linalg.solve_triangular(R, tau, trans="T")
        r = np.asarray(target(t), float) * w
        res = optimize.linprog(-r, A_eq=Q.T, b_eq=rhs, bounds=(-1.0, 1.0), method="highs-ds",
                               options={"presolve": False})
        if res.status != 0:  # pragma: no cover - HiGHS reports infeasibility/failure
            raise RuntimeError(f"the linear program failed: {res.message}")
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
            raise RuntimeError("the fitted model is not negligible at the horizon T = 60/min(rates); "
                               "the tail of the L1 error is uncertain")
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
    scale = float(target.norm(1)) if relative else 1.0
    return L1Fit(rates=lam, error=err / scale, lp_value=value / scale, sign_changes=roots,
                 relative=bool(relative), _evaluate=fhat, _weights=lambda: basis.weights(coef, lam))


# ============================================================================ Markov's dual certificate
_K_DIRECT = 1000  # intervals summed one by one; the rest by the Euler–Boole formula (error ~1e-11 relative)


def _markov_points_from_log(L: float, beta: float, j: np.ndarray) -> np.ndarray:
    r""":math:`t_j = -\tfrac2\beta\ln\sin\frac{j\pi}{2(m+1)}` from :math:`L=\ln(m+1)`, for any size of m."""
    x = 0.5 * np.pi * j * np.exp(-L)               # jπ/(2(m+1)), may underflow to 0 for huge m
    log_sinc = np.log(np.sinc(x / np.pi))          # ln(sin x / x)
    return (2.0 / beta) * (L - np.log(0.5 * np.pi * j) - log_sinc)


def _markov_value(target: Kernel, L: float, beta: float) -> float:
    r"""Signed :math:`\sum_{j=1}^{m+1}(-1)^{j+1}\int_{t_j}^{t_{j-1}}\rho` for :math:`m+1 = e^L` (m integer or huge).

    The intervals are :math:`J_j = [t_j, t_{j-1}]`, :math:`t_0=\infty`, :math:`t_{m+1}=0`.
    Up to ``_K_DIRECT`` intervals are summed one by one; for more, the intervals
    :math:`j\le K` are summed and the rest, :math:`(-1)^K\sum_{i\ge0}(-1)^iF(i)` with
    :math:`F(i)=\int_{J_{K+1+i}}\rho`, by the Euler–Boole formula
    :math:`\tfrac12F(0)-\tfrac14F'(0)` (F is smooth in i and vanishes near t = 0).
    """
    n_int = math.exp(L) if L < 700.0 else math.inf        # m + 1
    if n_int <= _K_DIRECT + 0.5:
        K = int(round(n_int))
        j = np.arange(1, K + 1, dtype=float)
        tj = _markov_points_from_log(L, beta, j)
        tj[-1] = 0.0                                      # t_{m+1} = 0 exactly
        f = _between(target, tj, np.concatenate([[np.inf], tj[:-1]]))
        signs = np.where(np.arange(1, K + 1) % 2 == 1, 1.0, -1.0)
        return float(np.sum(signs * f))
    K = _K_DIRECT
    j = np.arange(1, K + 3, dtype=float)                  # t_1 .. t_{K+2}
    tj = _markov_points_from_log(L, beta, j)
    f = _between(target, tj, np.concatenate([[np.inf], tj[:-1]]))   # f_1 .. f_{K+2}
    signs = np.where(np.arange(1, K + 1) % 2 == 1, 1.0, -1.0)
    head = float(np.sum(signs * f[:K]))
    F0, Fp1, Fm1 = f[K], f[K + 1], f[K - 1]               # F(0) = f_{K+1}, F(1) = f_{K+2}, F(−1) = f_K
    rest = 0.5 * F0 - 0.125 * (Fp1 - Fm1)
    return head + (-1.0) ** K * rest


def fixed_grid_l1_errors(target, widths, beta: float = 1.0, *, relative: bool = True) -> np.ndarray:
    r"""Markov's lower bound on the best :math:`L^1` error on the grid :math:`\lambda_k = k\beta`, any width.

    .. math::

        D_m = \Big|\sum_{j=1}^{m+1}(-1)^j\int_{t_j}^{t_{j-1}}\rho(t)\,dt\Big|,\qquad
        t_j = -\frac2\beta\ln\sin\frac{j\pi}{2(m+1)},\quad t_0 = \infty,

    the value of :math:`\int_0^\infty\rho\,s_m` for the sign :math:`s_m(t)=\operatorname{sgn}
    U_m(2e^{-\beta t}-1)`, which is orthogonal to every :math:`e^{-k\beta t}`,
    :math:`k\le m`. So :math:`D_m \le E_m` for every target, with equality when the
    residual of Markov's interpolant changes sign exactly at the :math:`t_j`
    (:func:`markov_certificate` checks it; it holds for the power laws of the
    book at every width checked). Up to 1000 intervals are summed one
    by one; beyond, the rest by the Euler–Boole formula
    :math:`\sum_{i\ge0}(-1)^iF(i)\approx\tfrac12F(0)-\tfrac14F'(0)` (the intervals
    near :math:`t=0` are tiny and vary smoothly).

    Parameters
    ----------
    target : Kernel
    widths : array_like
        Widths :math:`m\ge1` (floats allowed, up to about :math:`10^{300}`).
    beta : float, default 1.0
        Grid spacing (the stability margin).
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^1}`.

    Returns
    -------
    numpy.ndarray
    """
    target = as_kernel(target, "target")
    ms = np.atleast_1d(as_real_array("widths", widths, ndim=(0, 1)))
    if ms.size == 0 or np.any(ms < 1):
        raise ValueError(f"widths must be at least 1, got {ms.tolist()}")
    beta = as_real_scalar("beta", beta, positive=True)
    scale = float(target.norm(1)) if relative else 1.0
    return np.array([abs(_markov_value(target, math.log(round(m) + 1.0), beta)) for m in ms]) / scale


def _fixed_grid_l1_from_log(target: Kernel, L: float, beta: float) -> float:
    """Markov's value for m + 1 = e^L (relative), L any positive float (m beyond float range allowed)."""
    return abs(_markov_value(target, L, beta)) / float(target.norm(1))


def fixed_grid_best_l1(target, widths, beta: float = 1.0, *, relative: bool = True,
                       certify_up_to: int = 64) -> np.ndarray:
    r"""Best :math:`L^1` errors on the grid :math:`\lambda_k = k\beta`: Markov's value where it is attained.

    For widths up to ``certify_up_to`` Markov's certificate is computed
    (:func:`markov_certificate`); where the interpolant does not attain the bound (it
    can fail at the first widths, e.g. :math:`m = 1` for :math:`(1+t)^{-2}`), the error
    of the linear program's fit (:func:`best_l1_fit`) is returned instead. Beyond,
    Markov's value :func:`fixed_grid_l1_errors` is returned: a lower bound that equals
    the best error for every power law and width the book checks.
    """
    target = as_kernel(target, "target")
    ms = np.atleast_1d(as_real_array("widths", widths, ndim=(0, 1)))
    certify_up_to = as_integer("certify_up_to", certify_up_to, minimum=0)
    out = fixed_grid_l1_errors(target, ms, beta, relative=relative)
    for i, m in enumerate(ms):
        m = int(round(m))
        if m <= certify_up_to:
            lower, upper = markov_certificate(target, m, beta, relative=relative)
            if upper > lower * (1.0 + 1e-9):
                out[i] = best_l1_fit(target, beta * np.arange(1.0, m + 1.0), relative=relative).error
    return out


def markov_certificate(target, width: int, beta: float = 1.0, *, relative: bool = True) -> tuple[float, float]:
    r"""Both sides of Markov's certificate on the grid :math:`\lambda_k = k\beta`: ``(lower, upper)``.

    ``lower`` is :func:`fixed_grid_l1_errors` (a lower bound on :math:`E_m`);
    ``upper`` is the :math:`L^1` error of the exponential sum :math:`u\,P(u)`, where
    :math:`P` interpolates :math:`q(u) = \rho(t)/u` at the zeros
    :math:`u_j=\cos^2\frac{j\pi}{2(m+1)}` of :math:`U_m(2u-1)` (barycentric formula),
    by composite Gauss–Legendre between the :math:`t_j` (and geometric panels
    beyond :math:`t_m`): an upper bound. When they agree, the interpolant is the
    best :math:`L^1` approximation and :math:`E_m` is known exactly.

    Parameters
    ----------
    target : Kernel
    width : int
        :math:`1 \le m \le 4096`.
    beta : float, default 1.0
    relative : bool, default True
    """
    target = as_kernel(target, "target")
    m = as_integer("width", width)
    if m > 4096:
        raise ValueError(f"width must be at most 4096 for the interpolation certificate, got {m}")
    beta = as_real_scalar("beta", beta, positive=True)
    lower = float(fixed_grid_l1_errors(target, [m], beta, relative=relative)[0])
    j = np.arange(1, m + 1)
    th = j * np.pi / (m + 1)                      # 2u − 1 = cos θ_j: the zeros of U_m
    xj = np.cos(th)
    uj = 0.5 * (1.0 + xj)
    tj = -np.log(uj) / beta
    qj = np.asarray(target(tj), float) / uj
    wj = (-1.0) ** j * np.sin(th) ** 2            # barycentric weights of the U_m zeros

    def fhat(t):
        u = np.exp(-beta * t)
        x = 2.0 * u - 1.0
        d = x[:, None] - xj[None, :]
        exact = d == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            c = wj / d
            p = (c @ qj) / c.sum(axis=1)
        hit = exact.any(axis=1)
        if hit.any():
            p[hit] = qj[np.argmax(exact[hit], axis=1)]
        return u * p

    t_sorted = np.sort(tj)
    T = t_sorted[-1] + 60.0 / beta
    geo = t_sorted[-1] * np.exp(0.05 * np.arange(1, int(math.ceil(math.log(T / t_sorted[-1]) / 0.05)) + 1))
    sub = np.linspace(0.0, 1.0, 5)
    inner = np.concatenate([[0.0], t_sorted])
    edges = np.unique(np.concatenate([(inner[:-1, None] + np.diff(inner)[:, None] * sub).ravel(), geo]))
    tq, wq = _panels(edges, _GL_CHECK)
    body = float(wq @ np.abs(np.asarray(target(tq), float) - fhat(tq)))
    tail = _tail(target, float(edges[-1]))
    upper = body + tail
    if relative:
        upper /= float(target.norm(1))
    return lower, upper


# ============================================================================ Nikolskii: the Proposition
def _log_eta_grid():
    return np.linspace(-700.0, -1e-9, 7001)


def grid_l1_lower_bound(target, widths, beta: float = 1.0, *, relative: bool = True) -> np.ndarray:
    r"""The Proposition's lower bound on the best :math:`L^1` error on the grid :math:`\lambda_k=k\beta`.

    .. math::

        E_m \ \ge\ \sup_{0<\eta<1}\frac{\int_T^\infty|\rho| - \eta\|\rho\|_{L^1}}{1+\eta},
        \qquad T = \frac1\beta\ln\frac{m^2}{\eta},

    maximised over :math:`\ln\eta` on a grid of step 0.1 in :math:`[-700, 0)` (a
    slightly smaller value than the supremum is still a valid bound). Zero where
    no :math:`\eta` gives a positive value.

    Parameters
    ----------
    target : Kernel
    widths : array_like
        Widths :math:`m\ge1`.
    beta : float, default 1.0
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^1}`.
    """
    target = as_kernel(target, "target")
    ms = np.atleast_1d(as_real_array("widths", widths, ndim=(0, 1)))
    if ms.size == 0 or np.any(ms < 1):
        raise ValueError(f"widths must be at least 1, got {ms.tolist()}")
    beta = as_real_scalar("beta", beta, positive=True)
    n1 = float(target.norm(1))
    le = _log_eta_grid()[::100]
    le = np.concatenate([le, np.linspace(-30.0, -1e-9, 3001)])
    eta = np.exp(le)
    out = []
    for m in ms:
        T = (2.0 * math.log(m) - le) / beta
        if isinstance(target, PowerLaw):
            tails = abs(target.weight) / target.omega * np.exp(-target.omega * np.log1p(T))
        else:
            tails = np.array([_tail(target, float(x)) for x in T])
        val = np.max((tails - eta * n1) / (1.0 + eta))
        out.append(max(val, 0.0))
    out = np.array(out)
    return out / n1 if relative else out


def grid_l1_width_bound(target, epsilon: float, beta: float = 1.0) -> float:
    r"""The Proposition's lower bound on the width that reaches relative :math:`L^1` error :math:`\epsilon`.

    On the grid :math:`\lambda_k = k\beta`, a width :math:`m` with
    :math:`E_m\le\epsilon\|\rho\|_{L^1}` needs, for every :math:`\eta\in(0,1)`,
    :math:`\int_{T}^\infty|\rho|\le(\epsilon(1+\eta)+\eta)\|\rho\|_{L^1}` at
    :math:`T=\beta^{-1}\ln(m^2/\eta)`, hence :math:`m \ge \sqrt\eta\,e^{\beta T_\eta/2}`
    where :math:`T_\eta` is the time at which the relative tail of :math:`|\rho|` equals
    :math:`\epsilon(1+\eta)+\eta` (for :math:`(1+t)^{-(1+\omega)}`:
    :math:`T_\eta = (\epsilon(1+\eta)+\eta)^{-1/\omega}-1`).

    Returns
    -------
    float
        :math:`\log_{10}` of the largest of these lower bounds over a grid of
        :math:`\eta` (computed in log space; finite up to :math:`\log_{10}m\approx10^{308}`).
        A **lower bound** on the required width, not the width itself.
    """
    target = as_kernel(target, "target")
    epsilon = as_real_scalar("epsilon", epsilon, positive=True)
    if not epsilon < 1:
        raise ValueError(f"epsilon must be a relative error in (0, 1), got {epsilon}")
    beta = as_real_scalar("beta", beta, positive=True)
    le = np.concatenate([np.linspace(-700.0, -31.0, 670), np.linspace(-30.0, -1e-9, 3001)])
    eta = np.exp(le)
    level = epsilon * (1.0 + eta) + eta
    ok = level < 1.0
    le, eta, level = le[ok], eta[ok], level[ok]
    if isinstance(target, PowerLaw):
        # T = level^(−1/ω) − 1, in log space: ln(1 + T) = −ln(level)/ω
        log1pT = -np.log(level) / target.omega
        with np.errstate(over="ignore"):
            T = np.where(log1pT < 700.0, np.expm1(np.minimum(log1pT, 700.0)), np.exp(np.minimum(log1pT, 709.0)))
    else:
        n1 = float(target.norm(1))
        T = np.array([_invert_tail(target, lv * n1) for lv in level])
    log10m = 0.5 * le / math.log(10.0) + 0.5 * beta * T / math.log(10.0)
    return float(max(np.max(log10m), 0.0))


def _invert_tail(target: Kernel, level: float) -> float:
    """The time T with ∫_T^∞|ρ| = level (bracketing and Brent)."""
    hi = 1.0
    while _tail(target, hi) > level:
        hi *= 2.0
        if hi > 1e12:
            return hi
    return optimize.brentq(lambda x: _tail(target, x) - level, 0.0, hi, xtol=1e-12 * hi)


# ============================================================================ helpers for required_width
def _fixed_l1_width(target: Kernel, epsilon: float, beta: float, max_log_width: float):
    """A lower bound ``w`` on the width whose best L¹ error reaches ε on the grid kβ: ``(m, ln(w+1), D_w)``.

    ``w`` is one more than a width with Markov value D > ε (so E > ε there and at every smaller
    width). Widths up to 64 are scanned (D need not decrease at the very first widths); beyond,
    doubling and bisection keep the invariant D(lo) > ε, in integers up to 2^40 and then in
    ln(m+1) (``m`` is None there).
    """
    val = lambda L: _fixed_grid_l1_from_log(target, L, beta)  # noqa: E731
    first = np.array([val(math.log(m + 1.0)) for m in range(1, 65)])
    if first[-1] <= epsilon:
        bad = np.flatnonzero(first > epsilon)
        w = int(bad[-1]) + 2 if bad.size else 1
        return w, math.log(w + 1.0), float(first[w - 1])
    lo_m, hi_m = 64, 128
    while hi_m < 2**40:
        if val(math.log(hi_m + 1.0)) <= epsilon:
            while hi_m - lo_m > 1:
                mid = (lo_m + hi_m) // 2
                if val(math.log(mid + 1.0)) <= epsilon:
                    hi_m = mid
                else:
                    lo_m = mid
            return hi_m, math.log(hi_m + 1.0), val(math.log(hi_m + 1.0))
        lo_m, hi_m = hi_m, 2 * hi_m
    a, b = math.log(lo_m + 1.0), 2.0 * math.log(lo_m + 1.0)
    while val(b) > epsilon:
        a, b = b, 2.0 * b
        if b > max_log_width:
            return None, b, val(b)
    while b - a > 1e-12 * b:
        mid = 0.5 * (a + b)
        if val(mid) <= epsilon:
            b = mid
        else:
            a = mid
    return None, b, val(b)
