r"""Distances between memory kernels: the errors of the theory.

For a target functional with kernel :math:`\rho` and a model with kernel
:math:`\hat\rho`,

* :math:`\sup_t\|H_t-\widehat H_t\| = \|\rho-\hat\rho\|_{L^1}` — the error of
  the approximation theorems (ℓ¹ over input components);
* :math:`\mathbb E\,|H_T(x)-\widehat H_T(x)|^2 \to \|\rho-\hat\rho\|_{L^2}^2`
  for unit white-noise input — the training loss (Itô isometry).

:func:`distance` computes both; :func:`inner` the :math:`L^2` inner product. Both ask the kernels and models for
their closed forms (:meth:`lrnn.kernels.Kernel.inner`, :meth:`lrnn.LinearRNN.norm`) and integrate only what
has none.
"""

from __future__ import annotations

import numpy as np

from . import _limits
from ._quadrature import QuadratureBudgetError, integrate_half_line
from ._validation import as_norm_order
from .kernels import ExponentialSum, Kernel
from .rnn import LinearRNN, as_kernel

__all__ = ["distance", "inner"]

# Below this fraction of ‖a‖² + ‖b‖², the expanded form ‖a‖² + ‖b‖² − 2⟨a,b⟩
# has lost too many digits to cancellation and the difference is integrated
# directly instead (relative error of the result then ≈ 1e-16·‖a‖/‖a − b‖).
_CANCELLATION = 1e-6


def inner(a: Kernel | LinearRNN, b: Kernel | LinearRNN) -> float:
    r"""The :math:`L^2[0,\infty)` inner product :math:`\int_0^\infty \rho_a\rho_b\,dt` of scalar kernels.

    Closed forms first (:meth:`lrnn.kernels.Kernel.inner`: a Sylvester equation
    :math:`W_aX + XW_b^\top = -U_aU_b^\top`, then :math:`c_a^\top X c_b`, when both
    have a state-space realisation; :math:`\sum_k a_k\,L_{\rho_b}(\lambda_k)`
    when one is a real exponential sum; ...); adaptive quadrature otherwise.

    Parameters
    ----------
    a, b : Kernel or LinearRNN (scalar input)
        The two kernels.
    """
    a = as_kernel(a, "a")
    b = as_kernel(b, "b")
    try:
        value = a.inner(b)
        if value is not None:
            return value
        return _quad(lambda t: float(a._eval(np.asarray(t)) * b._eval(np.asarray(t))), a, b, product=True)
    except ValueError as exc:
        raise type(exc)(f"a and b: {exc}") from None


def _quad(f, a: Kernel, b: Kernel, noisy: bool = False, product: bool = False) -> float:
    """∫₀^∞ f for an integrand built from a and b: split at both kernels' features and at the decades between
    their fastest and slowest time scales; the tail substitution on the slower scale (the faster one for a
    product, which decays at least as fast as its faster factor)."""
    for k in (a, b):
        if k._oscillations() > _limits.MAX_QUAD_PIECES:
            raise QuadratureBudgetError(f"{k!r} changes sign about {k._oscillations():.3g} times over its memory, "
                                        f"more than the {_limits.MAX_QUAD_PIECES} a quadrature resolves")
    slow = min(a._timescale, b._timescale) if product else max(a._timescale, b._timescale)
    fast = min(a._min_timescale(), b._min_timescale())
    extra = tuple(np.geomspace(fast, slow, int(np.log10(slow / fast)) + 1)[:-1]) if 0 < fast < slow / 1e3 else ()
    try:
        with np.errstate(over="ignore", under="ignore"):
            value = integrate_half_line(f, a._breakpoints() + b._breakpoints() + extra, slow, noisy=noisy)
    except QuadratureBudgetError as exc:
        raise QuadratureBudgetError(f"a = {a!r}, b = {b!r}: {exc}") from None
    if not np.isfinite(value):
        raise ValueError(f"a = {a!r}, b = {b!r}: the integral overflows float64")
    return value


def _merged_sum(ea, eb) -> ExponentialSum:
    """The exponential sum ρ_a − ρ_b with equal rates merged (their weights subtracted exactly once)."""
    rates = np.concatenate([ea[0], eb[0]])
    weights = np.concatenate([ea[1], -eb[1]])
    uniq, inv = np.unique(rates, return_inverse=True)
    merged = np.zeros(uniq.size)
    np.add.at(merged, inv, weights)
    return ExponentialSum(uniq, merged)


def _difference_model(a, b) -> LinearRNN:
    """The block-diagonal model whose kernel is ρ_a − ρ_b (b may be None)."""
    if b is None:
        return a
    m1, m2 = a.hidden_size, b.hidden_size
    W = np.zeros((m1 + m2, m1 + m2))
    W[:m1, :m1], W[m1:, m1:] = a.W, b.W
    return LinearRNN(W, np.vstack([a._U, b._U]), np.concatenate([a.c, -b.c]))


def _as_model(k: Kernel) -> LinearRNN | None:
    """The kernel's state-space realisation as a model, or None (none, or too large for a dense one)."""
    try:
        ss = k.state_space()
    except ValueError:
        return None
    return None if ss is None else LinearRNN(ss[0], ss[1], ss[2])


def distance(a: Kernel | LinearRNN | None, b: Kernel | LinearRNN | None = None, p: int = 2) -> float:
    r"""The :math:`L^p[0,\infty)` distance :math:`\|\rho_a - \rho_b\|_p` of two kernels or models.

    Parameters
    ----------
    a, b : Kernel or LinearRNN or None
        Kernels (:mod:`lrnn.kernels`) and/or models; ``None`` stands for the
        zero kernel (so ``distance(a, None, p)`` is the norm of ``a``). Two
        models with d > 1 inputs are compared component-wise.
    p : {1, 2}, default 2
        ``p = 1``: :math:`\int_0^\infty \sum_j|\rho_{a,j}-\rho_{b,j}|\,dt`, the
        uniform-in-time operator-norm error of the functionals (exact between the zeros for exponential
        sums, else adaptive quadrature, relative tolerance 1e-12).
        ``p = 2``: :math:`(\int_0^\infty \sum_j(\rho_{a,j}-\rho_{b,j})^2dt)^{1/2}`,
        the white-noise training error; exact for exponential sums and
        LinearRNNs (Gram form or Lyapunov equation of the difference system), closed-form
        norms and inner products otherwise, and direct quadrature of the
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
    if any(isinstance(o, LinearRNN) and o.input_dim > 1 for o in (a, b)):
        return _model_distance(a, b, p)
    ka = as_kernel(a, "a")
    kb = None if b is None else as_kernel(b, "b")
    try:
        return _kernel_distance(ka, kb, p)
    except ValueError as exc:  # a kernel question beyond a supported limit: say which arguments it concerns
        raise type(exc)(f"a and b: {exc}" if kb is not None else f"a: {exc}") from None


def _kernel_distance(ka: Kernel, kb: Kernel | None, p: int) -> float:
    if kb is None:
        return float(ka.norm(p))
    ea, eb = ka._exponential_terms(), kb._exponential_terms()
    if ea is not None and eb is not None:
        return _merged_sum(ea, eb).norm(p)
    ma = _as_model(ka)
    mb = _as_model(kb) if ma is not None else None
    if ma is not None and mb is not None:
        return _difference_model(ma, mb).norm(p)
    diff = ka - kb
    if p == 1:
        return diff.norm(1)
    # ‖a − b‖² = ‖a‖² + ‖b‖² − 2⟨a, b⟩, all scaled by the larger norm (no overflow of the squares)
    na, nb = ka.norm(2), kb.norm(2)
    top = max(na, nb)
    if top == 0.0:
        return 0.0
    ip, ip_scale = _inner_with_scale(ka, kb)
    ra, rb = na / top, nb / top
    sq = ra * ra + rb * rb - 2.0 * (ip / top) / top
    scale = ra * ra + rb * rb + 2.0 * (ip_scale / top) / top
    if sq < _CANCELLATION * scale:
        value = _quad(lambda t: float(diff._eval(np.asarray(t)) ** 2), ka, kb, noisy=True)
        return float(np.sqrt(max(value, 0.0)))
    return float(top * np.sqrt(max(sq, 0.0)))


def _inner_with_scale(a: Kernel, b: Kernel) -> tuple[float, float]:
    """⟨a, b⟩ and the magnitude of the terms summed to get it (for cancellation checks)."""
    value = inner(a, b)
    for e, other in ((a._exponential_terms(), b), (b._exponential_terms(), a)):
        if e is not None:
            rates, weights = e
            return value, float(np.abs(weights) @ np.abs(np.asarray(other._laplace(rates), dtype=float)))
    return value, abs(value)


def _model_distance(a, b, p: int) -> float:
    """Distances involving a LinearRNN with d ≥ 1 inputs (and a model of the same d, or zero)."""
    for name, o in (("a", a), ("b", b)):
        if o is not None and not isinstance(o, LinearRNN):
            raise TypeError(f"{name} must be a LinearRNN when comparing models with vector input, "
                            f"got {type(o).__name__}")
    if b is not None and a.input_dim != b.input_dim:
        raise ValueError(f"a and b must have the same input dimension, got {a.input_dim} and {b.input_dim}")
    try:
        return _difference_model(a, b).norm(p)
    except ValueError as exc:
        raise type(exc)(f"a and b: {exc}" if b is not None else f"a: {exc}") from None
