r"""Stable reparameterisations of the recurrent eigenvalues.

A diagonal linear RNN has eigenvalues :math:`\lambda_i=-r_i` and kernel
:math:`\hat\rho(t)=\sum_i a_ie^{-r_it}`; it is stable iff every rate
:math:`r_i>0`. A *parameterisation* trains a free variable :math:`v_i` instead
and sets

.. math::

    r_i = f(v_i), \qquad \lambda_i = -f(v_i).

The four maps of :cite:`wang2024stablessm` (continuous-time form):

=============  ===========================  =========================  ===============================
name           :math:`f(v)`                  :math:`f'(v)`               inverse :math:`v=f^{-1}(r)`
=============  ===========================  =========================  ===============================
``direct``     :math:`v`                     :math:`1`                   :math:`r`
``exp``        :math:`e^{v}`                 :math:`e^{v}`               :math:`\log r`
``softplus``   :math:`\log(1+e^{v})`         :math:`1/(1+e^{-v})`        :math:`\log(e^{r}-1)`
``best``       :math:`1/(\alpha v^2+\beta)`  :math:`-2\alpha v/(\alpha v^2+\beta)^2`  :math:`\sqrt{(1/r-\beta)/\alpha}`
=============  ===========================  =========================  ===============================

``direct`` is not stable (a step can push :math:`v` below 0); the other three
map every real :math:`v` to a positive rate (``best`` to :math:`(0,1/\beta]`,
so its inverse needs :math:`r\le1/\beta`; we take the branch :math:`v\ge0`).

Public functions:

* :func:`parameterisation` — a :class:`Parameterisation` by name;
* :func:`gradient_weight_ratio` — :math:`|f'(v)|/(f(v)^2|v|)`;
* :func:`ssm_eigenvalues`, :func:`lru_normalisation` — the initialisations of
  S4D :cite:`gu2022s4d` and the LRU :cite:`orvieto2023lru`, as eigenvalues per
  unit of sequence time;
* :func:`train_reparameterised` — gradient descent / Adam on the closed-form
  white-noise loss in the variables :math:`(v, a)`, with
  :math:`\partial J/\partial v_i=f'(v_i)\,\partial J/\partial r_i` from
  :func:`lrnn.training.loss_and_gradient`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validation import as_integer, as_real_array, as_real_scalar
from .kernels import require_kernel
from .rnn import LinearRNN, diagonal_parameters
from .training import loss_and_gradient

__all__ = ["NAMES", "Parameterisation", "parameterisation", "gradient_weight_ratio", "ReparamRun",
           "train_reparameterised", "hessian", "stable_learning_rate", "SCHEMES", "ssm_eigenvalues",
           "lru_normalisation"]

#: The names accepted by :func:`parameterisation`.
NAMES = ("direct", "exp", "softplus", "best")


@dataclass(frozen=True)
class Parameterisation:
    r"""A map :math:`v\mapsto r=f(v)` from a free variable to a decay rate, with derivative and inverse.

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
        Supremum of the range (``inf`` unless ``best``).
    """

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]
    stable: bool
    max_rate: float = np.inf

    def __repr__(self) -> str:
        return f"Parameterisation({self.name!r})"


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


def parameterisation(name: str, *, alpha: float = 1.0, beta: float = 0.1) -> Parameterisation:
    r"""The parameterisation ``name`` of the eigenvalues, :math:`\lambda=-f(v)`.

    Parameters
    ----------
    name : {"direct", "exp", "softplus", "best"}
        See the module table.
    alpha, beta : float
        The constants of ``best``, :math:`f(v)=1/(\alpha v^2+\beta)` (both > 0;
        StableSSM's code uses :math:`\alpha=1`, :math:`\beta=0.1`). Ignored otherwise.

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
        # log(e^r - 1) = r + log(1 - e^{-r}) = r + log(-expm1(-r)): no overflow for large r
        return Parameterisation("softplus", _softplus, _sigmoid,
                                lambda r: (lambda q: q + np.log(-np.expm1(-q)))(_positive_rates(r)), stable=True)
    al = as_real_scalar("alpha", alpha, positive=True)
    be = as_real_scalar("beta", beta, positive=True)
    return Parameterisation(
        "best",
        lambda v: 1.0 / (al * np.square(v) + be),
        lambda v: -2.0 * al * np.asarray(v, float) / (al * np.square(v) + be) ** 2,
        lambda r: np.sqrt(np.maximum(1.0 / _positive_rates(r, 1.0 / be) - be, 0.0) / al),
        stable=True,
        max_rate=1.0 / be,
    )


def _as_param(param) -> Parameterisation:
    if isinstance(param, Parameterisation):
        return param
    if isinstance(param, str):
        return parameterisation(param)
    raise TypeError(f"param must be a Parameterisation or one of {NAMES}, got {type(param).__name__}")


def gradient_weight_ratio(param, v) -> np.ndarray:
    r"""The gradient-to-weight ratio :math:`|f'(v)|\,/\,(f(v)^2\,|v|)`.

    Why this quantity: the rate derivative of a unit's kernel,
    :math:`\partial_r e^{-rt}=-te^{-rt}`, has :math:`L^1` norm :math:`1/r^2`, so the
    gradient of a loss measured in the uniform (operator) norm with respect to
    :math:`v` is bounded by a multiple of :math:`|f'(v)|/f(v)^2`. Dividing by
    :math:`|v|` compares the size of a gradient step with the size of the weight
    it changes. For ``best``, :math:`|f'|/f^2=2\alpha|v|`, so the ratio is the
    constant :math:`2\alpha`; for the other maps it is unbounded as the rate
    tends to 0.

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
        Trajectories of :math:`r=f(v)`, :math:`a` and :math:`v` (``nan`` after a stop).
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


def train_reparameterised(target, init, param, steps: int, lr: float, optimizer: str = "gd", *,
                          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> ReparamRun:
    r"""Train a diagonal model on the closed-form white-noise loss in reparameterised variables.

    Parameters :math:`\theta=(v,a)` with rates :math:`r=f(v)`. The gradient is the
    chain rule through :math:`f`,

    .. math::

        \frac{\partial J}{\partial v_i}=f'(v_i)\,\frac{\partial J}{\partial r_i},\qquad
        \frac{\partial J}{\partial a_i}\ \text{unchanged},

    with :math:`\partial J/\partial r` and :math:`\partial J/\partial a` from
    :func:`lrnn.training.loss_and_gradient`. Gradient descent
    :math:`\theta_{k+1}=\theta_k-\eta\nabla_\theta J`, or Adam with ``betas``, ``eps``.

    Parameters
    ----------
    target : Kernel
    init : LinearRNN
        ``LinearRNN.diagonal(rates, weights)``; the free variables start at
        :math:`v=f^{-1}(r)`.
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
    require_kernel(target)
    r0, a0 = diagonal_parameters(init, "init")
    p = _as_param(param)
    steps = as_integer("steps", steps, minimum=0)
    lr = as_real_scalar("lr", lr, positive=True)
    if not isinstance(optimizer, str) or optimizer.lower() not in ("gd", "adam"):
        raise ValueError(f"optimizer must be 'gd' or 'adam', got {optimizer!r}")
    optimizer = optimizer.lower()
    b1, b2 = (as_real_scalar("betas", b) for b in betas)
    eps = as_real_scalar("eps", eps, positive=True)

    a = a0.copy()
    v = np.asarray(p.inverse(r0), dtype=float)
    m = r0.size
    loss = np.full(steps + 1, np.inf)
    R, A, V = (np.full((steps + 1, m), np.nan) for _ in range(3))
    theta = np.concatenate([v, a])
    with np.errstate(over="ignore", invalid="ignore"):     # overflow is detected below and stops the run
        stopped, reason = _descend(target, p, theta, m, steps, lr, optimizer, b1, b2, eps, loss, R, A, V)
    return ReparamRun(loss, R, A, V, p, lr, optimizer, stopped, reason)


def _descend(target, p, theta, m, steps, lr, optimizer, b1, b2, eps, loss, R, A, V):
    """The loop of :func:`train_reparameterised`; fills the records in place, returns (stopped_at, reason)."""
    mom, vel = np.zeros(2 * m), np.zeros(2 * m)
    stopped, reason = None, ""
    for k in range(steps + 1):
        v, a = theta[:m], theta[m:]
        r = p.forward(v)
        J, gr, ga = loss_and_gradient(target, r, a)
        loss[k], R[k], A[k], V[k] = J, r, a, v
        if k == steps:
            break
        g = np.concatenate([p.derivative(v) * gr, ga])
        if optimizer == "gd":
            new = theta - lr * g
        else:
            mom = b1 * mom + (1 - b1) * g
            vel = b2 * vel + (1 - b2) * g * g
            new = theta - lr * (mom / (1 - b1 ** (k + 1))) / (np.sqrt(vel / (1 - b2 ** (k + 1))) + eps)
        if not np.all(np.isfinite(new)) or not np.all(np.isfinite(p.forward(new[:m]))):
            stopped, reason = k + 1, "non-finite"
            break
        if not np.all(p.forward(new[:m]) > 0):
            stopped, reason = k + 1, "crossed"
            break
        theta = new
    return stopped, reason


#: The initialisation schemes of :func:`ssm_eigenvalues`.
SCHEMES = ("s4d-real", "s4d-lin", "s4d-inv", "s4d-lin-layer", "lru", "geometric")


def ssm_eigenvalues(scheme: str, m: int, *, dt: float = 0.1, dt_min: float = 1e-3, dt_max: float = 1e-1,
                    r_min: float = 0.9, r_max: float = 0.999, max_phase: float = 2 * np.pi,
                    rate_range: tuple[float, float] = (1e-3, 10.0), seed: int = 0) -> np.ndarray:
    r"""Initial eigenvalues :math:`\mu` of a diagonal SSM, per unit of sequence time (one sample = 1).

    The discrete recurrence is :math:`h_{k+1}=e^{\mu}h_k+\dots` (zero-order hold),
    so a mode decays at rate :math:`-\mathrm{Re}\,\mu` per sample.

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
    ``geometric``       :math:`-r_n`, :math:`r_n` log-spaced over ``rate_range`` (a reference)
    ==================  ================================================================

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    m : int
        Number of modes (≥ 1).
    dt, dt_min, dt_max, r_min, r_max, max_phase, rate_range, seed
        As in the table.

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
    r"""The LRU input normalisation :math:`\gamma=\sqrt{1-|\bar\lambda|^2}`, :math:`\bar\lambda=e^{\mu}`.

    For unit white-noise input, :math:`h_{k+1}=\bar\lambda h_k+\gamma x_k` has
    stationary variance :math:`\gamma^2/(1-|\bar\lambda|^2)=1` whatever the radius.

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


def hessian(target, model, param="direct", *, h: float = 1e-6) -> np.ndarray:
    r"""Hessian of the white-noise loss in the variables :math:`(v, a)` at a diagonal model.

    Central differences of the exact gradient of
    :func:`lrnn.training.loss_and_gradient` give :math:`H` in :math:`(r,a)`
    (step ``h`` relative to each coordinate's size, symmetrised); the chain
    rule then gives :math:`D H D + \mathrm{diag}(f''(v)\,\partial J/\partial r, 0)`
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
    :math:`\delta\mapsto(I-\eta H_v)\delta`, which contracts iff
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
