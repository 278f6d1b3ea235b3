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

import numbers

import numpy as np

from ._validation import as_real_array, as_times
from .kernels import Kernel, require_kernel
from .nonlinear import TanhRNN
from .rnn import LinearRNN, diagonal_parameters

__all__ = ["memory_function", "perturbed_errors", "perturbation_error"]


def memory_function(system, t, amplitudes=(1.0,), *, h: float = 1e-4) -> np.ndarray:
    r"""The memory function :math:`\mathcal M(t)=\sup_x|\frac{d}{dt}H_t(x\mathbf 1_{t\ge0})|/|x|_\infty`.

    Parameters
    ----------
    system : Kernel, LinearRNN or TanhRNN
        The functional.

        * Kernels and linear RNNs (any input dimension :math:`d`): the
          derivative of the exact step response :math:`S_j(t)=\int_0^t\rho_j` of
          each input component :math:`j` by a second-order difference,
          :math:`(S_j(t+h)-S_j(t-h))/2h` for :math:`t\ge h` and the one-sided
          :math:`(-3S_j(t)+4S_j(t+h)-S_j(t+2h))/2h` for :math:`t<h`; the error
          is :math:`O(h^2\sup|\rho''|)` at every :math:`t` (plus rounding
          :math:`\approx10^{-16}\sup|S|/h`). The result is
          :math:`\sum_j|S_j'(t)|=|\rho(t)|_1`. By linearity the step heights do
          not matter and ``amplitudes`` is only validated.
        * ``TanhRNN``: the exact derivative
          :meth:`~lrnn.nonlinear.TanhRNN.step_derivative`, maximised over
          ``amplitudes`` after division by :math:`|x|`.
    t : array_like
        Times ≥ 0.
    amplitudes : array_like
        Non-zero step heights :math:`x` over which the maximum is taken (scalar inputs).
    h : float
        Difference step (linear systems only), > 0.

    Returns
    -------
    numpy.ndarray
        :math:`\mathcal M(t)`, of the shape of ``t``.

    Raises
    ------
    TypeError
        If ``system`` is not a Kernel, LinearRNN or TanhRNN.
    ValueError
        For negative times, an empty list of heights or a zero height, or a non-positive ``h``.
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
    if isinstance(h, (bool, np.bool_)) or not (isinstance(h, numbers.Real) and np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive step, got {h!r}")
    h = float(h)
    flat = t.ravel()
    inner = flat >= h
    # central stencil where t - h >= 0, one-sided second-order stencil below
    pts = np.where(inner[:, None], flat[:, None] + np.array([-h, 0.0, h]),
                   flat[:, None] + np.array([0.0, h, 2.0 * h]))
    S = np.asarray(system.step_response(pts.ravel()), dtype=float)
    S = S.reshape(flat.size, 3, -1)                             # (n, 3, d)
    central = (S[:, 2] - S[:, 0]) / (2.0 * h)
    one_sided = (-3.0 * S[:, 0] + 4.0 * S[:, 1] - S[:, 2]) / (2.0 * h)
    deriv = np.where(inner[:, None], central, one_sided)        # (n, d): ρ(t) componentwise
    return np.sum(np.abs(deriv), axis=1).reshape(t.shape)


def perturbed_errors(target, model, rate_perturbations) -> np.ndarray:
    r"""Relative :math:`L^2` errors :math:`\|\rho-\hat\rho_\Delta\|/\|\rho\|` of models with rates :math:`\lambda+\Delta`.

    Closed form: :math:`\|\rho-\hat\rho\|^2=\|\rho\|^2-2\sum_ia_iL_\rho(\lambda_i)+\sum_{ij}a_ia_j/(\lambda_i+\lambda_j)`
    with the target's Laplace transform :math:`L_\rho`, vectorised over perturbations;
    :math:`L_\rho` is evaluated once per distinct perturbed rate (differences below
    about :math:`10^{-8}\|\rho\|` are lost to cancellation).

    Parameters
    ----------
    target : Kernel
    model : LinearRNN
        Diagonal, scalar input: :math:`\hat\rho=\sum_ia_ie^{-\lambda_it}`.
    rate_perturbations : array_like, shape (S, m)
        Perturbations :math:`\Delta` of the rates.

    Returns
    -------
    numpy.ndarray, shape (S,)
        ``inf`` where some perturbed rate is ≤ 0 (the perturbed kernel does not decay).
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
        values, inverse = np.unique(Rk, return_inverse=True)
        L = np.asarray(target.laplace(values), dtype=float)[inverse].reshape(Rk.shape)
        G = 1.0 / (Rk[:, :, None] + Rk[:, None, :])
        e2 = n2 - 2.0 * L @ a + np.einsum("i,sij,j->s", a, G, a)
        out[ok] = np.sqrt(np.maximum(e2, 0.0) / n2)
    return out


def perturbation_error(target, model, deltas=None, *, n_samples: int = 32, seed: int = 0,
                       betas=None) -> np.ndarray:
    r"""The perturbation error :math:`E(\delta)` of a diagonal model (see the module docstring).

    Parameters
    ----------
    target : Kernel
    model : LinearRNN
        Diagonal, scalar input.
    deltas : array_like, shape (k,)
        Perturbation sizes :math:`\delta\ge0` (the spectral norm of the change of :math:`W`).
    n_samples : int
        Random sign vectors :math:`\xi` (the same for every δ), in addition to :math:`\pm\mathbf 1`.
    seed : int
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
    if isinstance(n_samples, (bool, np.bool_)) or not isinstance(n_samples, numbers.Integral) or n_samples < 0:
        raise ValueError(f"n_samples must be a non-negative integer, got {n_samples!r}")
    r, _ = diagonal_parameters(model)
    rng = np.random.default_rng(seed)
    xi = np.vstack([np.ones(r.size), -np.ones(r.size), rng.choice([-1.0, 1.0], size=(n_samples, r.size))])
    # xi = +1 slows every unit (rate λ - δ), the direction of instability
    D = -(b[:, None, None] * xi[None, :, :]).reshape(-1, r.size)
    E = perturbed_errors(target, model, D).reshape(b.size, xi.shape[0])
    return E.max(axis=1)
