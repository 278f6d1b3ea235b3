r"""Distances between memory kernels: the errors of the theory.

For a target functional with kernel :math:`\rho` and a model with kernel
:math:`\hat\rho`,

* :math:`\sup_t\|H_t-\widehat H_t\| = \|\rho-\hat\rho\|_{L^1}` — the error of
  the approximation theorems (ℓ¹ over input components);
* :math:`\mathbb E\,|H_T(x)-\widehat H_T(x)|^2 \to \|\rho-\hat\rho\|_{L^2}^2`
  for unit white-noise input — the training loss (Itô isometry).

:func:`distance` computes both; :func:`inner` the :math:`L^2` inner product.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from ._quadrature import integrate_half_line, sign_changes
from ._validation import as_norm_order
from .kernels import Kernel
from .rnn import LinearRNN, ModelKernel, as_kernel

__all__ = ["distance", "inner"]

# Below this fraction of ‖a‖² + ‖b‖², the expanded form ‖a‖² + ‖b‖² − 2⟨a,b⟩
# has lost too many digits to cancellation and the difference is integrated
# directly instead (relative error of the result then ≈ 1e-16·‖a‖/‖a − b‖).
_CANCELLATION = 1e-6


def _real_diagonal(ss):
    """(rates, weights) when the realisation is a real diagonal W with one input, else None."""
    W, U, c = ss
    if U.shape[1] != 1 or np.count_nonzero(W - np.diag(np.diag(W))):
        return None
    return -np.diag(W), c * U[:, 0]


def inner(a, b) -> float:
    r"""The :math:`L^2[0,\infty)` inner product :math:`\int_0^\infty \rho_a\rho_b\,dt` of scalar kernels.

    Closed forms first: the Sylvester equation
    :math:`W_aX + XW_b^\top = -U_aU_b^\top` (then :math:`c_a^\top X c_b`) when both
    have a state-space realisation; :math:`\sum_i w_i\,\mathcal L\rho_b(r_i)`
    when one is a real exponential sum; quadrature otherwise.

    Parameters
    ----------
    a, b : Kernel or LinearRNN (scalar input)
    """
    a = as_kernel(a, "a")
    b = as_kernel(b, "b")
    sa, sb = a.state_space(), b.state_space()
    if sa is not None and sb is not None:
        X = linalg.solve_sylvester(sa[0], sb[0].T, -sa[1] @ sb[1].T)
        return float(sa[2] @ X @ sb[2])
    for ss, other in ((sa, b), (sb, a)):
        if ss is not None:
            diag = _real_diagonal(ss)
            if diag is not None:
                rates, weights = diag
                return float(weights @ other.laplace(rates))
    return _quad(lambda t: float(a._eval(np.asarray(t)) * b._eval(np.asarray(t))), a, b)


def _quad(f, a: Kernel, b: Kernel, noisy: bool = False) -> float:
    return integrate_half_line(f, a._breakpoints() + b._breakpoints(), max(a._timescale, b._timescale), noisy=noisy)


def distance(a, b=None, p: int = 2) -> float:
    r"""The :math:`L^p[0,\infty)` distance :math:`\|\rho_a - \rho_b\|_p` of two kernels or models.

    Parameters
    ----------
    a, b : Kernel or LinearRNN or None
        Kernels (:mod:`lrnn.kernels`) and/or models; ``None`` stands for the
        zero kernel (so ``distance(a, None, p)`` is the norm of ``a``). Two
        models with d > 1 inputs are compared component-wise.
    p : {1, 2}, default 2
        ``p = 1``: :math:`\int_0^\infty \sum_j|\rho_{a,j}-\rho_{b,j}|\,dt`, the
        uniform-in-time operator-norm error of the functionals (adaptive
        quadrature, relative tolerance 1e-12).
        ``p = 2``: :math:`(\int_0^\infty \sum_j(\rho_{a,j}-\rho_{b,j})^2dt)^{1/2}`,
        the white-noise training error; exact for exponential sums and
        LinearRNNs (Lyapunov equation for the difference system), closed-form
        norms and Laplace transforms otherwise, and direct quadrature of the
        squared difference whenever the expanded form would cancel.

    Returns
    -------
    float
    """
    p = as_norm_order(p)
    if a is None and b is None:
        return 0.0
    if a is None:
        a, b = b, None
    vector = any(isinstance(o, LinearRNN) and o.input_dim > 1 for o in (a, b))
    if vector:
        return _model_distance(a, b, p)
    ka = as_kernel(a, "a")
    if b is None:
        return float(ka.norm(p)) if not isinstance(ka, ModelKernel) else _model_distance(a, None, p)
    kb = as_kernel(b, "b")
    diff = ka - kb
    if p == 1:
        return diff._quad_norm(1)
    sa, sb = ka.state_space(), kb.state_space()
    if sa is not None and sb is not None:
        sq, scale = _lyapunov_sq(*diff.state_space())
    else:
        ip, ip_scale = _inner_with_scale(ka, kb)
        sq = ka.norm(2) ** 2 + kb.norm(2) ** 2 - 2.0 * ip
        scale = ka.norm(2) ** 2 + kb.norm(2) ** 2 + 2.0 * ip_scale
    if sq < _CANCELLATION * scale:
        sq = _quad(lambda t: float(diff._eval(np.asarray(t)) ** 2), ka, kb, noisy=True)
    return float(np.sqrt(max(sq, 0.0)))


def _lyapunov_sq(W, U, c) -> tuple[float, float]:
    """cᵀPc with WP + PWᵀ = −UUᵀ, and the rounding scale |c|ᵀ|P||c| of that sum.

    For weights that are large and alternate in sign (fits on nearly collinear
    exponentials) the sum cancels; the scale tells the caller when to trust it.
    """
    P = linalg.solve_continuous_lyapunov(W, -U @ U.T)
    P = 0.5 * (P + P.T)
    return float(c @ P @ c), float(np.abs(c) @ np.abs(P) @ np.abs(c))


def _inner_with_scale(a: Kernel, b: Kernel) -> tuple[float, float]:
    """⟨a, b⟩ and the magnitude of the terms summed to get it (for cancellation checks)."""
    value = inner(a, b)
    for ss, other in ((a.state_space(), b), (b.state_space(), a)):
        if ss is not None:
            diag = _real_diagonal(ss)
            if diag is not None:
                rates, weights = diag
                return value, float(np.abs(weights) @ np.abs(other.laplace(rates)))
    return value, abs(value)


def _model_distance(a, b, p: int) -> float:
    """Distances involving a LinearRNN with d ≥ 1 inputs (and a model of the same d, or zero)."""
    for name, o in (("a", a), ("b", b)):
        if o is not None and not isinstance(o, LinearRNN):
            raise TypeError(f"{name} must be a LinearRNN when comparing models with vector input, "
                            f"got {type(o).__name__}")
    if b is not None and a.input_dim != b.input_dim:
        raise ValueError(f"a and b must have the same input dimension, got {a.input_dim} and {b.input_dim}")
    if b is None:
        W, U, c = np.array(a.W), a._U, np.array(a.c)
    else:
        m1, m2 = a.hidden_size, b.hidden_size
        W = np.zeros((m1 + m2, m1 + m2))
        W[:m1, :m1], W[m1:, m1:] = a.W, b.W
        U = np.vstack([a._U, b._U])
        c = np.concatenate([a.c, -b.c])
    diff = LinearRNN(W, U, c)

    def values(t):
        return diff._kernel_values(np.atleast_1d(t))[0]

    ts = 1.0 / abs(diff.spectral_abscissa)
    if p == 1:
        zeros = sorted({z for j in range(diff.input_dim)
                        for z in sign_changes(lambda t, j=j: diff._kernel_values(t)[:, j], 60.0 * ts)})
        return integrate_half_line(lambda t: float(np.sum(np.abs(values(t)))), zeros, ts)
    sq, scale = _lyapunov_sq(W, U, c)
    if sq < _CANCELLATION * scale:
        sq = integrate_half_line(lambda t: float(np.sum(values(t) ** 2)), (), ts, noisy=True)
    return float(np.sqrt(max(sq, 0.0)))
