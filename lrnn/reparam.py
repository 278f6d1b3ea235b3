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

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validation import as_integer, as_real_array, as_real_scalar
from .kernels import require_kernel
from .rnn import LinearRNN, diagonal_parameters
from .training import laplace_pair, loss_and_gradient

__all__ = ["NAMES", "Parameterisation", "parameterisation", "gradient_weight_ratio", "ReparamRun",
           "train_reparameterised", "train_reparameterised_many", "hessian", "stable_learning_rate", "SCHEMES",
           "ssm_eigenvalues", "lru_normalisation", "hippo_legs"]

#: The names accepted by :func:`parameterisation`.
NAMES = ("direct", "exp", "softplus", "best")

#: Smallest initial :math:`|v|` of the ``best`` map (StableSSM's code: :math:`v^2\ge10^{-6}`).
BEST_V_FLOOR = 1e-3


@dataclass(frozen=True)
class Parameterisation:
    r"""A map :math:`v\mapsto\lambda=f(v)` from a free variable to a decay rate, with derivative and inverse.

    Attributes
    ----------
    name : str
    forward : callable
        :math:`f`, vectorised.
    derivative : callable
        :math:`f'`, vectorised.
    inverse : callable
        :math:`f^{-1}` on the range of :math:`f` (raises ``ValueError`` outside it).
    stable : bool
        Whether every real :math:`v` gives a rate :math:`f(v)>0`.
    max_rate : float
        Supremum of the range (``inf`` unless ``best``, where it is :math:`1/b_0`).
    v_floor : float
        Smallest :math:`|v|` that :meth:`initial` returns (``0`` unless ``best``).
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]
    stable: bool
    max_rate: float = np.inf
    v_floor: float = 0.0

    def __repr__(self) -> str:
        return f"Parameterisation({self.name!r})"

    def initial(self, rates) -> np.ndarray:
        r"""The free variables a training run starts from: :math:`f^{-1}(\lambda)`, with :math:`|v|\ge` ``v_floor``.

        For ``best`` the floor keeps :math:`v` away from the critical point
        :math:`v=0` (where :math:`f'=0`), so a unit started at the largest rate
        :math:`1/b_0` still moves; it changes that rate by a relative
        :math:`a_0b_0^{-1}v_{\rm floor}^2=10^{-5}` for the default constants.
        """
        v = np.asarray(self.inverse(rates), dtype=float)
        if self.v_floor > 0:
            v = np.where(np.abs(v) < self.v_floor, np.where(v < 0, -self.v_floor, self.v_floor), v)
        return v


def _softplus(v):
    return np.logaddexp(0.0, v)


def _sigmoid(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


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
    return as_real_scalar(name if alias is None else alias_name, chosen, positive=True)


def parameterisation(name: str, *, a0: float | None = None, b0: float | None = None,
                     alpha: float | None = None, beta: float | None = None) -> Parameterisation:
    r"""The parameterisation ``name`` of the decay rates, :math:`\lambda=f(v)` (eigenvalue :math:`-f(v)`).

    Parameters
    ----------
    name : {"direct", "exp", "softplus", "best"}
        See the module table.
    a0, b0 : float
        The constants of ``best``, :math:`f(v)=1/(a_0v^2+b_0)` (both > 0; default
        :math:`a_0=1`, :math:`b_0=0.1`, as in StableSSM's code). Ignored otherwise.
    alpha, beta : float, optional
        Former names of ``a0`` and ``b0`` (kept for compatibility).

    Returns
    -------
    Parameterisation
    """
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(f"name must be one of {NAMES}, got {name!r}")
    if name == "direct":
        return Parameterisation("direct", lambda v: np.asarray(v, float) * 1.0,
                                lambda v: np.ones_like(np.asarray(v, float)),
                                lambda r: _positive_rates(r), stable=False)
    if name == "exp":
        return Parameterisation("exp", np.exp, np.exp, lambda r: np.log(_positive_rates(r)), stable=True)
    if name == "softplus":
        # log(e^λ - 1) = λ + log(1 - e^{-λ}) = λ + log(-expm1(-λ)): no overflow for large λ
        return Parameterisation("softplus", _softplus, _sigmoid,
                                lambda r: (lambda q: q + np.log(-np.expm1(-q)))(_positive_rates(r)), stable=True)
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
    )


def _as_param(param, name: str = "param") -> Parameterisation:
    if isinstance(param, Parameterisation):
        return param
    if isinstance(param, str):
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

    Parameters
    ----------
    param : Parameterisation or str
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
    f = p.forward(v)
    return np.abs(p.derivative(v)) / (f * f * np.abs(v))


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
    lr : float
    optimizer : str
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


def _as_optimizer(optimizer) -> str:
    if not isinstance(optimizer, str) or optimizer.lower() not in ("gd", "adam"):
        raise ValueError(f"optimizer must be 'gd' or 'adam', got {optimizer!r}")
    return optimizer.lower()


def train_reparameterised(target, init, param, steps: int, lr: float, optimizer: str = "gd", *,
                          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> ReparamRun:
    r"""Train a diagonal model on the closed-form white-noise loss in reparameterised variables.

    Parameters :math:`\theta=(v,a)` with rates :math:`\lambda=f(v)`. The loss
    :math:`J=\tfrac12\|\rho-\hat\rho\|_{L^2}^2` and its gradient are

    .. math::

        J=\tfrac12\Big[\|\rho\|^2-2\sum_ia_iL_\rho(\lambda_i)+\sum_{ij}\frac{a_ia_j}{\lambda_i+\lambda_j}\Big],\qquad
        \frac{\partial J}{\partial a_i}=\sum_j\frac{a_j}{\lambda_i+\lambda_j}-L_\rho(\lambda_i),

    .. math::

        \frac{\partial J}{\partial v_i}=f'(v_i)\,\frac{\partial J}{\partial\lambda_i},\qquad
        \frac{\partial J}{\partial\lambda_i}=a_i\Big[L_{t\rho}(\lambda_i)-\sum_j\frac{a_j}{(\lambda_i+\lambda_j)^2}\Big],

    with the Laplace pair :math:`(L_\rho, L_{t\rho})` of
    :func:`lrnn.training.laplace_pair`. Gradient descent
    :math:`\theta_{k+1}=\theta_k-\eta\nabla_\theta J`, or Adam with ``betas``, ``eps``.

    Parameters
    ----------
    target : Kernel
    init : LinearRNN
        ``LinearRNN.diagonal(rates, weights)``; the free variables start at
        :meth:`Parameterisation.initial` of the rates (:math:`f^{-1}(\lambda)`,
        kept at least :math:`10^{-3}` away from :math:`v=0` for ``best``).
    param : Parameterisation or str
    steps : int
    lr : float
    optimizer : {"gd", "adam"}

    Returns
    -------
    ReparamRun
        Training stops when a rate becomes ≤ 0 (``direct`` only) or anything
        becomes non-finite; the remaining losses are ``inf``.
    """
    return train_reparameterised_many(target, init, [param], [lr], steps, optimizer, betas=betas, eps=eps)[0]


def train_reparameterised_many(target, init, params: Sequence, lrs: Sequence[float], steps: int,
                               optimizer: str = "gd", *, betas: tuple[float, float] = (0.9, 0.999),
                               eps: float = 1e-8) -> list[ReparamRun]:
    r"""Several runs of :func:`train_reparameterised` from the same start, vectorised over the runs.

    Run :math:`k` uses the parameterisation ``params[k]`` and the learning rate
    ``lrs[k]``; every step evaluates the loss and gradient of all running runs
    at once (one call of :func:`lrnn.training.laplace_pair`), so a batch of a
    dozen runs costs little more than one. The runs are independent: each
    gives exactly what :func:`train_reparameterised` gives alone.

    Parameters
    ----------
    target : Kernel
    init : LinearRNN
        Diagonal start, as in :func:`train_reparameterised`.
    params : sequence of Parameterisation or str
    lrs : sequence of float
        One positive learning rate per entry of ``params``.
    steps : int
    optimizer : {"gd", "adam"}
    betas, eps
        Adam's parameters (ignored for GD).

    Returns
    -------
    list of ReparamRun
        In the order of ``params``.
    """
    require_kernel(target)
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
    steps = as_integer("steps", steps, minimum=0)
    optimizer = _as_optimizer(optimizer)
    b1, b2 = (as_real_scalar("betas", b) for b in betas)
    eps = as_real_scalar("eps", eps, positive=True)

    B, m = len(ps), r0.size
    groups: dict[int, tuple[Parameterisation, list[int]]] = {}
    for k, p in enumerate(ps):
        groups.setdefault(id(p), (p, []))[1].append(k)
    groups_list = [(p, np.array(rows)) for p, rows in groups.values()]

    def apply(fn_name: str, values: np.ndarray) -> np.ndarray:
        if len(groups_list) == 1:
            return np.asarray(getattr(groups_list[0][0], fn_name)(values), dtype=float)
        out = np.empty_like(values)
        for p, rows in groups_list:
            out[rows] = getattr(p, fn_name)(values[rows])
        return out

    V = np.empty((B, m))
    for p, rows in groups_list:
        V[rows] = p.initial(r0)
    A = np.tile(a0, (B, 1))
    R = apply("forward", V)
    eta = etas[:, None]
    loss = np.empty((B, steps + 1))
    Rh, Ah, Vh = (np.empty((B, steps + 1, m)) for _ in range(3))
    stopped: list[int | None] = [None] * B
    reasons = [""] * B
    if optimizer == "adam":
        mom_v, vel_v, mom_a, vel_a = (np.zeros((B, m)) for _ in range(4))
    norm2 = float(target.norm(2)) ** 2
    active = np.ones(B, dtype=bool)
    all_active = True
    last = steps
    # Stopped runs keep their last stable iterate (finite, positive rates), so every step can evaluate
    # all B runs at once; their records after the stop are overwritten with inf / nan below.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # overflow is detected and stops a run
        for k in range(steps + 1):
            L, M = laplace_pair(target, R.ravel())
            L, M = L.reshape(B, m), M.reshape(B, m)
            G = 1.0 / (R[:, :, None] + R[:, None, :])
            Ga = (G @ A[:, :, None])[:, :, 0]
            loss[:, k] = 0.5 * (norm2 + np.einsum("bi,bi->b", A, Ga - 2.0 * L))
            Rh[:, k], Ah[:, k], Vh[:, k] = R, A, V
            if k == steps:
                break
            ga = Ga - L
            gv = apply("derivative", V) * (A * (M - ((G * G) @ A[:, :, None])[:, :, 0]))
            if optimizer == "gd":
                V_new, A_new = V - eta * gv, A - eta * ga
            else:
                c1, c2 = 1.0 - b1 ** (k + 1), 1.0 - b2 ** (k + 1)
                mom_v, mom_a = b1 * mom_v + (1 - b1) * gv, b1 * mom_a + (1 - b1) * ga
                vel_v, vel_a = b2 * vel_v + (1 - b2) * gv * gv, b2 * vel_a + (1 - b2) * ga * ga
                V_new = V - eta * (mom_v / c1) / (np.sqrt(vel_v / c2) + eps)
                A_new = A - eta * (mom_a / c1) / (np.sqrt(vel_a / c2) + eps)
            R_new = apply("forward", V_new)
            if not all_active:                      # stopped runs keep their last stable iterate
                V_new[~active], A_new[~active], R_new[~active] = V[~active], A[~active], R[~active]
            if not (np.isfinite(V_new.sum() + A_new.sum() + R_new.sum()) and R_new.min() > 0):
                # some run left the stable region or overflowed (rare): stop it at its last stable iterate
                finite = (np.isfinite(V_new).all(axis=1) & np.isfinite(A_new).all(axis=1)
                          & np.isfinite(R_new).all(axis=1))
                bad = ~(finite & (R_new > 0).all(axis=1))
                for run in np.flatnonzero(bad):
                    stopped[run], reasons[run] = k + 1, ("crossed" if finite[run] else "non-finite")
                V_new[bad], A_new[bad], R_new[bad] = V[bad], A[bad], R[bad]
                active &= ~bad
                all_active = False
                if not active.any():
                    last = k
                    break
            V, A, R = V_new, A_new, R_new
    for run in range(B):
        end = stopped[run] if stopped[run] is not None else last + 1
        loss[run, end:] = np.inf
        Rh[run, end:] = Ah[run, end:] = Vh[run, end:] = np.nan
    return [ReparamRun(loss[k], Rh[k], Ah[k], Vh[k], ps[k], float(etas[k]), optimizer, stopped[k], reasons[k])
            for k in range(B)]


#: The initialisation schemes of :func:`ssm_eigenvalues`.
SCHEMES = ("s4d-real", "s4d-lin", "s4d-inv", "s4d-lin-layer", "lru", "geometric")


def ssm_eigenvalues(scheme: str, m: int, *, dt: float = 0.1, dt_min: float = 1e-3, dt_max: float = 1e-1,
                    r_min: float = 0.9, r_max: float = 0.999, max_phase: float = 2 * np.pi,
                    rate_range: tuple[float, float] = (1e-3, 10.0), seed: int = 0) -> np.ndarray:
    r"""Initial eigenvalues :math:`\mu` of a diagonal SSM, per unit of sequence time (one sample = 1).

    The discrete recurrence is :math:`h_{k+1}=e^{\mu}h_k+\dots` (zero-order hold),
    so a mode decays at the rate :math:`-\mathrm{Re}\,\mu` per sample; :math:`\mu=\Delta z`
    for a continuous eigenvalue :math:`z` and a step :math:`\Delta`.

    ==================  ================================================================
    scheme              :math:`\mu_n`, :math:`n=0,\dots,m-1`
    ==================  ================================================================
    ``s4d-real``        :math:`\Delta\,(-(n+1))` (one channel, step ``dt``)
    ``s4d-lin``         :math:`\Delta\,(-\tfrac12+i\pi n)`
    ``s4d-inv``         :math:`\Delta\,(-\tfrac12+i\tfrac m\pi(\tfrac m{2n+1}-1))`
    ``s4d-lin-layer``   :math:`-\Delta_n/2`, :math:`\Delta_n` log-spaced in [``dt_min``, ``dt_max``]:
                        the real parts of the first S4D-Lin mode across m channels
    ``lru``             :math:`\log\bar\lambda_n=-e^{\nu_n}+i\theta_n`, :math:`|\bar\lambda_n|^2`
                        uniform in :math:`[r_{\min}^2,r_{\max}^2]` (uniform on the ring),
                        :math:`\theta_n` uniform in [0, ``max_phase``] (seeded)
    ``geometric``       :math:`-\lambda_n`, :math:`\lambda_n` log-spaced over ``rate_range`` (a reference)
    ==================  ================================================================

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    m : int
        Number of modes (≥ 1).
    dt, dt_min, dt_max, r_min, r_max, max_phase, rate_range, seed
        As in the table (``r_min``, ``r_max`` are radii of the discrete eigenvalues).

    Returns
    -------
    numpy.ndarray of complex, shape (m,)
        All with negative real part.
    """
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if isinstance(m, (bool, np.bool_)) or not isinstance(m, numbers.Integral):
        raise TypeError(f"m must be an integer, got {type(m).__name__}")
    if m < 1:
        raise ValueError(f"m must be at least 1, got {m}")
    dt = as_real_scalar("dt", dt, positive=True)
    n = np.arange(m, dtype=float)
    if scheme == "s4d-real":
        return dt * (-(n + 1)) + 0j
    if scheme == "s4d-lin":
        return dt * (-0.5 + 1j * np.pi * n)
    if scheme == "s4d-inv":
        return dt * (-0.5 + 1j * (m / np.pi) * (m / (2 * n + 1) - 1))
    if scheme == "s4d-lin-layer":
        lo = as_real_scalar("dt_min", dt_min, positive=True)
        hi = as_real_scalar("dt_max", dt_max, positive=True)
        if not hi >= lo:
            raise ValueError(f"dt_max must be >= dt_min = {lo}, got {hi}")
        return -0.5 * np.geomspace(lo, hi, m) + 0j
    if scheme == "geometric":
        lo, hi = (as_real_scalar("rate_range", v, positive=True) for v in rate_range)
        if not hi >= lo:
            raise ValueError("rate_range must be (low, high) with low <= high")
        return -np.geomspace(lo, hi, m) + 0j
    lo = as_real_scalar("r_min", r_min, positive=True)
    hi = as_real_scalar("r_max", r_max, positive=True)
    if not lo <= hi < 1:
        raise ValueError(f"r_min <= r_max < 1 required, got r_min={lo}, r_max={hi}")
    phase = as_real_scalar("max_phase", max_phase, nonnegative=True)
    rng = np.random.default_rng(seed)
    radius = np.sqrt(rng.uniform(size=m) * (hi**2 - lo**2) + lo**2)
    theta = rng.uniform(size=m) * phase
    nu = np.log(-np.log(radius))            # the LRU's trained variable: |λ̄| = exp(-exp(ν))
    return -np.exp(nu) + 1j * theta


def lru_normalisation(mu) -> np.ndarray:
    r"""The LRU input normalisation :math:`\gamma_{\rm LRU}=\sqrt{1-|\bar\lambda|^2}`, :math:`\bar\lambda=e^{\mu}`.

    For unit white-noise input, :math:`h_{k+1}=\bar\lambda h_k+\gamma_{\rm LRU}x_k` has
    stationary variance :math:`\gamma_{\rm LRU}^2/(1-|\bar\lambda|^2)=1` whatever the
    radius (the LRU paper calls this factor :math:`\gamma`).

    Parameters
    ----------
    mu : array_like of complex
        Continuous eigenvalues per sample, with negative real part.

    Returns
    -------
    numpy.ndarray
    """
    mu = np.asarray(mu)
    if not np.issubdtype(mu.dtype, np.number):
        raise TypeError("mu must be an array of (complex) numbers")
    if not np.all(np.isfinite(mu)) or np.any(mu.real >= 0):
        raise ValueError("mu must be finite with negative real parts (|exp(mu)| < 1)")
    return np.sqrt(-np.expm1(2.0 * mu.real))


def hippo_legs(n: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The HiPPO-LegS matrix :math:`A` of S4 and the vector :math:`P` of its normal-plus-rank-one form.

    .. math::

        A_{jk}=-\begin{cases}\sqrt{(2j+1)(2k+1)} & j>k\\ j+1 & j=k\\ 0 & j<k\end{cases},\qquad
        P_j=\sqrt{j+\tfrac12},\qquad j,k=0,\dots,n-1 .

    :math:`A` is lower triangular with eigenvalues :math:`-1,\dots,-n`, and
    :math:`A+PP^\top=-\tfrac12I+S` with :math:`S` skew-symmetric, so :math:`A` is a
    normal matrix minus a rank-one matrix; diagonalising the normal part unitarily
    gives the diagonal-plus-low-rank form in which S4 computes.

    Parameters
    ----------
    n : int
        State size (≥ 1).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``A`` of shape (n, n) and ``P`` of shape (n,).
    """
    n = as_integer("n", n)
    j = np.arange(n, dtype=float)
    q = np.sqrt(2.0 * j + 1.0)
    A = -np.tril(np.outer(q, q), -1) - np.diag(j + 1.0)
    return A, np.sqrt(j + 0.5)


def hessian(target, model, param="direct", *, h: float = 1e-6) -> np.ndarray:
    r"""Hessian of the white-noise loss in the variables :math:`(v, a)` at a diagonal model.

    Central differences of the exact gradient of
    :func:`lrnn.training.loss_and_gradient` give :math:`H` in :math:`(\lambda,a)`
    (step ``h`` relative to each coordinate's size, symmetrised); the chain
    rule then gives :math:`D H D + \mathrm{diag}(f''(v)\,\partial J/\partial\lambda, 0)`
    with :math:`D=\mathrm{diag}(f'(v),\mathbf 1)`. We drop the second term,
    which vanishes at a critical point (use this at a minimiser).

    Parameters
    ----------
    target : Kernel
    model : LinearRNN
        Diagonal, scalar input (rates inside the range of ``param``).
    param : Parameterisation or str
    h : float
        Relative difference step.

    Returns
    -------
    numpy.ndarray, shape (2m, 2m)
    """
    require_kernel(target)
    r, a = diagonal_parameters(model)
    p = _as_param(param)
    h = as_real_scalar("h", h, positive=True)
    m = r.size
    th = np.concatenate([r, a])
    H = np.empty((2 * m, 2 * m))
    for i in range(2 * m):
        step = h * max(abs(th[i]), 1e-3)
        e = np.zeros(2 * m)
        e[i] = step
        gp = np.concatenate(loss_and_gradient(target, (th + e)[:m], (th + e)[m:])[1:])
        gm = np.concatenate(loss_and_gradient(target, (th - e)[:m], (th - e)[m:])[1:])
        H[:, i] = (gp - gm) / (2 * step)
    H = 0.5 * (H + H.T)
    D = np.concatenate([p.derivative(p.inverse(r)), np.ones(m)])
    return D[:, None] * H * D[None, :]


def stable_learning_rate(target, model, param="direct") -> float:
    r"""The largest step for which gradient descent is linearly stable at a minimiser: :math:`\eta^*=2/\lambda_{\max}(H_v)`.

    Near a minimiser, GD on :math:`J` is the linear map
    :math:`\epsilon\mapsto(I-\eta H_v)\epsilon`, which contracts iff
    :math:`\eta<2/\lambda_{\max}(H_v)`; :math:`H_v` from :func:`hessian`.

    Parameters
    ----------
    target, model, param
        As in :func:`hessian`.

    Returns
    -------
    float
    """
    lam = np.linalg.eigvalsh(hessian(target, model, param))
    if not lam.max() > 0:
        raise ValueError("the Hessian has no positive eigenvalue: model is not at a minimiser")
    return float(2.0 / lam.max())
