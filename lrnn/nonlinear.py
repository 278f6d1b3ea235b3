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

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import as_real_array, as_real_scalar, as_times
from .kernels import require_kernel
from .rnn import LinearRNN

__all__ = ["TanhRNN", "TanhTrainingRun", "train_tanh_rnn"]


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

    def __init__(self, W, U, c):
        W = as_real_array("W", W, ndim=2)
        m = W.shape[0]
        if W.shape != (m, m) or m < 1:
            raise ValueError(f"W must be a non-empty square matrix, got shape {W.shape}")
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
        r"""The linear RNN :math:`\dot h=Wh+Ux`, :math:`\hat y=c^\top h` (:math:`\tanh'(0)=1`); needs :math:`W` Hurwitz."""
        return LinearRNN(self.W, self.U, self.c)

    def _states(self, t: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Hidden states, shape (len(x), len(t), m), for step inputs of amplitudes x."""
        from scipy.integrate import solve_ivp

        m, A = self.hidden_size, x.size
        W, Ux = self.W, np.outer(x, self.U)                     # (A, m)

        def rhs(_s, hflat):
            H = hflat.reshape(A, m)
            return np.tanh(H @ W.T + Ux).ravel()

        t_end = float(t.max())
        if t_end == 0.0:
            return np.zeros((A, t.size, m))
        sol = solve_ivp(rhs, (0.0, t_end), np.zeros(A * m), method="DOP853", t_eval=np.sort(np.unique(t)),
                        rtol=1e-10, atol=1e-12)
        if not sol.success:
            raise RuntimeError(f"TanhRNN: the ODE solver failed ({sol.message})")
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
        return self._states(t.ravel(), x) @ self.c

    def step_derivative(self, t, amplitudes) -> np.ndarray:
        r""":math:`\frac{d}{dt}\hat y_t=c^\top\tanh(Wh(t)+Ux)` along the step responses (exact, no differencing).

        Same arguments and shape as :meth:`step_response`.
        """
        t = as_times("t", np.atleast_1d(t))
        x = as_real_array("amplitudes", np.atleast_1d(amplitudes), ndim=1)
        H = self._states(t.ravel(), x)                           # (A, n, m)
        return np.tanh(H @ self.W.T + (x[:, None] * self.U)[:, None, :]) @ self.c


@dataclass
class TanhTrainingRun:
    """The record of :func:`train_tanh_rnn`: the trained ``model``, the empirical ``loss`` per step, and ``meta``."""

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


def train_tanh_rnn(target, hidden_size: int, steps: int, *, lr: float = 0.01, dt: float = 0.1,
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
    steps : int
        Adam steps (full batch, fixed data).
    lr, dt, horizon, n_eval, batch, seed
        As described above.

    Returns
    -------
    TanhTrainingRun
    """
    from .signals import respond, white_noise

    require_kernel(target)
    for name, val in (("hidden_size", hidden_size), ("steps", steps), ("n_eval", n_eval), ("batch", batch),
                      ("seed", seed)):
        if isinstance(val, (bool, np.bool_)) or not isinstance(val, numbers.Integral):
            raise TypeError(f"{name} must be an integer, got {type(val).__name__}")
    if hidden_size < 1 or n_eval < 1 or batch < 1:
        raise ValueError("hidden_size, n_eval and batch must be at least 1")
    if steps < 0:
        raise ValueError(f"steps must be non-negative, got {steps}")
    lr = as_real_scalar("lr", lr, positive=True)
    dt = as_real_scalar("dt", dt, positive=True)
    horizon = as_real_scalar("horizon", horizon, positive=True)

    n = int(np.ceil(horizon / dt)) + n_eval
    X = np.stack([white_noise(n, dt, seed=seed * 1000 + j) for j in range(batch)])
    Y = np.stack([respond(target, x, dt) for x in X])[:, -n_eval:]
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
        loss, *grads = _loss_and_gradient(*params, X, Y, dt, n_eval)
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
