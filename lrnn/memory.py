r"""The memory function of a (possibly nonlinear) functional, and the perturbation error.

**Memory function** :cite:`wang2024inverse`. Feed the Heaviside input
:math:`\mathbf u^x_t=x\,\mathbf 1_{t\ge0}` and measure how fast the output still moves:

.. math::

    \mathcal M(\mathbf H)(t)=\sup_{x\ne0}\frac{\big|\tfrac{d}{dt}H_t(\mathbf u^x)\big|}{|x|}.

For a linear functional :math:`H_t(\mathbf u^x)=x\int_0^t\rho`, so
:math:`\mathcal M(t)=|\rho(t)|`. :func:`memory_function` computes it for kernels
and linear RNNs (central differences of the exact step response, so that the
identity with :math:`|\rho|` is a check, not a definition) and for
:class:`~lrnn.nonlinear.TanhRNN` (exact derivative along the ODE solution),
with the supremum over :math:`x` replaced by a maximum over given amplitudes.

**Perturbation error.** For a diagonal model :math:`\hat\rho=\sum_ia_ie^{-r_it}`
(:math:`W=-\mathrm{diag}(r)`) and a target :math:`\rho`,

.. math::

    E(\beta)=\max_{\xi}\ \frac{\|\rho-\hat\rho_{\beta\xi}\|_{L^2}}{\|\rho\|_{L^2}},\qquad
    \hat\rho_{\beta\xi}(t)=\sum_ia_ie^{-(r_i-\beta\xi_i)t},

over :math:`\xi\in\{-1,1\}^m` drawn at random plus the two constant vectors
:math:`\pm\mathbf 1`. A perturbation :math:`W\to W+\beta\,\mathrm{diag}(\xi)`
has spectral norm :math:`\beta`, so this is a lower bound on the perturbation
error of :cite:`wang2024inverse` restricted to the recurrent weights, measured
in the white-noise (:math:`L^2`) norm. It is ``inf`` as soon as some
perturbed rate is :math:`\le0` (the model is unstable), i.e. for
:math:`\beta\ge\min_ir_i`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_real_array, as_times
from .kernels import Kernel, require_kernel
from .nonlinear import TanhRNN
from .rnn import LinearRNN, diagonal_parameters

__all__ = ["memory_function", "perturbed_errors", "perturbation_error"]


def memory_function(system, t, amplitudes=(1.0,), *, h: float = 1e-4) -> np.ndarray:
    r"""The memory function :math:`\mathcal M(t)=\max_x|\frac{d}{dt}H_t(x\mathbf 1_{\ge0})|/|x|`.

    Parameters
    ----------
    system : Kernel, LinearRNN or TanhRNN
        The functional. Kernels and linear RNNs: central difference
        :math:`(S(t+h)-S(t-h))/2h` of the exact step response :math:`S`
        (one-sided at :math:`t<h`); error :math:`O(h^2)`. For them the amplitudes
        do not matter (linearity). ``TanhRNN``: the exact derivative
        :meth:`~lrnn.nonlinear.TanhRNN.step_derivative`.
    t : array_like
        Times ≥ 0.
    amplitudes : array_like
        Non-zero step amplitudes :math:`x` over which the maximum is taken.
    h : float
        Difference step (linear systems only).

    Returns
    -------
    numpy.ndarray
        :math:`\mathcal M(t)`, of the shape of ``t``.
    """
    t = as_times("t", t)
    x = as_real_array("amplitudes", np.atleast_1d(amplitudes), ndim=1)
    if x.size == 0 or np.any(x == 0):
        raise ValueError("amplitudes must be a non-empty list of non-zero step heights")
    if isinstance(system, TanhRNN):
        d = system.step_derivative(t.ravel(), x)                # (A, n)
        return (np.max(np.abs(d) / np.abs(x)[:, None], axis=0)).reshape(t.shape)
    if not isinstance(system, (Kernel, LinearRNN)):
        raise TypeError(f"system must be a Kernel, LinearRNN or TanhRNN, got {type(system).__name__}")
    if not (isinstance(h, numbers.Real) and np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive step, got {h!r}")
    lo = np.maximum(t - h, 0.0)
    hi = t + h
    S = system.step_response
    return (np.abs((np.ravel(S(hi.ravel())) - np.ravel(S(lo.ravel()))) / (hi - lo).ravel())).reshape(t.shape)


def perturbed_errors(target, model, rate_perturbations) -> np.ndarray:
    r"""Relative :math:`L^2` errors :math:`\|\rho-\hat\rho_\delta\|/\|\rho\|` of models with rates :math:`r+\delta`.

    Closed form: :math:`\|\rho-\hat\rho\|^2=\|\rho\|^2-2\sum_ia_iL_\rho(r_i)+\sum_{ij}a_ia_j/(r_i+r_j)`
    with the target's Laplace transform :math:`L_\rho`, vectorised over perturbations
    (differences below about :math:`10^{-8}\|\rho\|` are lost to cancellation).

    Parameters
    ----------
    target : Kernel
    model : LinearRNN
        Diagonal, scalar input.
    rate_perturbations : array_like, shape (S, m)
        Perturbations :math:`\delta` of the rates.

    Returns
    -------
    numpy.ndarray, shape (S,)
        ``inf`` where some perturbed rate is ≤ 0.
    """
    require_kernel(target)
    r, a = diagonal_parameters(model)
    D = as_real_array("rate_perturbations", rate_perturbations, ndim=2)
    if D.shape[1] != r.size:
        raise ValueError(f"rate_perturbations must have {r.size} columns (one per unit), got {D.shape[1]}")
    R = r + D
    out = np.full(D.shape[0], np.inf)
    ok = np.all(R > 0, axis=1)
    if ok.any():
        Rk = R[ok]
        n2 = target.norm(2) ** 2
        L = np.asarray(target.laplace(Rk), dtype=float)
        G = 1.0 / (Rk[:, :, None] + Rk[:, None, :])
        e2 = n2 - 2.0 * L @ a + np.einsum("i,sij,j->s", a, G, a)
        out[ok] = np.sqrt(np.maximum(e2, 0.0) / n2)
    return out


def perturbation_error(target, model, betas, *, n_samples: int = 32, seed: int = 0) -> np.ndarray:
    r"""The perturbation error :math:`E(\beta)` of a diagonal model (see the module docstring).

    Parameters
    ----------
    target : Kernel
    model : LinearRNN
        Diagonal, scalar input.
    betas : array_like, shape (k,)
        Perturbation sizes :math:`\beta\ge0`.
    n_samples : int
        Random sign vectors :math:`\xi` (the same for every β), plus :math:`\pm\mathbf 1`.
    seed : int

    Returns
    -------
    numpy.ndarray, shape (k,)
        :math:`E(\beta)`; ``inf`` once :math:`\beta\ge\min_ir_i`.
    """
    b = as_real_array("betas", np.atleast_1d(betas), ndim=1)
    if np.any(b < 0):
        raise ValueError(f"betas must be non-negative, got minimum {b.min()}")
    if isinstance(n_samples, (bool, np.bool_)) or not isinstance(n_samples, numbers.Integral) or n_samples < 0:
        raise ValueError(f"n_samples must be a non-negative integer, got {n_samples!r}")
    r, _ = diagonal_parameters(model)
    rng = np.random.default_rng(seed)
    xi = np.vstack([np.ones(r.size), -np.ones(r.size), rng.choice([-1.0, 1.0], size=(n_samples, r.size))])
    # xi = +1 slows every unit (rate r - β), the direction of instability
    D = -(b[:, None, None] * xi[None, :, :]).reshape(-1, r.size)
    E = perturbed_errors(target, model, D).reshape(b.size, xi.shape[0])
    return E.max(axis=1)
