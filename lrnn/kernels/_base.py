r"""The kernel protocol: what every memory kernel :math:`\rho` on :math:`[0,\infty)` answers.

A kernel knows its own mathematics. Subclasses implement the values :meth:`Kernel._eval` and the primitive
:meth:`Kernel._primitive` (:math:`\int_0^t\rho`) and override, where they have one, the closed form of each
question below; the defaults here are quadratures with budgets (:mod:`lrnn._quadrature`), so that every kernel
answers every question:

* values, step response, cell integrals (chunked: memory bounded by :data:`lrnn._limits.CHUNK_ENTRIES`),
  :meth:`~Kernel.integral` over :math:`[a, b]` with :math:`b \le \infty`, :meth:`~Kernel.tail` and
  :meth:`~Kernel.horizon`;
* the Laplace transform :math:`L_\rho(s)` and its first moment :math:`L_{t\rho}(s) = -L_\rho'(s)`
  (:meth:`~Kernel.laplace_pair`, and :meth:`~Kernel.laplace_pair_function` for loops), the Laplace measure
  (:meth:`~Kernel.laplace_measure`), extended-precision forms (:meth:`~Kernel.mp_laplace`,
  :meth:`~Kernel.mp_norm_squared`);
* norms, closed-form inner products (:meth:`~Kernel.inner`), :attr:`~Kernel.is_zero`, a state-space
  realisation when one exists;
* ``k1 + k2``, ``k1 - k2``, ``a * k``, ``-k`` (:class:`Sum`, :class:`Scaled`), which keep every method working.
"""

from __future__ import annotations

import math
import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .. import _limits
from .._quadrature import QuadratureBudgetError, integrate_half_line, sign_changes
from .._validation import (as_bool, as_integer, as_laplace_points, as_norm_order, as_real_array, as_real_scalar, as_size,
                           as_times)

__all__ = ["Kernel", "LaplaceMeasure", "Sum", "Scaled", "require_kernel", "as_dps"]

#: A time beyond every float computation here (e^{u} substitutions overflow past it).
T_MAX = 1e300


def timescale(rate: float) -> float:
    """1/rate, capped at :data:`T_MAX` (no overflow for subnormal rates)."""
    return T_MAX if rate * T_MAX <= 1.0 else 1.0 / rate


def as_dps(dps) -> int:
    """Decimal digits of an extended-precision computation: an integer in [15, MAX_DPS]."""
    return as_integer("dps", dps, minimum=15, maximum=_limits.MAX_DPS)


def _as_mp_points(points) -> list:
    """Laplace variables for the extended-precision forms: positive reals (floats or mpmath numbers)."""
    import mpmath as mp

    if isinstance(points, (str, bytes)) or not isinstance(points, (Sequence, np.ndarray)):
        raise TypeError(f"points must be a sequence of positive reals, got {type(points).__name__}")
    out = []
    for x in points:
        v = x if isinstance(x, mp.mpf) else mp.mpf(as_real_scalar("points", x))
        if not v > 0:
            raise ValueError(f"points must be positive (Laplace variables s > 0), got {v}")
        out.append(v)
    return out


def chunk_rows(width: int) -> int:
    """Rows per chunk of a (rows × width) table within :data:`lrnn._limits.CHUNK_ENTRIES` entries."""
    return max(1, _limits.CHUNK_ENTRIES // max(1, int(width)))


def chunked(f: Callable[..., np.ndarray], width: int, *arrays: np.ndarray) -> np.ndarray:
    """Apply ``f`` to flattened, broadcast ``arrays`` in chunks of :func:`chunk_rows(width) <chunk_rows>`."""
    arrays = np.broadcast_arrays(*[np.asarray(a, float) for a in arrays])
    shape = arrays[0].shape
    flat = [a.ravel() for a in arrays]
    n = flat[0].size
    step = chunk_rows(width)
    if n <= step:
        return np.asarray(f(*flat), dtype=float).reshape(shape)
    out = np.empty(n)
    for start in range(0, n, step):
        out[start:start + step] = f(*(a[start:start + step] for a in flat))
    return out.reshape(shape)


# ----------------------------------------------------------------------------- the Laplace measure
@dataclass(frozen=True)
class LaplaceMeasure:
    r"""A measure :math:`\mu` on :math:`(0, \infty)` (or a complex-conjugate pair of atoms) with
    :math:`\rho(t) = \int e^{-ut}\,d\mu(u)`.

    Attributes
    ----------
    points : numpy.ndarray, shape (k,)
        Atoms :math:`p_j` (real and positive, or complex with positive real part in conjugate pairs).
    masses : numpy.ndarray, shape (k,)
        Their masses :math:`m_j` (complex for complex atoms), so that the atomic part is
        :math:`\sum_j m_j e^{-p_jt}`.
    density : callable or None
        The density :math:`g(u)` of the absolutely continuous part (vectorised, :math:`u > 0`), or None.
    support : (float, float) or None
        An interval :math:`[u_-, u_+]` holding all but a relative :math:`10^{-20}` of the density's mass;
        put quadrature nodes on it in :math:`\ln u`.
    """

    points: np.ndarray
    masses: np.ndarray
    density: Callable[[np.ndarray], np.ndarray] | None = None
    support: tuple[float, float] | None = None

    @property
    def is_discrete(self) -> bool:
        """True when the measure is a finite sum of atoms (no density)."""
        return self.density is None

    def scaled(self, factor: float) -> "LaplaceMeasure":
        """The measure of :math:`a\\rho`: masses and density multiplied by :math:`a`.

        Parameters
        ----------
        factor : float
            The real factor :math:`a`.
        """
        dens = None if self.density is None else (lambda u, g=self.density: factor * g(u))
        return LaplaceMeasure(self.points, factor * self.masses, dens, self.support)

    def __add__(self, other: "LaplaceMeasure") -> "LaplaceMeasure":
        points = np.concatenate([self.points, other.points])
        masses = np.concatenate([self.masses, other.masses])
        if self.density is None or other.density is None:
            dens = self.density or other.density
            support = self.support or other.support
        else:
            f, g = self.density, other.density
            dens = lambda u: f(u) + g(u)  # noqa: E731
            support = (min(self.support[0], other.support[0]), max(self.support[1], other.support[1]))
        return LaplaceMeasure(points, masses, dens, support)


# ----------------------------------------------------------------------------- the protocol
class Kernel(ABC):
    """Base class of scalar memory kernels ρ on [0, ∞) (see the module docstring for the protocol).

    Subclasses implement :meth:`_eval` and :meth:`_primitive` and may override the closed forms. The
    quadrature fall-backs use :meth:`_breakpoints` (features such as a lag or sign changes) and
    :attr:`_timescale` (the time scale of the decay).
    """

    _timescale: float = 1.0
    #: Cost of one evaluation in table columns (the number of exponential terms), for chunking.
    _width: int = 1
    #: ``ndarray * kernel`` defers to the kernel (a Scaled kernel or a TypeError), never an object array.
    __array_ufunc__ = None

    # ----------------------------------------------------------------- caching (kernels are immutable)
    def _cached(self, key, compute: Callable[[], object]):
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    # ----------------------------------------------------------------- values
    def __call__(self, t: ArrayLike) -> np.ndarray:
        """ρ(t) for times ``t >= 0`` (any shape; returns an array of that shape).

        Parameters
        ----------
        t : array_like
            Non-negative, finite times.
        """
        t = as_times("t", t)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(chunked(self._eval, self._width, t), "ρ(t)")

    @abstractmethod
    def _eval(self, t: np.ndarray) -> np.ndarray:
        """ρ(t) for validated times."""

    @abstractmethod
    def _primitive(self, t: np.ndarray) -> np.ndarray:
        """∫₀ᵗ ρ(s) ds for validated times."""

    def step_response(self, t: ArrayLike) -> np.ndarray:
        r"""Output for a unit step input, :math:`y(t) = \int_0^t \rho(s)\,ds`.

        Parameters
        ----------
        t : array_like
            Non-negative, finite times.
        """
        t = as_times("t", t)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(chunked(self._primitive, self._width, t), "the step response")

    def _between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """∫ₐᵇ ρ for finite arrays a ≤ b (subclasses override when differences cancel)."""
        return self._primitive(b) - self._primitive(a)

    def _tail_signed(self, T: np.ndarray) -> np.ndarray:
        r""":math:`\int_T^\infty\rho` for finite arrays ``T`` (default: quadrature; subclasses: closed forms)."""
        T = np.asarray(T, float)
        out = np.empty(T.shape)
        for idx, x in np.ndenumerate(T):
            out[idx] = self._quad_tail(float(x), absolute=False)
        return out

    def cell_integrals(self, dt: float, n: int) -> np.ndarray:
        r"""Exact cell integrals :math:`K_j = \int_{j\,dt}^{(j+1)\,dt}\rho(s)\,ds`, ``j = 0..n-1``.

        Computed in chunks (working memory bounded by :data:`lrnn._limits.CHUNK_ENTRIES` numbers).

        Parameters
        ----------
        dt : float
            Cell width (> 0).
        n : int
            Number of cells, at most :data:`lrnn._limits.MAX_STEPS`; returns an array of shape ``(n,)``.
        """
        dt = as_real_scalar("dt", dt, positive=True)
        n = as_size("n", n, limit=_limits.MAX_STEPS, why="the longest sampled input lrnn handles")
        if not math.isfinite(n * dt):
            raise ValueError(f"dt = {dt:g} times n = {n} cells overflows float64 time")
        step = chunk_rows(self._width)
        out = np.empty(n)
        for start in range(0, n, step):
            j = np.arange(start, min(n, start + step), dtype=float)
            with np.errstate(over="ignore", invalid="ignore"):
                out[start:start + j.size] = self._between(j * dt, (j + 1.0) * dt)
        return self._finite(out, "a cell integral")

    def integral(self, a: ArrayLike, b: ArrayLike) -> np.ndarray:
        r""":math:`\int_a^b\rho(t)\,dt` for arrays ``0 <= a <= b`` (broadcast); ``b`` may be ``inf``.

        Closed forms that do not cancel in the tail (e.g. :math:`w e^{-\lambda a}(1-e^{-\lambda(b-a)})/\lambda`),
        else differences of the primitive; an infinite ``b`` uses :meth:`tail`.

        Parameters
        ----------
        a, b : array_like
            Lower and upper limits, ``0 <= a <= b <= inf``.
        """
        a = as_times("a", a)
        b = as_real_array("b", b, finite=False)
        if b.size and np.any(b == -np.inf):
            raise ValueError("b must be at least a (b = -inf given)")
        try:
            a, b = np.broadcast_arrays(a, b)
        except ValueError:
            raise ValueError(f"a and b must have shapes that broadcast together, got {a.shape} and {b.shape}") from None
        if np.any(b < a):
            raise ValueError("b must be at least a (integrals over [a, b] with a <= b)")
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(self._integral(a, b), "the integral")

    def _integral(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.empty(np.shape(a))
        fin = np.isfinite(b)
        if np.any(fin):
            out[fin] = chunked(self._between, self._width, a[fin], b[fin])
        if np.any(~fin):
            out[~fin] = self._tail_signed(a[~fin])
        return out

    def tail(self, T: ArrayLike, absolute: bool = False) -> np.ndarray | float:
        r""":math:`\int_T^\infty\rho` or, with ``absolute``, :math:`\int_T^\infty|\rho|`.

        Parameters
        ----------
        T : float or array_like
            Non-negative times.
        absolute : bool, default False
            Integrate :math:`|\rho|` (closed forms where ρ keeps one sign beyond T, else quadrature between
            the sign changes).

        Returns
        -------
        float or numpy.ndarray
            Of the shape of ``T`` (a float for a scalar ``T``).
        """
        Tarr = as_times("T", T)
        absolute = as_bool("absolute", absolute)
        out = self._tails(Tarr.ravel(), absolute).reshape(Tarr.shape)
        self._finite(out, "the tail integral")
        return float(out) if out.ndim == 0 else out

    def _tails(self, T: np.ndarray, absolute: bool) -> np.ndarray:
        """:meth:`tail` for a flat array of validated times: closed forms on the whole array where ρ keeps one
        sign beyond T (always, for the signed tail), quadrature time by time elsewhere."""
        closed = np.array([not absolute or self._sign_definite_after(float(x)) for x in T], dtype=bool)
        out = np.empty(T.shape)
        with np.errstate(over="ignore", invalid="ignore"):
            if closed.any():
                out[closed] = self._tail_signed(T[closed])
                if absolute:
                    out[closed] = np.abs(out[closed])
            for i in np.flatnonzero(~closed):
                out[i] = self._quad_tail(float(T[i]), absolute=True)
        return out

    def _tail_value(self, T: float, absolute: bool) -> float:
        return float(self._tails(np.array([T]), absolute)[0])

    def _sign_definite_after(self, T: float) -> bool:
        """ρ keeps one sign on [T, ∞) (subclasses that know it say so)."""
        return False

    def _quad_tail(self, T: float, absolute: bool) -> float:
        """∫_T^∞ ρ or |ρ| by half-line quadrature (tails negligible at the kernel's scale are 0)."""
        n1 = self.norm(1)
        if n1 == 0.0:
            return 0.0
        if abs(float(self._eval(np.array([T]))[0])) * (1.0 + T) < 1e-18 * n1 and T > self._feature_end():
            return 0.0
        g = (lambda s: abs(float(self._eval(np.array([T + s]))[0]))) if absolute else \
            (lambda s: float(self._eval(np.array([T + s]))[0]))
        bps = tuple(b - T for b in self._breakpoints() if b > T)
        if absolute:
            horizon = max(bps, default=0.0) + 60.0 * self._timescale
            bps = bps + tuple(sign_changes(lambda s: self._eval(T + s), horizon))
        return self._guarded_quad(g, bps, self._timescale)

    def _feature_end(self) -> float:
        return max(self._breakpoints(), default=0.0)

    def horizon(self, rtol: float = 1e-12) -> float:
        r"""A time :math:`T` beyond which :math:`\int_T^\infty|\rho| \le` ``rtol`` :math:`\cdot\|\rho\|_1`.

        For quadrature ranges. Closed forms where the tail has one (exponential sums, power laws, delayed and
        ramp kernels); otherwise doubling and bisection on :meth:`tail` (absolute). The zero kernel has
        horizon 0; a horizon beyond 1e300 raises ``ValueError`` (e.g. a power law with a tiny ``rtol``).

        Parameters
        ----------
        rtol : float, default 1e-12
            Relative tolerance in (0, 1).
        """
        rtol = as_real_scalar("rtol", rtol, above=0.0, below=1.0)
        if self.is_zero:
            return 0.0
        value = float(self._horizon(rtol))
        if not value < T_MAX:
            raise ValueError(f"rtol = {rtol:g} is too small for {self!r}: the time beyond which the rest of ∫|ρ| "
                             "is below rtol·‖ρ‖₁ exceeds 1e300 (float64 times)")
        return value

    def _horizon(self, rtol: float) -> float:
        n1 = self.norm(1)
        if n1 == 0.0:
            return 0.0
        level = rtol * n1
        lo = 0.0
        hi = max(self._feature_end(), 0.0) + self._timescale
        while self._tail_value(hi, True) > level:
            lo, hi = hi, 2.0 * hi
            if hi > T_MAX:
                return math.inf
        return self._bisect_tail(lo, hi, level, rtol=1e-6, steps=60)

    def _bisect_tail(self, lo: float, hi: float, level: float, rtol: float, steps: int) -> float:
        """Bisection for the time where ∫_T^∞|ρ| falls to ``level`` (above it at ``lo``, not at ``hi``): the
        upper end once the bracket is ``rtol`` relative (or after ``steps`` halvings)."""
        for _ in range(steps):
            if hi - lo <= rtol * max(hi, 1e-300):
                break
            mid = 0.5 * (lo + hi)
            if self._tail_value(mid, True) > level:
                lo = mid
            else:
                hi = mid
        return hi

    # ----------------------------------------------------------------- transforms
    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""Laplace transform :math:`L_\rho(s) = \int_0^\infty e^{-st}\rho(t)\,dt`, real ``s > 0``.

        The default is adaptive quadrature (relative tolerance 1e-12, evaluation budget).

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        s = as_laplace_points("s", s)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(np.asarray(self._laplace(s), dtype=float), "the Laplace transform")

    def _laplace(self, s: np.ndarray) -> np.ndarray:
        out = np.empty(s.shape)
        for idx, sv in np.ndenumerate(s):
            out[idx] = self._guarded_quad(lambda t, sv=sv: float(np.exp(-sv * t) * self._eval(np.asarray(t))),
                                          self._breakpoints(), min(self._timescale, 1.0 / sv))
        return out

    def laplace_pair(self, s: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        r"""The Laplace transform and its first moment, :math:`(L_\rho(s), L_{t\rho}(s))`.

        .. math::

            L_\rho(s) = \int_0^\infty e^{-st}\rho(t)\,dt, \qquad
            L_{t\rho}(s) = \int_0^\infty t\,e^{-st}\rho(t)\,dt = -L_\rho'(s).

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            Both of the shape of ``s``.
        """
        s = as_laplace_points("s", s)
        with np.errstate(over="ignore", invalid="ignore"):
            L, M = self.laplace_pair_function()(s)
        return self._finite(L, "the Laplace transform"), self._finite(M, "the Laplace moment L_tρ")

    def laplace_pair_function(self) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
        r"""A fast callable ``s -> (L_ρ(s), L_{tρ}(s))`` for **already validated** float arrays ``s > 0``.

        Built once per kernel (cached) with no argument checks inside, for loops that evaluate it thousands
        of times (training). Closed forms where the kernel has them; the default evaluates
        :math:`L_{t\rho}` by quadrature.
        """
        return self._cached("pair", self._make_pair_function)

    def _make_pair_function(self):
        def pair(s):
            L = np.asarray(self._laplace(s), dtype=float)
            M = np.empty(s.shape)
            for idx, sv in np.ndenumerate(s):
                M[idx] = self._guarded_quad(
                    lambda t, sv=sv: float(t * np.exp(-sv * t) * self._eval(np.asarray(t))),
                    self._breakpoints(), min(self._timescale, 1.0 / sv))
            return L, M

        return pair

    def laplace_measure(self) -> LaplaceMeasure | None:
        r"""The measure :math:`\mu` with :math:`\rho(t) = \int e^{-ut}\,d\mu(u)` when it is known in closed
        form (atoms of exponential sums and damped oscillations, the Gamma density of a power law; sums and
        multiples combine), else ``None``."""
        return None

    def mp_laplace(self, points: Sequence, dps: int = 30) -> list | None:
        r"""Extended-precision Laplace transforms :math:`L_\rho(s)` at ``points`` (mpmath numbers computed with
        ``dps`` decimal digits), or ``None`` when the kernel has no closed form for them.

        Parameters
        ----------
        points : sequence of float or mpmath.mpf
            Positive Laplace variables.
        dps : int, default 30
            Decimal digits, in [15, :data:`lrnn._limits.MAX_DPS`].
        """
        pts = _as_mp_points(points)
        dps = as_dps(dps)
        import mpmath as mp

        with mp.workdps(dps):
            return self._mp_laplace(pts)

    def _mp_laplace(self, points: list) -> list | None:
        return None

    def mp_norm_squared(self, dps: int = 30):
        r""":math:`\|\rho\|_{L^2}^2` in extended precision (an mpmath number), or ``None`` without a closed form.

        Parameters
        ----------
        dps : int, default 30
            Decimal digits, in [15, :data:`lrnn._limits.MAX_DPS`].
        """
        dps = as_dps(dps)
        import mpmath as mp

        with mp.workdps(dps):
            return self._mp_norm_squared()

    def _mp_norm_squared(self):
        return None

    def _mp_inner(self, other: "Kernel"):
        """Extended-precision ⟨self, other⟩ in closed form (inside a workdps block), or None."""
        return None

    # ----------------------------------------------------------------- norms and inner products
    def norm(self, p: int = 2) -> float:
        r"""The :math:`L^p[0,\infty)` norm, ``p`` in {1, 2}.

        :math:`\|\rho\|_1 = \int_0^\infty|\rho|` is the operator norm :math:`\sup_t \|H_t\|` of the functional;
        :math:`\|\rho\|_2` is the root of the expected squared output under unit white noise. The default is
        adaptive quadrature (relative tolerance 1e-12); subclasses use closed forms.

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        p = as_norm_order(p)

        def compute():
            with np.errstate(over="ignore", invalid="ignore"):
                return float(self._finite(float(self._norm(p)), f"the L{p} norm"))

        return self._cached(("norm", p), compute)

    def _norm(self, p: int) -> float:
        return self._quad_norm(p)

    def _quad_norm(self, p: int) -> float:
        if p == 1:
            f = lambda t: float(abs(self._eval(np.asarray(t))))  # noqa: E731
            return self._guarded_quad(f, self._l1_breakpoints(), self._timescale)
        f = lambda t: float(self._eval(np.asarray(t)) ** 2)  # noqa: E731
        return float(np.sqrt(self._guarded_quad(f, self._breakpoints(), self._timescale)))

    def _oscillations(self) -> float:
        """An estimate of the number of sign changes of ρ over its memory (0 for kernels that do not oscillate)."""
        return 0.0

    def _guarded_quad(self, f, breakpoints, scale, noisy: bool = False) -> float:
        """integrate_half_line with budget errors that name the kernel.

        Refuses up front a kernel that oscillates more often over its memory than a quadrature can resolve, and
        splits at the time scales between the fastest and the slowest (one point per decade), so that a fast
        component is not lost in the tail substitution of a slow one.
        """
        count = self._oscillations()
        if count > _limits.MAX_QUAD_PIECES:
            raise QuadratureBudgetError(
                f"{self!r}: it changes sign about {count:.3g} times over its memory, more than the "
                f"{_limits.MAX_QUAD_PIECES} a quadrature resolves in bounded time (no closed form here)")
        lo = self._min_timescale()
        extra = ()
        if 0 < lo < scale / 1e3 and math.isfinite(scale / lo):
            extra = tuple(np.geomspace(lo, scale, int(math.log10(scale / lo)) + 1)[:-1])
        try:
            with np.errstate(over="ignore", under="ignore"):
                return integrate_half_line(f, tuple(breakpoints) + extra, scale, noisy=noisy)
        except QuadratureBudgetError as exc:
            raise QuadratureBudgetError(f"{self!r}: {exc}") from None

    def inner(self, other: "Kernel") -> float | None:
        r"""The :math:`L^2[0,\infty)` inner product :math:`\int_0^\infty\rho\,\rho_{\rm other}\,dt` in closed form,
        or ``None`` when neither kernel knows one (:func:`lrnn.distance.inner` then integrates).

        Closed forms: a Sylvester equation for two state-space realisations;
        :math:`\sum_k a_k L_{\rm other}(\lambda_k)` when one kernel is a real exponential sum; sums and
        multiples term by term; pairs of power laws.

        Parameters
        ----------
        other : Kernel
        """
        other = require_kernel(other, "other")
        with np.errstate(over="ignore", invalid="ignore"):
            value = self._inner(other)
            if value is None:
                value = other._inner(self)
        return None if value is None else float(self._finite(float(value), "the inner product"))

    def _inner(self, other: "Kernel") -> float | None:
        """A closed form of ⟨self, other⟩ known to ``self``, else None (the default: state-space pairs)."""
        if self._trivially_zero() or other._trivially_zero():
            return 0.0
        sa, sb = self.state_space(), other.state_space()
        if sa is not None and sb is not None:
            from scipy import linalg

            X = linalg.solve_sylvester(sa[0], sb[0].T, -sa[1] @ sb[1].T)
            return float(sa[2] @ X @ sb[2])
        return None

    @property
    def is_zero(self) -> bool:
        """True for the zero kernel (``0 * k``, a zero weight): its norms are 0 and relative errors undefined."""
        return False

    def _trivially_zero(self) -> bool:
        """Zero by construction (no computation needed)."""
        return self.is_zero

    def _exponential_terms(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(rates, weights) when ρ is a finite sum of real decaying exponentials, else None."""
        return None

    def _finite(self, out, what: str):
        """``out`` if every entry is finite, else a ValueError naming the kernel (an overflow of float64)."""
        if not np.all(np.isfinite(out)):
            raise ValueError(f"{self!r}: {what} overflows float64 (the kernel's weights are too large for its "
                             "time scales)")
        return out

    def state_space(self):
        """A realisation ``(W, U, c)`` with ρ(t) = cᵀe^{Wt}U, or ``None``.

        Exponential sums (and damped oscillations) have one; power laws, Gaussians and Airy kernels do not
        (they are not finite exponential sums).
        """
        return None

    def _breakpoints(self) -> tuple[float, ...]:
        return ()

    def _l1_breakpoints(self) -> tuple[float, ...]:
        """Features plus the sign changes of ρ up to ``max(features) + 60·timescale``."""
        count = self._oscillations()
        if count > _limits.MAX_QUAD_PIECES:
            raise QuadratureBudgetError(
                f"{self!r}: its L1 norm needs the kernel's ~{count:.3g} sign changes over its memory resolved, "
                f"more than the {_limits.MAX_QUAD_PIECES} a quadrature handles in bounded time")
        bp = self._breakpoints()
        horizon = max(bp, default=0.0) + 60.0 * self._timescale
        return bp + tuple(sign_changes(self._eval, horizon, t_min=1e-12 * self._min_timescale()))

    def _min_timescale(self) -> float:
        return self._timescale

    # ----------------------------------------------------------------- arithmetic
    def __add__(self, other):
        if isinstance(other, Kernel):
            return Sum(self, other)
        if isinstance(other, numbers.Number) and not isinstance(other, (bool, np.bool_)) and other == 0:
            return self
        return NotImplemented

    def __radd__(self, other):
        if isinstance(other, numbers.Number) and not isinstance(other, (bool, np.bool_)) and other == 0:
            return self  # sum([k1, k2, ...])
        return NotImplemented

    def __sub__(self, other):
        if isinstance(other, Kernel):
            return Sum(self, Scaled(-1.0, other))
        return NotImplemented

    def __mul__(self, a):
        if isinstance(a, (numbers.Real, np.floating, np.integer)) and not isinstance(a, (bool, np.bool_)):
            return Scaled(a, self)
        return NotImplemented

    __rmul__ = __mul__

    def __neg__(self):
        return Scaled(-1.0, self)


def require_kernel(obj, name: str = "target") -> Kernel:
    """Return ``obj`` if it is a :class:`Kernel`, else raise ``TypeError`` naming the argument ``name``.

    For functions that need a kernel's closed forms (Laplace transforms, norms);
    :func:`lrnn.rnn.as_kernel` also accepts scalar-input models.

    Parameters
    ----------
    obj : object
        The value to check.
    name : str, default "target"
        The argument's name, for the message.
    """
    if not isinstance(obj, Kernel):
        raise TypeError(f"{name} must be a kernel (lrnn.kernels.Kernel), got {type(obj).__name__}")
    return obj


# ----------------------------------------------------------------------------- combinations
class Sum(Kernel):
    """The sum ρ₁ + ρ₂ of two kernels (built by ``k1 + k2``); every method works term by term where it can.

    Parameters
    ----------
    first, second : Kernel
        The two terms.
    """

    def __init__(self, first: Kernel, second: Kernel):
        for name, k in (("first", first), ("second", second)):
            if not isinstance(k, Kernel):
                raise TypeError(f"{name} must be a Kernel, got {type(k).__name__}")
        self.terms = (first, second)
        self._timescale = max(first._timescale, second._timescale)
        self._width = first._width + second._width

    def __repr__(self) -> str:
        return f"({self.terms[0]!r} + {self.terms[1]!r})"

    def _eval(self, t):
        return self.terms[0]._eval(t) + self.terms[1]._eval(t)

    def _primitive(self, t):
        return self.terms[0]._primitive(t) + self.terms[1]._primitive(t)

    def _between(self, a, b):
        return self.terms[0]._between(a, b) + self.terms[1]._between(a, b)

    def _tail_signed(self, T):
        return self.terms[0]._tail_signed(T) + self.terms[1]._tail_signed(T)

    def _laplace(self, s):
        return self.terms[0]._laplace(s) + self.terms[1]._laplace(s)

    def _make_pair_function(self):
        first, second = (k.laplace_pair_function() for k in self.terms)

        def pair(s):
            (L1, M1), (L2, M2) = first(s), second(s)
            return L1 + L2, M1 + M2

        return pair

    def laplace_measure(self) -> LaplaceMeasure | None:
        """The sum of the terms' measures (None if either is unknown)."""
        a, b = (k.laplace_measure() for k in self.terms)
        return None if a is None or b is None else a + b

    def _mp_laplace(self, points):
        a, b = (k._mp_laplace(points) for k in self.terms)
        return None if a is None or b is None else [x + y for x, y in zip(a, b)]

    def _mp_norm_squared(self):
        a, b = self.terms
        na, nb, ab = a._mp_norm_squared(), b._mp_norm_squared(), a._mp_inner(b)
        if ab is None:
            ab = b._mp_inner(a)
        return None if na is None or nb is None or ab is None else na + nb + 2 * ab

    def _mp_inner(self, other):
        a, b = (k._mp_inner(other) for k in self.terms)
        if a is None:
            a = other._mp_inner(self.terms[0])
        if b is None:
            b = other._mp_inner(self.terms[1])
        return None if a is None or b is None else a + b

    def _norm(self, p: int) -> float:
        """L²: from the parts' norms and their inner product (closed forms when available), or direct
        quadrature of ρ² when that sum cancels; L¹: quadrature."""
        if p == 1:
            return 0.0 if self._structurally_zero() else self._quad_norm(1)
        a, b = self.terms
        na, nb = a.norm(2), b.norm(2)
        ab = a.inner(b)
        if ab is not None:
            sq = na**2 + nb**2 + 2.0 * ab
            if sq >= 1e-6 * (na**2 + nb**2):
                return float(np.sqrt(sq))
        f = lambda t: float(self._eval(np.asarray(t)) ** 2)  # noqa: E731
        return float(np.sqrt(self._guarded_quad(f, self._breakpoints(), self._timescale, noisy=True)))

    def _inner(self, other):
        a, b = (k.inner(other) for k in self.terms)
        return None if a is None or b is None else a + b

    def _structurally_zero(self) -> bool:
        return self.terms[0]._trivially_zero() and self.terms[1]._trivially_zero()

    def _exponential_terms(self):
        a, b = (k._exponential_terms() for k in self.terms)
        if a is None or b is None:
            return None
        return np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]])

    def _trivially_zero(self) -> bool:
        return self._structurally_zero()

    @property
    def is_zero(self) -> bool:
        """Both terms are zero, or they cancel exactly (ρ₁ = −ρ₂ value by value: ‖ρ₁ + ρ₂‖₂ = 0)."""
        return self._structurally_zero() or self._cached("zero", lambda: self.norm(2) == 0.0)

    def _breakpoints(self):
        return self.terms[0]._breakpoints() + self.terms[1]._breakpoints()

    def _min_timescale(self):
        return min(self.terms[0]._min_timescale(), self.terms[1]._min_timescale())

    def _oscillations(self):
        return self.terms[0]._oscillations() + self.terms[1]._oscillations()

    def state_space(self):
        """The block-diagonal realisation of the two terms' (None if either has none)."""
        parts = [k.state_space() for k in self.terms]
        if any(p is None for p in parts):
            return None
        (W1, U1, c1), (W2, U2, c2) = parts
        m1, m2 = W1.shape[0], W2.shape[0]
        W = np.zeros((m1 + m2, m1 + m2))
        W[:m1, :m1], W[m1:, m1:] = W1, W2
        return W, np.vstack([U1, U2]), np.concatenate([c1, c2])

    def _horizon(self, rtol):
        if self.is_zero:
            return 0.0
        n1 = self.norm(1)
        hs = []
        for k in self.terms:
            nk = k.norm(1)
            if nk > 0:
                part = min(0.5, 0.5 * rtol * (n1 / nk))
                if not part >= 1e-300:
                    raise ValueError(f"rtol = {rtol:g} is too small for {self!r}: its terms cancel to a norm "
                                     f"{n1:.3g} far below theirs, and their tails would need a tolerance below 1e-300")
                hs.append(k._horizon(part))
        return max(hs, default=0.0)


class Scaled(Kernel):
    """A scalar multiple a·ρ (built by ``a * k``); every method scales the inner kernel's answer.

    Parameters
    ----------
    factor : float
        The multiplier ``a`` (finite; 0 gives the zero kernel).
    kernel : Kernel
        The kernel ρ.
    """

    def __init__(self, factor: float, kernel: Kernel):
        if not isinstance(kernel, Kernel):
            raise TypeError(f"kernel must be a Kernel, got {type(kernel).__name__}")
        self.factor = as_real_scalar("factor", factor)
        self.kernel = kernel
        self._timescale = kernel._timescale
        self._width = kernel._width

    def __repr__(self) -> str:
        return f"{self.factor!r} * {self.kernel!r}"

    def _eval(self, t):
        return self.factor * self.kernel._eval(t)

    def _primitive(self, t):
        return self.factor * self.kernel._primitive(t)

    def _between(self, a, b):
        return self.factor * self.kernel._between(a, b)

    def _tail_signed(self, T):
        return self.factor * self.kernel._tail_signed(T)

    def _laplace(self, s):
        return self.factor * self.kernel._laplace(s)

    def _make_pair_function(self):
        inner, factor = self.kernel.laplace_pair_function(), self.factor

        def pair(s):
            L, M = inner(s)
            return factor * L, factor * M

        return pair

    def laplace_measure(self) -> LaplaceMeasure | None:
        """The inner kernel's measure times the factor."""
        mu = self.kernel.laplace_measure()
        return None if mu is None else mu.scaled(self.factor)

    def _mp_laplace(self, points):
        import mpmath as mp

        v = self.kernel._mp_laplace(points)
        return None if v is None else [mp.mpf(self.factor) * x for x in v]

    def _mp_norm_squared(self):
        import mpmath as mp

        v = self.kernel._mp_norm_squared()
        return None if v is None else mp.mpf(self.factor) ** 2 * v

    def _mp_inner(self, other):
        import mpmath as mp

        v = self.kernel._mp_inner(other)
        if v is None:
            v = other._mp_inner(self.kernel)
        return None if v is None else mp.mpf(self.factor) * v

    def _norm(self, p: int) -> float:
        return abs(self.factor) * self.kernel.norm(p)

    def _inner(self, other):
        v = self.kernel.inner(other)
        return None if v is None else self.factor * v

    @property
    def is_zero(self) -> bool:
        """The factor is 0 or the kernel is zero."""
        return self.factor == 0.0 or self.kernel.is_zero

    def _trivially_zero(self) -> bool:
        return self.factor == 0.0 or self.kernel._trivially_zero()

    def _exponential_terms(self):
        e = self.kernel._exponential_terms()
        return None if e is None else (e[0], self.factor * e[1])

    def _sign_definite_after(self, T):
        return self.kernel._sign_definite_after(T)

    def _horizon(self, rtol):
        return self.kernel._horizon(rtol)

    def _breakpoints(self):
        return self.kernel._breakpoints()

    def _min_timescale(self):
        return self.kernel._min_timescale()

    def _oscillations(self):
        return self.kernel._oscillations()

    def state_space(self):
        """The inner kernel's realisation with ``c`` scaled (None if it has none)."""
        ss = self.kernel.state_space()
        if ss is None:
            return None
        W, U, c = ss
        return W, U, self.factor * c

