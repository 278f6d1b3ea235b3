r"""Training dynamics of diagonal linear RNNs on the white-noise loss.

With unit white-noise input the expected squared output error of a model with
kernel :math:`\hat\rho` against a target with kernel :math:`\rho` is the
squared :math:`L^2` distance of the kernels (Itô isometry). For the diagonal
model :math:`\hat\rho(t)=\sum_i a_i e^{-\lambda_i t}` (rates :math:`\lambda_i>0`, weights
:math:`a_i`) the loss has the closed form

.. math::

    J(a, \lambda) = \tfrac12\|\rho-\hat\rho\|_{L^2}^2
            = \tfrac12\Big[\|\rho\|_2^2 - 2\sum_i a_i L_\rho(\lambda_i)
              + \sum_{i,j}\frac{a_ia_j}{\lambda_i+\lambda_j}\Big],

with :math:`L_\rho(s)=\int_0^\infty e^{-st}\rho(t)\,dt`, and the gradient

.. math::

    \frac{\partial J}{\partial a_i} = \sum_j\frac{a_j}{\lambda_i+\lambda_j} - L_\rho(\lambda_i), \qquad
    \frac{\partial J}{\partial \lambda_i} = a_i\Big[L_{t\rho}(\lambda_i) - \sum_j\frac{a_j}{(\lambda_i+\lambda_j)^2}\Big],

with :math:`L_{t\rho}(s)=\int_0^\infty t e^{-st}\rho(t)\,dt=-L_\rho'(s)`.
Everything here is independent of any sequence length: one step costs
:math:`O(m^2)` plus :math:`m` Laplace transforms.

Public functions:

* :func:`white_noise_loss`, :func:`loss_and_gradient` — the closed forms above;
* :func:`train` — gradient descent, heavy-ball momentum or Adam on the closed-form loss;
* :func:`gradient_flow` — the continuous flow :math:`\dot\theta=-\nabla J`,
  integrated with a stiff solver (plateaus last up to :math:`10^{10}` time units),
  with the exact escape time from a plateau;
* :func:`escape_time` — when a loss curve leaves its plateau;
* :func:`train_sampled` — the same model trained by backpropagation (torch) on
  sampled white-noise input/output sequences, for comparison;
* :func:`plateau_problem`, :func:`reduced_escape_estimates` — the plateau experiment of
  Chapter 4 and the escape-time estimates of its reduced model.

Notation as in the book: rates :math:`\lambda_i`, weights :math:`a_i`, a target's
rate :math:`\kappa`, the lag :math:`\ell` and width :math:`\varsigma` of a delayed memory.

Supported targets for the closed forms: :class:`~lrnn.kernels.Exponential`,
:class:`~lrnn.kernels.ExponentialSum`, :class:`~lrnn.kernels.Delayed`,
:class:`~lrnn.kernels.DampedOscillation`, and sums and scalar multiples of
these. Other kernels (power laws, Airy) fall back to adaptive quadrature for
:math:`L_{t\rho}` and are correct but slow (milliseconds per rate).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import special

from ._quadrature import integrate_half_line
from ._validation import as_integer, as_rates_weights, as_real_array, as_real_scalar
from .kernels import DampedOscillation, Delayed, ExponentialSum, Kernel, Scaled, Sum, require_kernel
from .rnn import LinearRNN, diagonal_parameters

__all__ = [
    "laplace_pair",
    "white_noise_loss",
    "loss_and_gradient",
    "TrainingRun",
    "FlowRun",
    "SampledRun",
    "train",
    "gradient_flow",
    "escape_time",
    "train_sampled",
    "plateau_problem",
    "reduced_escape_estimates",
]

#: The optimisers of :func:`train` and :func:`train_sampled`.
OPTIMIZERS = ("gd", "momentum", "adam")


class _Budget(Exception):
    """Raised inside the ODE right-hand side when gradient_flow's evaluation budget is spent."""


# ----------------------------------------------------------------------------- validation
def _as_optimizer(optimizer) -> str:
    if not isinstance(optimizer, str) or optimizer.lower() not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    return optimizer.lower()


def _as_momentum(momentum) -> float:
    """The heavy-ball coefficient μ ∈ [0, 1)."""
    if isinstance(momentum, (bool, np.bool_)):
        raise TypeError("momentum must be a real number in [0, 1), got bool")
    mu = as_real_scalar("momentum", momentum)
    if not 0.0 <= mu < 1.0:
        raise ValueError(f"momentum must be in [0, 1) (the heavy-ball coefficient μ), got {mu}")
    return mu


def _as_freeze(freeze, m: int) -> np.ndarray:
    """Boolean mask of trainable units from a sequence of frozen unit indices."""
    mask = np.ones(m, dtype=bool)
    if freeze is None:
        return mask
    if isinstance(freeze, (str, bytes)) or not isinstance(freeze, Sequence):
        raise TypeError(f"freeze must be a sequence of unit indices, got {type(freeze).__name__}")
    for i in freeze:
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral) or not 0 <= i < m:
            raise ValueError(f"freeze must contain unit indices in [0, {m}), got {i!r}")
        mask[int(i)] = False
    return mask


# ----------------------------------------------------------------------------- Laplace pairs
def _quadrature_pair(kernel: Kernel, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L_ρ(s), L_{tρ}(s)) by the kernel's own transform and adaptive quadrature (power laws, Airy, …)."""
    L = np.asarray(kernel.laplace(s), dtype=float)
    M = np.empty(s.shape)
    for idx, sv in np.ndenumerate(s):
        M[idx] = integrate_half_line(
            lambda t, sv=sv: float(t * np.exp(-sv * t) * kernel._eval(np.asarray(t))),
            kernel._breakpoints(),
            min(kernel._timescale, 1.0 / sv),
        )
    return L, M


def _compile_pair(kernel: Kernel):
    r"""A function ``s -> (L_ρ(s), L_{tρ}(s))`` for validated ``s > 0``, built once per target.

    The dispatch on the kernel's type and the argument checks happen here, once, instead of at every
    evaluation: the training loops and the stiff flow call the result thousands of times. The
    arithmetic is that of the kernels' own closed forms (:meth:`Delayed.laplace` and the formulas of
    :func:`laplace_pair`), in the same order.
    """
    if isinstance(kernel, ExponentialSum):
        rates, weights = kernel.rates, kernel.weights

        def pair(s):
            inv = 1.0 / np.add.outer(s, rates)
            return inv @ weights, (inv * inv) @ weights

        return pair
    if isinstance(kernel, Delayed):
        # ρ = c e^{-((t-ℓ)/ς)^2}:  ∫(t-ℓ)e^{-st}ρ = (ς²/2)[ρ(0) - s L_ρ(s)]  (integrate ρ' by parts)
        lag, width = kernel.lag, kernel.width
        c = kernel.weight * width * np.sqrt(np.pi) / 2.0
        tail = np.exp(-(lag / width) ** 2)
        rho0 = kernel.weight * np.exp(-((lag / width) ** 2))
        half_sig2 = 0.5 * width**2
        offset = half_sig2 * rho0

        def pair(s):
            # Delayed.laplace's two branches (erfc where z <= 0, erfcx where z > 0), in the same arithmetic; the
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
    if isinstance(kernel, DampedOscillation):
        rate, nu2, weight = kernel.rate, kernel.frequency**2, kernel.weight

        def pair(s):
            q = s + rate
            d = q * q + nu2
            return weight * q / d, weight * (q * q - nu2) / (d * d)

        return pair
    if isinstance(kernel, Sum):
        first, second = (_compile_pair(k) for k in kernel.terms)

        def pair(s):
            (L1, M1), (L2, M2) = first(s), second(s)
            return L1 + L2, M1 + M2

        return pair
    if isinstance(kernel, Scaled):
        inner, factor = _compile_pair(kernel.kernel), kernel.factor

        def pair(s):
            L, M = inner(s)
            return factor * L, factor * M

        return pair
    return lambda s: _quadrature_pair(kernel, s)


def _pair(kernel: Kernel, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L_ρ(s), L_{tρ}(s)) for validated s > 0 (one-off evaluations; loops use :func:`_compile_pair`)."""
    return _compile_pair(kernel)(s)


def laplace_pair(target, s) -> tuple[np.ndarray, np.ndarray]:
    r"""The Laplace transforms :math:`L_\rho(s)` and :math:`L_{t\rho}(s)=-L_\rho'(s)`.

    .. math::

        L_\rho(s) = \int_0^\infty e^{-st}\rho(t)\,dt, \qquad
        L_{t\rho}(s) = \int_0^\infty t\,e^{-st}\rho(t)\,dt .

    Closed forms: exponential sums :math:`\sum_k c_k/(s+\kappa_k)` and
    :math:`\sum_k c_k/(s+\kappa_k)^2`; the delayed kernel
    :math:`\rho=c\,e^{-((t-\ell)/\varsigma)^2}` has
    :math:`L_{t\rho}=(\ell-\varsigma^2s/2)L_\rho+\tfrac{\varsigma^2}{2}\rho(0)` (integration
    by parts of :math:`\rho'=-2(t-\ell)\rho/\varsigma^2`); damped oscillations
    :math:`c\,q/(q^2+\nu^2)` and :math:`c\,(q^2-\nu^2)/(q^2+\nu^2)^2`, :math:`q=s+\kappa`;
    sums and multiples term by term. Other kernels: adaptive quadrature.

    Parameters
    ----------
    target : Kernel
    s : array_like
        Real Laplace variables, all > 0.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Both of the shape of ``s``.
    """
    target = require_kernel(target)
    s = as_real_array("s", s)
    if np.any(s <= 0):
        raise ValueError(f"s must be positive (Laplace variable s > 0), got minimum {s.min()}")
    return _pair(target, s)


# ----------------------------------------------------------------------------- loss
class _Objective:
    """The closed-form loss for one target (caches ‖ρ‖²)."""

    def __init__(self, target: Kernel):
        self.target = target
        self.norm2 = float(target.norm(2)) ** 2
        self.pair = _compile_pair(target)

    def value(self, w: np.ndarray, a: np.ndarray) -> float:
        L, _ = self.pair(w)
        G = 1.0 / np.add.outer(w, w)
        return 0.5 * (self.norm2 - 2.0 * a @ L + a @ G @ a)

    def value_and_grad(self, w: np.ndarray, a: np.ndarray):
        L, M = self.pair(w)
        G = 1.0 / np.add.outer(w, w)
        Ga = G @ a
        J = 0.5 * (self.norm2 - 2.0 * a @ L + a @ Ga)
        grad_a = Ga - L
        grad_w = a * (M - (G * G) @ a)
        return J, grad_w, grad_a


def white_noise_loss(target, rates, weights) -> float:
    r"""The white-noise loss :math:`J=\tfrac12\|\rho-\hat\rho\|_{L^2}^2` of :math:`\hat\rho=\sum_i a_ie^{-\lambda_it}`.

    .. math::

        J = \tfrac12\Big[\|\rho\|_2^2 - 2\sum_i a_iL_\rho(\lambda_i) + \sum_{i,j}\frac{a_ia_j}{\lambda_i+\lambda_j}\Big].

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho` (see :func:`laplace_pair` for the closed forms).
    rates : array_like, shape (m,)
        Positive rates :math:`\lambda_i`.
    weights : array_like, shape (m,)
        Weights :math:`a_i`.

    Returns
    -------
    float
        Accurate to about :math:`10^{-16}\|\rho\|_2^2` in absolute terms (the
        expanded form cancels when :math:`J\ll\|\rho\|^2`; use
        :func:`lrnn.distance` there).
    """
    target = require_kernel(target)
    w, a = as_rates_weights(rates, weights, what="stable units e^(-rate t)")
    return float(_Objective(target).value(w, a))


def loss_and_gradient(target, rates, weights) -> tuple[float, np.ndarray, np.ndarray]:
    r"""The loss :math:`J` and its gradient with respect to rates and weights.

    .. math::

        \frac{\partial J}{\partial \lambda_i} = a_i\Big[L_{t\rho}(\lambda_i) - \sum_j\frac{a_j}{(\lambda_i+\lambda_j)^2}\Big],\qquad
        \frac{\partial J}{\partial a_i} = \sum_j\frac{a_j}{\lambda_i+\lambda_j} - L_\rho(\lambda_i).

    Parameters
    ----------
    target, rates, weights
        As in :func:`white_noise_loss`.

    Returns
    -------
    (float, numpy.ndarray, numpy.ndarray)
        ``(J, dJ/drates, dJ/dweights)``.
    """
    target = require_kernel(target)
    w, a = as_rates_weights(rates, weights, what="stable units e^(-rate t)")
    J, gw, ga = _Objective(target).value_and_grad(w, a)
    return float(J), gw, ga


# ----------------------------------------------------------------------------- runs
@dataclass
class TrainingRun:
    """The record of :func:`train`.

    Attributes
    ----------
    loss : numpy.ndarray, shape (steps + 1,)
        ``loss[k]`` = :math:`J` after ``k`` steps (exact); ``inf`` after a
        step left the stable region (some rate ≤ 0, where :math:`J=\\infty`).
    rates, weights : numpy.ndarray, shape (steps + 1, m)
        Trajectories (``nan`` after a crossing).
    model : LinearRNN
        The last stable iterate.
    lr : float
    optimizer : str
    crossed_at : int or None
        The step at which a rate became ≤ 0 (the stability boundary was
        crossed), else ``None``; with a stable ``reparam``, the step at which
        the iterate became non-finite.
    free : numpy.ndarray or None
        With ``reparam``: the trajectory of the free variables :math:`v`, rates
        :math:`= f(v)`; else ``None``.
    reparam : str or None
        The name of the parameterisation used, if any.
    """

    loss: np.ndarray
    rates: np.ndarray
    weights: np.ndarray
    model: LinearRNN
    lr: float
    optimizer: str
    crossed_at: int | None = None
    free: np.ndarray | None = None
    reparam: str | None = None

    @property
    def times(self) -> np.ndarray:
        """``lr · k``: for gradient descent, the gradient-flow time reached after k steps."""
        return self.lr * np.arange(self.loss.size)


@dataclass
class FlowRun:
    """The record of :func:`gradient_flow`.

    Attributes
    ----------
    times : numpy.ndarray, shape (n_points + 1,)
        0, then log-spaced output times.
    loss : numpy.ndarray
        The exact loss :math:`J(\\theta(t))` at ``times``.
    rates, weights : numpy.ndarray, shape (n_points + 1, m)
        The trajectories :math:`\\lambda(t)` and :math:`a(t)`.
    model : LinearRNN
        The model at ``t_max``.
    nfev : int
        Gradient evaluations used by the solver.
    escape : float
        With ``drop`` given: the escape time :math:`\\tau=\\inf\\{t: J(\\theta(t))\\le J_{\\rm ref}-\\Delta\\}`,
        located to solver accuracy on the solver's continuous extension (``inf`` if the loss
        does not drop that far by ``t_max``); ``nan`` when no ``drop`` was asked for.
    """

    times: np.ndarray
    loss: np.ndarray
    rates: np.ndarray
    weights: np.ndarray
    model: LinearRNN
    nfev: int = 0
    escape: float = float("nan")


@dataclass
class SampledRun:
    """The record of :func:`train_sampled`.

    ``loss[k]`` is the empirical loss on the sampled sequences after k steps,
    ``exact_loss[k]`` the closed-form :math:`J` of the same iterate.
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


# ----------------------------------------------------------------------------- training
def _train_reparameterised(target, init, steps, lr, optimizer, freeze, betas, eps, reparam) -> TrainingRun:
    from . import reparam as _reparam

    if freeze is not None:
        raise ValueError("freeze cannot be combined with reparam (freeze acts on the rates themselves)")
    param = reparam if isinstance(reparam, _reparam.Parameterisation) else _reparam.parameterisation(reparam)
    run = _reparam.train_reparameterised(target, init, param, steps, lr, optimizer, betas=betas, eps=eps)
    return TrainingRun(loss=run.loss, rates=run.rates, weights=run.weights, model=run.model, lr=run.lr,
                       optimizer=run.optimizer, crossed_at=run.stopped_at, free=run.free, reparam=param.name)


def _step(optimizer: str, theta: np.ndarray, g: np.ndarray, state: dict, k: int, lr: float, mu: float,
          b1: float, b2: float, eps: float) -> np.ndarray:
    """One update of :func:`train`'s optimisers from the gradient ``g`` at step ``k`` (``state`` updated in place)."""
    if optimizer == "gd":
        return theta - lr * g
    if optimizer == "momentum":
        state["vel"] = mu * state["vel"] - lr * g
        return theta + state["vel"]
    state["mom"] = b1 * state["mom"] + (1 - b1) * g
    state["vel"] = b2 * state["vel"] + (1 - b2) * g * g
    mhat = state["mom"] / (1 - b1 ** (k + 1))
    vhat = state["vel"] / (1 - b2 ** (k + 1))
    return theta - lr * mhat / (np.sqrt(vhat) + eps)


def train(target, init, steps: int, lr: float, optimizer: str = "gd", *, freeze=None,
          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, momentum: float = 0.9,
          until: float | None = None, reparam=None) -> TrainingRun:
    r"""Train the diagonal model on the closed-form white-noise loss.

    The parameters are :math:`\theta=(\lambda,a)`: the rates :math:`\lambda_i>0` and the
    weights :math:`a_i` of :math:`\hat\rho(t)=\sum_ia_ie^{-\lambda_it}`, with
    :math:`g_k=\nabla J(\theta_k)` from :func:`loss_and_gradient`.

    * ``"gd"`` — gradient descent, :math:`\theta_{k+1}=\theta_k-\eta\,g_k`.
    * ``"momentum"`` — Polyak's heavy ball with coefficient :math:`\mu` (``momentum``):

      .. math::

          \theta_{k+1}=\theta_k-\eta\,g_k+\mu\,(\theta_k-\theta_{k-1}),\qquad \theta_{-1}=\theta_0,

      i.e. with the velocity :math:`q_k=\theta_k-\theta_{k-1}`, :math:`q_{k+1}=\mu q_k-\eta g_k`,
      :math:`\theta_{k+1}=\theta_k+q_{k+1}`, :math:`q_0=0`. These are the iterates of
      ``torch.optim.SGD(lr=η, momentum=μ, dampening=0)``, which stores :math:`b=-q/\eta`
      (:math:`b_{k+1}=\mu b_k+g_k`, :math:`\theta_{k+1}=\theta_k-\eta b_{k+1}`). With ``momentum=0``
      it is gradient descent. On a plateau, where :math:`g_k` hardly changes, the velocity tends to
      :math:`-\eta g/(1-\mu)`: heavy ball moves like gradient descent with step :math:`\eta/(1-\mu)`.
    * ``"adam"`` — Adam (Kingma & Ba): :math:`m_{k+1}=\beta_1m_k+(1-\beta_1)g_k`,
      :math:`v_{k+1}=\beta_2v_k+(1-\beta_2)g_k^2`, :math:`\theta_{k+1}=\theta_k-\eta\,\hat m/(\sqrt{\hat v}+\epsilon)`
      with the bias corrections :math:`\hat m=m_{k+1}/(1-\beta_1^{k+1})`, :math:`\hat v=v_{k+1}/(1-\beta_2^{k+1})`
      (``betas`` :math:`=(\beta_1,\beta_2)`, ``eps`` :math:`=\epsilon`).

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    init : LinearRNN
        ``LinearRNN.diagonal(rates, weights)``: the initial rates :math:`\lambda` and weights :math:`a`.
    steps : int
        Number of steps (≥ 0).
    lr : float
        Learning rate :math:`\eta > 0`.
    optimizer : {"gd", "momentum", "adam"}
    freeze : sequence of int, optional
        Units whose rate and weight are held fixed.
    betas, eps
        Adam's parameters (ignored by the other optimisers).
    momentum : float
        The heavy-ball coefficient :math:`\mu\in[0,1)` (used only by ``"momentum"``).
    until : float, optional
        Stop early, after the first step :math:`k` with :math:`J_k\le` ``until`` (e.g. an escape
        threshold); the record then has ``k + 1`` entries instead of ``steps + 1``. Not with ``reparam``.
    reparam : str or lrnn.reparam.Parameterisation, optional
        Train the rates through a parameterisation :math:`\lambda = f(v)` (``"direct"``,
        ``"exp"``, ``"softplus"``, ``"best"``; see :mod:`lrnn.reparam`): the steps
        act on :math:`(v, a)` with :math:`\partial J/\partial v = f'(v)\,\partial J/\partial\lambda`.
        Delegates to :func:`lrnn.reparam.train_reparameterised`; not combinable with ``freeze``;
        with ``"gd"`` and ``"adam"`` only.

    Returns
    -------
    TrainingRun
        If a step makes some rate ≤ 0 (the model leaves the stable region,
        where :math:`J=\infty`), training stops there: ``crossed_at`` records the
        step, the remaining losses are ``inf`` and ``model`` is the last stable iterate.
        With ``until``, the arrays end at the step that reached it.

    Raises
    ------
    TypeError, ValueError
        For a target that is not a kernel, an ``init`` that is not a diagonal scalar-input
        :class:`~lrnn.LinearRNN`, a negative or non-integer ``steps``, a non-positive ``lr``, an
        unknown ``optimizer``, ``momentum`` outside :math:`[0,1)`, or out-of-range ``freeze`` indices.
    """
    optimizer = _as_optimizer(optimizer)
    mu = _as_momentum(momentum)
    if until is not None:
        until = as_real_scalar("until", until)
    if reparam is not None:
        if until is not None:
            raise ValueError("until cannot be combined with reparam")
        if optimizer == "momentum":
            raise ValueError("optimizer='momentum' cannot be combined with reparam (the reparameterised "
                             "training of lrnn.reparam offers 'gd' and 'adam')")
        return _train_reparameterised(target, init, steps, lr, optimizer, freeze, betas, eps, reparam)
    target = require_kernel(target)
    w, a = diagonal_parameters(init, "init")
    steps = as_integer("steps", steps, minimum=0)
    lr = as_real_scalar("lr", lr, positive=True)
    b1, b2 = (as_real_scalar("betas", b) for b in betas)
    eps = as_real_scalar("eps", eps, positive=True)
    mask = _as_freeze(freeze, w.size).astype(float)
    obj = _Objective(target)
    m = w.size
    loss = np.full(steps + 1, np.inf)
    R = np.full((steps + 1, m), np.nan)
    A = np.full((steps + 1, m), np.nan)
    theta = np.concatenate([w, a])
    state = {"mom": np.zeros(2 * m), "vel": np.zeros(2 * m)}
    mask2 = np.concatenate([mask, mask])
    masked = not mask2.all()
    g = np.empty(2 * m)
    crossed = None
    for k in range(steps + 1):
        w, a = theta[:m], theta[m:]
        J, gw, ga = obj.value_and_grad(w, a)
        loss[k], R[k], A[k] = J, w, a
        if until is not None and J <= until:
            loss, R, A, steps = loss[:k + 1], R[:k + 1], A[:k + 1], k
            break
        if k == steps:
            break
        g[:m], g[m:] = gw, ga
        if masked:
            g *= mask2
        new = _step(optimizer, theta, g, state, k, lr, mu, b1, b2, eps)
        values = new.tolist()                  # plain floats: cheaper than numpy reductions on tiny arrays
        if not (all(v > 0 for v in values[:m]) and all(math.isfinite(v) for v in values)):
            crossed = k + 1
            break
        theta = new
    last = crossed - 1 if crossed is not None else steps
    model = LinearRNN.diagonal(R[last], A[last])
    return TrainingRun(loss, R, A, model, lr, optimizer, crossed)


def gradient_flow(target, init, t_max: float, *, freeze=None, n_points: int = 400, t_min: float = 1e-3,
                  method: str = "LSODA", rtol: float = 1e-9, atol: float = 1e-13,
                  max_evaluations: int = 200_000, drop: float | None = None,
                  level: float | None = None) -> FlowRun:
    r"""Integrate the gradient flow :math:`\dot\theta = -\nabla J(\theta)` with a stiff solver.

    :math:`\theta=(\lambda,a)` as in :func:`train`. Plateaus make the flow
    multi-scale (weights relax in :math:`O(1)` time while rates drift for
    :math:`e^{c\,\ell}`), so an implicit or switching solver
    (``scipy.integrate.solve_ivp`` with LSODA, BDF or Radau) is used; the
    Jacobian is estimated by finite differences.

    Parameters
    ----------
    target : Kernel
    init : LinearRNN
        Diagonal initial model, as in :func:`train`.
    t_max : float
        Final flow time (> ``t_min``).
    freeze : sequence of int, optional
        Units held fixed.
    n_points : int
        Number of log-spaced output times in ``[t_min, t_max]`` (time 0 is prepended).
    t_min : float
        First positive output time.
    method : {"LSODA", "BDF", "Radau"}
    rtol, atol : float
        Solver tolerances.
    max_evaluations : int
        Give up (``RuntimeError``) after this many gradient evaluations, so that a
        pathological run (e.g. nearly coalescing rates) cannot hang a notebook.
    drop : float, optional
        :math:`\Delta>0`: also locate the escape time
        :math:`\tau=\inf\{t:J(\theta(t))\le J_{\rm ref}-\Delta\}` (``FlowRun.escape``). The loss
        does not increase along the flow, so the first output time below the threshold brackets
        :math:`\tau`, which is then found by root-finding on the solver's continuous extension
        (not by interpolating the sampled loss, whose log-spaced samples are a few per cent apart).
    level : float, optional
        :math:`J_{\rm ref}` (default: the initial loss). Only with ``drop``.

    Returns
    -------
    FlowRun
        ``times`` (shape ``(n_points + 1,)``), exact ``loss`` at those times, the
        trajectories, the final ``model`` and, with ``drop``, the ``escape`` time.

    Raises
    ------
    RuntimeError
        If the solver fails (e.g. a rate reaches 0) or needs more than
        ``max_evaluations`` gradient evaluations.
    """
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    target = require_kernel(target)
    w0, a0 = diagonal_parameters(init, "init")
    t_max = as_real_scalar("t_max", t_max, positive=True)
    t_min = as_real_scalar("t_min", t_min, positive=True)
    if not t_max > t_min:
        raise ValueError(f"t_max must exceed t_min = {t_min}, got {t_max}")
    if isinstance(n_points, (bool, np.bool_)) or not isinstance(n_points, numbers.Integral) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2, got {n_points!r}")
    if method not in ("LSODA", "BDF", "Radau"):
        raise ValueError(f"method must be a stiff solver: 'LSODA', 'BDF' or 'Radau', got {method!r}")
    rtol = as_real_scalar("rtol", rtol, positive=True)
    atol = as_real_scalar("atol", atol, positive=True)
    if isinstance(max_evaluations, (bool, np.bool_)) or not isinstance(max_evaluations, numbers.Integral) \
            or max_evaluations < 1:
        raise ValueError(f"max_evaluations must be a positive integer, got {max_evaluations!r}")
    if drop is not None:
        drop = as_real_scalar("drop", drop, positive=True)
    if level is not None:
        if drop is None:
            raise ValueError("level needs drop (the escape threshold is level - drop)")
        level = as_real_scalar("level", level)
    m = w0.size
    mask2 = np.concatenate([_as_freeze(freeze, m)] * 2).astype(float)
    obj = _Objective(target)

    count = [0]

    def rhs(_t, theta):
        count[0] += 1
        if count[0] > max_evaluations:
            raise _Budget
        w = np.maximum(theta[:m], 1e-300)
        _, gw, ga = obj.value_and_grad(w, theta[m:])
        return -np.concatenate([gw, ga]) * mask2

    times = np.concatenate([[0.0], np.geomspace(t_min, t_max, int(n_points))])
    try:
        sol = solve_ivp(rhs, (0.0, t_max), np.concatenate([w0, a0]), method=method, t_eval=times,
                        rtol=rtol, atol=atol, dense_output=drop is not None)
    except _Budget:
        raise RuntimeError(f"gradient_flow: more than max_evaluations = {max_evaluations} gradient evaluations "
                           "before t_max; the flow is too stiff here (try a smaller t_max or BDF/Radau)") from None
    if not sol.success or sol.y.shape[1] != times.size:
        raise RuntimeError(f"gradient_flow: the solver failed ({sol.message})")
    R, A = sol.y[:m].T, sol.y[m:].T
    if not np.all(np.isfinite(sol.y)):
        raise RuntimeError("gradient_flow: the solution became non-finite (try a smaller t_max)")
    if np.any(R <= 0):
        raise RuntimeError("gradient_flow: a rate reached the stability boundary (rate 0)")
    loss = np.array([obj.value(r, a) for r, a in zip(R, A)])
    escape = float("nan")
    if drop is not None:
        threshold = (loss[0] if level is None else level) - drop
        hit = np.flatnonzero(loss <= threshold)
        if hit.size == 0:
            escape = float("inf")
        elif hit[0] == 0:
            escape = 0.0
        else:
            def excess(t):
                y = sol.sol(t)
                return obj.value(np.maximum(y[:m], 1e-300), y[m:]) - threshold

            lo, hi = times[hit[0] - 1], times[hit[0]]
            escape = float(brentq(excess, lo, hi, xtol=1e-14 * hi, rtol=1e-13)) if excess(lo) > 0 else float(lo)
    return FlowRun(times, loss, R, A, LinearRNN.diagonal(R[-1], A[-1]), int(sol.nfev), escape)


def escape_time(loss, times=None, *, drop: float, level: float | None = None) -> float:
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
        The loss curve.
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
    J = np.array(loss, dtype=float, copy=True)
    if J.ndim != 1 or J.size < 1:
        raise ValueError(f"loss must be a non-empty 1-D array, got shape {J.shape}")
    if np.isnan(J).any():
        raise ValueError("loss must not contain NaN")
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
    return float(t[k - 1] + (t[k] - t[k - 1]) * (j0 - thr) / (j0 - j1))


# ----------------------------------------------------------------------------- sampled data (torch)
def train_sampled(target, init, steps: int, lr: float, optimizer: str = "gd", *, dt: float = 0.1,
                  horizon: float = 20.0, n_eval: int = 100, batch: int = 64, seed: int = 0,
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
    sequences computes (``tests/test_training.py`` checks it against torch autograd of the mean
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
    init : LinearRNN
        Diagonal initial model.
    steps : int
    lr : float
    optimizer : {"gd", "momentum", "adam"}
    dt : float
        Sampling step :math:`\Delta`.
    horizon : float
        Memory window every evaluated output sees (should cover the target's memory).
    n_eval : int
        Number of evaluated outputs per sequence.
    batch : int
        Number of sequences.
    seed : int
        Seed of the input sampler.
    momentum : float
        The heavy-ball coefficient :math:`\mu\in[0,1)` (used only by ``"momentum"``).

    Returns
    -------
    SampledRun
        ``loss[k]``: the empirical loss after ``k`` steps; ``exact_loss[k]``: the closed-form
        :math:`J` of the same iterate. Training stops if a rate becomes ≤ 0 (``crossed_at``).
    """
    from .signals import respond

    target = require_kernel(target)
    w, a = diagonal_parameters(init, "init")
    steps = as_integer("steps", steps, minimum=0)
    lr = as_real_scalar("lr", lr, positive=True)
    optimizer = _as_optimizer(optimizer)
    mu = _as_momentum(momentum)
    dt = as_real_scalar("dt", dt, positive=True)
    horizon = as_real_scalar("horizon", horizon, positive=True)
    for name, v in (("n_eval", n_eval), ("batch", batch)):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")

    n_h = int(np.ceil(horizon / dt))
    T = n_h + int(n_eval)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((int(batch), T)) / np.sqrt(dt)
    Y = np.stack([respond(target, x, dt) for x in X])           # exact outputs at the ends of the cells
    # D[b, i, k] = x_b[n_h + i - k] (0 before time 0): the inputs each evaluated output sees, lag by lag
    padded = np.concatenate([np.zeros((X.shape[0], T)), X], axis=1)
    D = np.lib.stride_tricks.sliding_window_view(padded, T, axis=1)[:, n_h + 1:T + 1, ::-1].reshape(-1, T)
    y = Y[:, n_h:].reshape(-1)
    C, r, c = D.T @ D / y.size, D.T @ y / y.size, float(y @ y / y.size)
    kdt = np.arange(T) * dt

    obj = _Objective(target)
    m = w.size
    loss = np.full(steps + 1, np.inf)
    exact = np.full(steps + 1, np.inf)
    R = np.full((steps + 1, m), np.nan)
    A = np.full((steps + 1, m), np.nan)
    theta = np.concatenate([w, a])
    state = {"mom": np.zeros(2 * m), "vel": np.zeros(2 * m)}
    crossed = None
    for k in range(steps + 1):
        w, a = theta[:m], theta[m:]
        decay = np.exp(-np.outer(kdt, w))                            # e^{-λ_i kΔ}
        gain = -np.expm1(-w * dt) / w                                # (1 - e^{-λΔ}) / λ
        phi = decay * gain
        Khat = phi @ a
        CK = C @ Khat
        loss[k] = 0.5 * (Khat @ CK - 2.0 * (Khat @ r) + c)
        exact[k], R[k], A[k] = obj.value(w, a), w, a
        if k == steps:
            break
        delta = CK - r
        dgain = dt * np.exp(-w * dt) / w - gain / w                  # d/dλ of (1 - e^{-λΔ}) / λ
        dphi = decay * (dgain - kdt[:, None] * gain)
        g = np.concatenate([a * (delta @ dphi), delta @ phi])
        new = _step(optimizer, theta, g, state, k, lr, mu, 0.9, 0.999, 1e-8)
        values = new.tolist()
        if not (all(v > 0 for v in values[:m]) and all(math.isfinite(v) for v in values)):
            crossed = k + 1
            break
        theta = new
    last = crossed - 1 if crossed is not None else steps
    model = LinearRNN.diagonal(R[last], A[last])
    return SampledRun(loss, exact, R, A, model, lr, optimizer, crossed,
                      dict(dt=dt, horizon=horizon, n_eval=int(n_eval), batch=int(batch), seed=seed))


# ----------------------------------------------------------------------------- plateau experiments
def plateau_problem(lag: float, *, rate: float = 1.0, width: int = 2, start_rate: float = 2.0,
                    start_weight: float = 0.01) -> tuple[Kernel, LinearRNN, float]:
    r"""The plateau experiment: target :math:`e^{-\kappa t}+e^{-(t-\ell)^2}` and a model started on the short memory.

    The target has a short memory, :math:`e^{-\kappa t}`, and a memory at lag :math:`\ell`, the
    bump :math:`g(t)=e^{-(t-\ell)^2}` (``Delayed(lag)``). Unit 0 starts exactly on the short-memory
    part, :math:`(a_0,\lambda_0)=(1,\kappa)`; units :math:`i\ge1` start small and fast,
    :math:`(a_i,\lambda_i)=(\text{start\_weight},\ \text{start\_rate}\cdot i)`.

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
    if isinstance(width, (bool, np.bool_)) or not isinstance(width, numbers.Integral) or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    g = Delayed(lag)
    from .kernels import Exponential

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


def reduced_escape_estimates(long_part, w0: float, drop: float, *, lower: bool = True) -> dict:
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
    """
    from scipy import optimize

    g = require_kernel(long_part, "long_part")
    w0 = as_real_scalar("w0", w0, positive=True)
    drop = as_real_scalar("drop", drop, positive=True)
    pair = _compile_pair(g)

    def E(w):
        L, _ = pair(w)
        return w * L**2

    def speed(w):
        L, M = pair(w)
        return 2 * w * L * M - L**2

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
