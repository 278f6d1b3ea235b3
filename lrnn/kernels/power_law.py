r"""Power-law (long) memory :math:`\rho(t) = a\,(1+t)^{-(1+\omega)}`.

It is the Laplace transform of a Gamma density,
:math:`(1+t)^{-(1+\omega)} = \int_0^\infty e^{-ut}\,\frac{u^\omega e^{-u}}{\Gamma(1+\omega)}\,du`, so it is a
"continuous exponential sum" with rates spread over every scale — which is why no finite sum with rates bounded
away from zero approximates it uniformly well (the curse of memory).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from .._quadrature import log_panel_rule


def _log1p_ratio(c: float, s: float) -> float:
    """ln(1 + c/s) without overflow of c/s for tiny s."""
    return math.log1p(c / s) if s > 1e-290 else math.log(c) - math.log(s)
from .._validation import as_real_scalar
from ._base import Kernel, LaplaceMeasure

__all__ = ["PowerLaw"]


class PowerLaw(Kernel):
    r"""Power-law (long) memory :math:`\rho(t) = a\,(1+t)^{-(1+\omega)}`.

    Parameters
    ----------
    omega : float
        Decay exponent :math:`\omega > 0`; smaller :math:`\omega` means longer memory.
    weight : float, default 1.0
        Amplitude :math:`a`.

    Notes
    -----
    :math:`\|\rho\|_1 = |a|/\omega`, :math:`\|\rho\|_2 = |a|/\sqrt{1+2\omega}`, step response
    :math:`a(1-(1+t)^{-\omega})/\omega`, tail :math:`\int_T^\infty\rho = a(1+T)^{-\omega}/\omega`,
    :math:`L_\rho(s) = a\,e^sE_{1+\omega}(s)`, :math:`L_{t\rho}(s) = a\,e^s(E_\omega(s) - E_{1+\omega}(s))`,
    Laplace measure :math:`a\,u^\omega e^{-u}/\Gamma(1+\omega)\,du`. No exponential rate bounds it, so it
    falls outside the Jackson-type theorem.
    """

    def __init__(self, omega: float, weight: float = 1.0):
        self.omega = as_real_scalar("omega", omega, positive=True)
        self.weight = as_real_scalar("weight", weight)

    def __repr__(self) -> str:
        return f"PowerLaw(omega={self.omega!r}, weight={self.weight!r})"

    # ----------------------------------------------------------------- values and integrals
    def _eval(self, t):
        return self.weight * np.exp(-(1.0 + self.omega) * np.log1p(t))

    def _primitive(self, t):
        # a (1 − (1+t)^{−ω}) / ω  =  −a expm1(−ω log1p t) / ω  (= a log1p(t) when ω log1p t underflows)
        x = self.omega * np.log1p(t)
        safe = np.where(x > 0, x, 1.0)
        return self.weight * np.log1p(t) * np.where(x > 0, -np.expm1(-safe) / safe, 1.0)

    def _between(self, a, b):
        # a/ω [(1+a)^{−ω} − (1+b)^{−ω}] = −a/ω (1+a)^{−ω} expm1(−ω log1p((b−a)/(1+a)))
        lead = np.exp(-self.omega * np.log1p(a))
        r = np.log1p((b - a) / (1.0 + a))
        x = self.omega * r
        safe = np.where(x > 0, x, 1.0)
        return self.weight * lead * r * np.where(x > 0, -np.expm1(-safe) / safe, 1.0)

    def _tail_signed(self, T):
        # a (1+T)^{−ω}/ω, in log form
        with np.errstate(over="ignore"):
            return np.sign(self.weight) * np.exp(math.log(abs(self.weight) or 1e-320) - self.omega * np.log1p(T)
                                                 - math.log(self.omega)) * (self.weight != 0)

    def _sign_definite_after(self, T):
        return True

    def _horizon(self, rtol):
        # (1+T)^{−ω} = rtol  ⇒  T = rtol^{−1/ω} − 1
        x = -math.log(rtol) / self.omega
        return math.expm1(x) if x < 709.0 else math.inf

    # ----------------------------------------------------------------- transforms
    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""Laplace transform :math:`a\int_0^\infty e^{-st}(1+t)^{-(1+\omega)}dt = a\,e^{s}E_{1+\omega}(s)`.

        Computed in the variable :math:`t = e^u - 1`, where the integrand
        :math:`e^{-s(e^u-1)}e^{-\omega u}` is smooth and decays exponentially,
        by composite 24-point Gauss–Legendre (relative accuracy ~1e-14;
        ``scipy.special.hyperu`` loses up to 1e-6 here).

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        return super().laplace(s)

    def _laplace(self, s):
        out = np.empty(np.shape(s))
        for idx, sv in np.ndenumerate(np.asarray(s, float)):
            upper = min(_log1p_ratio(45.0, sv), 45.0 / self.omega)
            u, wq = log_panel_rule(upper, panel=0.5)
            out[idx] = wq @ np.exp(-sv * np.expm1(u) - self.omega * u)
        return self.weight * out

    def _make_pair_function(self):
        omega, weight = self.omega, self.weight

        def pair(s):
            s = np.asarray(s, float)
            L = np.empty(s.shape)
            M = np.empty(s.shape)
            for idx, sv in np.ndenumerate(s):
                # L: as in laplace(); M = ∫ t e^{-st}(1+t)^{-(1+ω)} dt, integrand e^{-s(e^u−1)}(e^u−1)e^{−ωu}
                upper = min(_log1p_ratio(45.0, sv), 45.0 / omega)
                u, wq = log_panel_rule(upper, panel=0.5)
                L[idx] = wq @ np.exp(-sv * np.expm1(u) - omega * u)
                # beyond u = ln(1 + 60/s) the factor e^{-s(e^u-1)} < e^{-60}; for ω > 2 the integrand is also
                # below e^{-(ω-1)u}, negligible past (70 + 2 ln ω)/(ω − 1) (M itself is ~1/ω²)
                upper = _log1p_ratio(60.0, sv)
                if omega > 2.0:
                    upper = min(upper, (70.0 + 2.0 * math.log(omega)) / (omega - 1.0))
                u, wq = log_panel_rule(upper, panel=0.5)
                em1 = np.expm1(u)
                M[idx] = wq @ (np.exp(-sv * em1 - omega * u) * em1)
            return weight * L, weight * M

        return pair

    def laplace_measure(self) -> LaplaceMeasure:
        r"""The Gamma density :math:`a\,u^\omega e^{-u}/\Gamma(1+\omega)` on :math:`(0,\infty)`; ``support`` holds
        all but :math:`10^{-20}` of its mass (the Gamma quantiles)."""
        omega, weight = self.omega, self.weight
        log_norm = special.gammaln(1.0 + omega)

        def density(u):
            u = np.asarray(u, float)
            with np.errstate(divide="ignore"):
                return weight * np.exp(omega * np.log(u) - u - log_norm)

        lo = float(special.gammaincinv(1.0 + omega, 1e-20))
        hi = float(special.gammainccinv(1.0 + omega, 1e-20))
        return LaplaceMeasure(np.empty(0), np.empty(0), density, (max(lo, 1e-300), hi))

    def _mp_laplace(self, points):
        import mpmath as mp

        w, om = mp.mpf(self.weight), mp.mpf(self.omega)
        return [w * mp.exp(s) * mp.expint(1 + om, s) for s in points]

    def _mp_norm_squared(self):
        import mpmath as mp

        w, om = mp.mpf(self.weight), mp.mpf(self.omega)
        return w * w / (1 + 2 * om)

    def _mp_inner(self, other):
        if isinstance(other, PowerLaw):
            import mpmath as mp

            return mp.mpf(self.weight) * mp.mpf(other.weight) / (1 + mp.mpf(self.omega) + mp.mpf(other.omega))
        return None

    # ----------------------------------------------------------------- norms
    def norm(self, p: int = 2) -> float:
        r"""Closed forms :math:`|a|/\omega` (p = 1) and :math:`|a|/\sqrt{1+2\omega}` (p = 2).

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        return super().norm(p)

    def _norm(self, p):
        if p == 1:
            return abs(self.weight) / self.omega
        return abs(self.weight) / math.sqrt(1.0 + 2.0 * self.omega)

    def _inner(self, other):
        if isinstance(other, PowerLaw):  # ∫(1+t)^{-(2+ω₁+ω₂)} dt = 1/(1+ω₁+ω₂)
            return self.weight * other.weight / (1.0 + self.omega + other.omega)
        return super()._inner(other)

    @property
    def is_zero(self) -> bool:
        """The weight is zero."""
        return self.weight == 0.0
