"""Self-checks for the exercises of Chapter 4 (training dynamics)."""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate

from ._core import Fail, answered, call, close, function, matches_digest, number, register

__all__ = ["ex_c4_gradient", "ex_c4_barrier", "ex_c4_slope", "ex_c4_step"]


def _j_one_target(w: np.ndarray, a: np.ndarray) -> float:
    """½‖ρ − Σ aᵢ e^{-wᵢ t}‖² for ρ(t) = e^{-t} cos 2t, every inner product by ``quad``."""
    rho = lambda t: math.exp(-t) * math.cos(2 * t)
    model = lambda t: float(np.sum(a * np.exp(-w * t)))
    return 0.5 * integrate.quad(lambda t: (rho(t) - model(t)) ** 2, 0, np.inf, epsabs=1e-14, limit=200)[0]


@register("ex-c4-gradient",
          ("grad_w", "a function (w, a) -> ∂J/∂λ (array) for the target e^{-t}cos 2t, "
                     "with w the rates λᵢ and a the weights"))
def ex_c4_gradient(grad_w) -> str:
    r"""Check a student's gradient :math:`\partial J/\partial\lambda` of the white-noise loss
    :math:`J=\tfrac12\|\rho-\sum_ia_ie^{-\lambda_it}\|_{L^2}^2` for :math:`\rho(t)=e^{-t}\cos2t`.

    The reference is a central finite difference (step ``1e-5``) of :math:`J` computed by ``quad`` at two fixed
    points with three units. Tolerance: absolute error at most ``1e-6`` per component.
    """
    fn = function("grad_w", grad_w)
    points = [(np.array([0.5, 1.5, 3.0]), np.array([0.3, -0.2, 0.6])),
              (np.array([0.2, 0.9, 4.0]), np.array([-1.0, 0.5, 0.25]))]
    h = 1e-5
    for w, a in points:
        out = call("grad_w(w, a)", fn, w.copy(), a.copy())
        try:
            got = np.asarray(out, dtype=float).ravel()
        except (TypeError, ValueError):
            raise Fail(f"`grad_w(w, a)` should return an array of numbers, got {type(out).__name__}.") from None
        if got.shape != (3,):
            raise Fail(f"`grad_w(w, a)` should return one derivative per unit (3 here), got shape {got.shape}.")
        ref = np.array([(_j_one_target(w + h * e, a) - _j_one_target(w - h * e, a)) / (2 * h) for e in np.eye(3)])
        if not np.all(np.abs(got - ref) <= 1e-6):
            raise Fail("`grad_w` disagrees with a finite difference of the loss (absolute tolerance 1e-6). Hint: "
                       "λ_i appears in the Laplace-transform term and in row and column i of the Gram term.")
    return "the gradient agrees with finite differences of the loss at two test points (tolerance 1e-6)."


@register("ex-c4-barrier",
          ("B", "the constant B of the barrier proposition for one unit, target e^{-t/10}, start (a, λ) = (2, 1)"))
def ex_c4_barrier(B) -> str:
    r"""Check the barrier constant :math:`B=\|\rho\|_{L^2}+\sqrt{2J(\theta_0)}` for :math:`\rho(t)=e^{-t/10}` and
    the start :math:`(a,\lambda)=(2,1)`, where :math:`J=\tfrac12\|\rho-ae^{-\lambda t}\|^2`.

    The reference computes both norms by ``quad``. Tolerance: relative error at most ``1e-6``.
    """
    x = number("B", B)
    rho = lambda t: math.exp(-t / 10)
    n_rho = math.sqrt(integrate.quad(lambda t: rho(t) ** 2, 0, np.inf)[0])
    n_err = math.sqrt(integrate.quad(lambda t: (rho(t) - 2 * math.exp(-t)) ** 2, 0, np.inf)[0])
    close("B", x, n_rho + n_err, 1e-6, "B adds the norm of the target and the norm of the initial error "
                                       "(√(2J) at the start, with J half the squared L² distance).")
    return "B agrees with the reference (relative tolerance 1e-6)."


#: Digest of the exact answer ``predicted_slope``, written with six decimals.
_SLOPE = "e41076e2e0668da8fa79d6268576d79a1d229aaceda352503bb754f4243de5a8"


@register("ex-c4-slope",
          ("predicted_slope", "the predicted limit of the slope of log τ against the lag ℓ for λ₀ = 1.5 (a float)"))
def ex_c4_slope(predicted_slope) -> str:
    r"""Check the predicted asymptotic slope of :math:`\log\tau` against the lag for the reduced model started at
    :math:`\lambda_0=1.5`.

    The prediction of the chapter's slow-manifold argument is an exact number; the check compares the answer,
    rounded to six decimals, by digest. Tolerance: absolute error below ``5e-7`` (the rounding).
    """
    x = number("predicted_slope", predicted_slope)
    if not matches_digest("ex-c4-slope", "predicted_slope", f"{round(x, 6):.6f}", _SLOPE):
        raise Fail("`predicted_slope` is not the prediction of the theory. Hint: redo the derivation of the "
                   "plateau length for a general starting rate λ₀ and read off the exponential rate in ℓ; "
                   "measured slopes at finite lags are biased low, so do not answer with a measurement.")
    return "the predicted slope is right (absolute tolerance 5e-7: compared to six decimals)."


@register("ex-c4-step",
          ("w0s", "the starting rates λ₀ at which you computed η* (an array covering [0.15, 1])"),
          ("eta_star", "the largest safe step η*(λ₀) at each λ₀ (an array of the same length)"))
def ex_c4_step(w0s, eta_star) -> str:
    r"""Check the largest step :math:`\eta^*(\lambda_0)` for which the first gradient step from
    :math:`(a,\lambda)=(1,\lambda_0)` keeps :math:`\lambda>0`, target :math:`e^{-t/10}`, on a grid covering
    :math:`[0.15,1]`.

    The reference differentiates :math:`J(\lambda)=\tfrac12\|\rho-e^{-\lambda t}\|^2`, computed by ``quad``, with a
    central difference (step ``1e-6``) and sets :math:`\eta^*=\lambda_0/\partial_\lambda J`. Tolerance: relative ``1e-5`` at each point.
    """
    answered("w0s", w0s)
    answered("eta_star", eta_star)
    try:
        w = np.asarray(w0s, dtype=float).ravel()
        e = np.asarray(eta_star, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Fail("`w0s` and `eta_star` should be arrays of real numbers.") from None
    if w.size < 3 or w.size != e.size:
        raise Fail("`w0s` and `eta_star` should have the same length, at least 3.")
    if not (abs(w.min() - 0.15) <= 1e-9 and abs(w.max() - 1.0) <= 1e-9):
        raise Fail("`w0s` should span exactly [0.15, 1].")
    rho = lambda t: math.exp(-t / 10)
    J = lambda ww: 0.5 * integrate.quad(lambda t: (rho(t) - math.exp(-ww * t)) ** 2, 0, np.inf, epsabs=1e-15)[0]
    h = 1e-6
    for wi, ei in zip(w, e):
        d = (J(wi + h) - J(wi - h)) / (2 * h)
        close("eta_star", ei, wi / d, 1e-5, "one gradient step moves λ to λ₀ − η ∂J/∂λ; find where that reaches "
                                            "zero (take a = 1 when you differentiate).")
    return "η* agrees with the reference at every λ₀ (relative tolerance 1e-5)."
