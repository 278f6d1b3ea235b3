r"""The memory function of a (possibly nonlinear) functional, and the perturbation error.

**Memory function** :cite:`wang2024inverse`. Feed the Heaviside input
:math:`\mathbf u^x_t=x\,\mathbf 1_{t\ge0}` and measure how fast the output still moves:

.. math::

    \mathcal M(\mathbf H)(t)=\sup_{x\ne0}\frac{\big|\tfrac{d}{dt}H_t(\mathbf u^x)\big|}{|x|_\infty}.

For a linear functional with kernel :math:`\rho:[0,\infty)\to\mathbb R^d`,
:math:`H_t(\mathbf u^x)=x^\top\int_0^t\rho`, so :math:`\mathcal M(t)=|\rho(t)|_1`
(the supremum of :math:`|x^\top\rho(t)|` over :math:`|x|_\infty\le1`).
:func:`memory_function` computes it for kernels and linear RNNs (second-order
differences of the exact step responses, one per input component, so that the
identity with :math:`|\rho|_1` is a check, not a definition) and for
:class:`~lrnn.nonlinear.TanhRNN` (exact derivative along the ODE solution), with
the supremum over :math:`x` replaced by a maximum over given step heights.

**Perturbation error.** For a diagonal model :math:`\hat\rho=\sum_ia_ie^{-\lambda_it}`
(:math:`W=-\mathrm{diag}(\lambda)`, rates :math:`\lambda_i>0`) and a target :math:`\rho`,
:func:`perturbation_error` returns

.. math::

    E(\delta)=\max_{\xi}\ \frac{\|\rho-\hat\rho_{\delta\xi}\|_{L^2}}{\|\rho\|_{L^2}},\qquad
    \hat\rho_{\delta\xi}(t)=\sum_ia_ie^{-(\lambda_i-\delta\xi_i)t},

over sign vectors :math:`\xi\in\{-1,1\}^m` (the two constant ones plus random
ones). Each perturbation :math:`W\to W+\delta\,\mathrm{diag}(\xi)` has spectral
norm :math:`\delta` and leaves the input and read-out weights alone, so it is one
of the perturbations allowed in the perturbation error of :cite:`wang2024inverse`.
The maximum is measured in the white-noise (:math:`L^2`) norm, which does not
compare with that paper's norm in general; what carries over is the
instability: :math:`E(\delta)` is ``inf`` as soon as some perturbed rate is
:math:`\le0`, i.e. for :math:`\delta\ge\min_i\lambda_i`, and there the error is
infinite in every norm of the theory (:math:`L^1`, :math:`L^2`, Sobolev-type),
since the perturbed kernel does not decay.
"""

from __future__ import annotations

import numpy as np

from numpy.typing import ArrayLike

from . import _limits
from ._validation import as_real_array, as_real_scalar, as_rng, as_size, as_times, check_table
from .kernels import Kernel
from .loss import WhiteNoiseLoss
from .nonlinear import TanhRNN
from .rnn import LinearRNN, diagonal_parameters

__all__ = ["memory_function", "perturbed_errors", "perturbation_error"]


def memory_function(system, t: ArrayLike, amplitudes: ArrayLike = (1.0,), *, h: float = 1e-4) -> np.ndarray:
    r"""The memory function :math:`\mathcal M(t)=\sup_x|\frac{d}{dt}H_t(x\mathbf 1_{t\ge0})|/|x|_\infty`.

    Parameters
    ----------
    system : Kernel, LinearRNN or TanhRNN
        The functional.

        * Kernels and linear RNNs (any input dimension :math:`d`): the derivative of the step
          response :math:`S_j(t)=\int_0^t\rho_j` of each input component :math:`j` by a
          second-order difference, :math:`(S_j(t+h)-S_j(t-h))/2h` for :math:`t\ge h` and the
          one-sided :math:`(-3S_j(t)+4S_j(t+h)-S_j(t+2h))/2h=(3I_1-I_2)/2h` for :math:`t<h`, where
          :math:`I_1=\int_t^{t+h}\rho_j`, :math:`I_2=\int_{t+h}^{t+2h}\rho_j`. The differences
          :math:`S_j(b)-S_j(a)` are the exact integrals :math:`\int_a^b\rho_j` (:meth:`Kernel.integral`,
          no cancellation), divided by the width :math:`b-a` of the stencil as represented in
          float64; where :math:`h` is below the float spacing at :math:`t`, the stencil is widened
          to four spacings. The error is :math:`O(h^2\sup|\rho''|)` at every :math:`t`. The result
          is :math:`\sum_j|S_j'(t)|=|\rho(t)|_1`. By linearity the step heights do not matter and
          ``amplitudes`` is only validated.
        * ``TanhRNN``: the exact derivative
          :meth:`~lrnn.nonlinear.TanhRNN.step_derivative`, maximised over
          ``amplitudes`` after division by :math:`|x|`.
    t : array_like
        Times ≥ 0.
    amplitudes : array_like
        Non-zero step heights :math:`x` over which the maximum is taken (scalar inputs).
    h : float
        Difference step (linear systems only), in :math:`[10^{-12}, 1]`.

    Returns
    -------
    numpy.ndarray
        :math:`\mathcal M(t)`, of the shape of ``t``.

    Raises
    ------
    TypeError
        If ``system`` is not a Kernel, LinearRNN or TanhRNN.
    ValueError
        For negative times, an empty list of heights or a zero height, or ``h`` outside its range.
    """
    t = as_times("t", t)
    if t.size > _limits.MAX_STEPS:
        raise ValueError(f"t must have at most {_limits.MAX_STEPS} times, got {t.size}")
    x = as_real_array("amplitudes", np.atleast_1d(amplitudes), ndim=1)
    if x.size == 0 or np.any(x == 0):
        raise ValueError("amplitudes must be a non-empty list of non-zero step heights")
    if isinstance(system, TanhRNN):
        d = system.step_derivative(t.ravel(), x)                # (A, n)
        with np.errstate(over="ignore"):
            M = np.max(np.abs(d) / np.abs(x)[:, None], axis=0)
        if not np.all(np.isfinite(M)):
            raise ValueError("amplitudes are too small: |dy/dt| / |x| overflows float64")
        return M.reshape(t.shape)
    if isinstance(system, LinearRNN):
        parts = [system.as_kernel()] if system.input_dim == 1 else \
            [LinearRNN(system.W, system.U[:, j], system.c).as_kernel() for j in range(system.input_dim)]
    elif isinstance(system, Kernel):
        parts = [system]
    else:
        raise TypeError(f"system must be a Kernel, LinearRNN or TanhRNN, got {type(system).__name__}")
    h = as_real_scalar("h", h, minimum=1e-12, maximum=1.0)
    flat = t.ravel()
    wide = np.maximum(h, 4.0 * np.spacing(flat))              # a stencil that float64 can represent at t
    inner = flat >= wide
    # central: [t - h, t + h]; one-sided (t < h): [t, t + h] and [t + h, t + 2h]
    a1 = np.where(inner, flat - wide, flat)
    b1 = flat + wide
    b2 = flat + 2.0 * wide
    total = np.zeros(flat.size)
    for k in parts:
        I1 = np.asarray(k.integral(a1, b1), dtype=float)
        central = I1 / (b1 - a1)
        if inner.all():
            deriv = central
        else:
            I2 = np.asarray(k.integral(b1, b2), dtype=float)
            m1, m2 = I1 / (b1 - flat), I2 / (b2 - b1)          # averages over [t, t+h] and [t+h, t+2h]
            c1, c2 = 0.5 * (flat + b1), 0.5 * (b1 + b2)         # their midpoints: extrapolate linearly to t
            deriv = np.where(inner, central, m1 + (m1 - m2) * (c1 - flat) / (c2 - c1))
        total += np.abs(deriv)
    return total.reshape(t.shape)


def perturbed_errors(target: Kernel, model: LinearRNN, rate_perturbations: ArrayLike) -> np.ndarray:
    r"""Relative :math:`L^2` errors :math:`\|\rho-\hat\rho_\Delta\|/\|\rho\|` of models with rates :math:`\lambda+\Delta`.

    The squared error is twice the white-noise loss (:class:`lrnn.loss.WhiteNoiseLoss`, batched
    over the perturbations),
    :math:`\|\rho-\hat\rho\|^2=\|\rho\|^2-2\sum_ia_iL_\rho(\lambda_i)+\sum_{ij}a_ia_j/(\lambda_i+\lambda_j)`,
    with :math:`L_\rho` evaluated once per distinct perturbed rate (differences below about
    :math:`10^{-8}\|\rho\|` are lost to cancellation).

    Parameters
    ----------
    target : Kernel
        The target :math:`\rho` (non-zero).
    model : LinearRNN
        Diagonal, scalar input: :math:`\hat\rho=\sum_ia_ie^{-\lambda_it}`.
    rate_perturbations : array_like, shape (S, m)
        Perturbations :math:`\Delta` of the rates.

    Returns
    -------
    numpy.ndarray, shape (S,)
        ``inf`` where some perturbed rate is ≤ 0 (the perturbed kernel does not decay).
    """
    objective = WhiteNoiseLoss(target)
    if objective.norm2 == 0.0:
        raise ValueError("target is the zero kernel: the relative error divides by its norm 0")
    r, a = diagonal_parameters(model)
    D = as_real_array("rate_perturbations", rate_perturbations, ndim=2)
    if D.shape[1] != r.size:
        raise ValueError(f"rate_perturbations must have {r.size} columns (one per unit of model), got {D.shape[1]}")
    check_table("rate_perturbations", D.shape[0], r.size * r.size, why="table of Gram matrices (perturbations × m²)")
    with np.errstate(over="ignore", invalid="ignore"):
        R = r + D
        ok = np.all(R > 0, axis=1) & np.all(np.isfinite(R), axis=1)
        out = np.full(D.shape[0], np.inf)
        if ok.any():
            e2 = 2.0 * objective.value(R[ok], np.broadcast_to(a, R[ok].shape))
            out[ok] = np.sqrt(np.maximum(e2, 0.0) / objective.norm2)
    if not np.all(np.isfinite(out[ok])):
        raise ValueError("rate_perturbations (or model) too extreme: the perturbed errors overflow float64")
    return out


def perturbation_error(target: Kernel, model: LinearRNN, deltas: ArrayLike = None, *, n_samples: int = 32,
                       seed=0, betas: ArrayLike = None) -> np.ndarray:
    r"""The perturbation error :math:`E(\delta)` of a diagonal model (see the module docstring).

    Parameters
    ----------
    target : Kernel
        The target :math:`\rho` (non-zero).
    model : LinearRNN
        Diagonal, scalar input.
    deltas : array_like, shape (k,)
        Perturbation sizes :math:`\delta\ge0` (the spectral norm of the change of :math:`W`).
    n_samples : int
        Random sign vectors :math:`\xi` (the same for every δ), in addition to :math:`\pm\mathbf 1`.
    seed : int, None or numpy.random.Generator
        Seed of the random sign vectors.
    betas : array_like, optional
        Former name of ``deltas`` (kept for compatibility).

    Returns
    -------
    numpy.ndarray, shape (k,)
        :math:`E(\delta)`; ``inf`` once :math:`\delta\ge\min_i\lambda_i`.
    """
    if deltas is None and betas is None:
        raise TypeError("perturbation_error() needs the perturbation sizes deltas")
    if deltas is not None and betas is not None:
        raise TypeError("give the perturbation sizes once, as deltas (betas is its former name)")
    b = as_real_array("deltas", np.atleast_1d(deltas if deltas is not None else betas), ndim=1)
    if np.any(b < 0):
        raise ValueError(f"deltas must be non-negative, got minimum {b.min()}")
    n_samples = as_size("n_samples", n_samples, minimum=0, limit=_limits.MAX_BATCH, why="random sign vectors")
    r, _ = diagonal_parameters(model)
    check_table("n_samples", b.size * (n_samples + 2), r.size * r.size,
                why="table of Gram matrices (deltas × sign vectors × m²)")
    rng = as_rng("seed", seed)
    xi = np.vstack([np.ones(r.size), -np.ones(r.size), rng.choice([-1.0, 1.0], size=(n_samples, r.size))])
    # xi = +1 slows every unit (rate λ - δ), the direction of instability
    D = -(b[:, None, None] * xi[None, :, :]).reshape(-1, r.size)
    E = perturbed_errors(target, model, D).reshape(b.size, xi.shape[0])
    return E.max(axis=1)
