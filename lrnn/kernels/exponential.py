r"""Exponential memory: sums of decaying exponentials and damped oscillations.

* :class:`ExponentialSum` — :math:`\rho(t) = \sum_k a_k e^{-\lambda_k t}` (rates :math:`\lambda_k > 0`, weights
  :math:`a_k`), the kernel of a diagonal linear RNN; :class:`Exponential` — one term, :math:`a\,e^{-\lambda t}`
  (a target's rate is written :math:`\kappa` in the book);
* :class:`DampedOscillation` — :math:`a\,e^{-\lambda t}\cos(\nu t)`, a complex-conjugate pair of eigenvalues
  :math:`-\lambda \pm i\nu`.

Every question has a closed form here; the formulas are written so that extreme but valid magnitudes (rates of
1e-300 or 1e300, weights of 1e300) give finite, correct answers or a clear overflow error.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize

from .. import _limits
from .._validation import as_rates_weights, as_real_scalar
from ._base import T_MAX, Kernel, LaplaceMeasure, chunk_rows, timescale

__all__ = ["ExponentialSum", "Exponential", "DampedOscillation"]


def phi(x: np.ndarray) -> np.ndarray:
    """(1 − e^{−x})/x for x ≥ 0 (1 at 0), without cancellation or division by an underflowed x."""
    x = np.asarray(x, float)
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, -np.expm1(-safe) / safe, 1.0)


# ----------------------------------------------------------------------------- sums of exponentials
class ExponentialSum(Kernel):
    r"""Sum of decaying exponentials :math:`\rho(t) = \sum_k a_k e^{-\lambda_k t}`.

    This is exactly the kernel of a diagonal linear RNN with :math:`W = -\mathrm{diag}(\lambda)`,
    :math:`U = \mathbf 1`, :math:`c = a`.

    Parameters
    ----------
    rates : array_like, shape (m,)
        Decay rates :math:`\lambda_k > 0` (the eigenvalues are :math:`-\lambda_k`); at most
        :data:`lrnn._limits.MAX_TERMS` terms.
    weights : array_like, shape (m,)
        Weights :math:`a_k`.

    Notes
    -----
    :math:`\|\rho\|_2^2 = a^\top G a`, :math:`G_{jk} = 1/(\lambda_j+\lambda_k)` (evaluated after scaling by the
    largest weight and the smallest rate); :math:`\|\rho\|_1 = \sum_k|a_k|/\lambda_k` when the weights share a
    sign, else the sum of :math:`|\int\rho|` between the (at most :math:`m-1`) zeros of ρ;
    :math:`L_\rho(s) = \sum_k a_k/(s+\lambda_k)`, :math:`L_{t\rho}(s) = \sum_k a_k/(s+\lambda_k)^2`;
    :math:`\int_T^\infty\rho = \sum_k a_ke^{-\lambda_kT}/\lambda_k`.
    """

    def __init__(self, rates: ArrayLike, weights: ArrayLike):
        r, w = as_rates_weights(rates, weights)
        r.setflags(write=False)
        w.setflags(write=False)
        self.rates, self.weights = r, w
        self._timescale = timescale(float(r.min()))
        self._width = r.size

    def __repr__(self) -> str:
        return f"ExponentialSum(rates={self.rates.tolist()}, weights={self.weights.tolist()})"

    # ----------------------------------------------------------------- values and integrals
    def _eval(self, t):
        return np.exp(-np.multiply.outer(t, self.rates)) @ self.weights

    def _primitive(self, t):
        # ∫₀ᵗ a e^{-λs} ds = a t φ(λt), φ(x) = (1 − e^{−x})/x: no cancellation, no division by tiny λ.
        return (np.asarray(t, float)[..., None] * phi(np.multiply.outer(t, self.rates))) @ self.weights

    def _between(self, a, b):
        # a e^{−λa} (b − a) φ(λ(b − a)): no cancellation in the tail.
        ea = np.exp(-np.multiply.outer(a, self.rates))
        span = np.asarray(b - a, float)
        return (ea * span[..., None] * phi(np.multiply.outer(span, self.rates))) @ self.weights

    def _tail_signed(self, T):
        T = np.asarray(T, float)
        out = np.zeros(T.shape)
        step = chunk_rows(self._width)
        flat, res = T.ravel(), out.reshape(-1)
        nz = self.weights != 0
        lam, w = self.rates[nz], self.weights[nz]
        for start in range(0, flat.size, step):
            x = flat[start:start + step]
            # a e^{−λT}/λ in log form: finite whenever the term is
            logs = np.log(np.abs(w)) - np.multiply.outer(x, lam) - np.log(lam)
            with np.errstate(over="ignore"):
                res[start:start + step] = (np.sign(w) * np.exp(logs)).sum(axis=-1)
        return out

    def _sign_definite_after(self, T):
        zeros = self._zeros()
        return not zeros or T >= zeros[-1]

    def _zeros(self) -> list[float]:
        """The zeros of ρ on (0, ∞) (at most m − 1, Descartes' rule for exponential sums), cached."""
        return self._cached("zeros", self._find_zeros)

    def _find_zeros(self) -> list[float]:
        w = self.weights
        if np.all(w >= 0) or np.all(w <= 0):
            return []
        lam = self.rates
        lo = 1e-3 / float(lam.max())
        hi = min(self._horizon_bound(1e-17), T_MAX)
        if not hi > lo:
            hi = 10.0 * lo
        decades = math.log10(hi / lo)
        n = int(min(200_000, max(4000, 400 * decades)))
        t = np.unique(np.concatenate([[0.0], np.geomspace(lo, hi, n), np.linspace(0.0, hi, 4001)]))
        v = np.empty(t.size)
        step = chunk_rows(lam.size)
        for start in range(0, t.size, step):
            v[start:start + step] = self._eval(t[start:start + step])
        idx = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
        f = lambda x: float(self._eval(np.array([x]))[0])  # noqa: E731
        return [optimize.brentq(f, t[i], t[i + 1], xtol=1e-15 * max(t[i], 1e-300), rtol=1e-15) for i in idx]

    def _horizon_bound(self, rtol: float, n1: float | None = None) -> float:
        r"""T with :math:`\sum_k|a_k|e^{-\lambda_kT}/\lambda_k \le` rtol·n1 (n1 default :math:`\sum|a_k|/\lambda_k`)."""
        nz = self.weights != 0
        lam, w = self.rates[nz], np.abs(self.weights[nz])
        if lam.size == 0:
            return 0.0
        logs = np.log(w) - np.log(lam)
        log_n1 = math.log(n1) if n1 is not None else float(np.logaddexp.reduce(logs))
        T = (logs + math.log(lam.size) - math.log(rtol) - log_n1) / lam
        return float(max(T.max(), 0.0))

    def _horizon(self, rtol):
        return self._horizon_bound(rtol, self.norm(1))

    # ----------------------------------------------------------------- transforms
    def _laplace(self, s):
        out = np.empty(np.shape(s))
        flat, res = np.asarray(s, float).ravel(), out.reshape(-1)
        step = chunk_rows(self._width)
        for start in range(0, flat.size, step):
            res[start:start + step] = (1.0 / np.add.outer(flat[start:start + step], self.rates)) @ self.weights
        return out

    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""Closed form :math:`L_\rho(s) = \sum_k a_k/(s + \lambda_k)`.

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        return super().laplace(s)

    def _make_pair_function(self):
        rates, weights = self.rates, self.weights

        def pair(s):
            inv = 1.0 / np.add.outer(s, rates)
            return inv @ weights, (inv * inv) @ weights

        return pair

    def laplace_measure(self) -> LaplaceMeasure:
        r"""Atoms :math:`a_k` at :math:`\lambda_k`: :math:`\rho(t) = \sum_k a_k e^{-\lambda_kt}`."""
        return LaplaceMeasure(self.rates.copy(), self.weights.copy())

    def _mp_laplace(self, points):
        import mpmath as mp

        rs = [mp.mpf(float(x)) for x in self.rates]
        ws = [mp.mpf(float(x)) for x in self.weights]
        return [mp.fsum(wi / (s + ri) for ri, wi in zip(rs, ws)) for s in points]

    def _mp_norm_squared(self):
        import mpmath as mp

        rs = [mp.mpf(float(x)) for x in self.rates]
        ws = [mp.mpf(float(x)) for x in self.weights]
        return mp.fsum(wi * wj / (ri + rj) for ri, wi in zip(rs, ws) for rj, wj in zip(rs, ws))

    def _mp_inner(self, other):
        import mpmath as mp

        L = other._mp_laplace([mp.mpf(float(x)) for x in self.rates])
        if L is None:
            return None
        return mp.fsum(mp.mpf(float(w)) * v for w, v in zip(self.weights, L))

    # ----------------------------------------------------------------- norms
    def norm(self, p: int = 2) -> float:
        r"""Closed forms: :math:`L^2`: :math:`\sqrt{a^\top G a}`, :math:`G_{jk} = 1/(\lambda_j+\lambda_k)`
        (direct quadrature of ρ² when that sum cancels: large weights of alternating sign);
        :math:`L^1`: :math:`\sum_k|a_k|/\lambda_k` when all weights share a sign, else
        :math:`\sum_i|\int_{z_i}^{z_{i+1}}\rho|` between the zeros :math:`z_i` of ρ.

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        return super().norm(p)

    def _norm(self, p):
        if self.is_zero:
            return 0.0
        if p == 2:
            return self._l2()
        zeros = self._zeros()
        if not zeros:
            return abs(float(self._tail_signed(np.array([0.0]))[0]))
        edges = np.array([0.0, *zeros])
        parts = np.abs(self._between(edges[:-1], edges[1:]))
        return float(parts.sum() + abs(self._tail_signed(np.array([edges[-1]]))[0]))

    def _l2(self) -> float:
        w, lam = self.weights, self.rates
        wmax, lmin = float(np.max(np.abs(w))), float(lam.min())
        ws, ls = w / wmax, lam / lmin
        step = chunk_rows(ls.size)
        sq = scale = 0.0
        for start in range(0, ls.size, step):
            G = 1.0 / np.add.outer(ls[start:start + step], ls)
            sq += float(ws[start:start + step] @ G @ ws)
            scale += float(np.abs(ws[start:start + step]) @ G @ np.abs(ws))
        if sq < 1e-6 * scale:  # the Gram sum cancelled: integrate ρ² directly
            f = lambda t: float(self._eval(np.asarray(t)) ** 2)  # noqa: E731
            return math.sqrt(self._guarded_quad(f, tuple(self._zeros()), self._timescale, noisy=True))
        log_norm = 0.5 * math.log(sq) + math.log(wmax) - 0.5 * math.log(lmin)
        return math.exp(log_norm) if log_norm < 709.7 else math.inf

    def _inner(self, other):
        if self.is_zero or other._trivially_zero():
            return 0.0
        return float(self.weights @ np.asarray(other._laplace(self.rates), dtype=float))

    @property
    def is_zero(self) -> bool:
        """All weights are zero."""
        return not np.any(self.weights)

    def _exponential_terms(self):
        return self.rates, self.weights

    def state_space(self):
        """``(-diag(λ), 1, a)``; raises ``ValueError`` beyond :data:`lrnn._limits.MAX_HIDDEN` terms (a dense W)."""
        m = self.rates.size
        if m > _limits.MAX_HIDDEN:
            raise ValueError(f"{type(self).__name__} with {m} terms has no dense realisation within the "
                             f"largest supported hidden size {_limits.MAX_HIDDEN}")
        return -np.diag(self.rates), np.ones((m, 1)), self.weights.copy()

    def _breakpoints(self):
        return ()

    def _min_timescale(self):
        return float(1.0 / self.rates.max())


class Exponential(ExponentialSum):
    r"""Exponential memory :math:`\rho(t) = a\,e^{-\lambda t}`.

    Parameters
    ----------
    rate : float
        Decay rate :math:`\lambda > 0`; the memory time scale is :math:`1/\lambda`.
    weight : float, default 1.0
        Amplitude :math:`a`.

    Notes
    -----
    :math:`\|\rho\|_1 = |a|/\lambda`, :math:`\|\rho\|_2 = |a|/\sqrt{2\lambda}`,
    :math:`L_\rho(s) = a/(s+\lambda)`. As a target the book writes its rate :math:`\kappa`.
    """

    def __init__(self, rate: float, weight: float = 1.0):
        self.rate = as_real_scalar("rate", rate, positive=True)
        self.weight = as_real_scalar("weight", weight)
        super().__init__([self.rate], [self.weight])

    def __repr__(self) -> str:
        return f"Exponential(rate={self.rate!r}, weight={self.weight!r})"


# ----------------------------------------------------------------------------- damped oscillations
class DampedOscillation(Kernel):
    r"""Oscillating exponential memory :math:`\rho(t) = a\,e^{-\lambda t}\cos(\nu t)`.

    The kernel of a two-unit RNN with complex-conjugate eigenvalues :math:`-\lambda \pm i\nu`.

    Parameters
    ----------
    rate : float
        Decay rate :math:`\lambda > 0`.
    frequency : float
        Angular frequency :math:`\nu \ge 0`, at most :math:`2\cdot10^{305}\lambda` (so that the phase
        :math:`\nu t` stays representable wherever :math:`e^{-\lambda t}` does).
    weight : float, default 1.0
        Amplitude :math:`a`.

    Notes
    -----
    With :math:`z = \lambda - i\nu`: :math:`\int_a^b\rho = a\,\mathrm{Re}[e^{-za}(1-e^{-z(b-a)})/z]`;
    :math:`L_\rho(s) = a\,q/(q^2+\nu^2)`, :math:`L_{t\rho}(s) = a\,(q^2-\nu^2)/(q^2+\nu^2)^2`, :math:`q = s+\lambda`;
    :math:`\|\rho\|_2^2 = a^2\big(\tfrac1{4\lambda} + \tfrac{\lambda}{4(\lambda^2+\nu^2)}\big)`;
    :math:`\|\rho\|_1 = |a|\,\big(\lambda + \nu/\sinh(\pi\lambda/2\nu)\big)/(\lambda^2+\nu^2)`.
    """

    def __init__(self, rate: float, frequency: float, weight: float = 1.0):
        self.rate = as_real_scalar("rate", rate, positive=True)
        self.frequency = as_real_scalar("frequency", frequency, nonnegative=True)
        self.weight = as_real_scalar("weight", weight)
        if self.frequency > 2e305 * self.rate:
            raise ValueError(f"frequency must be at most 2e305 times the rate (the phase ν t must stay finite "
                             f"while e^(-λt) is representable), got frequency {self.frequency:g} for rate "
                             f"{self.rate:g}")
        self._timescale = timescale(self.rate)

    def __repr__(self) -> str:
        return f"DampedOscillation(rate={self.rate!r}, frequency={self.frequency!r}, weight={self.weight!r})"

    @property
    def _z(self) -> complex:
        return complex(self.rate, -self.frequency)

    def _eval(self, t):
        decay = np.exp(-self.rate * t)
        with np.errstate(invalid="ignore", over="ignore"):
            val = self.weight * decay * np.cos(self.frequency * t)
        return np.where(decay == 0.0, 0.0, val)

    def _primitive(self, t):
        return self._between(np.zeros_like(np.asarray(t, float)), t)

    def _between(self, a, b):
        # a Re[e^{−za}(1 − e^{−z(b−a)})/z], with z = λ − iν.
        z = self._z
        with np.errstate(under="ignore", invalid="ignore"):
            ea = np.exp(-self.rate * a) * np.exp(1j * self.frequency * np.asarray(a, float))
            val = self.weight * np.real(ea * (-np.expm1(-z * (np.asarray(b, float) - a))) / z)
        return np.where(np.exp(-self.rate * np.asarray(a, float)) == 0.0, 0.0, val)

    def _tail_signed(self, T):
        z = self._z
        T = np.asarray(T, float)
        with np.errstate(under="ignore", invalid="ignore"):
            decay = np.exp(-self.rate * T)
            val = self.weight * np.real(decay * np.exp(1j * self.frequency * T) / z)
        return np.where(decay == 0.0, 0.0, val)

    def _sign_definite_after(self, T):
        return self.frequency == 0.0

    def _horizon(self, rtol):
        # ∫_T^∞ |ρ| ≤ |a| e^{−λT}/λ
        n1 = self.norm(1)
        if n1 == 0.0:
            return 0.0
        log_bound = math.log(abs(self.weight)) - math.log(self.rate) - math.log(rtol) - math.log(n1)
        return max(log_bound / self.rate, 0.0)

    # ----------------------------------------------------------------- transforms
    def _laplace(self, s):
        q = s + self.rate
        if self.frequency < 1e150 and (np.size(q) == 0 or np.max(q) < 1e150):
            return self.weight * q / (q**2 + self.frequency**2)
        h = np.hypot(q, self.frequency)
        return self.weight * (q / h) / h

    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""Closed form :math:`a\,(s+\lambda)/((s+\lambda)^2+\nu^2)`.

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        return super().laplace(s)

    def _make_pair_function(self):
        rate, nu2, weight = self.rate, self.frequency**2 if self.frequency < 1e150 else math.inf, self.weight
        if not math.isfinite(nu2):
            nu = self.frequency

            def pair_scaled(s):
                q = s + rate
                h = np.hypot(q, nu)
                c, d = q / h, nu / h
                return weight * c / h, weight * (c - d) * (c + d) / (h * h)

            return pair_scaled

        def pair(s):
            q = s + rate
            d = q * q + nu2
            return weight * q / d, weight * (q * q - nu2) / (d * d)

        return pair

    def laplace_measure(self) -> LaplaceMeasure:
        r"""Atoms :math:`a/2` at :math:`\lambda \mp i\nu` (one atom :math:`a` at :math:`\lambda` when :math:`\nu=0`)."""
        if self.frequency == 0:
            return LaplaceMeasure(np.array([self.rate]), np.array([self.weight]))
        z = self._z
        return LaplaceMeasure(np.array([z, np.conj(z)]), 0.5 * self.weight * np.ones(2))

    def _mp_laplace(self, points):
        import mpmath as mp

        w, r, nu = (mp.mpf(x) for x in (self.weight, self.rate, self.frequency))
        return [w * (s + r) / ((s + r) ** 2 + nu**2) for s in points]

    def _mp_norm_squared(self):
        import mpmath as mp

        w, r, nu = (mp.mpf(x) for x in (self.weight, self.rate, self.frequency))
        return w * w * (1 / (4 * r) + r / (4 * (r * r + nu * nu)))

    # ----------------------------------------------------------------- norms
    def norm(self, p: int = 2) -> float:
        r"""Closed forms: :math:`L^2`: :math:`|a|\sqrt{1/(4\lambda) + \lambda/(4(\lambda^2+\nu^2))}`;
        :math:`L^1`: :math:`|a|\,(\lambda + \nu/\sinh(\pi\lambda/2\nu))/(\lambda^2+\nu^2)` (from
        :math:`\int_0^\infty e^{-\lambda t}|\cos\nu t|\,dt`, summing the half-periods as a geometric series).

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        return super().norm(p)

    def _norm(self, p):
        lam, nu, w = self.rate, self.frequency, abs(self.weight)
        h = math.hypot(lam, nu)
        if p == 2:
            return w * math.sqrt(0.25 / lam + 0.25 * (lam / h) / h)
        if nu == 0.0:
            return w / lam
        # (λ + ν/sinh x)/(λ² + ν²) = (λ/h)/h + (ν/h)(ν/h)(2/(πλ))(x/sinh x), x = πλ/(2ν)
        x = math.pi * lam / (2.0 * nu)
        xs = 1.0 if x < 1e-8 else (2.0 * x * math.exp(-x) / -math.expm1(-2.0 * x) if x > 1.0 else x / math.sinh(x))
        return w * ((lam / h) / h + (nu / h) * (nu / h) * (2.0 / (math.pi * lam)) * xs)

    @property
    def is_zero(self) -> bool:
        """The weight is zero."""
        return self.weight == 0.0

    def _exponential_terms(self):
        return (np.array([self.rate]), np.array([self.weight])) if self.frequency == 0 else None

    def _oscillations(self):
        return self.frequency * 40.0 / self.rate / math.pi

    def _breakpoints(self):
        if self.frequency == 0:
            return ()
        horizon = 40.0 / self.rate  # e^{-40} ≈ 4e-18: beyond, the tail substitution takes over
        count = horizon * self.frequency / math.pi
        n = int(min(count, _limits.MAX_QUAD_PIECES)) + 1
        zeros = (np.pi / 2 + np.pi * np.arange(n)) / self.frequency
        return tuple(zeros[zeros < horizon])

    def state_space(self):
        """The real modal pair ``W = [[-λ, ν], [-ν, -λ]]``, ``U = e₁``, ``c = (a, 0)``."""
        r, nu = self.rate, self.frequency
        W = np.array([[-r, nu], [-nu, -r]])
        return W, np.array([[1.0], [0.0]]), np.array([self.weight, 0.0])
