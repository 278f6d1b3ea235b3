r"""Best :math:`L^1` errors on the grid :math:`\lambda_k = k\beta`: Markov's dual certificate and the book's
Proposition (Nikolskii's inequality).

* :func:`fixed_grid_l1_errors` — Markov's lower bound for any width. In :math:`u = e^{-\beta t}` the model is
  :math:`u\,p(u)` with :math:`\deg p\le m-1` and :math:`\|\rho-up\|_{L^1(dt)} = \beta^{-1}\|q-p\|_{L^1[0,1]}`,
  :math:`q(u) = \rho(t)/u`. The sign :math:`s_m(u) = \operatorname{sgn}U_m(2u-1)` of the Chebyshev polynomial of
  the second kind is orthogonal to every polynomial of degree :math:`< m`, so for every :math:`p`

  .. math::

      \|\rho-up\|_{L^1} \ \ge\ \Big|\int_0^\infty\rho(t)\,s_m(e^{-\beta t})\,dt\Big|
      = \Big|\sum_{j=1}^{m+1}(-1)^j\int_{t_j}^{t_{j-1}}\rho\Big|,
      \qquad t_j = -\tfrac2\beta\ln\sin\frac{j\pi}{2(m+1)},\ t_0=\infty .

  The bound is attained (Markov's theorem) when the residual of the polynomial interpolating :math:`q` at the
  :math:`m` zeros of :math:`U_m(2u-1)` changes sign there and nowhere else (always for exponentials
  :math:`e^{-\kappa t}`, whose :math:`q^{(m)}` has one sign; observed for power laws at every width :math:`\ge2`
  the book checks); :func:`markov_certificate` computes both sides. The sum costs :math:`O(\min(m, K))`
  operations with :math:`K = 1000`: beyond the last :math:`K` intervals it is summed by the Euler–Boole formula,
  so widths like :math:`10^{100}` and, in :math:`\ln m`, far beyond, are cheap. Its absolute accuracy is about
  :math:`10^{-16}\|\rho\|_1\sqrt{\min(m,K)}` (an alternating sum): fine for the slowly decaying errors of long
  memories, not for errors below :math:`10^{-12}\|\rho\|_1`. The interval integrals are the kernel's own
  (:meth:`Kernel.integral`, without cancellation in the tail).
* :func:`grid_l1_lower_bound`, :func:`grid_l1_width_bound` — the book's Proposition (Nikolskii's inequality
  :math:`\max_{[0,1]}|p|\le m^2\|p\|_{L^1[0,1]}` for :math:`\deg p\le m-1`): for every :math:`\eta\in(0,1)` and
  :math:`T = \beta^{-1}\ln(m^2/\eta)`,

  .. math::

      \Big\|\rho-\sum_{k=1}^m a_ke^{-k\beta t}\Big\|_{L^1}
      \ \ge\ \frac{\int_T^\infty|\rho| - \eta\|\rho\|_{L^1}}{1+\eta} .

The functions are public through :mod:`lrnn.l1fit`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from . import _limits
from ._validation import as_bool, as_real_array, as_real_scalar, as_size, float64_failures_name
from .kernels import Kernel
from .rnn import LinearRNN, as_kernel

__all__ = ["fixed_grid_l1_errors", "markov_certificate", "grid_l1_lower_bound", "grid_l1_width_bound",
           "as_widths", "l1_scale"]

_GL_CHECK = np.polynomial.legendre.leggauss(12)  # the independent error quadrature

#: Times beyond every computation here (a capped horizon keeps a lower bound valid and finite).
T_CAP = 1e300


def _panels(edges: np.ndarray, rule) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights on consecutive ``edges``."""
    a, b = edges[:-1], edges[1:]
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    return (mid[:, None] + half[:, None] * rule[0]).ravel(), (half[:, None] * rule[1]).ravel()


def as_widths(widths, limit: int = 10_000) -> np.ndarray:
    """Widths m ≥ 1 (floats allowed, rounded), 1-D, at most ``limit`` of them."""
    ms = np.atleast_1d(as_real_array("widths", widths, ndim=(0, 1)))
    if ms.size == 0 or np.any(ms < 1):
        raise ValueError(f"widths must be at least 1, got {ms.tolist()[:10]}")
    if ms.size > limit:
        raise ValueError(f"widths must have at most {limit} entries (each costs a sum over intervals), got {ms.size}")
    return ms


def l1_scale(target: Kernel, relative: bool) -> float:
    """‖ρ‖₁ when ``relative`` (a ValueError for the zero kernel), else 1."""
    if not relative:
        return 1.0
    if target.is_zero:
        raise ValueError("target is the zero kernel: a relative error divides by its norm 0 (use relative=False)")
    n1 = float(target.norm(1))
    if not n1 > 0:
        raise ValueError(f"target's L1 norm underflows float64 ({n1}): a relative error is undefined "
                         "(use relative=False)")
    return n1


def _finite(x):
    if not np.all(np.isfinite(x)):
        raise ValueError("the L1 error overflows float64 (the kernel's weights are too large)")
    return x


# ----------------------------------------------------------------------------- Markov's dual certificate
_K_DIRECT = 1000  # intervals summed one by one; the rest by the Euler–Boole formula (error ~1e-11 relative)


def _markov_points_from_log(L: float, beta: float, j: np.ndarray) -> np.ndarray:
    r""":math:`t_j = -\tfrac2\beta\ln\sin\frac{j\pi}{2(m+1)}` from :math:`L=\ln(m+1)`, for any size of m."""
    with np.errstate(under="ignore"):
        x = 0.5 * np.pi * j * np.exp(-L)           # jπ/(2(m+1)), may underflow to 0 for huge m
    log_sinc = np.log(np.sinc(x / np.pi))          # ln(sin x / x)
    with np.errstate(over="ignore"):
        t = (2.0 / beta) * (L - np.log(0.5 * np.pi * j) - log_sinc)
    if not np.all(np.isfinite(t)):
        raise ValueError(f"beta = {beta:g} is too small for this width: the sign changes of Markov's certificate "
                         "lie beyond float64")
    return t


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
        tj = np.maximum(_markov_points_from_log(L, beta, j), 0.0)
        tj[-1] = 0.0                                      # t_{m+1} = 0 exactly
        f = target.integral(tj, np.maximum(np.concatenate([[np.inf], tj[:-1]]), tj))   # rounding: keep a <= b
        signs = np.where(np.arange(1, K + 1) % 2 == 1, 1.0, -1.0)
        return float(np.sum(signs * f))
    K = _K_DIRECT
    j = np.arange(1, K + 3, dtype=float)                  # t_1 .. t_{K+2}
    tj = np.maximum(_markov_points_from_log(L, beta, j), 0.0)
    f = target.integral(tj, np.maximum(np.concatenate([[np.inf], tj[:-1]]), tj))    # f_1 .. f_{K+2}
    signs = np.where(np.arange(1, K + 1) % 2 == 1, 1.0, -1.0)
    head = float(np.sum(signs * f[:K]))
    F0, Fp1, Fm1 = f[K], f[K + 1], f[K - 1]               # F(0) = f_{K+1}, F(1) = f_{K+2}, F(−1) = f_K
    rest = 0.5 * F0 - 0.125 * (Fp1 - Fm1)
    return head + (-1.0) ** K * rest


@float64_failures_name("target")
def fixed_grid_l1_errors(target: Kernel | LinearRNN, widths: ArrayLike, beta: float = 1.0, *,
                         relative: bool = True) -> np.ndarray:
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
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    widths : array_like
        Widths :math:`m\ge1` (floats allowed, up to about :math:`10^{300}`), at most 10 000 of them.
    beta : float, default 1.0
        Grid spacing (the stability margin).
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^1}` (the zero kernel then raises ``ValueError``).

    Returns
    -------
    numpy.ndarray
    """
    target = as_kernel(target, "target")
    ms = as_widths(widths)
    beta = as_real_scalar("beta", beta, positive=True)
    relative = as_bool("relative", relative)
    scale = l1_scale(target, relative)
    if target.is_zero:
        return np.zeros(ms.size)
    return _finite(np.array([abs(_markov_value(target, math.log(round(m) + 1.0), beta)) for m in ms]) / scale)


def _fixed_grid_l1_from_log(target: Kernel, L: float, beta: float) -> float:
    """Markov's value for m + 1 = e^L (relative), L any positive float (m beyond float range allowed)."""
    return abs(_markov_value(target, L, beta)) / float(target.norm(1))


@float64_failures_name("target")
def markov_certificate(target: Kernel | LinearRNN, width: int, beta: float = 1.0, *,
                       relative: bool = True) -> tuple[float, float]:
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
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    width : int
        :math:`1 \le m \le 4096`.
    beta : float, default 1.0
        Grid spacing.
    relative : bool, default True
        Divide both by :math:`\|\rho\|_{L^1}` (the zero kernel then raises ``ValueError``).

    Returns
    -------
    (float, float)
    """
    target = as_kernel(target, "target")
    m = as_size("width", width, limit=4096, why="the interpolation certificate evaluates an (n × m) table")
    beta = as_real_scalar("beta", beta, positive=True)
    relative = as_bool("relative", relative)
    scale = l1_scale(target, relative)
    if target.is_zero:
        return 0.0, 0.0
    lower = float(fixed_grid_l1_errors(target, [m], beta, relative=relative)[0])
    j = np.arange(1, m + 1)
    th = j * np.pi / (m + 1)                      # 2u − 1 = cos θ_j: the zeros of U_m
    xj = np.cos(th)
    uj = 0.5 * (1.0 + xj)
    tj = -np.log(uj) / beta
    qj = np.asarray(target(tj), float) / uj
    wj = (-1.0) ** j * np.sin(th) ** 2            # barycentric weights of the U_m zeros

    def fhat(t):
        step = max(1, _limits.CHUNK_ENTRIES // m)       # the (n × m) table in row blocks: bounded memory
        if t.size > step:
            return np.concatenate([fhat(t[s:s + step]) for s in range(0, t.size, step)])
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
    tail = float(target.tail(float(edges[-1]), absolute=True))
    upper = (body + tail) / scale
    return lower, _finite(upper)


# ----------------------------------------------------------------------------- Nikolskii: the Proposition
def _log_eta_grid():
    return np.linspace(-700.0, -1e-9, 7001)


@float64_failures_name("target")
def grid_l1_lower_bound(target: Kernel | LinearRNN, widths: ArrayLike, beta: float = 1.0, *,
                        relative: bool = True) -> np.ndarray:
    r"""The Proposition's lower bound on the best :math:`L^1` error on the grid :math:`\lambda_k=k\beta`.

    .. math::

        E_m \ \ge\ \sup_{0<\eta<1}\frac{\int_T^\infty|\rho| - \eta\|\rho\|_{L^1}}{1+\eta},
        \qquad T = \frac1\beta\ln\frac{m^2}{\eta},

    maximised over :math:`\ln\eta` on a grid of step 0.1 in :math:`[-700, 0)` (a
    slightly smaller value than the supremum is still a valid bound). Zero where
    no :math:`\eta` gives a positive value.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    widths : array_like
        Widths :math:`m\ge1`, at most 1000 of them.
    beta : float, default 1.0
        Grid spacing.
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^1}` (the zero kernel then raises ``ValueError``).

    Returns
    -------
    numpy.ndarray
    """
    target = as_kernel(target, "target")
    ms = as_widths(widths, limit=1000)
    beta = as_real_scalar("beta", beta, positive=True)
    relative = as_bool("relative", relative)
    l1_scale(target, relative)
    if target.is_zero:
        return np.zeros(ms.size)
    n1 = float(target.norm(1))
    le = _log_eta_grid()[::100]
    le = np.concatenate([le, np.linspace(-30.0, -1e-9, 3001)])
    eta = np.exp(le)
    out = []
    for m in ms:
        T = np.minimum((2.0 * math.log(m) - le) / beta, T_CAP)
        tails = np.asarray(target.tail(T, absolute=True), dtype=float)
        val = np.max((tails - eta * n1) / (1.0 + eta))
        out.append(max(val, 0.0))
    out = np.array(out)
    return _finite(out / n1 if relative else out)


@float64_failures_name("target")
def grid_l1_width_bound(target: Kernel | LinearRNN, epsilon: float, beta: float = 1.0) -> float:
    r"""The Proposition's lower bound on the width that reaches relative :math:`L^1` error :math:`\epsilon`.

    On the grid :math:`\lambda_k = k\beta`, a width :math:`m` with :math:`E_m\le\epsilon\|\rho\|_{L^1}` needs, for
    every :math:`\eta\in(0,1)`, :math:`\int_{T}^\infty|\rho|\le(\epsilon(1+\eta)+\eta)\|\rho\|_{L^1}` at
    :math:`T=\beta^{-1}\ln(m^2/\eta)`, hence :math:`m \ge \sqrt\eta\,e^{\beta T_\eta/2}` where :math:`T_\eta` is the
    time at which the relative tail of :math:`|\rho|` equals :math:`\epsilon(1+\eta)+\eta`
    (:meth:`Kernel.horizon`; for :math:`(1+t)^{-(1+\omega)}`: :math:`T_\eta = (\epsilon(1+\eta)+\eta)^{-1/\omega}-1`).

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input), not the zero kernel.
    epsilon : float
        The relative :math:`L^1` error, :math:`0 < \epsilon < 1`.
    beta : float, default 1.0
        Grid spacing.

    Returns
    -------
    float
        :math:`\log_{10}` of the largest of these lower bounds over a grid of :math:`\eta` (computed in log
        space; :math:`T_\eta` is capped at :math:`10^{300}`, which keeps the bound valid and finite). A **lower
        bound** on the required width, not the width itself.
    """
    target = as_kernel(target, "target")
    epsilon = as_real_scalar("epsilon", epsilon, positive=True, below=1.0)
    beta = as_real_scalar("beta", beta, positive=True)
    l1_scale(target, True)
    le = np.concatenate([np.linspace(-700.0, -31.0, 670), np.linspace(-30.0, -1e-9, 3001)])
    eta = np.exp(le)
    level = epsilon * (1.0 + eta) + eta
    ok = level < 1.0
    le, level = le[ok], level[ok]
    n1 = float(target.norm(1))
    T = _tail_times(target, level, n1)
    with np.errstate(over="ignore"):
        log10m = 0.5 * le / math.log(10.0) + 0.5 * beta * T / math.log(10.0)
    return float(min(max(np.max(log10m), 0.0), np.finfo(float).max))


def _tail_times(target: Kernel, levels: np.ndarray, n1: float) -> np.ndarray:
    """Times T ≤ T_level, where ∫_T^∞|ρ| = level·‖ρ‖₁, as large as the kernel resolves them (capped at 1e300).

    The horizon is exact where the tail has a closed form; elsewhere it bisects to 1e-6 relative from above,
    and such a time is moved down by that much, so that the width bound stays a lower bound.
    """
    T = np.array([min(float(target._horizon(float(lv))), T_CAP) for lv in levels])
    inside = T < T_CAP
    if inside.any():
        short = np.asarray(target.tail(T[inside], absolute=True), dtype=float) < levels[inside] * n1 * (1.0 - 1e-9)
        T[np.flatnonzero(inside)[short]] *= 1.0 - 1e-6
    return T


# ----------------------------------------------------------------------------- helpers for required_width
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
