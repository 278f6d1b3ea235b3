r"""A kernel of finite smoothness and exponential decay: the ramp :math:`\rho(t) = a\,(t-\ell)_+^{p}\,e^{-\kappa t}`.

The test case of the Jackson-type rate theorem (Chapter 3): exactly :math:`\lceil p\rceil-1` continuous
derivatives, all decaying like :math:`e^{-\beta t}` for every :math:`\beta<\kappa`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from .._validation import as_real_scalar
from ._base import Kernel, timescale

__all__ = ["RampExponential"]


class RampExponential(Kernel):
    r"""A kernel of finite smoothness and exponential decay: :math:`\rho(t) = a\,(t-\ell)_+^{p}\,e^{-\kappa t}`.

    It has exactly :math:`\lceil p\rceil-1` continuous derivatives, and it and
    those derivatives decay like :math:`e^{-\beta t}` for every :math:`\beta<\kappa`:
    a test case for the Jackson-type rate theorem with smoothness
    :math:`\alpha=\lceil p\rceil-1` and decay :math:`\beta<\kappa`.

    Parameters
    ----------
    power : float
        The exponent :math:`p > 0` of the ramp (its smoothness).
    rate : float
        The decay rate :math:`\kappa > 0`.
    lag : float, default 1.0
        Where the ramp starts, :math:`\ell \ge 0`.
    weight : float, default 1.0
        Amplitude :math:`a`.

    Notes
    -----
    Closed forms (:math:`x=t-\ell`, :math:`C = a e^{-\kappa\ell}\Gamma(p+1)\kappa^{-(p+1)}`):
    step response :math:`C\,P(p+1,\kappa x_+)`; tail :math:`\int_T^\infty\rho = C\,Q(p+1,\kappa x_+)`
    (regularised incomplete Gamma functions);
    Laplace transform :math:`L_\rho(s) = a e^{-(s+\kappa)\ell}\Gamma(p+1)/(s+\kappa)^{p+1}` and
    :math:`L_{t\rho}(s) = L_\rho(s)\,(\ell + (p+1)/(s+\kappa))`;
    :math:`\|\rho\|_2^2 = a^2e^{-2\kappa\ell}\Gamma(2p+1)/(2\kappa)^{2p+1}`;
    :math:`\|\rho\|_1 = |a|e^{-\kappa\ell}\Gamma(p+1)/\kappa^{p+1}`.
    (In earlier versions the rate was written γ; the book writes κ for a target's rate.)
    """

    def __init__(self, power: float, rate: float, lag: float = 1.0, weight: float = 1.0):
        self.power = as_real_scalar("power", power, positive=True)
        self.rate = as_real_scalar("rate", rate, positive=True)
        self.lag = as_real_scalar("lag", lag, nonnegative=True)
        self.weight = as_real_scalar("weight", weight)
        self._timescale = timescale(self.rate)

    def __repr__(self) -> str:
        return f"RampExponential(power={self.power!r}, rate={self.rate!r}, lag={self.lag!r}, weight={self.weight!r})"

    def _log_c(self) -> float:
        p, g = self.power, self.rate
        return -g * self.lag + float(special.gammaln(p + 1)) - (p + 1) * math.log(g)

    def _c(self) -> float:
        lc = self._log_c()
        if self.weight == 0.0:
            return 0.0
        if lc + math.log(abs(self.weight)) > 709.0:
            raise ValueError(f"{self!r}: its integral overflows float64 (the rate is too small for the power)")
        return self.weight * math.exp(lc)

    def _eval(self, t):
        x = np.maximum(t - self.lag, 0.0)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            logv = self.power * np.log(x) - self.rate * t
            v = self.weight * np.exp(logv)
        return np.where(x > 0, v, 0.0)

    def _primitive(self, t):
        x = np.maximum(t - self.lag, 0.0)
        return self._c() * special.gammainc(self.power + 1, self.rate * x)

    def _between(self, a, b):
        xa, xb = np.maximum(a - self.lag, 0.0), np.maximum(b - self.lag, 0.0)
        # Q(xa) − Q(xb) with the regularised upper incomplete gamma: no cancellation in the tail.
        p1, g = self.power + 1, self.rate
        return self._c() * (special.gammaincc(p1, g * xa) - special.gammaincc(p1, g * xb))

    def _tail_signed(self, T):
        x = np.maximum(np.asarray(T, float) - self.lag, 0.0)
        return self._c() * special.gammaincc(self.power + 1, self.rate * x)

    def _sign_definite_after(self, T):
        return True

    def _horizon(self, rtol):
        x = float(special.gammainccinv(self.power + 1, rtol))
        return self.lag + x / self.rate

    # ----------------------------------------------------------------- transforms
    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""Closed form :math:`a e^{-(s+\kappa)\ell}\Gamma(p+1)/(s+\kappa)^{p+1}`.

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        return super().laplace(s)

    def _laplace(self, s):
        q = s + self.rate
        with np.errstate(over="ignore", under="ignore"):
            return self.weight * np.exp(-q * self.lag + special.gammaln(self.power + 1) - (self.power + 1) * np.log(q))

    def _make_pair_function(self):
        lag, p1 = self.lag, self.power + 1

        def pair(s):
            L = self._laplace(s)
            return L, L * (lag + p1 / (s + self.rate))

        return pair

    def _mp_laplace(self, points):
        import mpmath as mp

        w, p, g, a = (mp.mpf(x) for x in (self.weight, self.power, self.rate, self.lag))
        return [w * mp.exp(-(s + g) * a) * mp.gamma(p + 1) / (s + g) ** (p + 1) for s in points]

    def _mp_norm_squared(self):
        import mpmath as mp

        w, p, g, a = (mp.mpf(x) for x in (self.weight, self.power, self.rate, self.lag))
        return w * w * mp.exp(-2 * g * a) * mp.gamma(2 * p + 1) / (2 * g) ** (2 * p + 1)

    # ----------------------------------------------------------------- norms
    def norm(self, p: int = 2) -> float:
        """Closed forms (see the class notes).

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        return super().norm(p)

    def _norm(self, p):
        a, g, w = self.power, self.rate, abs(self.weight)
        if w == 0.0:
            return 0.0
        if p == 1:
            log_n = math.log(w) - g * self.lag + special.gammaln(a + 1) - (a + 1) * math.log(g)
        else:
            log_n = math.log(w) + 0.5 * (-2 * g * self.lag + special.gammaln(2 * a + 1)
                                         - (2 * a + 1) * math.log(2 * g))
        return math.exp(log_n) if log_n < 709.7 else math.inf

    @property
    def is_zero(self) -> bool:
        """The weight is zero."""
        return self.weight == 0.0

    def _breakpoints(self):
        return (self.lag,) if self.lag > 0 else ()
