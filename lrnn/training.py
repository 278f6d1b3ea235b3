r"""Training dynamics of diagonal linear RNNs on the closed-form white-noise loss (Chapter 4).

The loss :math:`J(\lambda,a)=\tfrac12\|\rho-\hat\rho\|_{L^2}^2` of the diagonal model
:math:`\hat\rho(t)=\sum_ia_ie^{-\lambda_it}` and its gradient have closed forms
(:mod:`lrnn.loss`), independent of any sequence length. This module trains on them:

* :func:`train` — gradient descent, heavy-ball momentum or Adam, in the rates themselves or
  through a parameterisation :math:`\lambda=f(v)` (:mod:`lrnn.reparam`), by the one loop
  :func:`lrnn.optimisers.descend`;
* :func:`gradient_flow` — the continuous flow :math:`\dot\theta=-\nabla J`, integrated with a
  stiff solver (plateaus last up to :math:`10^{10}` time units), with the exact escape time
  from a plateau.

For compatibility it also re-exports the names that lived here before the package was split
by job: :func:`~lrnn.loss.laplace_pair`, :func:`~lrnn.loss.white_noise_loss`,
:func:`~lrnn.loss.loss_and_gradient` (:mod:`lrnn.loss`); :func:`~lrnn.plateau.escape_time`,
:func:`~lrnn.plateau.plateau_problem`, :func:`~lrnn.plateau.reduced_escape_estimates`
(:mod:`lrnn.plateau`); :class:`~lrnn.sampled.SampledRun`, :func:`~lrnn.sampled.train_sampled`
(:mod:`lrnn.sampled`); :data:`~lrnn.optimisers.OPTIMIZERS`.

Notation as in the book: rates :math:`\lambda_i`, weights :math:`a_i`, a target's rate
:math:`\kappa`, the lag :math:`\ell` and width :math:`\varsigma` of a delayed memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _limits
from ._validation import as_choice, as_real_scalar, as_size, check_table
from .kernels import Kernel, require_kernel
from .loss import WhiteNoiseLoss, laplace_pair, loss_and_gradient, white_noise_loss
from .optimisers import OPTIMIZERS, as_adam_parameters, as_momentum, as_optimizer, as_steps, descend, freeze_mask
from .plateau import escape_time, plateau_problem, reduced_escape_estimates
from .reparam import NAMES, Parameterisation, batch_maps, initial_free, parameterisation
from .rnn import LinearRNN, diagonal_parameters
from .sampled import SampledRun, train_sampled

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
    "FlowError",
]


class _Budget(Exception):
    """Raised inside the ODE right-hand side when gradient_flow's evaluation budget is spent."""


class FlowError(RuntimeError, ValueError):
    """:func:`gradient_flow` could not integrate the flow as asked (budget spent, solver failure, a rate reaching 0).

    A ``RuntimeError`` (as before) and a ``ValueError``: the arguments (``t_max``, the tolerances, ``init``) asked
    for more than the solver can deliver, and the message says which and what to change.
    """


#: Most gradient evaluations one flow may be given (``max_evaluations``): about ten minutes of work.
MAX_FLOW_EVALUATIONS = 10_000_000


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
        The learning rate :math:`\\eta`.
    optimizer : str
        ``"gd"``, ``"momentum"`` or ``"adam"``.
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


def train(target: Kernel, init: LinearRNN, steps: int, lr: float, optimizer: str = "gd", *, freeze=None,
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
        The update rule.
    freeze : sequence of int, optional
        Units whose rate and weight are held fixed.
    betas : tuple of float
        Adam's :math:`(\beta_1,\beta_2)`, each in :math:`[0,1)` (ignored by the other optimisers).
    eps : float
        Adam's :math:`\epsilon>0`.
    momentum : float
        The heavy-ball coefficient :math:`\mu\in[0,1)` (used only by ``"momentum"``).
    until : float, optional
        Stop early, after the first step :math:`k` with :math:`J_k\le` ``until`` (e.g. an escape
        threshold); the record then has ``k + 1`` entries instead of ``steps + 1``.
    reparam : str or lrnn.reparam.Parameterisation, optional
        Train the rates through a parameterisation :math:`\lambda = f(v)` (``"direct"``,
        ``"exp"``, ``"softplus"``, ``"best"``; see :mod:`lrnn.reparam`): the steps
        act on :math:`(v, a)` with :math:`\partial J/\partial v = f'(v)\,\partial J/\partial\lambda`,
        starting from :meth:`~lrnn.reparam.Parameterisation.initial` of the rates. The same loop
        (:func:`lrnn.optimisers.descend`) as without ``reparam``; ``"direct"`` (:math:`f(v)=v`)
        gives exactly the iterates of plain training. Combines with every optimiser, ``freeze``
        (a frozen unit keeps :math:`v_i` and :math:`a_i`) and ``until``.

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
        unknown ``optimizer``, ``momentum`` outside :math:`[0,1)`, ``betas`` outside :math:`[0,1)`,
        out-of-range ``freeze`` indices, an unknown ``reparam``, or initial rates outside its range.
    """
    target = require_kernel(target)
    w, a = diagonal_parameters(init, "init")
    steps = as_steps(steps, w.size)
    lr = as_real_scalar("lr", lr, positive=True)
    optimizer = as_optimizer(optimizer)
    mu = as_momentum(momentum)
    b1, b2, eps = as_adam_parameters(betas, eps)
    if until is not None:
        until = as_real_scalar("until", until)
    mask = freeze_mask(freeze, w.size)
    param = None
    if reparam is not None:
        if isinstance(reparam, str):
            if reparam not in NAMES:
                raise ValueError(f"reparam must be one of {NAMES} or a lrnn.reparam.Parameterisation, got {reparam!r}")
            param = parameterisation(reparam)
        elif isinstance(reparam, Parameterisation):
            param = reparam
        else:
            raise TypeError(f"reparam must be a name or a lrnn.reparam.Parameterisation, got {type(reparam).__name__}")
    v0 = w if param is None else initial_free(param, w, "init")
    forward, derivative = (None, None) if param is None else batch_maps([param])
    run = descend(WhiteNoiseLoss(target).value_and_gradient, v0[None], a[None], steps, lr, optimizer,
                  momentum=mu, betas=(b1, b2), eps=eps, mask=mask, until=until, forward=forward,
                  derivative=derivative)
    loss, R, A = run.loss[0], run.rates[0], run.weights[0]
    if not np.isfinite(loss[0]):
        raise ValueError("init is too extreme for this target: its white-noise loss overflows float64")
    crossed = run.stopped_at[0]
    last = crossed - 1 if crossed is not None else loss.size - 1
    free = None if param is None else (R.copy() if forward is None else run.free[0])
    return TrainingRun(loss, R, A, LinearRNN.diagonal(R[last], A[last]), lr, optimizer, crossed, free,
                       None if param is None else param.name)


def gradient_flow(target: Kernel, init: LinearRNN, t_max: float, *, freeze=None, n_points: int = 400,
                  t_min: float = 1e-3, method: str = "LSODA", rtol: float = 1e-9, atol: float = 1e-13,
                  max_evaluations: int = 100_000, drop: float | None = None,
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
        The stiff (or switching) solver of ``scipy.integrate.solve_ivp``.
    rtol : float
        Relative tolerance, in :math:`[10^{-13}, 10^{-1}]`.
    atol : float
        Absolute tolerance, in :math:`(0, 10^{-2}]`.
    max_evaluations : int
        Give up (:class:`FlowError`, a ``RuntimeError``) after this many gradient evaluations,
        so that a pathological run cannot hang a notebook (at most
        :data:`MAX_FLOW_EVALUATIONS`). Integrating far beyond the last change of the loss is
        what exhausts it: near a critical point the float64 gradient is rounding noise, which
        limits the solver's steps at tight ``atol``. For example, the plateau problem at lag 30
        to ``t_max = 1e9`` needs more than :math:`10^5` evaluations with the defaults, and
        about 8,000 with ``method="BDF", atol=1e-10``.
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
    FlowError
        (a ``RuntimeError`` and a ``ValueError``) If the solver fails (e.g. a rate reaches 0) or
        needs more than ``max_evaluations`` gradient evaluations.
    """
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    target = require_kernel(target)
    w0, a0 = diagonal_parameters(init, "init")
    t_max = as_real_scalar("t_max", t_max, positive=True)
    t_min = as_real_scalar("t_min", t_min, positive=True)
    if not t_max > t_min:
        raise ValueError(f"t_max must exceed t_min = {t_min}, got {t_max}")
    n_points = as_size("n_points", n_points, minimum=2, limit=_limits.MAX_STEPS, why="output times of one flow")
    check_table("n_points", n_points + 1, 2 * w0.size, why="flow record (rates and weights per output time)",
                limit=_limits.MAX_TABLE_ENTRIES // 4)
    method = as_choice("method", method, ("LSODA", "BDF", "Radau"))
    rtol = as_real_scalar("rtol", rtol, minimum=1e-13, maximum=0.1)
    atol = as_real_scalar("atol", atol, positive=True, maximum=1e-2)
    max_evaluations = as_size("max_evaluations", max_evaluations, limit=MAX_FLOW_EVALUATIONS,
                              why="gradient evaluations of one flow, minutes of work")
    if drop is not None:
        drop = as_real_scalar("drop", drop, positive=True)
    if level is not None:
        if drop is None:
            raise ValueError("level needs drop (the escape threshold is level - drop)")
        level = as_real_scalar("level", level)
    m = w0.size
    mask2 = np.concatenate([freeze_mask(freeze, m)] * 2).astype(float)
    obj = WhiteNoiseLoss(target)
    with np.errstate(all="ignore"):
        J0, g0, h0 = obj.value_and_gradient(w0, a0)
    if not (np.isfinite(J0) and np.all(np.isfinite(g0)) and np.all(np.isfinite(h0))):
        raise ValueError("init is too extreme for this target: its white-noise loss or gradient overflows float64")

    count = [0]

    def rhs(_t, theta):
        count[0] += 1
        if count[0] > max_evaluations:
            raise _Budget
        w = np.maximum(theta[:m], 1e-300)
        _, gw, ga = obj.value_and_gradient(w, theta[m:])
        return -np.concatenate([gw, ga]) * mask2

    times = np.concatenate([[0.0], np.geomspace(t_min, t_max, int(n_points))])
    try:
        with np.errstate(all="ignore"):          # a non-finite state is detected below and reported
            sol = solve_ivp(rhs, (0.0, t_max), np.concatenate([w0, a0]), method=method, t_eval=times,
                            rtol=rtol, atol=atol, dense_output=drop is not None)
    except _Budget:
        raise FlowError(f"gradient_flow: more than max_evaluations = {max_evaluations} gradient evaluations before "
                        f"t_max = {t_max:g}. Near a critical point the float64 gradient is rounding noise, which "
                        f"limits the steps at atol = {atol:g}: use a smaller t_max, a larger atol (e.g. 1e-10) "
                        "with method='BDF', or a larger max_evaluations") from None
    except ValueError as exc:                    # scipy's dense output after steps that no longer advance t
        raise FlowError(f"gradient_flow: the solver failed before t_max = {t_max:g} ({exc}): the flow from init "
                        "for this target is too stiff or leaves the stable region") from None
    if not sol.success or sol.y.shape[1] != times.size:
        raise FlowError(f"gradient_flow: the solver failed before t_max = {t_max:g} ({sol.message}); "
                        "try a smaller t_max or other tolerances (rtol, atol)")
    R, A = sol.y[:m].T, sol.y[m:].T
    if not np.all(np.isfinite(sol.y)):
        raise FlowError(f"gradient_flow: the solution became non-finite before t_max = {t_max:g} (init too "
                        "extreme, or tolerances rtol/atol too loose)")
    if np.any(R <= 0):
        raise FlowError(f"gradient_flow: a rate of the flow from init reached the stability boundary (rate 0) before "
                        f"t_max = {t_max:g}")
    with np.errstate(all="ignore"):
        loss = obj.value(R, A)
    if not np.all(np.isfinite(loss)):
        raise FlowError("gradient_flow: the loss along the flow from init overflows float64")
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
