r"""Airy memory :math:`\rho(t) = \mathrm{Ai}(k(t-\ell))`: ripples before a lag, super-exponential decay after it.

Integrals use a cached table: panels a quarter of the shortest local wavelength of the ripples, each integrated
by 16-point Gauss–Legendre (about machine precision; ``scipy.special.itairy`` is only good to ~1e-7), with
cumulative sums from the left (primitive) and from the right (tails without cancellation).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from .._quadrature import gauss_legendre
from .._validation import as_real_scalar
from ._base import Kernel, timescale

_GL16_X, _GL16_W = np.polynomial.legendre.leggauss(16)

__all__ = ["Airy", "AIRY_MAX_PHASE"]

#: The largest k·ℓ supported: the table then has about 0.6·(kℓ)^{3/2} ≈ 7000 panels (well under a second to
#: build); the ripples before the lag number about (kℓ)^{3/2}/2.
AIRY_MAX_PHASE = 500.0


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
        The time-scale factor :math:`k > 0`. The product :math:`k\ell` (the number of ripples grows like
        :math:`(k\ell)^{3/2}`) is at most :data:`AIRY_MAX_PHASE`.

    Notes
    -----
    Step response :math:`\frac1k\int_{-k\ell}^{k(t-\ell)}\mathrm{Ai}` (composite
    Gauss–Legendre on a cached panel table);
    :math:`\|\rho\|_2^2 = \frac1k\big(k\ell\,\mathrm{Ai}(-k\ell)^2 + \mathrm{Ai}'(-k\ell)^2\big)`
    from :math:`\frac{d}{dx}(x\mathrm{Ai}^2 - \mathrm{Ai}'^2) = \mathrm{Ai}^2`;
    :math:`L^1` norm as :math:`\sum|\int|` between the zeros of Ai (from ``scipy.special.ai_zeros``);
    Laplace transform by Gauss–Legendre on the table's panels (refined to width :math:`1/(2s)` for large s).
    """

    def __init__(self, lag: float, scale: float = 1.0):
        self.lag = as_real_scalar("lag", lag, nonnegative=True)
        self.scale = as_real_scalar("scale", scale, positive=True)
        if self.scale * self.lag > AIRY_MAX_PHASE:
            raise ValueError(f"lag times scale must be at most {AIRY_MAX_PHASE:g} (the Airy kernel has about "
                             f"(scale·lag)^1.5 ripples to resolve before the lag), got lag = {self.lag:g}, "
                             f"scale = {self.scale:g}")
        self._timescale = timescale(self.scale)

    def __repr__(self) -> str:
        return f"Airy(lag={self.lag!r}, scale={self.scale!r})"

    def _eval(self, t):
        # Ai(u) < 1e-290 for u > 100; scipy returns NaN for huge u, so clamp.
        u = self.scale * (np.asarray(t, float) - self.lag)
        return np.where(u > 100.0, 0.0, special.airy(np.minimum(u, 100.0))[0])

    def _table(self):
        """Panel edges on [0, T], the cumulative integral of ρ at each edge and the integral beyond each edge.

        Panels are a quarter of the shortest local wavelength of the ripples, 2π/(k√(kℓ)), integrated by
        16-point Gauss–Legendre. Beyond ``T = ℓ + 40/k`` ρ < Ai(40) ≈ 1e-38 and the primitive is constant.
        """
        def build():
            k, x = self.scale, self.scale * self.lag
            h = min(1.0, 0.5 * np.pi / np.sqrt(max(x, 1.0))) / k
            end = self.lag + 40.0 / k
            edges = np.linspace(0.0, end, int(np.ceil(end / h)) + 1)
            half, mid = 0.5 * (edges[1:] - edges[:-1]), 0.5 * (edges[1:] + edges[:-1])
            nodes = mid[:, None] + half[:, None] * _GL16_X
            values = self._eval(nodes)
            parts = half * (values @ _GL16_W)
            cum = np.concatenate([[0.0], np.cumsum(parts)])
            rcum = np.concatenate([np.cumsum(parts[::-1])[::-1], [0.0]])
            weights = half[:, None] * _GL16_W
            return edges, cum, rcum, (nodes.ravel(), weights.ravel(), values.ravel())

        return self._cached("table", build)[:3]

    def _primitive(self, t):
        edges, cum, _ = self._table()
        tc = np.minimum(t, edges[-1])
        i = np.clip(np.searchsorted(edges, tc, side="right") - 1, 0, edges.size - 2)
        return cum[i] + gauss_legendre(self._eval, edges[i], tc)

    def _between(self, a, b):
        # Cells starting beyond the table's end hold ρ < 1e-38: zero. Cells no
        # longer than a panel are integrated directly (no cancellation), longer
        # ones as differences of the tabulated primitive.
        edges, _, _ = self._table()
        a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
        out = np.zeros(a.shape)
        live = a < edges[-1]
        short = live & ((b - a) <= edges[1] - edges[0])
        long_ = live & ~short
        out[short] = gauss_legendre(self._eval, a[short], b[short])
        out[long_] = self._primitive(b[long_]) - self._primitive(a[long_])
        return out

    def _tail_signed(self, T):
        edges, _, rcum = self._table()
        T = np.asarray(T, float)
        tc = np.minimum(T, edges[-1])
        i = np.clip(np.searchsorted(edges, tc, side="right") - 1, 0, edges.size - 2)
        return np.where(T >= edges[-1], 0.0, rcum[i + 1] + gauss_legendre(self._eval, tc, edges[i + 1]))

    def _sign_definite_after(self, T):
        return T >= self.lag

    # ----------------------------------------------------------------- transforms
    def laplace(self, s: ArrayLike) -> np.ndarray:
        r"""Laplace transform :math:`\int_0^\infty e^{-st}\mathrm{Ai}(k(t-\ell))\,dt`.

        Gauss–Legendre on the cached table's panels up to :math:`\min(T, 80/s)` (beyond, the integrand is
        below :math:`e^{-80}` of its size or the kernel below 1e-38), on panels no wider than :math:`1/(2s)`.

        Parameters
        ----------
        s : array_like
            Positive, finite Laplace variables.
        """
        return super().laplace(s)

    def _laplace(self, s):
        edges, _, _ = self._table()
        h = edges[1] - edges[0]
        out = np.empty(np.shape(s))
        x16, w16 = _GL16_X, _GL16_W

        def nodes(e):
            half, mid = 0.5 * (e[1:] - e[:-1]), 0.5 * (e[1:] + e[:-1])
            return (mid[:, None] + half[:, None] * x16).ravel(), (half[:, None] * w16).ravel()

        t_tab, w_tab, f_tab = self._cached("table", lambda: None)[3]   # the table's own nodes and values
        for idx, sv in np.ndenumerate(np.asarray(s, float)):
            end = min(edges[-1], 80.0 / sv)
            if sv * h <= 0.5:   # the exponential is smooth on every panel: reuse the table's nodes
                keep = t_tab <= end + h
                with np.errstate(under="ignore"):
                    out[idx] = (w_tab[keep] * f_tab[keep]) @ np.exp(-sv * t_tab[keep])
            else:
                e = np.linspace(0.0, end, int(min(np.ceil(end * 2.0 * sv), 1e6)) + 1)
                t, w = nodes(e)
                with np.errstate(under="ignore"):
                    out[idx] = (w * self._eval(t)) @ np.exp(-sv * t)
        return out

    # ----------------------------------------------------------------- norms
    def norm(self, p: int = 2) -> float:
        r""":math:`L^2` in closed form (class notes); :math:`L^1` as :math:`\sum|\int_{z_i}^{z_{i+1}}\rho|` between
        the zeros :math:`z_i` of ρ (``scipy.special.ai_zeros``), each integral from the panel table.

        Parameters
        ----------
        p : {1, 2}, default 2
            The order of the norm.
        """
        return super().norm(p)

    def _norm(self, p):
        if p == 2:
            x = self.scale * self.lag
            ai, aip, _, _ = special.airy(-x)
            return float(np.sqrt((x * ai**2 + aip**2) / self.scale))
        zeros = [z for z in self._breakpoints() if z < self.lag]
        edges = np.array([0.0, *zeros])
        inner = np.abs(self._between(edges[:-1], edges[1:])).sum() if edges.size > 1 else 0.0
        return float(inner + abs(self._tail_signed(np.array([edges[-1]]))[0]))

    def _breakpoints(self):
        x = self.scale * self.lag
        if x <= 2.0:
            return (self.lag,) if self.lag > 0 else ()

        def zeros():
            n = int(((x**1.5) * 8.0 / (3.0 * np.pi) + 1.0) / 4.0) + 3
            z = special.ai_zeros(n)[0]  # negative numbers, increasing in modulus
            times = self.lag + z / self.scale
            return tuple(sorted(times[times > 0])) + (self.lag,)

        return self._cached("zeros", zeros)

    def _horizon(self, rtol):
        n1 = self.norm(1)
        level = rtol * n1
        edges, _, _ = self._table()
        lo, hi = self.lag, edges[-1]
        if self._tail_value(lo, True) <= level:
            return lo
        return self._bisect_tail(lo, hi, level, rtol=1e-9, steps=200)

    def _min_timescale(self):
        return self._timescale / max(1.0, math.sqrt(self.scale * self.lag))

    @property
    def is_zero(self) -> bool:
        """Never: Ai is not identically zero (scale the kernel by 0 for the zero kernel)."""
        return False
