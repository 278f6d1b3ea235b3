r"""The optimisers of the book and the one descent loop every trainer of :mod:`lrnn` runs.

A diagonal model :math:`\hat\rho(t)=\sum_ia_ie^{-\lambda_it}` is trained in the variables
:math:`\theta=(v,a)`, with the rates given by a parameterisation :math:`\lambda_i=f(v_i)`
(:mod:`lrnn.reparam`; the identity :math:`f(v)=v` for plain training). With
:math:`g_k=\nabla_\theta J(\theta_k)`, where :math:`\partial J/\partial v_i=f'(v_i)\,\partial J/\partial\lambda_i`:

* ``"gd"`` — gradient descent, :math:`\theta_{k+1}=\theta_k-\eta\,g_k`;
* ``"momentum"`` — Polyak's heavy ball, :math:`q_{k+1}=\mu q_k-\eta g_k`, :math:`\theta_{k+1}=\theta_k+q_{k+1}`,
  :math:`q_0=0` (the iterates of ``torch.optim.SGD(lr=η, momentum=μ, dampening=0)``);
* ``"adam"`` — Adam: :math:`m_{k+1}=\beta_1m_k+(1-\beta_1)g_k`, :math:`v_{k+1}=\beta_2v_k+(1-\beta_2)g_k^2`,
  :math:`\theta_{k+1}=\theta_k-\eta\,\hat m/(\sqrt{\hat v}+\epsilon)` with
  :math:`\hat m=m_{k+1}/(1-\beta_1^{k+1})`, :math:`\hat v=v_{k+1}/(1-\beta_2^{k+1})`.

:func:`descend` is the loop: :func:`lrnn.train`, :func:`lrnn.reparam.train_reparameterised_many` and
:func:`lrnn.sampled.train_sampled` differ only in the objective and the parameterisation they
hand it. It is vectorised over a batch of independent runs (one learning rate each), and stops a
run when a step leaves the stable region (a rate :math:`\le0`) or becomes non-finite.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import _limits
from ._validation import as_pair, as_real_scalar, as_size, check_table

__all__ = ["OPTIMIZERS", "as_optimizer", "as_momentum", "as_adam_parameters", "as_steps", "freeze_mask", "Descent",
           "descend"]

#: The largest training record: (steps + 1) × runs × units entries per recorded array (rates, weights, free
#: variables), 2**23 float64 numbers (64 MiB) each.
MAX_RECORD_ENTRIES = _limits.MAX_TABLE_ENTRIES // 4

#: The optimisers of :func:`descend` (and so of :func:`lrnn.train` and its relatives).
OPTIMIZERS = ("gd", "momentum", "adam")


# ----------------------------------------------------------------------------- validation
def as_optimizer(optimizer, allowed: Sequence[str] = OPTIMIZERS) -> str:
    """The optimiser's name in lower case, or ``ValueError`` naming ``optimizer``.

    Parameters
    ----------
    optimizer : str
        One of ``allowed`` (any case).
    allowed : sequence of str
        The accepted names.
    """
    if not isinstance(optimizer, str) or optimizer.lower() not in allowed:
        raise ValueError(f"optimizer must be one of {tuple(allowed)}, got {optimizer!r}")
    return optimizer.lower()


def as_momentum(momentum) -> float:
    r"""The heavy-ball coefficient :math:`\mu\in[0,1)`, or an error naming ``momentum``.

    Parameters
    ----------
    momentum : float
        The coefficient to check.
    """
    if isinstance(momentum, (bool, np.bool_)):
        raise TypeError("momentum must be a real number in [0, 1), got bool")
    mu = as_real_scalar("momentum", momentum)
    if not 0.0 <= mu < 1.0:
        raise ValueError(f"momentum must be in [0, 1) (the heavy-ball coefficient μ), got {mu}")
    return mu


def as_adam_parameters(betas, eps) -> tuple[float, float, float]:
    r"""Adam's :math:`(\beta_1,\beta_2,\epsilon)`: :math:`0\le\beta_1,\beta_2<1`, :math:`\epsilon>0`.

    :math:`\beta=1` would freeze the moment estimates and divide by :math:`1-\beta^{k+1}=0` in the
    bias correction, so it is refused.

    Parameters
    ----------
    betas : tuple of two floats
        :math:`(\beta_1,\beta_2)`.
    eps : float
        :math:`\epsilon`.
    """
    b1, b2 = as_pair("betas", betas, minimum=0.0, below=1.0)
    return b1, b2, as_real_scalar("eps", eps, positive=True)


def as_steps(steps, entries_per_step: int) -> int:
    """The number of updates of a run, bounded so that its records fit in memory.

    ``steps`` is an integer in ``[0, MAX_STEPS]`` with ``(steps + 1) · entries_per_step`` at most
    :data:`MAX_RECORD_ENTRIES` (each recorded trajectory holds one row per iterate).

    Parameters
    ----------
    steps : int
        The number of updates.
    entries_per_step : int
        Recorded numbers per iterate and per trajectory (runs × units).
    """
    steps = as_size("steps", steps, minimum=0, limit=_limits.MAX_STEPS, why="the longest training run lrnn records")
    check_table("steps", steps + 1, entries_per_step, why="training record (one row of rates per step)",
                limit=MAX_RECORD_ENTRIES)
    return steps


def freeze_mask(freeze, m: int) -> np.ndarray:
    """Boolean mask of the trainable units, from a sequence of frozen unit indices.

    Parameters
    ----------
    freeze : sequence of int or None
        Indices in ``[0, m)`` of the units held fixed.
    m : int
        The number of units.
    """
    m = as_size("m", m, limit=_limits.MAX_TERMS, why="the most units of a model")
    mask = np.ones(m, dtype=bool)
    if freeze is None:
        return mask
    if isinstance(freeze, (str, bytes)) or not isinstance(freeze, (Sequence, np.ndarray)):
        raise TypeError(f"freeze must be a sequence of unit indices, got {type(freeze).__name__}")
    if isinstance(freeze, np.ndarray) and freeze.ndim != 1:
        raise ValueError(f"freeze must be a 1-D sequence of unit indices, got an array of shape {freeze.shape}")
    for i in freeze:
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral) or not 0 <= i < m:
            raise ValueError(f"freeze must contain indices of the model's m = {m} units (init, in [0, {m})), "
                             f"got {i!r}")
        mask[int(i)] = False
    return mask


# ----------------------------------------------------------------------------- the update rules
def _make_step(optimizer: str, lr, mu: float, b1: float, b2: float, eps: float, shape) -> Callable:
    """The update ``(theta, g, k) -> theta_next`` of one optimiser; its state lives in the closure."""
    if optimizer == "gd":
        return lambda theta, g, k: theta - lr * g
    if optimizer == "momentum":
        vel = np.zeros(shape)

        def heavy_ball(theta, g, k):
            nonlocal vel
            vel = mu * vel - lr * g
            return theta + vel

        return heavy_ball
    mom, sq = np.zeros(shape), np.zeros(shape)

    def adam(theta, g, k):
        nonlocal mom, sq
        mom = b1 * mom + (1 - b1) * g
        sq = b2 * sq + (1 - b2) * g * g
        mhat = mom / (1 - b1 ** (k + 1))
        vhat = sq / (1 - b2 ** (k + 1))
        return theta - lr * mhat / (np.sqrt(vhat) + eps)

    return adam


# ----------------------------------------------------------------------------- the loop
@dataclass
class Descent:
    """The record of :func:`descend` for a batch of ``B`` runs over ``n`` recorded iterates.

    Attributes
    ----------
    loss : numpy.ndarray, shape (B, n)
        The objective at each iterate; ``inf`` after a run stopped.
    free, rates, weights : numpy.ndarray, shape (B, n, m)
        The free variables :math:`v`, the rates :math:`\\lambda=f(v)` and the weights :math:`a`
        (``nan`` after a stop; ``free is rates`` for the identity parameterisation).
    stopped_at : list of (int or None)
        Per run, the step whose update left the stable region or became non-finite.
    reasons : list of str
        Per run, ``""``, ``"crossed"`` (a rate :math:`\\le0`) or ``"non-finite"``.
    """

    loss: np.ndarray
    free: np.ndarray
    rates: np.ndarray
    weights: np.ndarray
    stopped_at: list
    reasons: list


def descend(objective: Callable, free: np.ndarray, weights: np.ndarray, steps: int, lr, optimizer: str = "gd", *,
            momentum: float = 0.9, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
            forward: Callable | None = None, derivative: Callable | None = None, mask: np.ndarray | None = None,
            until: float | None = None) -> Descent:
    r"""Run ``steps`` updates of ``optimizer`` on :math:`\theta=(v,a)`, for a batch of independent runs.

    At every iterate the rates are :math:`\lambda=f(v)` (``forward``; the identity when ``None``), the
    objective gives :math:`J`, :math:`\partial J/\partial\lambda`, :math:`\partial J/\partial a`, and
    the step uses :math:`g=(f'(v)\odot\partial J/\partial\lambda,\ \partial J/\partial a)` (masked by
    ``mask``). A run stops at the first update after which a rate is :math:`\le0` or anything is
    non-finite; it keeps its last stable iterate, and its later records are ``inf``/``nan``.

    The arguments are **not validated** (the public trainers validate them and call this).

    Parameters
    ----------
    objective : callable
        ``objective(rates, weights) -> (J, dJ/drates, dJ/dweights)``, called with arrays of shape
        ``(m,)`` when ``B == 1`` (``J`` a float) and ``(B, m)`` otherwise (``J`` of shape ``(B,)``).
    free, weights : numpy.ndarray, shape (B, m)
        Initial free variables :math:`v` and weights :math:`a`.
    steps : int
        Number of updates.
    lr : float or numpy.ndarray of shape (B,)
        Learning rates :math:`\eta`, one per run.
    optimizer : {"gd", "momentum", "adam"}
        The update rule (see the module docstring).
    momentum : float
        Heavy-ball :math:`\mu` (``"momentum"`` only).
    betas, eps
        Adam's :math:`(\beta_1,\beta_2)` and :math:`\epsilon` (``"adam"`` only).
    forward, derivative : callable, optional
        :math:`f` and :math:`f'` on the free variables (shape ``(m,)`` for one run, ``(B, m)`` for a batch);
        both ``None`` for the identity.
    mask : numpy.ndarray of bool, shape (m,), optional
        The trainable units (frozen units keep :math:`v_i` and :math:`a_i`).
    until : float, optional
        With ``B == 1``: stop after the first iterate with :math:`J\le` ``until`` (the records then
        end there).

    Returns
    -------
    Descent
    """
    B, m = free.shape
    n = steps + 1
    identity = forward is None
    single = B == 1
    # One run works on 1-D arrays (theta of shape (2m,)), a batch on 2-D ones ((B, 2m)); the records are stored
    # iterate-major, (n, m) or (n, B, m), and returned run-major.
    theta = np.concatenate([free, weights], axis=1)
    if single:
        theta, lr_ = theta[0], float(np.ravel(lr)[0])
    else:
        lr_ = np.asarray(lr, dtype=float).reshape(-1, 1) if np.ndim(lr) else float(lr)
    shape = theta.shape
    b1, b2 = betas
    step = _make_step(optimizer, lr_, momentum, b1, b2, eps, shape)
    rec = (n,) + shape[:-1]
    loss = np.full(rec, np.inf)
    R = np.full(rec + (m,), np.nan)
    V = R if identity else np.full(rec + (m,), np.nan)
    A = np.full(rec + (m,), np.nan)
    rates = theta[..., :m] if identity else forward(theta[..., :m])
    g = np.empty(shape)
    mask2 = None if mask is None or mask.all() else np.concatenate([mask, mask]).astype(float)
    stopped: list = [None] * B
    reasons = [""] * B
    active = np.ones(B, dtype=bool)
    last = steps
    small = single and m <= 32
    previous = None                             # (theta, rates) of the last iterate, for a batch
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # overflow is detected and stops a run
        for k in range(n):
            a = theta[..., m:]
            J, gr, ga = objective(rates, a)
            if single:
                if not math.isfinite(J):            # the loss overflowed at a finite iterate: stop before it
                    stopped[0], reasons[0] = k, "non-finite"
                    loss[k] = np.inf
                    break
            elif not np.isfinite(J).all():
                bad = active & ~np.isfinite(J)
                for run in np.flatnonzero(bad):
                    stopped[run], reasons[run] = k, "non-finite"
                active &= ~bad
                if not active.any():
                    loss[k] = np.where(np.isfinite(J), J, np.inf)
                    break
                # stopped runs go back to their last finite iterate (at the start: any running one's), so that
                # the batch goes on; their records are overwritten below
                theta, rates = theta.copy(), rates.copy()
                if previous is None:
                    keep = int(np.flatnonzero(active)[0])
                    theta[bad], rates[bad] = theta[keep], rates[keep]
                else:
                    theta[bad], rates[bad] = previous[0][bad], previous[1][bad]
                J, gr, ga = objective(rates, theta[..., m:])
                a = theta[..., m:]
            previous = (theta, rates)
            loss[k], R[k], A[k] = J, rates, a
            if not identity:
                V[k] = theta[..., :m]
            if until is not None and J <= until:
                last = k
                break
            if k == steps:
                break
            g[..., :m] = gr if identity else derivative(theta[..., :m]) * gr
            g[..., m:] = ga
            if mask2 is not None:
                g *= mask2
            new = step(theta, g, k)
            new_rates = new[..., :m] if identity else forward(new[..., :m])
            if small:                               # plain floats: cheaper than NumPy reductions on tiny arrays
                ok = all(v > 0 for v in new_rates.tolist()) and all(math.isfinite(v) for v in new.tolist())
            else:
                ok = bool(np.isfinite(new.sum() + new_rates.sum()) and new_rates.min() > 0)
            if not ok:
                if single:
                    finite = bool(np.isfinite(new).all() and np.isfinite(new_rates).all())
                    stopped[0], reasons[0] = k + 1, ("crossed" if finite else "non-finite")
                    break
                finite = np.isfinite(new).all(axis=1) & np.isfinite(new_rates).all(axis=1)
                bad = active & ~(finite & (new_rates > 0).all(axis=1))
                for run in np.flatnonzero(bad):
                    stopped[run], reasons[run] = k + 1, ("crossed" if finite[run] else "non-finite")
                active &= ~bad
                if not active.any():
                    break
                new[~active], new_rates[~active] = theta[~active], rates[~active]   # keep the last stable iterate
            theta, rates = new, new_rates
    if until is not None and last < steps:      # stopped by ``until``: the records end at that iterate
        loss, R, A = loss[:last + 1], R[:last + 1], A[:last + 1]
        V = R if identity else V[:last + 1]
    if single:
        loss, R, A = loss[None], R[None], A[None]
        V = R if identity else V[None]
    else:
        loss, R, A = loss.T.copy(), R.transpose(1, 0, 2).copy(), A.transpose(1, 0, 2).copy()
        V = R if identity else V.transpose(1, 0, 2).copy()
    for run in range(B):                        # a stopped run was carried along at its last stable iterate
        if stopped[run] is not None:
            loss[run, stopped[run]:] = np.inf
            R[run, stopped[run]:] = A[run, stopped[run]:] = V[run, stopped[run]:] = np.nan
    return Descent(loss, V, R, A, stopped, reasons)
