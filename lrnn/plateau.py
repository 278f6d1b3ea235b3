r"""Plateaus of the white-noise loss: the plateau experiment of Chapter 4 and its escape times.

A target with a short memory :math:`e^{-\kappa t}` and a memory at lag :math:`\ell`,
:math:`g(t)=e^{-(t-\ell)^2}`, trained from a model that fits only the short memory, sits on a
plateau at the energy :math:`E_\ell=\tfrac12\|g\|_2^2` of the unlearned memory before it escapes.

* :func:`plateau_problem` — the target, the initial model and :math:`E_\ell`;
* :func:`escape_time` — when a loss curve leaves its plateau (an absolute drop below a level);
* :func:`reduced_escape_estimates` — the escape time of the reduced model (one unit fitting
  :math:`g`): the slow-manifold time and a rigorous lower bound.

Notation as in the book: rates :math:`\lambda_i`, weights :math:`a_i`, the target's rate
:math:`\kappa`, the lag :math:`\ell`, the drop :math:`\Delta`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import _limits
from ._validation import as_bool, as_real_array, as_real_scalar, as_size
from .kernels import Delayed, Exponential, Kernel, require_kernel
from .loss import WhiteNoiseLoss
from .rnn import LinearRNN

__all__ = ["plateau_problem", "escape_time", "reduced_escape_estimates"]


def escape_time(loss: ArrayLike, times: ArrayLike | None = None, *, drop: float, level: float | None = None) -> float:
    r"""When a loss curve leaves its plateau: the first time with :math:`J \le J_{\rm ref}-\Delta`.

    The criterion is an *absolute* drop :math:`\Delta` below a reference level
    :math:`J_{\rm ref}` (default: the initial loss, i.e. the plateau when
    training starts on it). Choose :math:`\Delta` as a fixed fraction of the
    energy of the part of the target still to be learned (e.g.
    :math:`0.05\cdot\tfrac12\|\rho_{\rm long}\|_2^2`): relative criteria such as
    ":math:`J<J_0/2`" can never trigger when the model cannot fit that part well
    (a few exponentials fit a delayed bump poorly), and then report no escape at all.

    The crossing is located by linear interpolation between the two bracketing samples.

    Parameters
    ----------
    loss : array_like, shape (n,)
        The loss curve (``inf`` allowed: the records of a run after it stopped; NaN and ``-inf`` are refused).
    times : array_like, shape (n,), optional
        Non-decreasing sample times (default: the indices 0, 1, …, i.e. steps).
    drop : float
        :math:`\Delta > 0`.
    level : float, optional
        :math:`J_{\rm ref}` (default ``loss[0]``).

    Returns
    -------
    float
        The escape time, or ``inf`` if the curve never drops that far.
    """
    J = as_real_array("loss", loss, ndim=1, nonempty=True, finite=False)
    if np.any(J == -np.inf):
        raise ValueError("loss must not contain -inf (a loss is bounded below; inf marks a stopped run)")
    if times is None:
        t = np.arange(J.size, dtype=float)
    else:
        t = as_real_array("times", times, ndim=1)
        if t.shape != J.shape:
            raise ValueError(f"times must have the shape of loss {J.shape}, got {t.shape}")
        if np.any(np.diff(t) < 0):
            raise ValueError("times must be non-decreasing")
    drop = as_real_scalar("drop", drop, positive=True)
    ref = float(J[0]) if level is None else as_real_scalar("level", level)
    thr = ref - drop
    hit = np.flatnonzero(J <= thr)
    if hit.size == 0:
        return float("inf")
    k = int(hit[0])
    if k == 0:
        return float(t[0])
    j0, j1 = J[k - 1], J[k]
    if not np.isfinite(j0) or j0 == j1:
        return float(t[k])
    f = (j0 - thr) / (j0 - j1)                     # in (0, 1]: j1 <= thr < j0
    return float(t[k - 1] * (1.0 - f) + t[k] * f)


def plateau_problem(lag: float, *, rate: float = 1.0, width: int = 2, start_rate: float = 2.0,
                    start_weight: float = 0.01) -> tuple[Kernel, LinearRNN, float]:
    r"""The plateau experiment: target :math:`e^{-\kappa t}+e^{-(t-\ell)^2}` and a model started on the short memory.

    The target has a short memory, :math:`e^{-\kappa t}`, and a memory at lag :math:`\ell`, the
    bump :math:`g(t)=e^{-(t-\ell)^2}` (``Delayed(lag)``). Unit 0 starts exactly on the short-memory
    part, :math:`(a_0,\lambda_0)=(1,\kappa)`; units :math:`i\ge1` start small and fast,
    :math:`(a_i,\lambda_i)=(a_\mathrm{s},\ \lambda_\mathrm{s}\,i)` with :math:`a_\mathrm{s}` = ``start_weight`` and
    :math:`\lambda_\mathrm{s}` = ``start_rate``.

    Parameters
    ----------
    lag : float
        The lag :math:`\ell>0` of the bump.
    rate : float
        The target's short-memory rate :math:`\kappa>0`.
    width : int
        The number of units :math:`m\ge1`.
    start_rate, start_weight : float
        Where the extra units start (see above).

    Returns
    -------
    (Kernel, LinearRNN, float)
        The target, the initial model, and the energy :math:`E_\ell=\tfrac12\|g\|_2^2`
        of the delayed part (the plateau level).
    """
    lag = as_real_scalar("lag", lag, positive=True)
    rate = as_real_scalar("rate", rate, positive=True)
    start_rate = as_real_scalar("start_rate", start_rate, positive=True)
    start_weight = as_real_scalar("start_weight", start_weight)
    width = as_size("width", width, limit=_limits.MAX_HIDDEN, why="the widest diagonal model")
    if not np.isfinite(start_rate * max(width - 1, 1)):
        raise ValueError(f"start_rate is too large: start_rate · (width - 1) overflows float64, got {start_rate:g}")
    g = Delayed(lag)
    target = Exponential(rate) + g
    rates = np.concatenate([[rate], start_rate * np.arange(1, width)])
    weights = np.concatenate([[1.0], np.full(width - 1, start_weight)])
    return target, LinearRNN.diagonal(rates, weights), 0.5 * float(g.norm(2)) ** 2


def _gauss_legendre_panels(f, a: float, b: float, panels: int, nodes: np.ndarray, weights: np.ndarray) -> float:
    """∫ₐᵇ f by ``panels`` equal Gauss–Legendre panels, ``f`` evaluated once on all nodes (vectorised)."""
    edges = np.linspace(a, b, panels + 1)
    half, mid = 0.5 * np.diff(edges), 0.5 * (edges[1:] + edges[:-1])
    x = (mid[:, None] + half[:, None] * nodes).ravel()
    return float(np.sum(half * (f(x).reshape(panels, -1) @ weights)))


def reduced_escape_estimates(long_part: Kernel, w0: float, drop: float, *, lower: bool = True) -> dict:
    r"""Escape time of the reduced model: one unit :math:`a e^{-\lambda t}` fitting :math:`g\ge0`, from :math:`(0, \lambda_0)`.

    With the captured energy :math:`\mathcal E(\lambda)=\lambda L_g(\lambda)^2` the loss is
    :math:`J=\tfrac12\|g\|^2-\mathcal E(\lambda)+(a-2\lambda L_g)^2/(4\lambda)`, and the flow must
    bring :math:`\mathcal E(\lambda)` up to :math:`\Delta` (``drop``) to escape. Returns

    * ``"slaved"`` — the time along the slow manifold :math:`a=2\lambda L_g(\lambda)`, on which
      :math:`\dot\lambda=\mathcal E'(\lambda)=-(2\lambda L_gL_{tg}-L_g^2)`:

      .. math::

          \tau_s=\int_{\lambda_\Delta}^{\lambda_0}\frac{d\lambda}{2\lambda L_gL_{tg}-L_g^2},

      where :math:`\lambda_\Delta<\lambda_0` is the largest rate with
      :math:`\mathcal E(\lambda_\Delta)=\Delta` (``inf`` if the manifold flow does not move
      towards it). Evaluated by composite Gauss–Legendre quadrature, panels doubled until two
      successive values agree to :math:`10^{-12}` (relative);
    * ``"lower"`` — the rigorous bound of the chapter's proposition on the reduced model,
      :math:`\tau\ge\max_{\lambda_1}(\lambda_0-\lambda_1)/V(\lambda_1)` over the
      :math:`\lambda_1<\lambda_0` with :math:`S(\lambda_1)=\sup_{\lambda\ge \lambda_1}\mathcal E(\lambda)<\Delta`, where
      :math:`A=2\lambda_0L_g(\lambda_1)+2\sqrt{\lambda_0(S(\lambda_1)+\mathcal E(\lambda_0))}` bounds :math:`|a|` and
      :math:`V=A\,L_{tg}(\lambda_1)+A^2/(4\lambda_1^2)` bounds :math:`|\dot\lambda|` (198 equally spaced
      candidates :math:`\lambda_1`; :math:`S` is the maximum over a fine grid reaching
      :math:`\lambda_0+10^3`); ``nan`` with ``lower=False``;
    * ``"w_drop"`` — :math:`\lambda_\Delta`.

    Parameters
    ----------
    long_part : Kernel
        The non-negative long-memory part :math:`g` (e.g. ``Delayed(lag)``).
    w0 : float
        Initial rate :math:`\lambda_0`.
    drop : float
        The escape drop :math:`\Delta`.
    lower : bool
        Whether to evaluate the lower bound (the slow-manifold time alone is cheaper).

    Returns
    -------
    dict
        ``{"slaved": float, "lower": float, "w_drop": float}`` as above (``slaved`` and ``lower``
        are ``inf`` and ``w_drop`` is ``nan`` when :math:`\mathcal E<\Delta` on the whole grid
        :math:`[10^{-4}\lambda_0,\lambda_0]`; ``w0`` must lie in :math:`[10^{-200},10^{200}]`).
    """
    g = require_kernel(long_part, "long_part")
    w0 = as_real_scalar("w0", w0, minimum=1e-200, maximum=1e200)
    drop = as_real_scalar("drop", drop, positive=True)
    lower = as_bool("lower", lower)
    objective = WhiteNoiseLoss(g, "long_part")
    pair = objective.laplace_pair

    def E(w):
        return w * objective.laplace(w) ** 2

    def speed(w):
        L, M = pair(w)
        return 2 * w * L * M - L**2

    with np.errstate(all="ignore"):
        return _reduced_estimates(E, speed, pair, w0, drop, lower)


def _reduced_estimates(E, speed, pair, w0: float, drop: float, lower: bool) -> dict:
    """The body of :func:`reduced_escape_estimates` for validated arguments (non-finite values are handled)."""
    from scipy import optimize

    grid = np.geomspace(w0 * 1e-4, w0, 2000)
    above = np.flatnonzero(E(grid) >= drop)
    if above.size == 0:
        return {"slaved": float("inf"), "lower": float("inf"), "w_drop": float("nan")}
    k = above[-1]
    if k + 1 < grid.size:
        w_drop = optimize.brentq(lambda w: E(np.array([w]))[0] - drop, grid[k], grid[k + 1], xtol=1e-15, rtol=1e-14)
    else:
        w_drop = w0
    nodes, weights = np.polynomial.legendre.leggauss(16)
    if w_drop >= w0:
        slaved = 0.0
    elif np.any(speed(np.linspace(w_drop, w0, 257)[1:]) <= 0):
        slaved = float("inf")
    else:
        panels, previous = 4, None
        while True:
            value = _gauss_legendre_panels(lambda w: 1.0 / speed(w), w_drop, w0, panels, nodes, weights)
            if previous is not None and abs(value - previous) <= 1e-12 * abs(value):
                break
            if panels >= 4096:
                break
            panels, previous = 2 * panels, value
        slaved = value if np.isfinite(value) and value > 0 else float("inf")
    best = float("nan")
    if lower:
        best = 0.0
        cand = np.linspace(w_drop, w0, 200)[1:-1]
        if cand.size:
            fine = np.unique(np.concatenate([cand, np.linspace(w_drop, w0, 4001), w0 + np.geomspace(1e-6, 1e3, 1500)]))
            S_fine = np.maximum.accumulate(E(fine)[::-1])[::-1]           # sup of E over [w, ∞) on the grid
            S = S_fine[np.searchsorted(fine, cand)]
            ok = S < drop
            if ok.any():
                w1, S = cand[ok], S[ok]
                L1, M1 = pair(w1)
                A = 2 * w0 * L1 + 2 * np.sqrt(w0 * (S + E(np.array([w0]))[0]))
                V = A * M1 + A * A / (4 * w1 * w1)
                best = float(np.max((w0 - w1) / V))
    return {"slaved": float(slaved), "lower": float(best), "w_drop": float(w_drop)}
