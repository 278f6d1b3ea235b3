"""Self-checks for the exercises of Chapter 3 (approximation rates and the curse of memory)."""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, linalg

from ._core import Fail, close, number, register, vector
from .c2 import _best_one_unit

__all__ = ["ex_c3_one_term", "ex_c3_exponential_rate", "ex_c3_hankel_rank"]


@register("ex-c3-one-term",
          ("best_rate", "the best single rate λ* for ρ(t) = (1+t)^(-3/2) (a float)"),
          ("relative_error", "the relative L² error of the best single exponential (a float)"))
def ex_c3_one_term(best_rate, relative_error) -> str:
    r"""Check the best single exponential for the power law :math:`(1+t)^{-3/2}` (:math:`\omega=0.5`).

    The reference computes :math:`\mathcal L\rho` and :math:`\|\rho\|^2` by ``quad`` and maximises
    :math:`2\lambda\mathcal L\rho(\lambda)^2` over :math:`\log\lambda`. Tolerances: relative ``1e-3`` on the rate
    (the objective is flat at its maximum), relative ``1e-5`` on the relative error.
    """
    lam, rel = number("best_rate", best_rate), number("relative_error", relative_error)
    rho = lambda t: (1 + t) ** -1.5
    lap = lambda s: integrate.quad(lambda t: math.exp(-s * t) * rho(t), 0, np.inf, epsabs=1e-14, limit=200)[0]
    norm2 = integrate.quad(lambda t: rho(t) ** 2, 0, np.inf, epsabs=1e-14)[0]
    ref_lam, ref_sq = _best_one_unit(lap, norm2, (-6.0, 4.0))
    close("best_rate", lam, ref_lam, 1e-3, "maximise 2λ·Lρ(λ)² over λ (search over log λ, the optimum is "
                                           "neither tiny nor huge).")
    ref_rel = math.sqrt(ref_sq / norm2)
    if abs(rel - ref_rel ** 2) <= 1e-5 * ref_rel ** 2:
        raise Fail("`relative_error` looks squared: take the square root of the squared relative error.")
    close("relative_error", rel, ref_rel, 1e-5, "divide the L² error (not its square) by ‖ρ‖₂.")
    return "rate and relative error agree with the reference (relative tolerances 1e-3 and 1e-5)."


@register("ex-c3-exponential-rate",
          ("constant", "the constant C of the algebraic rate C m^{-2v} for v = 1.5 (a float)"))
def ex_c3_exponential_rate(constant) -> str:
    r"""Check the constant :math:`C=\lim_m m^{2v}\prod_{k=1}^m|k-v|/(k+v)` for :math:`v=1.5`.

    The reference extrapolates the product itself (computed as a sum of ``log`` terms) at
    :math:`m=10^6` with a first-order Richardson step in :math:`1/m`. Tolerance: relative error at most ``1e-4``.
    """
    x = number("constant", constant)
    v = 1.5

    def scaled(m: int) -> float:
        k = np.arange(1, m + 1, dtype=float)
        return math.exp(np.sum(np.log(np.abs(k - v)) - np.log(k + v)) + 2 * v * math.log(m))

    ref = 2 * scaled(10 ** 6) - scaled(5 * 10 ** 5)
    close("constant", x, ref, 1e-4, "write the product as a ratio of Gamma functions and use "
                                    "Γ(m + a)/Γ(m + b) ~ m^{a−b}; watch the sign of Γ(1 − v).")
    return "the constant agrees with the extrapolated product (relative tolerance 1e-4)."


@register("ex-c3-hankel-rank",
          ("hsv", "the four largest Hankel singular values of ρ, in decreasing order (four floats)"))
def ex_c3_hankel_rank(hsv) -> str:
    r"""Check the Hankel singular values of :math:`\rho(t)=e^{-t}-2e^{-3t}+0.5e^{-10t}`.

    The reference uses the square-root method on the three-state realisation (Gramians from
    ``scipy.linalg.solve_continuous_lyapunov``, their Cholesky factors, the singular values of :math:`L_Q^TL_P`)
    for the three largest values, and :math:`\sqrt{\operatorname{eig}(PQ)}` of a four-state realisation (a fourth
    mode with weight zero) for the fourth. Tolerance: relative ``1e-6`` on the three largest values; the fourth
    within ``1e-10`` times the first of the reference.
    """
    s = vector("hsv", hsv, 4)
    A = np.diag([-1.0, -3.0, -10.0])
    b, c = np.ones(3), np.array([1.0, -2.0, 0.5])
    P = linalg.solve_continuous_lyapunov(A, -np.outer(b, b))
    Q = linalg.solve_continuous_lyapunov(A.T, -np.outer(c, c))
    Lp, Lq = linalg.cholesky(P, lower=True), linalg.cholesky(Q, lower=True)
    ref = linalg.svdvals(Lq.T @ Lp)
    A4, b4, c4 = np.diag([-1.0, -3.0, -10.0, -30.0]), np.ones(4), np.array([1.0, -2.0, 0.5, 0.0])
    P4 = linalg.solve_continuous_lyapunov(A4, -np.outer(b4, b4))
    Q4 = linalg.solve_continuous_lyapunov(A4.T, -np.outer(c4, c4))
    fourth = math.sqrt(max(float(np.sort(np.linalg.eigvals(P4 @ Q4).real)[0]), 0.0))
    if not np.all(np.diff(s) <= 0):
        raise Fail("`hsv` should be sorted in decreasing order.")
    for i in range(3):
        close(f"hsv[{i}]", s[i], ref[i], 1e-6, "Hankel singular values are the square roots of the eigenvalues "
                                               "of PQ, with P and Q the two Gramians.")
    if abs(s[3] - fourth) > 1e-10 * ref[0]:
        raise Fail("`hsv[3]` is not right. Hint: what is the rank of the Hankel operator of a sum of three "
                   "exponentials?")
    return "the Hankel singular values agree with the square-root method (relative tolerance 1e-6)."
