r"""Training on sampled sequences: the empirical loss that the closed form of :mod:`lrnn.loss` replaces.

:func:`train_sampled` trains the zero-order-hold discretisation of a diagonal model on a fixed
batch of sampled white-noise input sequences and the target's exact outputs
(:func:`lrnn.respond`), with the optimisers of :func:`lrnn.train` (the same loop,
:func:`lrnn.optimisers.descend`). Chapter 4 compares it with training on the closed form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import as_real_scalar, as_rng, as_size, check_table
from .kernels import Kernel, require_kernel
from .loss import WhiteNoiseLoss
from .optimisers import MAX_RECORD_ENTRIES, as_momentum, as_optimizer, as_steps, descend
from .rnn import LinearRNN, diagonal_parameters
from .signals import respond

__all__ = ["SampledRun", "train_sampled"]

#: Largest number of float64 entries of the lag matrix built at once (32 MiB); larger batches are summarised in
#: chunks of sequences.
_CHUNK_ENTRIES = 2**22

#: The longest sequence T = ceil(horizon / dt) + n_eval: the data are summarised in a T × T matrix (128 MiB).
MAX_LENGTH = 4096

#: The most sequences: each target output is one call of :func:`lrnn.respond` (about 0.1 ms for T = 300).
MAX_SEQUENCES = 2**14


@dataclass
class SampledRun:
    """The record of :func:`train_sampled`.

    Attributes
    ----------
    loss : numpy.ndarray, shape (steps + 1,)
        The empirical loss on the sampled sequences after ``k`` steps (``inf`` after a stop).
    exact_loss : numpy.ndarray, shape (steps + 1,)
        The closed-form white-noise loss :math:`J` of the same iterate.
    rates, weights : numpy.ndarray, shape (steps + 1, m)
        The trajectories of :math:`\\lambda` and :math:`a` (``nan`` after a stop).
    model : LinearRNN
        The last stable iterate.
    lr : float
        The learning rate :math:`\\eta`.
    optimizer : str
        ``"gd"``, ``"momentum"`` or ``"adam"``.
    crossed_at : int or None
        The step at which a rate became ≤ 0 or the iterate non-finite, else ``None``.
    meta : dict
        ``dt``, ``horizon``, ``n_eval``, ``batch`` and ``seed`` of the data.
    """

    loss: np.ndarray
    exact_loss: np.ndarray
    rates: np.ndarray
    weights: np.ndarray
    model: LinearRNN
    lr: float
    optimizer: str
    crossed_at: int | None = None
    meta: dict = field(default_factory=dict)


def train_sampled(target: Kernel, init: LinearRNN, steps: int, lr: float, optimizer: str = "gd", *,
                  dt: float = 0.1, horizon: float = 20.0, n_eval: int = 100, batch: int = 64, seed: int = 0,
                  momentum: float = 0.9) -> SampledRun:
    r"""Train the discrete-time diagonal RNN on sampled input/output sequences (the empirical loss).

    Data: ``batch`` white-noise inputs :math:`x_j\sim N(0,1/\Delta)` of length
    :math:`T=n_h+n_{\rm eval}` with :math:`n_h=\lceil{\rm horizon}/\Delta\rceil`,
    target outputs from :func:`lrnn.respond` (exact). The model is the exact
    zero-order-hold discretisation of :math:`\sum_ia_ie^{-\lambda_it}`, i.e. the
    discrete RNN :math:`h_{n+1}=e^{-\lambda\Delta}h_n+\frac{1-e^{-\lambda\Delta}}{\lambda}x_n`,
    :math:`\hat y_n=a^\top h_{n+1}=\sum_k\hat K_kx_{n-k}`, with the kernel
    :math:`\hat K_k=\sum_ia_i\phi_{ki}`, :math:`\phi_{ki}=e^{-\lambda_ik\Delta}(1-e^{-\lambda_i\Delta})/\lambda_i`.
    The empirical loss is :math:`\tfrac12` the mean squared error over the batch and the last
    ``n_eval`` outputs (each of which sees at least ``horizon`` of history); its expectation is
    :math:`\tfrac12\sum_{k<n_h}(K_k-\hat K_k)^2/\Delta\approx J`.

    The empirical loss is a quadratic form in the discrete kernel,

    .. math::

        \hat J=\tfrac12\big(\hat K^\top C\hat K-2\hat K^\top r+c\big),\qquad
        C_{kj}=\overline{x_{n-k}x_{n-j}},\quad r_k=\overline{x_{n-k}y_n},\quad c=\overline{y_n^2},

    with averages over the batch and the evaluated outputs: the data are summarised once, and
    the gradient is the chain rule through :math:`\hat K` — what backpropagation through the
    sequences computes (``tests/test_sampled.py`` checks it against torch autograd of the mean
    squared error of the convolved outputs) — at a cost of :math:`O(T^2+Tm)` per step whatever
    the batch size:

    .. math::

        \frac{\partial\hat J}{\partial a_i}=\sum_k\phi_{ki}\,\delta_k,\qquad
        \frac{\partial\hat J}{\partial\lambda_i}=a_i\sum_k\frac{\partial\phi_{ki}}{\partial\lambda_i}\,\delta_k,
        \qquad \delta=C\hat K-r .

    The optimisers are those of :func:`train` (same update formulas), applied to this gradient.

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    init : LinearRNN
        Diagonal initial model.
    steps : int
        Number of updates (≥ 0).
    lr : float
        Learning rate :math:`\eta>0`.
    optimizer : {"gd", "momentum", "adam"}
        The update rule (as in :func:`lrnn.train`; Adam with :math:`\beta=(0.9,0.999)`, :math:`\epsilon=10^{-8}`).
    dt : float
        Sampling step :math:`\Delta`.
    horizon : float
        Memory window every evaluated output sees (should cover the target's memory).
    n_eval : int
        Number of evaluated outputs per sequence; :math:`T=\lceil{\rm horizon}/\Delta\rceil+n_{\rm eval}`
        must be at most :data:`MAX_LENGTH` (4096).
    batch : int
        Number of sequences, at most :data:`MAX_SEQUENCES` (16384).
    seed : int, None or numpy.random.Generator
        Seed of the input sampler.
    momentum : float
        The heavy-ball coefficient :math:`\mu\in[0,1)` (used only by ``"momentum"``).

    Returns
    -------
    SampledRun
        ``loss[k]``: the empirical loss after ``k`` steps; ``exact_loss[k]``: the closed-form
        :math:`J` of the same iterate. Training stops if a rate becomes ≤ 0 (``crossed_at``).
    """
    target = require_kernel(target)
    w, a = diagonal_parameters(init, "init")
    steps = as_steps(steps, w.size)
    lr = as_real_scalar("lr", lr, positive=True)
    optimizer = as_optimizer(optimizer)
    mu = as_momentum(momentum)
    dt = as_real_scalar("dt", dt, positive=True)
    horizon = as_real_scalar("horizon", horizon, positive=True)
    n_eval = as_size("n_eval", n_eval, limit=MAX_LENGTH, why="the T × T data summary")
    batch = as_size("batch", batch, limit=MAX_SEQUENCES, why="sequences summarised one target response at a time")
    rng = as_rng("seed", seed)
    cells = horizon / dt
    if not cells + n_eval <= MAX_LENGTH:
        raise ValueError(f"horizon / dt + n_eval must be at most {MAX_LENGTH} cells (the T × T data summary), got "
                         f"horizon = {horizon:g}, dt = {dt:g}, n_eval = {n_eval}")
    n_h = int(np.ceil(cells))
    T = n_h + n_eval
    check_table("init", T, w.size, why="table of the model's discrete kernel (cells × units)",
                limit=MAX_RECORD_ENTRIES)
    X = rng.standard_normal((batch, T)) / np.sqrt(dt)
    with np.errstate(all="ignore"):
        C, r, c = _data_statistics(target, X, dt, n_h)
    if not (np.all(np.isfinite(C)) and np.all(np.isfinite(r)) and np.isfinite(c)):
        raise ValueError("target (or dt) is too extreme: its sampled outputs overflow float64")
    kdt = np.arange(T) * dt

    def objective(w, a):
        decay = np.exp(-np.outer(kdt, w))                            # e^{-λ_i kΔ}
        gain = -np.expm1(-w * dt) / w                                # (1 - e^{-λΔ}) / λ
        phi = decay * gain
        Khat = phi @ a
        CK = C @ Khat
        J = 0.5 * (Khat @ CK - 2.0 * (Khat @ r) + c)
        delta = CK - r
        dgain = dt * np.exp(-w * dt) / w - gain / w                  # d/dλ of (1 - e^{-λΔ}) / λ
        dphi = decay * (dgain - kdt[:, None] * gain)
        return J, a * (delta @ dphi), delta @ phi

    run = descend(objective, w[None], a[None], steps, lr, optimizer, momentum=mu, betas=(0.9, 0.999), eps=1e-8)
    R, A = run.rates[0], run.weights[0]
    if not np.isfinite(run.loss[0, 0]):
        raise ValueError("init is too extreme: its sampled loss overflows float64")
    exact = np.full(R.shape[0], np.inf)
    ok = np.isfinite(run.loss[0])
    with np.errstate(all="ignore"):
        exact[ok] = WhiteNoiseLoss(target).value(R[ok], A[ok])
    if not np.all(np.isfinite(exact[ok])):
        raise ValueError("init is too extreme for this target: the closed-form loss of an iterate overflows float64")
    crossed = run.stopped_at[0]
    last = crossed - 1 if crossed is not None else steps
    model = LinearRNN.diagonal(R[last], A[last])
    return SampledRun(run.loss[0], exact, R, A, model, lr, optimizer, crossed,
                      dict(dt=dt, horizon=horizon, n_eval=n_eval, batch=batch, seed=seed))


def _data_statistics(target: Kernel, X: np.ndarray, dt: float, n_h: int) -> tuple[np.ndarray, np.ndarray, float]:
    r"""The averages :math:`C_{kj}=\overline{x_{n-k}x_{n-j}}`, :math:`r_k=\overline{x_{n-k}y_n}`, :math:`c=\overline{y_n^2}`.

    Over the sequences (rows of ``X``) and their evaluated outputs :math:`n=n_h,\dots,T-1`, with the
    target outputs :math:`y=` :func:`lrnn.respond` ``(target, x, dt)`` (exact). The lag matrix of
    the inputs each evaluated output sees is built for a chunk of sequences at a time, so memory
    stays :math:`O(T^2)` whatever the batch.
    """
    B, T = X.shape
    n_eval = T - n_h
    chunk = max(1, _CHUNK_ENTRIES // (n_eval * T))
    C, r, c = np.zeros((T, T)), np.zeros(T), 0.0
    for start in range(0, B, chunk):
        Xc = X[start:start + chunk]
        Y = np.stack([respond(target, x, dt)[n_h:] for x in Xc])        # exact outputs at the ends of the cells
        # D[b, i, k] = x_b[n_h + i - k] (0 before time 0): the inputs each evaluated output sees, lag by lag
        padded = np.concatenate([np.zeros((Xc.shape[0], T)), Xc], axis=1)
        D = np.lib.stride_tricks.sliding_window_view(padded, T, axis=1)[:, n_h + 1:T + 1, ::-1].reshape(-1, T)
        y = Y.reshape(-1)
        C += D.T @ D
        r += D.T @ y
        c += float(y @ y)
    N = B * n_eval
    return C / N, r / N, c / N
