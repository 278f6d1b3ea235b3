"""Self-checks for the exercises of Chapter 2 (universal approximation)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import integrate, linalg, optimize

from ._core import Fail, answered, close, looks_squared, matches_digest, number, register, vector

__all__ = ["ex_c2_integrable", "ex_c2_one_unit", "ex_c2_blaschke_two", "ex_c2_muntz"]


@register("ex-c2-integrable",
          ("l2_norm", "the L² norm of the Jordan-block kernel for r = 0.5 (a float)"))
def ex_c2_integrable(l2_norm) -> str:
    r"""Check the :math:`L^2` norm of the kernel of the Jordan block :math:`W=\begin{pmatrix}-r&1\\0&-r\end{pmatrix}`
    with :math:`r=0.5`, :math:`U=(0,1)^T`, :math:`c=(1,0)^T`.

    The reference is ``quad`` of the squared kernel, evaluated by ``scipy.linalg.expm``. Tolerance: relative
    error at most ``1e-6``.
    """
    x = number("l2_norm", l2_norm)
    W, U, c = np.array([[-0.5, 1.0], [0.0, -0.5]]), np.array([0.0, 1.0]), np.array([1.0, 0.0])
    ref = math.sqrt(integrate.quad(lambda t: float(c @ linalg.expm(W * t) @ U) ** 2, 0, np.inf, epsabs=1e-13)[0])
    looks_squared("l2_norm", x, ref, 1e-6)
    close("l2_norm", x, ref, 1e-6, "compute e^{Wt} for the Jordan block (it is not diagonalisable: a factor t "
                                   "appears) and integrate the square of the kernel.")
    return "the L² norm agrees with the reference (relative tolerance 1e-6)."


def _best_one_unit(laplace: Callable[[float], float], norm2: float, bounds: tuple[float, float]):
    """Maximise 2λ Lρ(λ)² over log λ (bounded Brent); return (λ*, squared error ‖ρ‖² − 2λ*Lρ(λ*)²)."""
    res = optimize.minimize_scalar(lambda th: -2 * math.exp(th) * laplace(math.exp(th)) ** 2, bounds=bounds,
                                   method="bounded", options={"xatol": 1e-12})
    lam = math.exp(res.x)
    return lam, norm2 - 2 * lam * laplace(lam) ** 2


@register("ex-c2-one-unit",
          ("best_rate", "the rate λ* of the best single unit for ρ(t) = e^{-t} + e^{-3t} (a float)"),
          ("l2_error", "the L² error ‖ρ − a* e^{-λ* t}‖ of that best unit (a float, not squared)"))
def ex_c2_one_unit(best_rate, l2_error) -> str:
    r"""Check the best single unit :math:`a e^{-\lambda t}` for :math:`\rho(t)=e^{-t}+e^{-3t}`.

    The reference maximises :math:`2\lambda\,\mathcal L\rho(\lambda)^2` with the Laplace transform computed by
    ``quad`` (not the closed form) and :math:`\|\rho\|^2` by ``quad``. Tolerances: relative ``1e-4`` on the rate
    (the objective is flat at its maximum), relative ``1e-6`` on the error.
    """
    lam, err = number("best_rate", best_rate), number("l2_error", l2_error)
    rho = lambda t: math.exp(-t) + math.exp(-3 * t)
    lap = lambda s: integrate.quad(lambda t: math.exp(-s * t) * rho(t), 0, np.inf, epsabs=1e-14)[0]
    norm2 = integrate.quad(lambda t: rho(t) ** 2, 0, np.inf, epsabs=1e-14)[0]
    ref_lam, ref_sq = _best_one_unit(lap, norm2, (-3.0, 3.0))
    close("best_rate", lam, ref_lam, 1e-4, "maximise 2λ·Lρ(λ)² over λ > 0 (optimise over log λ); "
                                           "the best rate lies between the two rates of the target.")
    if abs(err - ref_sq) <= 1e-6 * ref_sq:
        raise Fail("`l2_error` looks like the squared error: take the square root.")
    close("l2_error", err, math.sqrt(ref_sq), 1e-6, "the squared error is ‖ρ‖² − 2λ·Lρ(λ)² at the best rate; "
                                                    "check ‖ρ‖² term by term.")
    return "rate and error agree with the reference (relative tolerances 1e-4 and 1e-6)."


@register("ex-c2-blaschke-two",
          ("relative_error", "the relative L² error of the best fit of e^{-2t} with rates (0.5, 5) (a float)"))
def ex_c2_blaschke_two(relative_error) -> str:
    r"""Check the relative error of the best :math:`L^2` approximation of :math:`e^{-2t}` by
    :math:`a_1e^{-0.5t}+a_2e^{-5t}`.

    The reference solves the :math:`2\times2` normal equations with Gram entries and right-hand side computed by
    ``quad``. Tolerance: relative error at most ``1e-6``.
    """
    x = number("relative_error", relative_error)
    lam, kappa = np.array([0.5, 5.0]), 2.0
    ip = lambda p, q: integrate.quad(lambda t: math.exp(-(p + q) * t), 0, np.inf, epsabs=1e-15)[0]
    G = np.array([[ip(a, b) for b in lam] for a in lam])
    b = np.array([ip(a, kappa) for a in lam])
    coef = np.linalg.solve(G, b)
    sq = ip(kappa, kappa) - 2 * coef @ b + coef @ G @ coef
    ref = math.sqrt(sq / ip(kappa, kappa))
    close("relative_error", x, ref, 1e-6, "divide the L² error by ‖e^{-2t}‖; the Blaschke product has one factor "
                                          "|κ − λ_k|/(κ + λ_k) per rate.")
    return "the relative error agrees with the reference (relative tolerance 1e-6)."


#: Digest of the exact answer ``dense`` (see :func:`lrnn.checks._core.matches_digest`).
_DENSE = "653089726becddde06ba3ca55eb2502e4828dbbc972ef7d423bdfd8fe0dc21f0"


@register("ex-c2-muntz",
          ("errors", "the best relative L² errors for e^{-0.37t} with λ_k = k log(k+1), at m = 10, 100, 1000 "
                     "(three floats)"),
          ("dense", "is the sequence λ_k = k log(k+1) dense in the Müntz sense? (True or False)"))
def ex_c2_muntz(errors, dense) -> str:
    r"""Check the Müntz exercise: best relative errors for :math:`e^{-0.37t}` with rates
    :math:`\lambda_k=k\log(k+1)`, :math:`m=10,100,1000`, and whether the sequence is dense.

    The reference errors are the Blaschke product :math:`\prod_k|\kappa-\lambda_k|/(\kappa+\lambda_k)` evaluated as
    a sum of logarithms; the yes/no answer is compared by digest. Tolerance: relative error at most ``1e-6`` on
    each of the three errors.
    """
    errs = vector("errors", errors, 3)
    answered("dense", dense)
    if not isinstance(dense, (bool, np.bool_)):
        raise Fail(f"`dense` should be True or False, got {type(dense).__name__}.")
    kappa = 0.37
    for i, m in enumerate((10, 100, 1000)):
        k = np.arange(1, m + 1)
        lam = k * np.log(k + 1.0)
        ref = math.exp(np.sum(np.log(np.abs(kappa - lam)) - np.log(kappa + lam)))
        close(f"errors[{i}]", errs[i], ref, 1e-6, f"at m = {m}, use the relative error of the best approximation "
                                                  "(the Blaschke product), not the absolute one.")
    if not matches_digest("ex-c2-muntz", "dense", str(bool(dense)), _DENSE):
        raise Fail("`dense` is not right. Hint: Müntz's condition asks whether Σ 1/λ_k diverges; compare "
                   "Σ 1/(k log k) with an integral.")
    return "errors and the density answer are right (relative tolerance 1e-6)."
