r"""A small continuous-time tanh RNN, its step responses, and training on sampled sequences.

The model (scalar input and output, hidden size :math:`m`) is

.. math::

    \frac{dh}{dt} = \tanh(Wh + Ux), \qquad \hat y = c^\top h, \qquad h(t)=0 \text{ before the input starts},

the nonlinear RNN of :cite:`wang2024inverse` with zero bias. Since
:math:`\tanh(0)=0`, :math:`h=0` is an equilibrium, and since :math:`\tanh'(0)=1`
the linearisation at it is the linear RNN :math:`\dot h=Wh+Ux` of the rest of
the book (:meth:`TanhRNN.linearisation`).

* :meth:`TanhRNN.step_response` integrates the ODE for step inputs
  :math:`x\mathbf 1_{t\ge0}` (``scipy.integrate.solve_ivp``, all amplitudes at
  once as one system, no Python loop over time);
* :meth:`TanhRNN.step_derivative` returns :math:`\frac{d}{dt}\hat y=c^\top\tanh(Wh(t)+Ux)`
  exactly along that solution (the memory function of :mod:`lrnn.memory`);
* :func:`train_tanh_rnn` fits the model to a linear target by backpropagation
  through its explicit-Euler discretisation on sampled white-noise sequences
  (gradients by hand-written backpropagation through time, checked against
  ``torch.autograd`` in the tests; Adam).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from numpy.typing import ArrayLike

from . import _limits
from ._validation import as_integer, as_real_array, as_real_scalar, as_size, as_times, check_table
from .kernels import Kernel, require_kernel
from .rnn import LinearRNN

__all__ = ["TanhRNN", "TanhTrainingRun", "train_tanh_rnn"]

#: Right-hand-side evaluations one ODE solve of :class:`TanhRNN` may spend (a few seconds): beyond, the solve
#: is refused with an error naming ``t`` (a very long time or a very stiff ``W``).
MAX_ODE_EVALUATIONS = 200_000

#: The most Python-level steps of :func:`train_tanh_rnn` (Adam steps × sequence cells: one NumPy step each way).
MAX_TIME_STEPS = 2 * 10**7

#: The most multiply-adds of one :func:`train_tanh_rnn` call (steps × cells × batch × hidden_size²).
MAX_WORK = 10**11


class _Budget(Exception):
    """Raised inside the ODE right-hand side when the evaluation budget is spent."""


class TanhRNN:
    r"""The continuous-time RNN :math:`\dot h=\tanh(Wh+Ux)`, :math:`\hat y=c^\top h`.

    Parameters
    ----------
    W : array_like, shape (m, m)
        Recurrent matrix.
    U : array_like, shape (m,)
        Input weights (scalar input).
    c : array_like, shape (m,)
        Read-out weights.
    """

    def __init__(self, W: ArrayLike, U: ArrayLike, c: ArrayLike):
        W = as_real_array("W", W, ndim=2)
        m = W.shape[0]
        if W.shape != (m, m) or m < 1:
            raise ValueError(f"W must be a non-empty square matrix, got shape {W.shape}")
        if m > _limits.MAX_HIDDEN:
            raise ValueError(f"W must have at most {_limits.MAX_HIDDEN} rows (the largest dense model), got {m}")
        U = as_real_array("U", U, ndim=1)
        c = as_real_array("c", c, ndim=1)
        if U.shape != (m,):
            raise ValueError(f"U must have shape ({m},), got {U.shape}")
        if c.shape != (m,):
            raise ValueError(f"c must have shape ({m},), got {c.shape}")
        self.W, self.U, self.c = W, U, c

    @property
    def hidden_size(self) -> int:
        """The width m."""
        return self.W.shape[0]

    def __repr__(self) -> str:
        return f"TanhRNN(hidden_size={self.hidden_size})"

    def linearisation(self) -> LinearRNN:
        r"""The linear RNN :math:`\dot h=Wh+Ux`, :math:`\hat y=c^\top h` (:math:`\tanh'(0)=1`); needs :math:`W` Hurwitz.

        Its kernel :math:`c^\top e^{Wt}U` is the limit of :math:`\hat y_t/x` of the step responses as the
        amplitude :math:`x\to0`, differentiated in :math:`t`.
        """
        return LinearRNN(self.W, self.U, self.c)

    def _states(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Hidden states, shape (len(x), len(t), m), for step inputs of amplitudes x (validated)."""
        from scipy.integrate import solve_ivp

        m, A = self.hidden_size, x.size
        check_table("amplitudes", A * m, np.unique(t).size, why="table of hidden states (amplitudes × units × times)")
        W, Ux = self.W, np.outer(x, self.U)                     # (A, m)
        count = [0]

        def rhs(_s, hflat):
            count[0] += 1
            if count[0] > MAX_ODE_EVALUATIONS:
                raise _Budget
            H = hflat.reshape(A, m)
            return np.tanh(H @ W.T + Ux).ravel()

        t_end = float(t.max()) if t.size else 0.0
        if t_end == 0.0:
            return np.zeros((A, t.size, m))
        try:
            with np.errstate(over="ignore", invalid="ignore"):   # W h may overflow; tanh(±inf) = ±1 is exact
                sol = solve_ivp(rhs, (0.0, t_end), np.zeros(A * m), method="DOP853", t_eval=np.sort(np.unique(t)),
                                rtol=1e-10, atol=1e-12)
        except _Budget:
            raise ValueError(f"t (up to {t_end:g}) is too long for this W: the ODE solve needs more than "
                             f"{MAX_ODE_EVALUATIONS} right-hand-side evaluations (a stiff W, entries up to "
                             f"{np.abs(W).max():g}, or a very long time)") from None
        if not sol.success or not np.all(np.isfinite(sol.y)):
            raise ValueError(f"t, W: the ODE solver failed before t = {t_end:g} ({sol.message})")
        idx = np.searchsorted(sol.t, t)
        return sol.y[:, idx].reshape(A, m, t.size).transpose(0, 2, 1)

    def step_response(self, t, amplitudes) -> np.ndarray:
        r"""Outputs :math:`\hat y_t` for the step inputs :math:`x\,\mathbf 1_{t\ge0}`.

        Parameters
        ----------
        t : array_like, shape (n,)
            Times ≥ 0.
        amplitudes : array_like, shape (A,)
            Step amplitudes :math:`x`.

        Returns
        -------
        numpy.ndarray, shape (A, n)
        """
        t = as_times("t", np.atleast_1d(t))
        x = as_real_array("amplitudes", np.atleast_1d(amplitudes), ndim=1)
        with np.errstate(over="ignore", invalid="ignore"):
            y = self._states(t.ravel(), x) @ self.c
        if not np.all(np.isfinite(y)):
            raise ValueError("c (or W, U, amplitudes) too large: the outputs c^T h overflow float64")
        return y

    def step_derivative(self, t, amplitudes) -> np.ndarray:
        r""":math:`\frac{d}{dt}\hat y_t=c^\top\tanh(Wh(t)+Ux)` along the step responses (exact, no differencing).

        Parameters
        ----------
        t : array_like, shape (n,)
            Times ≥ 0.
        amplitudes : array_like, shape (A,)
            Step amplitudes :math:`x`.

        Returns
        -------
        numpy.ndarray, shape (A, n)
        """
        t = as_times("t", np.atleast_1d(t))
        x = as_real_array("amplitudes", np.atleast_1d(amplitudes), ndim=1)
        H = self._states(t.ravel(), x)                           # (A, n, m)
        with np.errstate(over="ignore", invalid="ignore"):
            d = np.tanh(H @ self.W.T + (x[:, None] * self.U)[:, None, :]) @ self.c
        if not np.all(np.isfinite(d)):
            raise ValueError("c (or W, U, amplitudes) too large: the derivatives c^T tanh(Wh + Ux) overflow float64")
        return d


@dataclass
class TanhTrainingRun:
    """The record of :func:`train_tanh_rnn`.

    Attributes
    ----------
    model : TanhRNN
        The trained model.
    loss : numpy.ndarray, shape (steps + 1,)
        The empirical mean squared error before each Adam step and after the last.
    meta : dict
        ``dt``, ``n`` (cells per sequence), ``batch`` and ``lr``.
    """

    model: TanhRNN
    loss: np.ndarray
    meta: dict


def _loss_and_gradient(W, U, c, X, Y, dt: float, n_eval: int):
    r"""Mean squared error of the Euler-discretised tanh RNN and its gradient (backpropagation through time).

    Forward: :math:`h_0=0`, :math:`a_k=\tanh(Wh_k+Ux_k)`, :math:`h_{k+1}=h_k+\Delta a_k`,
    :math:`\hat y_k=c^\top h_{k+1}`; loss :math:`\frac1{Bn_{\rm eval}}\sum(\hat y_k-y_k)^2` over the last
    ``n_eval`` steps. Backward, with :math:`g_k=\partial L/\partial h_k`:
    :math:`g_{k}=g_{k+1}+W^\top\big(\Delta\,g_{k+1}\odot(1-a_k^2)\big)` plus the read-out terms, and
    :math:`\partial L/\partial W=\sum_k\Delta\,(g_{k+1}\odot(1-a_k^2))\,h_k^\top`,
    :math:`\partial L/\partial U=\sum_k\Delta\,(g_{k+1}\odot(1-a_k^2))\,x_k`. Batched over the rows of ``X``.
    """
    B, n = X.shape
    m = W.shape[0]
    H = np.empty((n + 1, B, m))
    Act = np.empty((n, B, m))
    H[0] = 0.0
    for k in range(n):
        Act[k] = np.tanh(H[k] @ W.T + X[:, k:k + 1] * U)
        H[k + 1] = H[k] + dt * Act[k]
    first = n - n_eval
    Yhat = H[first + 1:] @ c                               # (n_eval, B)
    R = Yhat - Y.T
    loss = float(np.mean(R * R))
    dY = 2.0 * R / R.size
    gW, gU, gc = np.zeros_like(W), np.zeros_like(U), np.einsum("kb,kbi->i", dY, H[first + 1:])
    g = np.zeros((B, m))
    for k in range(n - 1, -1, -1):
        if k >= first:
            g += dY[k - first][:, None] * c
        gz = dt * g * (1.0 - Act[k] ** 2)
        gW += gz.T @ H[k]
        gU += gz.T @ X[:, k]
        g = g + gz @ W
    return loss, gW, gU, gc


def train_tanh_rnn(target: Kernel, hidden_size: int, steps: int, *, lr: float = 0.01, dt: float = 0.1,
                   horizon: float = 10.0, n_eval: int = 20, batch: int = 32, seed: int = 0) -> TanhTrainingRun:
    r"""Train a :class:`TanhRNN` on sampled input/output sequences of a linear target (Adam, float64).

    Data: ``batch`` white-noise inputs :math:`x_j\sim N(0,1/\Delta)` of
    :math:`n=\lceil\text{horizon}/\Delta\rceil+n_{\rm eval}` cells, targets from
    :func:`lrnn.respond` (exact). The model is the explicit-Euler discretisation
    :math:`h_{k+1}=h_k+\Delta\tanh(Wh_k+Ux_k)`, :math:`\hat y_k=c^\top h_{k+1}`,
    unrolled over the cells (one step per cell — the only loop over time in the
    package, since a nonlinear recurrence has no convolution form). Loss: the
    mean squared error over the batch and the last ``n_eval`` outputs; its
    gradient by backpropagation through time in NumPy (tested against
    ``torch.autograd``). Adam (Kingma & Ba) with :math:`\beta=(0.9,0.999)`,
    :math:`\epsilon=10^{-8}`, full batch, fixed data.

    Initialisation (seeded): :math:`W=-I+0.1\,G/\sqrt m`, :math:`U,c\sim N(0,1/m)`.

    Parameters
    ----------
    target : Kernel
        The linear target :math:`\rho`.
    hidden_size : int
        The width :math:`m` (at most 4096).
    steps : int
        Adam steps (full batch, fixed data).
    lr : float
        Adam's learning rate.
    dt : float
        The cell width :math:`\Delta` of the inputs and of the Euler steps.
    horizon : float
        The memory window before the first evaluated output.
    n_eval : int
        Evaluated outputs per sequence.
    batch : int
        The number of sequences.
    seed : int
        Seeds the inputs (sequence :math:`j` uses ``seed * 1000 + j``) and the initialisation.

    Sizes are bounded: :math:`(n+1)\cdot{\rm batch}\cdot m` float64 states in memory at most
    :math:`2^{25}`, ``(steps + 1)`` :math:`\cdot n\le` :data:`MAX_TIME_STEPS` Python-level steps and
    ``(steps + 1)`` :math:`\cdot n\cdot{\rm batch}\cdot m^2\le` :data:`MAX_WORK` multiply-adds.
    A run whose loss or gradient overflows (too large ``lr`` or ``dt``) stops with a ``ValueError``.

    Returns
    -------
    TanhTrainingRun
    """
    from .signals import respond, white_noise

    require_kernel(target)
    hidden_size = as_size("hidden_size", hidden_size, limit=_limits.MAX_HIDDEN, why="the largest dense model")
    steps = as_size("steps", steps, minimum=0, limit=_limits.MAX_STEPS, why="the longest training run")
    n_eval = as_size("n_eval", n_eval, limit=_limits.MAX_STEPS, why="the longest sampled sequence")
    batch = as_size("batch", batch, limit=_limits.MAX_BATCH, why="sequences generated at once")
    seed = as_integer("seed", seed, minimum=0)
    lr = as_real_scalar("lr", lr, positive=True)
    dt = as_real_scalar("dt", dt, positive=True)
    horizon = as_real_scalar("horizon", horizon, positive=True)
    cells = horizon / dt
    if not cells + n_eval <= _limits.MAX_STEPS:
        raise ValueError(f"horizon / dt + n_eval must be at most {_limits.MAX_STEPS} cells (the longest sampled "
                         f"sequence), got horizon = {horizon:g}, dt = {dt:g}, n_eval = {n_eval}")
    n = int(np.ceil(cells)) + n_eval
    check_table("batch", (n + 1) * batch, hidden_size, why="table of hidden states (cells × batch × units)")
    if (steps + 1) * n > MAX_TIME_STEPS:
        raise ValueError(f"steps × (horizon / dt + n_eval) must be at most {MAX_TIME_STEPS} (Python-level steps of "
                         f"backpropagation through time), got steps = {steps}, horizon = {horizon:g}, dt = {dt:g}")
    if (steps + 1) * n * batch * hidden_size**2 > MAX_WORK:
        raise ValueError(f"steps × cells × batch × hidden_size² must be at most {MAX_WORK:.0e} multiply-adds, got "
                         f"steps = {steps}, {n} cells, batch = {batch}, hidden_size = {hidden_size}")

    X = np.stack([white_noise(n, dt, seed=seed * 1000 + j) for j in range(batch)])
    with np.errstate(over="ignore", invalid="ignore"):
        Y = np.stack([respond(target, x, dt) for x in X])[:, -n_eval:]
    if not np.all(np.isfinite(Y)):
        raise ValueError("target (or dt) too extreme: the sampled target outputs overflow float64")
    rng = np.random.default_rng(seed)
    m = hidden_size
    params = [-np.eye(m) + 0.1 * rng.standard_normal((m, m)) / np.sqrt(m),
              rng.standard_normal(m) / np.sqrt(m),
              rng.standard_normal(m) / np.sqrt(m)]
    b1, b2, eps = 0.9, 0.999, 1e-8
    mom = [np.zeros_like(p) for p in params]
    vel = [np.zeros_like(p) for p in params]
    losses = np.empty(steps + 1)
    for k in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            loss, *grads = _loss_and_gradient(*params, X, Y, dt, n_eval)
        if not (np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads)):
            raise ValueError(f"training diverged at step {k}: the loss or its gradient overflows float64 "
                             f"(lr = {lr:g}, dt = {dt:g} or horizon = {horizon:g} too large for this target)")
        losses[k] = loss
        if k == steps:
            break
        c1, c2 = 1.0 - b1 ** (k + 1), 1.0 - b2 ** (k + 1)
        for p, g, mo, ve in zip(params, grads, mom, vel):
            mo *= b1
            mo += (1.0 - b1) * g
            ve *= b2
            ve += (1.0 - b2) * g * g
            p -= (lr / c1) * mo / (np.sqrt(ve) / np.sqrt(c2) + eps)
    model = TanhRNN(*(p.copy() for p in params))
    return TanhTrainingRun(model, losses, {"dt": dt, "n": n, "batch": batch, "lr": lr})
