r"""Memory kernels of linear functionals.

A linear, continuous, causal, regular and time-homogeneous sequence of
functionals has the Riesz form

.. math::

    H_t(x) = \int_0^\infty \rho(s)\, x(t-s)\, ds ,

and the kernel :math:`\rho` *is* its memory. This module provides the kernels
used throughout the book (scalar inputs, :math:`d = 1`):

========================  =====================================================
class                     :math:`\rho(t)`, :math:`t \ge 0`
========================  =====================================================
:class:`Exponential`      :math:`w\,e^{-rt}`
:class:`ExponentialSum`   :math:`\sum_i w_i e^{-r_i t}`
:class:`DampedOscillation` :math:`w\,e^{-rt}\cos(\nu t)`
:class:`PowerLaw`         :math:`w\,(1+t)^{-(1+\omega)}`
:class:`Delayed`          :math:`w\,\exp(-((t-\ell)/\sigma)^2)`
:class:`Airy`             :math:`\mathrm{Ai}(k(t-\ell))`
========================  =====================================================

Every kernel is a callable ``k(t)`` (vectorised, ``t >= 0``) with

* ``k.norm(p)`` — the :math:`L^p[0,\infty)` norm for ``p`` in {1, 2};
* ``k.laplace(s)`` — :math:`\int_0^\infty e^{-st}\rho(t)\,dt` for real ``s > 0``;
* ``k.step_response(t)`` — :math:`\int_0^t \rho(s)\,ds`, the output for a unit
  step input switched on at time 0;
* ``k.cell_integrals(dt, n)`` — the exact integrals
  :math:`\int_{j\,dt}^{(j+1)dt}\rho`, ``j = 0..n-1`` (used by :func:`lrnn.respond`);
* ``k1 + k2``, ``k1 - k2``, ``a * k`` and ``-k``.

Closed forms are used wherever they exist; otherwise adaptive quadrature with
relative tolerance 1e-12 (see each ``norm`` docstring).
"""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod

import numpy as np
from scipy import special

from ._quadrature import integrate_half_line, log_panel_rule, sign_changes
from ._validation import as_integer, as_norm_order, as_rates_weights, as_real_array, as_real_scalar, as_times

__all__ = [
    "Kernel",
    "require_kernel",
    "Exponential",
    "ExponentialSum",
    "DampedOscillation",
    "PowerLaw",
    "Delayed",
    "Airy",
    "Sum",
    "Scaled",
]


def _as_laplace_argument(s) -> np.ndarray:
    arr = as_real_array("s", s)
    if np.any(arr <= 0):
        raise ValueError(f"s must be positive (Laplace variable s > 0), got minimum {arr.min()}")
    return arr



class Kernel(ABC):
    """Base class of scalar memory kernels ρ on [0, ∞).

    Subclasses implement :meth:`_eval`, :meth:`_primitive` (∫₀ᵗ ρ) and may
    override the closed forms of the norms, the Laplace transform and the cell
    integrals. The quadrature fall-backs use :meth:`_breakpoints` (features
    such as a lag or sign changes) and :attr:`_timescale`.
    """

    _timescale: float = 1.0

    # ----------------------------------------------------------------- values
    def __call__(self, t) -> np.ndarray:
        """ρ(t) for times ``t >= 0`` (any shape; returns an array of that shape)."""
        return self._eval(as_times("t", t))

    @abstractmethod
    def _eval(self, t: np.ndarray) -> np.ndarray: ...

    @abstractmethod
    def _primitive(self, t: np.ndarray) -> np.ndarray:
        """∫₀ᵗ ρ(s) ds for validated times."""

    def step_response(self, t) -> np.ndarray:
        r"""Output for a unit step input, :math:`y(t) = \int_0^t \rho(s)\,ds`."""
        return self._primitive(as_times("t", t))

    def _between(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """∫ₐᵇ ρ for arrays a ≤ b (subclasses override when differences cancel)."""
        return self._primitive(b) - self._primitive(a)

    def cell_integrals(self, dt: float, n: int) -> np.ndarray:
        r"""Exact cell integrals :math:`K_j = \int_{j\,dt}^{(j+1)\,dt}\rho(s)\,ds`.

        Parameters
        ----------
        dt : float
            Cell width (> 0).
        n : int
            Number of cells; returns an array of shape ``(n,)``.
        """
        dt = as_real_scalar("dt", dt, positive=True)
        n = as_integer("n", n)
        j = np.arange(n, dtype=float)
        return self._between(j * dt, (j + 1.0) * dt)

    # ------------------------------------------------------------- transforms
    def laplace(self, s) -> np.ndarray:
        r"""Laplace transform :math:`\int_0^\infty e^{-st}\rho(t)\,dt`, real ``s > 0``.

        The default is adaptive quadrature (relative tolerance 1e-12).
        """
        s = _as_laplace_argument(s)
        out = np.empty(s.shape)
        for idx, sv in np.ndenumerate(s):
            out[idx] = integrate_half_line(
                lambda t, sv=sv: float(np.exp(-sv * t) * self._eval(np.asarray(t))),
                self._breakpoints(),
                min(self._timescale, 1.0 / sv),
            )
        return out

    def norm(self, p: int = 2) -> float:
        r"""The :math:`L^p[0,\infty)` norm, ``p`` in {1, 2}.

        :math:`\|\rho\|_1 = \int_0^\infty|\rho|` is the operator norm
        :math:`\sup_t \|H_t\|` of the functional; :math:`\|\rho\|_2` is the
        root of the expected squared output under unit white noise. The default
        is adaptive quadrature (relative tolerance 1e-12).
        """
        p = as_norm_order(p)
        return self._quad_norm(p)

    def _quad_norm(self, p: int) -> float:
        if p == 1:
            f = lambda t: float(abs(self._eval(np.asarray(t))))  # noqa: E731
            return integrate_half_line(f, self._l1_breakpoints(), self._timescale)
        f = lambda t: float(self._eval(np.asarray(t)) ** 2)  # noqa: E731
        return float(np.sqrt(integrate_half_line(f, self._breakpoints(), self._timescale)))

    def _breakpoints(self) -> tuple[float, ...]:
        return ()

    def _l1_breakpoints(self) -> tuple[float, ...]:
        """Features plus the sign changes of ρ up to ``max(features) + 60·timescale``."""
        bp = self._breakpoints()
        horizon = max(bp, default=0.0) + 60.0 * self._timescale
        return bp + tuple(sign_changes(self._eval, horizon))

    def state_space(self):
        """A realisation ``(W, U, c)`` with ρ(t) = cᵀe^{Wt}U, or ``None``.

        Exponential sums (and damped oscillations) have one; power laws,
        Gaussians and Airy kernels do not (they are not finite exponential sums).
        """
        return None

    # ------------------------------------------------------------- arithmetic
    def __add__(self, other):
        if isinstance(other, Kernel):
            return Sum(self, other)
        if isinstance(other, numbers.Number) and other == 0:
            return self
        return NotImplemented

    def __radd__(self, other):
        if isinstance(other, numbers.Number) and other == 0:  # sum([k1, k2, ...])
            return self
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
    """
    if not isinstance(obj, Kernel):
        raise TypeError(f"{name} must be a kernel (lrnn.kernels.Kernel), got {type(obj).__name__}")
    return obj


# --------------------------------------------------------------------- exponentials
class ExponentialSum(Kernel):
    r"""Sum of decaying exponentials :math:`\rho(t) = \sum_i w_i e^{-r_i t}`.

    This is exactly the kernel of a diagonal linear RNN with
    :math:`W = -\mathrm{diag}(r)`, :math:`U = \mathbf 1`, :math:`c = w`.

    Parameters
    ----------
    rates : array_like, shape (m,)
        Decay rates :math:`r_i > 0` (the eigenvalues are :math:`-r_i`).
    weights : array_like, shape (m,)
        Weights :math:`w_i`.
    """

    def __init__(self, rates, weights):
        r, w = as_rates_weights(rates, weights)
        self.rates, self.weights = r, w
        self._timescale = float(1.0 / r.min())

    def __repr__(self) -> str:
        return f"ExponentialSum(rates={self.rates.tolist()}, weights={self.weights.tolist()})"

    def _eval(self, t):
        return np.exp(-np.multiply.outer(t, self.rates)) @ self.weights

    def _primitive(self, t):
        # ∫₀ᵗ w e^{-rs} ds = w (1 − e^{−rt}) / r, with expm1 for small rt.
        return (-np.expm1(-np.multiply.outer(t, self.rates)) / self.rates) @ self.weights

    def _between(self, a, b):
        # w e^{−ra} (1 − e^{−r(b−a)}) / r: no cancellation in the tail.
        ea = np.exp(-np.multiply.outer(a, self.rates))
        return (ea * (-np.expm1(-np.multiply.outer(b - a, self.rates))) / self.rates) @ self.weights

    def laplace(self, s):
        r"""Closed form :math:`\sum_i w_i/(s + r_i)`."""
        s = _as_laplace_argument(s)
        return (1.0 / np.add.outer(s, self.rates)) @ self.weights

    def norm(self, p: int = 2) -> float:
        r"""Closed forms: :math:`L^2`: :math:`\sqrt{w^\top G w}`, :math:`G_{ij} = 1/(r_i+r_j)`;
        :math:`L^1`: :math:`\sum|w_i|/r_i` when all weights share a sign, else quadrature."""
        p = as_norm_order(p)
        if p == 2:
            G = 1.0 / np.add.outer(self.rates, self.rates)
            return float(np.sqrt(max(self.weights @ G @ self.weights, 0.0)))
        if np.all(self.weights >= 0) or np.all(self.weights <= 0):
            return float(np.sum(np.abs(self.weights) / self.rates))
        return self._quad_norm(1)

    def state_space(self):
        m = self.rates.size
        return -np.diag(self.rates), np.ones((m, 1)), self.weights.copy()


class Exponential(ExponentialSum):
    r"""Exponential memory :math:`\rho(t) = w\,e^{-rt}`.

    Parameters
    ----------
    rate : float
        Decay rate :math:`r > 0`; the memory time scale is :math:`1/r`.
    weight : float, default 1.0
        Amplitude :math:`w`.

    Notes
    -----
    :math:`\|\rho\|_1 = |w|/r`, :math:`\|\rho\|_2 = |w|/\sqrt{2r}`,
    :math:`\mathcal L\rho(s) = w/(s+r)`.
    """

    def __init__(self, rate: float, weight: float = 1.0):
        self.rate = as_real_scalar("rate", rate, positive=True)
        self.weight = as_real_scalar("weight", weight)
        super().__init__([self.rate], [self.weight])

    def __repr__(self) -> str:
        return f"Exponential(rate={self.rate!r}, weight={self.weight!r})"


class DampedOscillation(Kernel):
    r"""Oscillating exponential memory :math:`\rho(t) = w\,e^{-rt}\cos(\nu t)`.

    The kernel of a two-unit RNN with complex-conjugate eigenvalues
    :math:`-r \pm i\nu`.

    Parameters
    ----------
    rate : float
        Decay rate :math:`r > 0`.
    frequency : float
        Angular frequency :math:`\nu \ge 0`.
    weight : float, default 1.0
        Amplitude :math:`w`.
    """

    def __init__(self, rate: float, frequency: float, weight: float = 1.0):
        self.rate = as_real_scalar("rate", rate, positive=True)
        self.frequency = as_real_scalar("frequency", frequency, nonnegative=True)
        self.weight = as_real_scalar("weight", weight)
        self._timescale = 1.0 / self.rate

    def __repr__(self) -> str:
        return f"DampedOscillation(rate={self.rate!r}, frequency={self.frequency!r}, weight={self.weight!r})"

    def _eval(self, t):
        return self.weight * np.exp(-self.rate * t) * np.cos(self.frequency * t)

    def _primitive(self, t):
        # Re ∫₀ᵗ w e^{-zs} ds with z = r − iν: w Re[(1 − e^{−zt}) / z].
        z = self.rate - 1j * self.frequency
        return self.weight * np.real(-np.expm1(-z * t) / z)

    def _between(self, a, b):
        z = self.rate - 1j * self.frequency
        return self.weight * np.real(np.exp(-z * a) * (-np.expm1(-z * (b - a))) / z)

    def laplace(self, s):
        r"""Closed form :math:`w\,(s+r)/((s+r)^2+\nu^2)`."""
        s = _as_laplace_argument(s)
        q = s + self.rate
        return self.weight * q / (q**2 + self.frequency**2)

    def norm(self, p: int = 2) -> float:
        r""":math:`L^2` in closed form, :math:`|w|\sqrt{1/(4r) + r/(4(r^2+\nu^2))}`;
        :math:`L^1` by quadrature between the zeros of the cosine."""
        p = as_norm_order(p)
        r, nu = self.rate, self.frequency
        if p == 2:
            return abs(self.weight) * float(np.sqrt(1 / (4 * r) + r / (4 * (r**2 + nu**2))))
        return self._quad_norm(1)

    def _breakpoints(self):
        if self.frequency == 0:
            return ()
        horizon = 40.0 / self.rate  # e^{-40} ≈ 4e-18: beyond, the tail substitution takes over
        k = np.arange(0, int(horizon * self.frequency / np.pi) + 1)
        zeros = (np.pi / 2 + np.pi * k) / self.frequency
        return tuple(zeros[zeros < horizon][:2000])

    def state_space(self):
        r, nu = self.rate, self.frequency
        W = np.array([[-r, nu], [-nu, -r]])
        return W, np.array([[1.0], [0.0]]), np.array([self.weight, 0.0])


# --------------------------------------------------------------------- power law
class PowerLaw(Kernel):
    r"""Power-law (long) memory :math:`\rho(t) = w\,(1+t)^{-(1+\omega)}`.

    Parameters
    ----------
    omega : float
        Decay exponent :math:`\omega > 0`; smaller :math:`\omega` means longer memory.
    weight : float, default 1.0
        Amplitude :math:`w`.

    Notes
    -----
    :math:`\|\rho\|_1 = |w|/\omega`, :math:`\|\rho\|_2 = |w|/\sqrt{1+2\omega}`,
    step response :math:`w(1-(1+t)^{-\omega})/\omega`. No exponential rate
    :math:`\beta > 0` bounds it, so it falls outside the Jackson-type theorem.
    """

    def __init__(self, omega: float, weight: float = 1.0):
        self.omega = as_real_scalar("omega", omega, positive=True)
        self.weight = as_real_scalar("weight", weight)

    def __repr__(self) -> str:
        return f"PowerLaw(omega={self.omega!r}, weight={self.weight!r})"

    def _eval(self, t):
        return self.weight * np.exp(-(1.0 + self.omega) * np.log1p(t))

    def _primitive(self, t):
        # w (1 − (1+t)^{−ω}) / ω  =  −w expm1(−ω log1p t) / ω
        return -self.weight * np.expm1(-self.omega * np.log1p(t)) / self.omega

    def _between(self, a, b):
        # w/ω [(1+a)^{−ω} − (1+b)^{−ω}] = −w/ω (1+a)^{−ω} expm1(−ω log1p((b−a)/(1+a)))
        lead = np.exp(-self.omega * np.log1p(a))
        return -self.weight / self.omega * lead * np.expm1(-self.omega * np.log1p((b - a) / (1.0 + a)))

    def laplace(self, s):
        r"""Laplace transform :math:`w\int_0^\infty e^{-st}(1+t)^{-(1+\omega)}dt = w\,e^{s}E_{1+\omega}(s)`.

        Computed in the variable :math:`t = e^u - 1`, where the integrand
        :math:`e^{-s(e^u-1)}e^{-\omega u}` is smooth and decays exponentially,
        by composite 24-point Gauss–Legendre (relative accuracy ~1e-14;
        ``scipy.special.hyperu`` loses up to 1e-6 here).
        """
        s = _as_laplace_argument(s)
        out = np.empty(s.shape)
        for idx, sv in np.ndenumerate(s):
            upper = min(np.log1p(45.0 / sv), 45.0 / self.omega)
            u, wq = log_panel_rule(upper, panel=0.5)
            out[idx] = wq @ np.exp(-sv * np.expm1(u) - self.omega * u)
        return self.weight * out

    def norm(self, p: int = 2) -> float:
        """Closed forms |w|/ω (p = 1) and |w|/√(1+2ω) (p = 2)."""
        p = as_norm_order(p)
        if p == 1:
            return abs(self.weight) / self.omega
        return abs(self.weight) / float(np.sqrt(1.0 + 2.0 * self.omega))


# --------------------------------------------------------------------- delayed
def _erf_difference(x1, x2):
    """erf(x2) − erf(x1) without cancellation when both arguments share a sign."""
    x1, x2 = np.broadcast_arrays(np.asarray(x1, float), np.asarray(x2, float))
    out = special.erf(x2) - special.erf(x1)
    pos = x1 >= 0
    neg = x2 <= 0
    out = np.where(pos, special.erfc(x1) - special.erfc(x2), out)
    out = np.where(neg, special.erfc(-x2) - special.erfc(-x1), out)
    return out


class Delayed(Kernel):
    r"""Memory concentrated at a lag: :math:`\rho(t) = w\exp(-((t-\ell)/\sigma)^2)`.

    Parameters
    ----------
    lag : float
        Where the memory sits, :math:`\ell \ge 0`.
    width : float, default 1.0
        Its spread :math:`\sigma > 0`.
    weight : float, default 1.0
        Amplitude :math:`w`.

    Notes
    -----
    With :math:`x = (t-\ell)/\sigma`: step response
    :math:`w\sigma\frac{\sqrt\pi}{2}(\mathrm{erf}(x)+\mathrm{erf}(\ell/\sigma))`;
    :math:`\|\rho\|_1 = |w|\sigma\frac{\sqrt\pi}{2}(1+\mathrm{erf}(\ell/\sigma))`;
    :math:`\|\rho\|_2^2 = w^2\sigma\frac12\sqrt{\pi/2}(1+\mathrm{erf}(\sqrt2\ell/\sigma))`;
    :math:`\mathcal L\rho(s) = w\sigma\frac{\sqrt\pi}{2}e^{s^2\sigma^2/4-s\ell}\,
    \mathrm{erfc}(s\sigma/2-\ell/\sigma)`.
    """

    def __init__(self, lag: float, width: float = 1.0, weight: float = 1.0):
        self.lag = as_real_scalar("lag", lag, nonnegative=True)
        self.width = as_real_scalar("width", width, positive=True)
        self.weight = as_real_scalar("weight", weight)
        self._timescale = self.width

    def __repr__(self) -> str:
        return f"Delayed(lag={self.lag!r}, width={self.width!r}, weight={self.weight!r})"

    def _x(self, t):
        return (t - self.lag) / self.width

    def _eval(self, t):
        with np.errstate(over="ignore"):
            return self.weight * np.exp(-self._x(t) ** 2)

    def _primitive(self, t):
        return self._between(np.zeros_like(t), t)

    def _between(self, a, b):
        c = self.weight * self.width * np.sqrt(np.pi) / 2.0
        return c * _erf_difference(self._x(a), self._x(b))

    def laplace(self, s):
        """Closed form (docstring of the class), evaluated with ``erfcx`` for stability."""
        s = _as_laplace_argument(s)
        a, b = self.lag, self.width
        z = s * b / 2.0 - a / b
        c = self.weight * b * np.sqrt(np.pi) / 2.0
        with np.errstate(over="ignore", under="ignore"):
            direct = np.exp(s * s * b * b / 4.0 - s * a) * special.erfc(np.minimum(z, 0.0))
        scaled = np.exp(-(a / b) ** 2) * special.erfcx(np.maximum(z, 0.0))
        return c * np.where(z > 0, scaled, direct)

    def norm(self, p: int = 2) -> float:
        p = as_norm_order(p)
        w, a, b = abs(self.weight), self.lag, self.width
        if p == 1:
            return w * b * np.sqrt(np.pi) / 2.0 * (1.0 + special.erf(a / b))
        return float(w * np.sqrt(b * 0.5 * np.sqrt(np.pi / 2.0) * (1.0 + special.erf(np.sqrt(2.0) * a / b))))

    def _breakpoints(self):
        return (self.lag,) if self.lag > 0 else ()


# --------------------------------------------------------------------- Airy
_GL16_X, _GL16_W = np.polynomial.legendre.leggauss(16)


def _gauss_legendre(f, a, b):
    """∫ₐᵇ f by one 16-point Gauss–Legendre panel per pair (a, b) (arrays)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    half = 0.5 * (b - a)
    mid = 0.5 * (b + a)
    x = mid[..., None] + half[..., None] * _GL16_X
    return half * (f(x) @ _GL16_W)


class Airy(Kernel):
    r"""Airy memory :math:`\rho(t) = \mathrm{Ai}(k(t-\ell))`.

    It oscillates for :math:`t < \ell` (slowly decaying ripples reaching back
    towards :math:`t = 0`) and decays super-exponentially, like
    :math:`e^{-\frac23(k(t-\ell))^{3/2}}`, after the lag.

    Parameters
    ----------
    lag : float
        The lag :math:`\ell \ge 0` where the oscillation turns into decay.
    scale : float, default 1.0
        The time-scale factor :math:`k > 0`.

    Notes
    -----
    Step response :math:`\frac1k\int_{-k\ell}^{k(t-\ell)}\mathrm{Ai}` (composite
    Gauss–Legendre on a cached panel table);
    :math:`\|\rho\|_2^2 = \frac1k\big(k\ell\,\mathrm{Ai}(-k\ell)^2 + \mathrm{Ai}'(-k\ell)^2\big)`
    from :math:`\frac{d}{dx}(x\mathrm{Ai}^2 - \mathrm{Ai}'^2) = \mathrm{Ai}^2`;
    :math:`L^1` norm and Laplace transform by quadrature between the zeros.
    """

    def __init__(self, lag: float, scale: float = 1.0):
        self.lag = as_real_scalar("lag", lag, nonnegative=True)
        self.scale = as_real_scalar("scale", scale, positive=True)
        self._timescale = 1.0 / self.scale

    def __repr__(self) -> str:
        return f"Airy(lag={self.lag!r}, scale={self.scale!r})"

    def _eval(self, t):
        # Ai(u) < 1e-290 for u > 100; scipy returns NaN for huge u, so clamp.
        u = self.scale * (t - self.lag)
        return np.where(u > 100.0, 0.0, special.airy(np.minimum(u, 100.0))[0])

    def _table(self):
        """Panel edges on [0, T] and the cumulative integral of ρ at each edge.

        Panels are a quarter of the shortest local wavelength of the ripples,
        2π/(k√(kℓ)), integrated by 16-point Gauss–Legendre (≈ machine precision;
        ``scipy.special.itairy`` is only good to ~1e-7). Beyond ``T = ℓ + 40/k``
        ρ < Ai(40) ≈ 1e-38 and the primitive is constant.
        """
        if not hasattr(self, "_cum"):
            k, x = self.scale, self.scale * self.lag
            h = min(1.0, 0.5 * np.pi / np.sqrt(max(x, 1.0))) / k
            end = self.lag + 40.0 / k
            edges = np.linspace(0.0, end, int(np.ceil(end / h)) + 1)
            parts = _gauss_legendre(self._eval, edges[:-1], edges[1:])
            self._edges, self._cum = edges, np.concatenate([[0.0], np.cumsum(parts)])
        return self._edges, self._cum

    def _primitive(self, t):
        edges, cum = self._table()
        tc = np.minimum(t, edges[-1])
        i = np.clip(np.searchsorted(edges, tc, side="right") - 1, 0, edges.size - 2)
        return cum[i] + _gauss_legendre(self._eval, edges[i], tc)

    def _between(self, a, b):
        # Cells starting beyond the table's end hold ρ < 1e-38: zero. Cells no
        # longer than a panel are integrated directly (no cancellation), longer
        # ones as differences of the tabulated primitive.
        edges, _ = self._table()
        a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
        out = np.zeros(a.shape)
        live = a < edges[-1]
        short = live & ((b - a) <= edges[1] - edges[0])
        long_ = live & ~short
        out[short] = _gauss_legendre(self._eval, a[short], b[short])
        out[long_] = self._primitive(b[long_]) - self._primitive(a[long_])
        return out

    def norm(self, p: int = 2) -> float:
        p = as_norm_order(p)
        if p == 2:
            x = self.scale * self.lag
            ai, aip, _, _ = special.airy(-x)
            return float(np.sqrt((x * ai**2 + aip**2) / self.scale))
        return self._quad_norm(1)

    def _breakpoints(self):
        x = self.scale * self.lag
        if x <= 2.0:
            return (self.lag,) if self.lag > 0 else ()
        n = int(((x**1.5) * 8.0 / (3.0 * np.pi) + 1.0) / 4.0) + 3
        zeros = special.ai_zeros(n)[0]  # negative numbers, increasing in modulus
        times = self.lag + zeros / self.scale
        return tuple(times[times > 0]) + (self.lag,)


# --------------------------------------------------------------------- combinations
class Sum(Kernel):
    """The sum ρ₁ + ρ₂ of two kernels (built by ``k1 + k2``)."""

    def __init__(self, first: Kernel, second: Kernel):
        for name, k in (("first", first), ("second", second)):
            if not isinstance(k, Kernel):
                raise TypeError(f"{name} must be a Kernel, got {type(k).__name__}")
        self.terms = (first, second)
        self._timescale = max(first._timescale, second._timescale)

    def __repr__(self) -> str:
        return f"({self.terms[0]!r} + {self.terms[1]!r})"

    def _eval(self, t):
        return self.terms[0]._eval(t) + self.terms[1]._eval(t)

    def _primitive(self, t):
        return self.terms[0]._primitive(t) + self.terms[1]._primitive(t)

    def _between(self, a, b):
        return self.terms[0]._between(a, b) + self.terms[1]._between(a, b)

    def laplace(self, s):
        return self.terms[0].laplace(s) + self.terms[1].laplace(s)

    def norm(self, p: int = 2) -> float:
        """L²: from the parts' norms and their inner product (closed forms when
        available, see :func:`lrnn.distance`); L¹: quadrature."""
        p = as_norm_order(p)
        if p == 1:
            return self._quad_norm(1)
        from .distance import inner  # late import: distance builds on kernels

        a, b = self.terms
        sq = a.norm(2) ** 2 + b.norm(2) ** 2 + 2.0 * inner(a, b)
        if sq < 1e-6 * (a.norm(2) ** 2 + b.norm(2) ** 2):  # cancellation: integrate directly
            f = lambda t: float(self._eval(np.asarray(t)) ** 2)  # noqa: E731
            return float(np.sqrt(integrate_half_line(f, self._breakpoints(), self._timescale, noisy=True)))
        return float(np.sqrt(sq))

    def _breakpoints(self):
        return self.terms[0]._breakpoints() + self.terms[1]._breakpoints()

    def state_space(self):
        parts = [k.state_space() for k in self.terms]
        if any(p is None for p in parts):
            return None
        (W1, U1, c1), (W2, U2, c2) = parts
        m1, m2 = W1.shape[0], W2.shape[0]
        W = np.zeros((m1 + m2, m1 + m2))
        W[:m1, :m1], W[m1:, m1:] = W1, W2
        return W, np.vstack([U1, U2]), np.concatenate([c1, c2])


class Scaled(Kernel):
    """A scalar multiple a·ρ (built by ``a * k``)."""

    def __init__(self, factor: float, kernel: Kernel):
        if not isinstance(kernel, Kernel):
            raise TypeError(f"kernel must be a Kernel, got {type(kernel).__name__}")
        self.factor = as_real_scalar("factor", factor)
        self.kernel = kernel
        self._timescale = kernel._timescale

    def __repr__(self) -> str:
        return f"{self.factor!r} * {self.kernel!r}"

    def _eval(self, t):
        return self.factor * self.kernel._eval(t)

    def _primitive(self, t):
        return self.factor * self.kernel._primitive(t)

    def _between(self, a, b):
        return self.factor * self.kernel._between(a, b)

    def laplace(self, s):
        return self.factor * self.kernel.laplace(s)

    def norm(self, p: int = 2) -> float:
        return abs(self.factor) * self.kernel.norm(p)

    def _breakpoints(self):
        return self.kernel._breakpoints()

    def state_space(self):
        ss = self.kernel.state_space()
        if ss is None:
            return None
        W, U, c = ss
        return W, U, self.factor * c
