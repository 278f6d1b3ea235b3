r"""Stable reparameterisations of the recurrent eigenvalues.

A diagonal linear RNN has eigenvalues :math:`-\lambda_i` with decay rates
:math:`\lambda_i` and kernel :math:`\hat\rho(t)=\sum_i a_ie^{-\lambda_it}`; it is
stable iff every rate :math:`\lambda_i>0`. A *parameterisation* trains a free
variable :math:`v_i` instead and sets

.. math::

    \lambda_i = f(v_i), \qquad \text{eigenvalue } -f(v_i).

The four maps of :cite:`wang2024stablessm` (continuous-time form):

=============  ================================  ==============================================  ====================================
name           :math:`f(v)`                      :math:`f'(v)`                                   inverse :math:`v=f^{-1}(\lambda)`
=============  ================================  ==============================================  ====================================
``direct``     :math:`v`                         :math:`1`                                       :math:`\lambda`
``exp``        :math:`e^{v}`                     :math:`e^{v}`                                   :math:`\log\lambda`
``softplus``   :math:`\log(1+e^{v})`             :math:`1/(1+e^{-v})`                            :math:`\log(e^{\lambda}-1)`
``best``       :math:`1/(a_0v^2+b_0)`            :math:`-2a_0v/(a_0v^2+b_0)^2=-2a_0v\lambda^2`   :math:`\sqrt{(1/\lambda-b_0)/a_0}`
=============  ================================  ==============================================  ====================================

``direct`` is not stable (a step can push :math:`v` below 0); the other three
map every real :math:`v` to a positive rate (``best`` to :math:`(0,1/b_0]`, so its
inverse needs :math:`\lambda\le1/b_0`; we take the branch :math:`v\ge0`).
StableSSM's code uses :math:`a_0=1`, :math:`b_0=0.1`.

*Initialisation of "best".* At :math:`v=0`, :math:`f'(0)=0`: a unit started at
the largest rate :math:`1/b_0` has a zero gradient in :math:`v` and never moves
under gradient descent (:math:`v=0` is a critical point of every loss). As in the
reference implementation (radarFudan/StableSSM, which floors :math:`v^2` at
:math:`10^{-6}`), :meth:`Parameterisation.initial` starts training from
:math:`v\ge v_{\rm floor}=10^{-3}` for ``best``.

Public functions:

* :func:`parameterisation` — a :class:`Parameterisation` by name;
* :func:`gradient_weight_ratio` — :math:`|f'(v)|/(f(v)^2|v|)`;
* :func:`train_reparameterised` — gradient descent / Adam on the closed-form
  white-noise loss in the variables :math:`(v, a)`, with
  :math:`\partial J/\partial v_i=f'(v_i)\,\partial J/\partial\lambda_i`;
  :func:`train_reparameterised_many` runs several (parameterisation, learning
  rate) pairs at once, vectorised over the runs;
* :func:`hessian`, :func:`stable_learning_rate` — the Hessian in :math:`(v,a)`
  at a minimiser and the largest linearly stable step :math:`2/\lambda_{\max}`;
* :func:`ssm_eigenvalues`, :func:`lru_normalisation` — the initialisations of
  S4D :cite:`gu2022s4d` and the LRU :cite:`orvieto2023lru`, as eigenvalues per
  unit of sequence time; :func:`hippo_legs` — the HiPPO-LegS state matrix of
  S4 :cite:`gu2022s4` and its normal-plus-rank-one splitting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ._validation import as_real_array, as_real_scalar
from .kernels import Kernel
from .loss import WhiteNoiseLoss
from .optimisers import as_adam_parameters, as_momentum, as_optimizer, as_steps, descend
from .rnn import LinearRNN, diagonal_parameters
from .ssm_init import SCHEMES, hippo_legs, lru_normalisation, ssm_eigenvalues

__all__ = ["NAMES", "Parameterisation", "parameterisation", "gradient_weight_ratio", "ReparamRun",
           "train_reparameterised", "train_reparameterised_many", "initial_free", "batch_maps", "hessian", "stable_learning_rate", "SCHEMES",
           "ssm_eigenvalues", "lru_normalisation", "hippo_legs"]

#: The names accepted by :func:`parameterisation`.
NAMES = ("direct", "exp", "softplus", "best")

#: Smallest initial :math:`|v|` of the ``best`` map (StableSSM's code: :math:`v^2\ge10^{-6}`).
BEST_V_FLOOR = 1e-3


class Parameterisation:
    r"""A map :math:`v\mapsto\lambda=f(v)` from a free variable to a decay rate, with derivative and inverse.

    Parameters
    ----------
    name : str
        The map's name (one of :data:`NAMES` for the built-in maps).
    forward : callable
        :math:`f`, vectorised over arrays.
    derivative : callable
        :math:`f'`, vectorised over arrays.
    inverse : callable
        :math:`f^{-1}` on the range of :math:`f` (it should raise ``ValueError`` outside it).
    stable : bool
        Whether every real :math:`v` gives a rate :math:`f(v)>0`.
    max_rate : float
        Supremum of the range (``inf`` unless ``best``, where it is :math:`1/b_0`).
    v_floor : float
        Smallest :math:`|v|` that :meth:`initial` returns (``0`` unless ``best``).
    identity : bool
        Whether :math:`f` is the identity (``direct``): the training loop then skips the map.
    log_ratio : callable, optional
        :math:`v\mapsto\log\big(|f'(v)|/(f(v)^2|v|)\big)` in a form that does not overflow, used by
        :func:`gradient_weight_ratio` (without it the ratio is computed from :math:`f` and :math:`f'`).

    Notes
    -----
    The methods :meth:`forward`, :meth:`derivative` and :meth:`inverse` validate their argument
    (finite real arrays) and then apply the functions given here; the training loops apply the
    functions directly to their already finite iterates.
    """

    __slots__ = ("name", "_forward", "_derivative", "_inverse", "stable", "max_rate", "v_floor", "identity",
                 "_log_ratio")

    def __init__(self, name: str, forward: Callable, derivative: Callable, inverse: Callable, stable: bool,
                 max_rate: float = np.inf, v_floor: float = 0.0, identity: bool = False,
                 log_ratio: Callable | None = None):
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {type(name).__name__}")
        for arg, fn in (("forward", forward), ("derivative", derivative), ("inverse", inverse)):
            if not callable(fn):
                raise TypeError(f"{arg} must be callable, got {type(fn).__name__}")
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "_forward", forward)
        set_(self, "_derivative", derivative)
        set_(self, "_inverse", inverse)
        set_(self, "stable", bool(stable))
        set_(self, "max_rate", float(max_rate) if np.isinf(max_rate) else as_real_scalar("max_rate", max_rate,
                                                                                           positive=True))
        set_(self, "v_floor", as_real_scalar("v_floor", v_floor, nonnegative=True))
        set_(self, "identity", bool(identity))
        if log_ratio is not None and not callable(log_ratio):
            raise TypeError(f"log_ratio must be callable, got {type(log_ratio).__name__}")
        set_(self, "_log_ratio", log_ratio)

    def __setattr__(self, key, value):
        raise AttributeError("a Parameterisation is immutable")

    def __repr__(self) -> str:
        return f"Parameterisation({self.name!r})"

    def forward(self, v: ArrayLike) -> np.ndarray:
        r"""The rates :math:`\lambda=f(v)`.

        Parameters
        ----------
        v : array_like
            Finite real free variables (``ValueError`` where :math:`f(v)` overflows, e.g. :math:`e^v`
            for :math:`v>709`).
        """
        return _finite_image("v", "rates f(v)", self._forward, as_real_array("v", v))

    def derivative(self, v: ArrayLike) -> np.ndarray:
        r""":math:`f'(v)`.

        Parameters
        ----------
        v : array_like
            Finite real free variables (``ValueError`` where :math:`f'(v)` overflows).
        """
        return _finite_image("v", "derivatives f'(v)", self._derivative, as_real_array("v", v))

    def inverse(self, rates: ArrayLike) -> np.ndarray:
        r"""The free variables :math:`v=f^{-1}(\lambda)` of rates in the range of :math:`f`.

        Parameters
        ----------
        rates : array_like
            Positive finite rates (at most :attr:`max_rate`).
        """
        return _finite_image("rates", "free variables f^-1(rates)", self._inverse, as_real_array("rates", rates))

    def initial(self, rates: ArrayLike) -> np.ndarray:
        r"""The free variables a training run starts from: :math:`f^{-1}(\lambda)`, with :math:`|v|\ge` ``v_floor``.

        For ``best`` the floor keeps :math:`v` away from the critical point
        :math:`v=0` (where :math:`f'=0`), so a unit started at the largest rate
        :math:`1/b_0` still moves; it changes that rate by a relative
        :math:`a_0b_0^{-1}v_{\rm floor}^2=10^{-5}` for the default constants.

        Parameters
        ----------
        rates : array_like
            Positive finite rates (at most :attr:`max_rate`).
        """
        v = self.inverse(rates)
        if self.v_floor > 0:
            v = np.where(np.abs(v) < self.v_floor, np.where(v < 0, -self.v_floor, self.v_floor), v)
        return v


def _finite_image(name: str, what: str, fn: Callable, x: np.ndarray) -> np.ndarray:
    """``fn(x)`` as a float array, or a ``ValueError`` naming ``name`` when it overflows float64."""
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        y = np.asarray(fn(x), dtype=float)
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} is out of range: the {what} overflow float64 or are undefined there")
    return y


def _softplus(v):
    return np.logaddexp(0.0, v)


def _log_softplus(v):
    """log(log(1 + e^v)) without underflow: for v < -30, log(1+x) = x(1 - x/2 + ...) with x = e^v."""
    v = np.asarray(v, dtype=float)
    return np.where(v > -30.0, np.log(np.logaddexp(0.0, np.maximum(v, -30.0))), v - 0.5 * np.exp(np.minimum(v, 0.0)))


def _sigmoid(v):
    return special.expit(v)                   # accurate in relative terms also for v << 0


def _positive_rates(r, upper=np.inf):
    r = as_real_array("rates", r)
    if np.any(r <= 0):
        raise ValueError(f"rates must be positive, got minimum {r.min()}")
    if np.any(r > upper):
        raise ValueError(f"rates must be at most {upper:g} (the range of this parameterisation), got {r.max()}")
    return r


def _constant(name: str, value, alias_name: str, alias, default: float) -> float:
    if value is not None and alias is not None:
        raise TypeError(f"give {name} once ({alias_name} is its former name)")
    chosen = value if value is not None else alias if alias is not None else default
    return as_real_scalar(name if alias is None else alias_name, chosen, minimum=1e-100, maximum=1e100)


def parameterisation(name: str, *, a0: float | None = None, b0: float | None = None,
                     alpha: float | None = None, beta: float | None = None) -> Parameterisation:
    r"""The parameterisation ``name`` of the decay rates, :math:`\lambda=f(v)` (eigenvalue :math:`-f(v)`).

    Parameters
    ----------
    name : {"direct", "exp", "softplus", "best"}
        See the module table.
    a0, b0 : float
        The constants of ``best``, :math:`f(v)=1/(a_0v^2+b_0)` (both in :math:`[10^{-100},10^{100}]`;
        default :math:`a_0=1`, :math:`b_0=0.1`, as in StableSSM's code). Ignored otherwise.
    alpha, beta : float, optional
        Former names of ``a0`` and ``b0`` (kept for compatibility).

    Returns
    -------
    Parameterisation
    """
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(f"name must be one of {NAMES}, got {name!r}")
    # log ratios |f'|/(f^2 |v|): direct |v|^-3, exp e^{-v}/|v|, softplus sigmoid(v)/(softplus(v)^2 |v|), best 2 a0
    if name == "direct":
        return Parameterisation("direct", lambda v: np.asarray(v, float) * 1.0,
                                lambda v: np.ones_like(np.asarray(v, float)),
                                lambda r: _positive_rates(r), stable=False, identity=True,
                                log_ratio=lambda v: -3.0 * np.log(np.abs(v)))
    if name == "exp":
        return Parameterisation("exp", np.exp, np.exp, lambda r: np.log(_positive_rates(r)), stable=True,
                                log_ratio=lambda v: -v - np.log(np.abs(v)))
    if name == "softplus":
        # log(e^λ - 1) = λ + log(1 - e^{-λ}) = λ + log(-expm1(-λ)): no overflow for large λ
        return Parameterisation("softplus", _softplus, _sigmoid,
                                lambda r: (lambda q: q + np.log(-np.expm1(-q)))(_positive_rates(r)), stable=True,
                                log_ratio=lambda v: (-np.logaddexp(0.0, -v) - 2.0 * _log_softplus(v)
                                                     - np.log(np.abs(v))))
    al = _constant("a0", a0, "alpha", alpha, 1.0)
    be = _constant("b0", b0, "beta", beta, 0.1)
    return Parameterisation(
        "best",
        lambda v: 1.0 / (al * np.square(v) + be),
        lambda v: -2.0 * al * np.asarray(v, float) / (al * np.square(v) + be) ** 2,
        lambda r: np.sqrt(np.maximum(1.0 / _positive_rates(r, 1.0 / be) - be, 0.0) / al),
        stable=True,
        max_rate=1.0 / be,
        v_floor=BEST_V_FLOOR,
        log_ratio=lambda v: np.full(np.shape(v), np.log(2.0 * al)),
    )


def _as_param(param, name: str = "param") -> Parameterisation:
    """A :class:`Parameterisation` from itself or a name of :data:`NAMES`, with errors naming the argument ``name``."""
    if isinstance(param, Parameterisation):
        return param
    if isinstance(param, str):
        if param not in NAMES:
            raise ValueError(f"{name} must be a Parameterisation or one of {NAMES}, got {param!r}")
        return parameterisation(param)
    raise TypeError(f"{name} must be a Parameterisation or one of {NAMES}, got {type(param).__name__}")


def gradient_weight_ratio(param, v) -> np.ndarray:
    r"""The gradient-to-weight ratio :math:`|f'(v)|\,/\,(f(v)^2\,|v|)`.

    Why this quantity: the rate derivative of a unit's kernel,
    :math:`\partial_\lambda e^{-\lambda t}=-te^{-\lambda t}`, has :math:`L^1` norm
    :math:`1/\lambda^2`, so the gradient of a loss measured in the uniform
    (operator) norm with respect to :math:`v` is bounded by :math:`|a|` times
    :math:`|f'(v)|/f(v)^2`. Dividing by :math:`|v|` compares the size of a
    gradient step with the size of the variable it changes. For ``best``,
    :math:`|f'|/f^2=2a_0|v|`, so the ratio is the constant :math:`2a_0`; for the
    other maps it is unbounded as the rate tends to 0.

    Computed in log space for the built-in maps (finite wherever the ratio is representable;
    ``ValueError`` naming ``v`` where it overflows, e.g. :math:`|v|^{-3}` of ``direct`` for
    :math:`|v|<10^{-103}`).

    Parameters
    ----------
    param : Parameterisation or str
        The map :math:`\lambda=f(v)`.
    v : array_like
        Free variables (non-zero).

    Returns
    -------
    numpy.ndarray
        The ratio, of the shape of ``v``.
    """
    p = _as_param(param)
    v = as_real_array("v", v)
    if np.any(v == 0):
        raise ValueError("v must be non-zero (the ratio divides by |v|)")
    if p._log_ratio is not None:
        return _finite_image("v", "gradient-to-weight ratios", lambda x: np.exp(p._log_ratio(x)), v)
    return _finite_image("v", "gradient-to-weight ratios",
                         lambda x: np.abs(p._derivative(x)) / (np.square(p._forward(x)) * np.abs(x)), v)


@dataclass
class ReparamRun:
    """The record of :func:`train_reparameterised`.

    Attributes
    ----------
    loss : numpy.ndarray, shape (steps + 1,)
        Exact loss after k steps; ``inf`` after the run stopped.
    rates, weights, free : numpy.ndarray, shape (steps + 1, m)
        Trajectories of the rates :math:`\\lambda=f(v)`, the weights :math:`a` and
        the free variables :math:`v` (``nan`` after a stop).
    param : Parameterisation
        The map :math:`\\lambda=f(v)` of the run.
    lr : float
        The learning rate :math:`\\eta`.
    optimizer : str
        ``"gd"``, ``"momentum"`` or ``"adam"``.
    stopped_at : int or None
        The step at which the iterate left the stable region (some rate ≤ 0, only
        possible for ``direct``) or became non-finite; ``None`` if it never did.
    reason : str
        ``""``, ``"crossed"`` (a rate ≤ 0) or ``"non-finite"``.
    """

    loss: np.ndarray
    rates: np.ndarray
    weights: np.ndarray
    free: np.ndarray
    param: Parameterisation
    lr: float
    optimizer: str
    stopped_at: int | None = None
    reason: str = ""

    @property
    def model(self) -> LinearRNN:
        """The last stable iterate as a diagonal :class:`~lrnn.LinearRNN`."""
        ok = np.flatnonzero(np.isfinite(self.loss))
        k = int(ok[-1])
        return LinearRNN.diagonal(self.rates[k], self.weights[k])

    @property
    def stable(self) -> bool:
        """True when the run finished all its steps with a finite loss."""
        return self.stopped_at is None


def batch_maps(params: Sequence[Parameterisation]) -> tuple[Callable | None, Callable | None]:
    r"""The maps :math:`V\mapsto f_b(V_b)` and :math:`V\mapsto f_b'(V_b)` of a batch of runs, row by row.

    Run :math:`b` (row :math:`b` of a ``(B, m)`` array) uses ``params[b]``. The returned callables
    apply the raw functions without validation (the training loop's iterates are finite); both
    are ``None`` when every map is the identity (``direct``), so that the loop skips them.

    Parameters
    ----------
    params : sequence of Parameterisation
        One map per run.

    Returns
    -------
    (callable or None, callable or None)
        ``(forward, derivative)``.
    """
    if all(p.identity for p in params):
        return None, None
    groups: dict[int, tuple[Parameterisation, list[int]]] = {}
    for k, p in enumerate(params):
        groups.setdefault(id(p), (p, []))[1].append(k)
    # rows of one map as a slice when they are contiguous (a view: much cheaper than fancy indexing)
    rows = [(p, slice(r[0], r[-1] + 1) if r[-1] - r[0] + 1 == len(r) else np.array(r)) for p, r in groups.values()]

    def rowwise(attr: str) -> Callable:
        if len(rows) == 1:
            fn = getattr(rows[0][0], attr)
            return lambda V: np.asarray(fn(V), dtype=float)
        fns = [(getattr(p, attr), r) for p, r in rows]

        def apply(V):
            out = np.empty_like(V)
            for fn, r in fns:
                out[r] = fn(V[r])
            return out

        return apply

    return rowwise("_forward"), rowwise("_derivative")


def _checked_inverse(param: Parameterisation, rates: np.ndarray, name: str) -> np.ndarray:
    """:math:`f^{-1}` of a model's validated rates, with an error naming the model when one is out of range."""
    if rates.size and rates.max() > param.max_rate:
        raise ValueError(f"{name} has a rate {rates.max():g} above {param.max_rate:g}, the largest rate of the "
                         f"{param.name!r} parameterisation (1/b0)")
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        v = np.asarray(param._inverse(rates), dtype=float)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} has rates whose free variables f^-1(rate) under {param.name!r} overflow float64")
    return v


def initial_free(param: Parameterisation, rates: ArrayLike, name: str = "init") -> np.ndarray:
    r"""The free variables :math:`v` a run starts from: :meth:`Parameterisation.initial` of a model's rates.

    The same as ``param.initial(rates)``, with errors that name the model (``name``) when a rate
    lies outside the range of the map (``best``: :math:`\lambda\le1/b_0`) or its free variable
    overflows.

    Parameters
    ----------
    param : Parameterisation
        The map :math:`\lambda=f(v)`.
    rates : array_like
        The model's rates (positive, finite).
    name : str
        The argument that holds the model, for the error messages.
    """
    if not isinstance(param, Parameterisation):
        raise TypeError(f"param must be a Parameterisation, got {type(param).__name__}")
    rates = as_real_array(name, rates)
    if rates.size and not rates.min() > 0:
        raise ValueError(f"{name} must have positive rates, got minimum {rates.min()}")
    _checked_inverse(param, rates, name)
    return param.initial(rates)


def train_reparameterised(target: Kernel, init: LinearRNN, param, steps: int, lr: float, optimizer: str = "gd", *,
                          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                          momentum: float = 0.9) -> ReparamRun:
    r"""Train a diagonal model on the closed-form white-noise loss in reparameterised variables.

    Parameters :math:`\theta=(v,a)` with rates :math:`\lambda=f(v)`. The loss
    :math:`J=\tfrac12\|\rho-\hat\rho\|_{L^2}^2` and its gradient are

    .. math::

        J=\tfrac12\Big[\|\rho\|^2-2\sum_ia_iL_\rho(\lambda_i)+\sum_{ij}\frac{a_ia_j}{\lambda_i+\lambda_j}\Big],\qquad
        \frac{\partial J}{\partial a_i}=\sum_j\frac{a_j}{\lambda_i+\lambda_j}-L_\rho(\lambda_i),

    .. math::

        \frac{\partial J}{\partial v_i}=f'(v_i)\,\frac{\partial J}{\partial\lambda_i},\qquad
        \frac{\partial J}{\partial\lambda_i}=a_i\Big[L_{t\rho}(\lambda_i)-\sum_j\frac{a_j}{(\lambda_i+\lambda_j)^2}\Big],

    with the Laplace pair :math:`(L_\rho, L_{t\rho})` of :func:`lrnn.loss.laplace_pair`. The
    updates are those of :func:`lrnn.train` (gradient descent, heavy ball or Adam), applied to
    :math:`(v,a)`: the same loop, :func:`lrnn.optimisers.descend`.

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    init : LinearRNN
        ``LinearRNN.diagonal(rates, weights)``; the free variables start at
        :meth:`Parameterisation.initial` of the rates (:math:`f^{-1}(\lambda)`,
        kept at least :math:`10^{-3}` away from :math:`v=0` for ``best``).
    param : Parameterisation or str
        The map :math:`\lambda=f(v)` (a name of :data:`NAMES` or a :class:`Parameterisation`).
    steps : int
        Number of updates (≥ 0).
    lr : float
        Learning rate :math:`\eta>0`.
    optimizer : {"gd", "momentum", "adam"}
        The update rule (see :func:`lrnn.train`).
    betas : tuple of float
        Adam's :math:`(\beta_1,\beta_2)`, each in :math:`[0,1)`.
    eps : float
        Adam's :math:`\epsilon>0`.
    momentum : float
        The heavy-ball coefficient :math:`\mu\in[0,1)` (``"momentum"`` only).

    Returns
    -------
    ReparamRun
        Training stops when a rate becomes ≤ 0 (``direct`` only) or anything
        becomes non-finite; the remaining losses are ``inf``.
    """
    param = _as_param(param, "param")
    lr = as_real_scalar("lr", lr, positive=True)
    return train_reparameterised_many(target, init, [param], [lr], steps, optimizer, betas=betas, eps=eps,
                                      momentum=momentum)[0]


def train_reparameterised_many(target: Kernel, init: LinearRNN, params: Sequence, lrs: Sequence[float], steps: int,
                               optimizer: str = "gd", *, betas: tuple[float, float] = (0.9, 0.999),
                               eps: float = 1e-8, momentum: float = 0.9) -> list[ReparamRun]:
    r"""Several runs of :func:`train_reparameterised` from the same start, vectorised over the runs.

    Run :math:`k` uses the parameterisation ``params[k]`` and the learning rate
    ``lrs[k]``; every step evaluates the loss and gradient of all running runs
    at once (one evaluation of the target's Laplace pair), so a batch of a
    dozen runs costs little more than one. The runs are independent: each
    gives what :func:`train_reparameterised` gives alone (to rounding).

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    init : LinearRNN
        Diagonal start, as in :func:`train_reparameterised`.
    params : sequence of Parameterisation or str
        One parameterisation per run.
    lrs : sequence of float
        One positive learning rate per entry of ``params``.
    steps : int
        Number of updates (≥ 0).
    optimizer : {"gd", "momentum", "adam"}
        The update rule, shared by the runs.
    betas, eps, momentum
        As in :func:`train_reparameterised`.

    Returns
    -------
    list of ReparamRun
        In the order of ``params``.
    """
    objective = WhiteNoiseLoss(target)
    r0, a0 = diagonal_parameters(init, "init")
    if isinstance(params, (str, Parameterisation)) or not isinstance(params, Sequence):
        raise TypeError("params must be a sequence of parameterisations (names or Parameterisation objects)")
    by_name: dict[str, Parameterisation] = {}
    ps = [by_name.setdefault(p, _as_param(p, "params")) if isinstance(p, str) else _as_param(p, "params")
          for p in params]
    if isinstance(lrs, (str, bytes)) or not isinstance(lrs, (Sequence, np.ndarray)):
        raise TypeError("lrs must be a sequence of learning rates")
    etas = np.array([as_real_scalar("lrs", x, positive=True) for x in lrs], dtype=float)
    if len(ps) != etas.size or not ps:
        raise ValueError(f"params and lrs must have the same non-zero length, got {len(ps)} and {etas.size}")
    steps = as_steps(steps, len(ps) * r0.size)
    optimizer = as_optimizer(optimizer)
    mu = as_momentum(momentum)
    b1, b2, eps = as_adam_parameters(betas, eps)

    first: dict[int, int] = {}
    order = sorted(range(len(ps)), key=lambda k: first.setdefault(id(ps[k]), k))   # runs of one map together
    qs = [ps[k] for k in order]
    starts: dict[int, np.ndarray] = {}
    V0 = np.array([starts.setdefault(id(p), initial_free(p, r0)) for p in qs])
    forward, derivative = batch_maps(qs)
    run = descend(objective.value_and_gradient, V0, np.tile(a0, (len(ps), 1)), steps, etas[order], optimizer,
                  momentum=mu, betas=(b1, b2), eps=eps, forward=forward, derivative=derivative)
    if not np.all(np.isfinite(run.loss[:, 0])):
        raise ValueError("init is too extreme for this target: its white-noise loss overflows float64")
    free = run.free.copy() if forward is None else run.free
    out: list = [None] * len(ps)
    for j, k in enumerate(order):
        out[k] = ReparamRun(run.loss[j], run.rates[j], run.weights[j], free[j], ps[k], float(etas[k]), optimizer,
                            run.stopped_at[j], run.reasons[j])
    return out


def hessian(target: Kernel, model: LinearRNN, param="direct", *, h: float = 1e-6) -> np.ndarray:
    r"""Hessian of the white-noise loss in the variables :math:`(v, a)` at a diagonal model.

    Central differences of the exact gradient (:func:`lrnn.loss.loss_and_gradient`) give
    :math:`H` in :math:`(\lambda,a)`: column :math:`i` is
    :math:`(\nabla J(\theta+s_ie_i)-\nabla J(\theta-s_ie_i))/(2s_i)` with the step
    :math:`s_i=h\lambda_i` for a rate (relative, so the perturbed rates stay positive) and
    :math:`s_i=h\max(|a_i|,10^{-3})` for a weight; the result is symmetrised. The chain rule
    then gives :math:`D H D + \mathrm{diag}(f''(v)\,\partial J/\partial\lambda, 0)` with
    :math:`D=\mathrm{diag}(f'(v),\mathbf 1)`. We drop the second term, which vanishes at a
    critical point (use this at a minimiser).

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    model : LinearRNN
        Diagonal, scalar input (rates inside the range of ``param``).
    param : Parameterisation or str
        The map :math:`\lambda=f(v)`.
    h : float
        Relative difference step, in :math:`[10^{-10}, 10^{-2}]`.

    Returns
    -------
    numpy.ndarray, shape (2m, 2m)
    """
    objective = WhiteNoiseLoss(target)
    r, a = diagonal_parameters(model)
    p = _as_param(param)
    h = as_real_scalar("h", h, minimum=1e-10, maximum=1e-2)
    v = _checked_inverse(p, r, "model")
    m = r.size
    th = np.concatenate([r, a])
    steps = np.concatenate([h * r, h * np.maximum(np.abs(a), 1e-3)])
    E = np.diag(steps)
    shifted = np.concatenate([th + E, th - E])                     # (4m, 2m): all perturbed models at once
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        _, g_r, g_a = objective.value_and_gradient(shifted[:, :m], shifted[:, m:])
        g = np.concatenate([g_r, g_a], axis=1)
        H = ((g[:2 * m] - g[2 * m:]) / (2 * steps[:, None])).T
        H = 0.5 * (H + H.T)
        D = np.concatenate([np.asarray(p._derivative(v), dtype=float), np.ones(m)])
        H = D[:, None] * H * D[None, :]
    if not np.all(np.isfinite(H)):
        raise ValueError("model is too extreme for this target: the Hessian of the loss overflows float64")
    return H


def stable_learning_rate(target: Kernel, model: LinearRNN, param="direct") -> float:
    r"""The largest step for which gradient descent is linearly stable at a minimiser: :math:`\eta^*=2/\lambda_{\max}(H_v)`.

    Near a minimiser, GD on :math:`J` is the linear map
    :math:`\epsilon\mapsto(I-\eta H_v)\epsilon`, which contracts iff
    :math:`\eta<2/\lambda_{\max}(H_v)`; :math:`H_v` from :func:`hessian`.

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    model : LinearRNN
        Diagonal, scalar input, at (or very near) a minimiser.
    param : Parameterisation or str
        The map :math:`\lambda=f(v)`.

    Returns
    -------
    float
    """
    lam = np.linalg.eigvalsh(hessian(target, model, param))
    if not lam.max() > 0:
        raise ValueError("the Hessian has no positive eigenvalue: model is not at a minimiser")
    with np.errstate(over="ignore"):
        eta = 2.0 / lam.max()
    if not np.isfinite(eta):
        raise ValueError("model: the largest eigenvalue of the Hessian is below 1e-308, the stable step overflows")
    return float(eta)
