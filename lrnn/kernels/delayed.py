r"""Memory concentrated at a lag: the delayed Gaussian bump :math:`\rho(t) = a\,e^{-((t-\ell)/\varsigma)^2}`."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from .._validation import as_real_scalar
from ._base import Kernel

__all__ = ["Delayed", "erf_difference"]


def erf_difference(x1, x2):
    """erf(x2) − erf(x1) without cancellation when both arguments share a sign."""
    x1, x2 = np.broadcast_arrays(np.asarray(x1, float), np.asarray(x2, float))
    out = special.erf(x2) - special.erf(x1)
    pos = x1 >= 0
    neg = x2 <= 0
    out = np.where(pos, special.erfc(x1) - special.erfc(x2), out)
    out = np.where(neg, special.erfc(-x2) - special.erfc(-x1), out)
    return out


def _mp_erfcx(z):
    """e^{z²} erfc(z) for z > 0 at the working mpmath precision (the asymptotic series for large z, where
    mpmath's erfc is unreliable)."""
    import mpmath as mp

    if z < 1e6:
        return mp.exp(z * z) * mp.erfc(z)
    x = 1 / (2 * z * z)
    term = total = mp.mpf(1)
    n = 0
    while True:   # Σ (−1)^n (2n−1)!! x^n: terms fall by a factor (2n−1)x ≤ 1e-11 here
        n += 1
        term *= -(2 * n - 1) * x
        if abs(term) < mp.eps * abs(total):
            break
        total += term
    return total / (z * mp.sqrt(mp.pi))


def _square(x: float) -> float:
    """x² for a float, inf instead of an OverflowError."""
    return x * x if abs(x) < 1e154 else math.inf


class Delayed(Kernel):
    r"""Memory concentrated at a lag: :math:`\rho(t) = a\exp(-((t-\ell)/\varsigma)^2)`.

    Parameters
    ----------
    lag : float
        Where the memory sits, :math:`\ell \ge 0`.
    width : float, default 1.0
        Its spread :math:`\varsigma > 0`.
    weight : float, default 1.0
        Amplitude :math:`a`.

    Notes
    -----
    With :math:`x = (t-\ell)/\varsigma`: step response
    :math:`a\varsigma\frac{\sqrt\pi}{2}(\mathrm{erf}(x)+\mathrm{erf}(\ell/\varsigma))`; tail
    :math:`\int_T^\infty\rho = a\varsigma\frac{\sqrt\pi}2\mathrm{erfc}(x_T)`;
    :math:`\|\rho\|_1 = |a|\varsigma\frac{\sqrt\pi}{2}(1+\mathrm{erf}(\ell/\varsigma))`;
    :math:`\|\rho\|_2^2 = a^2\varsigma\frac12\sqrt{\pi/2}(1+\mathrm{erf}(\sqrt2\ell/\varsigma))`;
    :math:`L_\rho(s) = a\varsigma\frac{\sqrt\pi}{2}e^{s^2\varsigma^2/4-s\ell}\,\mathrm{erfc}(s\varsigma/2-\ell/\varsigma)`
    (complete the square in :math:`-st - (t-\ell)^2/\varsigma^2`);
    :math:`L_{t\rho}(s) = (\ell-\varsigma^2s/2)L_\rho(s) + \tfrac{\varsigma^2}{2}\rho(0)` (integrate
    :math:`\rho' = -2(t-\ell)\rho/\varsigma^2` by parts).
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
        return c * erf_difference(self._x(a), self._x(b))

    def _tail_signed(self, T):
        c = self.weight * self.width * np.sqrt(np.pi) / 2.0
        return c * special.erfc(self._x(np.asarray(T, float)))

    def _sign_definite_after(self, T):
        return True

    def _horizon(self, rtol):
        # a ς √π/2 erfc(x_T) = rtol ‖ρ‖₁ = rtol a ς √π/2 (1 + erf(ℓ/ς))
        x = special.erfcinv(rtol * (1.0 + special.erf(self.lag / self.width)))
        return max(self.lag + self.width * float(x), 0.0)

    # ----------------------------------------------------------------- transforms
    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""Closed form (class notes), evaluated with ``erfc`` where :math:`s\varsigma/2 \le \ell/\varsigma` and
        with the scaled ``erfcx`` beyond, so that neither the exponential nor the complementary error function
        overflows or underflows on the way.

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        return super().laplace(s)

    def _laplace(self, s):
        a, b = self.lag, self.width
        z = s * b / 2.0 - a / b
        c = self.weight * b * np.sqrt(np.pi) / 2.0
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            direct = np.exp(np.minimum(s * s * b * b / 4.0 - s * a, 0.0)) * special.erfc(np.minimum(z, 0.0))
        scaled = np.exp(-_square(a / b)) * special.erfcx(np.maximum(z, 0.0))
        return c * np.where(z > 0, scaled, direct)

    def _make_pair_function(self):
        # ρ = c e^{-((t-ℓ)/ς)^2}:  ∫(t-ℓ)e^{-st}ρ = (ς²/2)[ρ(0) - s L_ρ(s)]  (integrate ρ' by parts)
        lag, width = self.lag, self.width
        c = self.weight * width * np.sqrt(np.pi) / 2.0
        tail = np.exp(-_square(lag / width))
        rho0 = self.weight * np.exp(-_square(lag / width))
        half_sig2 = 0.5 * width**2
        offset = half_sig2 * rho0

        def pair(s):
            # laplace()'s two branches (erfc where z <= 0, erfcx where z > 0), in the same arithmetic; the
            # branch test runs on Python floats, because a NumPy reduction costs more than the special functions
            # on the tiny arrays of the training loops. On the erfc branch s²ς²/4 - sℓ <= -sℓ/2 <= 0, so clipping
            # the exponent at 0 in the mixed case changes nothing there.
            z = s * width / 2.0 - lag / width
            values = z.ravel().tolist()
            if not values:
                return np.zeros_like(z), np.zeros_like(z)
            if max(values) <= 0.0:
                L = c * (np.exp(s * s * width * width / 4.0 - s * lag) * special.erfc(z))
            elif min(values) > 0.0:
                L = c * (tail * special.erfcx(z))
            else:
                L = c * np.where(z > 0, tail * special.erfcx(np.maximum(z, 0.0)),
                                 np.exp(np.minimum(s * s * width * width / 4.0 - s * lag, 0.0))
                                 * special.erfc(np.minimum(z, 0.0)))
            return L, (lag - half_sig2 * s) * L + offset

        return pair

    def _mp_laplace(self, points):
        import mpmath as mp

        w, a, b = (mp.mpf(x) for x in (self.weight, self.lag, self.width))
        c = w * b * mp.sqrt(mp.pi) / 2
        out = []
        for s in points:
            z = s * b / 2 - a / b
            if z > 0:   # e^{s²ς²/4 − sℓ} erfc(z) = e^{−(ℓ/ς)²} e^{z²} erfc(z), without overflow
                out.append(c * mp.exp(-(a / b) ** 2) * _mp_erfcx(z))
            else:
                out.append(c * mp.exp(s * s * b * b / 4 - s * a) * mp.erfc(z))
        return out

    def _mp_norm_squared(self):
        import mpmath as mp

        w, a, b = (mp.mpf(x) for x in (self.weight, self.lag, self.width))
        return w * w * b / 2 * mp.sqrt(mp.pi / 2) * (1 + mp.erf(mp.sqrt(2) * a / b))

    # ----------------------------------------------------------------- norms
    def norm(self, p: int = 2) -> float:
        r"""Closed forms: :math:`\|\rho\|_1 = |a|\varsigma\frac{\sqrt\pi}{2}(1+\mathrm{erf}(\ell/\varsigma))`,
        :math:`\|\rho\|_2 = |a|\sqrt{\varsigma\frac12\sqrt{\pi/2}\,(1+\mathrm{erf}(\sqrt2\ell/\varsigma))}`.

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        return super().norm(p)

    def _norm(self, p):
        w, a, b = abs(self.weight), self.lag, self.width
        if p == 1:
            return w * b * math.sqrt(math.pi) / 2.0 * (1.0 + math.erf(a / b))
        return w * math.sqrt(b * 0.5 * math.sqrt(math.pi / 2.0) * (1.0 + math.erf(math.sqrt(2.0) * a / b)))

    @property
    def is_zero(self) -> bool:
        """The weight is zero."""
        return self.weight == 0.0

    def _breakpoints(self):
        return (self.lag,) if self.lag > 0 else ()
