r"""The closed-form white-noise loss of a diagonal linear RNN and its gradient.

With unit white-noise input the expected squared output error of a model with
kernel :math:`\hat\rho` against a target with kernel :math:`\rho` is the
squared :math:`L^2` distance of the kernels (Itô isometry). For the diagonal
model :math:`\hat\rho(t)=\sum_i a_i e^{-\lambda_i t}` (rates :math:`\lambda_i>0`,
weights :math:`a_i`) the loss has the closed form

.. math::

    J(\lambda, a) = \tfrac12\|\rho-\hat\rho\|_{L^2}^2
            = \tfrac12\Big[\|\rho\|_2^2 - 2\sum_i a_i L_\rho(\lambda_i)
              + \sum_{i,j}\frac{a_ia_j}{\lambda_i+\lambda_j}\Big],

with :math:`L_\rho(s)=\int_0^\infty e^{-st}\rho(t)\,dt`, and the gradient

.. math::

    \frac{\partial J}{\partial a_i} = \sum_j\frac{a_j}{\lambda_i+\lambda_j} - L_\rho(\lambda_i), \qquad
    \frac{\partial J}{\partial \lambda_i} = a_i\Big[L_{t\rho}(\lambda_i) - \sum_j\frac{a_j}{(\lambda_i+\lambda_j)^2}\Big],

with :math:`L_{t\rho}(s)=\int_0^\infty t e^{-st}\rho(t)\,dt=-L_\rho'(s)`. Nothing
here depends on a sequence length: one evaluation costs :math:`O(m^2)` plus
:math:`m` Laplace transforms.

Public names:

* :func:`laplace_pair` — :math:`(L_\rho(s), L_{t\rho}(s))` of a kernel;
* :func:`white_noise_loss`, :func:`loss_and_gradient` — :math:`J` and :math:`\nabla J` (validated);
* :class:`WhiteNoiseLoss` — the same closed forms for one target, built once, for the
  loops of :mod:`lrnn.training`, :mod:`lrnn.reparam`, :mod:`lrnn.sampled`,
  :mod:`lrnn.plateau` and :mod:`lrnn.memory` (vectorised over batches of models).

Notation as in the book: rates :math:`\lambda_i`, weights :math:`a_i`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_laplace_points, as_rates_weights
from .kernels import Kernel, require_kernel

__all__ = ["laplace_pair", "white_noise_loss", "loss_and_gradient", "WhiteNoiseLoss"]


# ----------------------------------------------------------------------------- Laplace pairs
def _compile_pair(kernel: Kernel):
    r"""A function ``s -> (L_ρ(s), L_{tρ}(s))`` for validated ``s > 0``, built once per target.

    The kernel answers it (:meth:`lrnn.kernels.Kernel.laplace_pair_function`: its own closed forms, sums and
    scalings included, quadrature otherwise). A kernel whose closed form cannot be set up in float64 (a
    Gaussian bump of width 1e300, ...) gives a ``ValueError`` that names the target.
    """
    try:
        with np.errstate(over="raise"):
            return kernel.laplace_pair_function()
    except (OverflowError, FloatingPointError, ZeroDivisionError) as exc:
        raise ValueError(f"target = {kernel!r}: its Laplace pair (L_rho, L_trho) cannot be set up in float64 "
                         f"({exc})") from None


def laplace_pair(target: Kernel, s: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    r"""The Laplace transforms :math:`L_\rho(s)` and :math:`L_{t\rho}(s)=-L_\rho'(s)` of a kernel.

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
        The kernel :math:`\rho`.
    s : array_like
        Real Laplace variables, all > 0 and finite.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        :math:`L_\rho(s)` and :math:`L_{t\rho}(s)`, both of the shape of ``s``.
    """
    target = require_kernel(target)
    s = as_laplace_points("s", s)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        L, M = _compile_pair(target)(s)
    if not (np.all(np.isfinite(L)) and np.all(np.isfinite(M))):
        raise ValueError("s: the Laplace transforms of this target overflow float64 at some of these points")
    return L, M


# ----------------------------------------------------------------------------- the loss
class WhiteNoiseLoss:
    r"""The closed-form white-noise loss :math:`J(\lambda,a)=\tfrac12\|\rho-\hat\rho\|_{L^2}^2` of one target.

    Built once per target (it caches :math:`\|\rho\|_2^2` and the target's Laplace pair), then
    evaluated many times by the training loops. :meth:`value` and :meth:`value_and_gradient`
    take **already validated** arrays (positive finite rates, finite weights of the same shape):
    they are the inner loops' fast path and check nothing; public functions validate first
    (:func:`white_noise_loss`, :func:`loss_and_gradient`).

    Both accept one model, ``rates`` and ``weights`` of shape ``(m,)``, or a batch of ``B``
    models, shape ``(B, m)``, evaluated at once:

    .. math::

        J_b = \tfrac12\Big[\|\rho\|^2 - 2\sum_i a_{bi}L_\rho(\lambda_{bi})
              + \sum_{ij}\frac{a_{bi}a_{bj}}{\lambda_{bi}+\lambda_{bj}}\Big].

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    name : str
        The caller's name for the target, used in error messages.

    Attributes
    ----------
    target : Kernel
    norm2 : float
        :math:`\|\rho\|_{L^2}^2`.
    """

    def __init__(self, target: Kernel, name: str = "target"):
        self.target = require_kernel(target, name)
        try:
            norm = float(self.target.norm(2))
        except OverflowError:
            norm = float("inf")
        self.norm2 = norm * norm                  # a float product: inf (not OverflowError) beyond 1.8e308
        if not np.isfinite(self.norm2):
            raise ValueError(f"{name} is too large: its squared L2 norm (the loss of the zero model) overflows float64")
        self._pair = _compile_pair(self.target)

    def __repr__(self) -> str:
        return f"WhiteNoiseLoss({self.target!r})"

    def laplace(self, s: np.ndarray) -> np.ndarray:
        r""":math:`L_\rho(s)` for validated ``s > 0`` (the target's own closed form or quadrature).

        Parameters
        ----------
        s : numpy.ndarray
            Positive finite Laplace variables.
        """
        return np.asarray(self.target.laplace(s), dtype=float)

    def laplace_pair(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r""":math:`(L_\rho(s), L_{t\rho}(s))` for validated ``s > 0``, unchecked (see :func:`laplace_pair`).

        Parameters
        ----------
        s : numpy.ndarray
            Positive finite Laplace variables.
        """
        return self._pair(s)

    def value(self, rates: np.ndarray, weights: np.ndarray):
        r""":math:`J` for validated rates and weights of shape ``(m,)`` (a float) or ``(B, m)`` (shape ``(B,)``).

        Uses only :math:`L_\rho` (no :math:`L_{t\rho}`), so it is cheap for every kernel.

        Parameters
        ----------
        rates : numpy.ndarray, shape (m,) or (B, m)
            Positive rates :math:`\lambda`.
        weights : numpy.ndarray, of the shape of ``rates``
            Weights :math:`a`.
        """
        if rates.ndim == 1:
            L = self.laplace(rates)
            G = 1.0 / np.add.outer(rates, rates)
            return float(0.5 * (self.norm2 - 2.0 * weights @ L + weights @ G @ weights))
        L = self.laplace(rates.ravel()).reshape(rates.shape)
        G = 1.0 / (rates[:, :, None] + rates[:, None, :])
        Ga = np.matmul(G, weights[:, :, None])[:, :, 0]
        return 0.5 * (self.norm2 - 2.0 * (weights * L).sum(axis=1) + (weights * Ga).sum(axis=1))

    def value_and_gradient(self, rates: np.ndarray, weights: np.ndarray):
        r""":math:`J`, :math:`\partial J/\partial\lambda` and :math:`\partial J/\partial a` for validated arrays.

        Parameters
        ----------
        rates : numpy.ndarray, shape (m,) or (B, m)
            Positive rates :math:`\lambda`.
        weights : numpy.ndarray, of the shape of ``rates``
            Weights :math:`a`.

        Returns
        -------
        (float or numpy.ndarray, numpy.ndarray, numpy.ndarray)
            ``(J, dJ/drates, dJ/dweights)``; ``J`` is a float for one model and of shape ``(B,)``
            for a batch, the gradients of the shape of ``rates``.
        """
        if rates.ndim == 1:
            L, M = self._pair(rates)
            G = 1.0 / np.add.outer(rates, rates)
            Ga = G @ weights
            J = 0.5 * (self.norm2 - 2.0 * weights @ L + weights @ Ga)
            return J, weights * (M - (G * G) @ weights), Ga - L
        L, M = self._pair(rates.ravel())
        L, M = L.reshape(rates.shape), M.reshape(rates.shape)
        G = 1.0 / (rates[:, :, None] + rates[:, None, :])
        Ga = np.matmul(G, weights[:, :, None])[:, :, 0]
        G2a = np.matmul(G * G, weights[:, :, None])[:, :, 0]
        J = 0.5 * (self.norm2 - 2.0 * (weights * L).sum(axis=1) + (weights * Ga).sum(axis=1))
        return J, weights * (M - G2a), Ga - L


def white_noise_loss(target: Kernel, rates: ArrayLike, weights: ArrayLike) -> float:
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
    objective = WhiteNoiseLoss(target)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        J = float(objective.value(w, a))
    _require_finite(J)
    return J


def loss_and_gradient(target: Kernel, rates: ArrayLike, weights: ArrayLike) -> tuple[float, np.ndarray, np.ndarray]:
    r"""The loss :math:`J` and its gradient with respect to rates and weights.

    .. math::

        \frac{\partial J}{\partial \lambda_i} = a_i\Big[L_{t\rho}(\lambda_i) - \sum_j\frac{a_j}{(\lambda_i+\lambda_j)^2}\Big],\qquad
        \frac{\partial J}{\partial a_i} = \sum_j\frac{a_j}{\lambda_i+\lambda_j} - L_\rho(\lambda_i).

    Parameters
    ----------
    target : Kernel
        The target kernel :math:`\rho`.
    rates : array_like, shape (m,)
        Positive rates :math:`\lambda_i`.
    weights : array_like, shape (m,)
        Weights :math:`a_i`.

    Returns
    -------
    (float, numpy.ndarray, numpy.ndarray)
        ``(J, dJ/drates, dJ/dweights)``.
    """
    target = require_kernel(target)
    w, a = as_rates_weights(rates, weights, what="stable units e^(-rate t)")
    objective = WhiteNoiseLoss(target)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        J, gw, ga = objective.value_and_gradient(w, a)
    _require_finite(J, gw, ga)
    return float(J), gw, ga


def _require_finite(*values) -> None:
    """A clear error when the closed form overflows float64 (extreme rates or weights, or an extreme target)."""
    if not all(np.all(np.isfinite(v)) for v in values):
        raise ValueError("rates and weights (or the target) are too extreme: the white-noise loss or its gradient "
                         "overflows float64 (e.g. a_i^2/(4 lambda_i) > 1.8e308)")
