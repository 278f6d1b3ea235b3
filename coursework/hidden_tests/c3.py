"""Hidden tests of Chapter 3. References: the closed-form Laplace transform of the power law, Gamma functions, and
Hankel singular values from the closed-form (Cauchy-matrix) Gramians."""

import math

import numpy as np
from scipy import optimize, special

from lrnn.coursework.hidden import Answer, HiddenTest, Wrong, close

one_term = HiddenTest("ex-c3-one-term", [Answer("best_rate", "number", "lam_star"),
                                         Answer("relative_error", "number",
                                                "math.sqrt(sq_err(lam_star)) / target.norm(2)")])


@one_term.reference
def _one_term():
    """ρ = (1+t)^{-3/2}: Lρ(s) = 2 − 2√(πs) erfcx(√s), ‖ρ‖² = 1/2; maximise 2s·Lρ(s)² over log s."""
    L = lambda s: 2 - 2 * math.sqrt(math.pi * s) * special.erfcx(math.sqrt(s))
    res = optimize.minimize_scalar(lambda th: -2 * math.exp(th) * L(math.exp(th)) ** 2, bounds=(-8.0, 6.0),
                                   method="bounded", options={"xatol": 1e-13})
    lam = math.exp(res.x)
    return lam, math.sqrt((0.5 - 2 * lam * L(lam) ** 2) / 0.5)


@one_term.part("best_rate")
def _(v):
    return close("best_rate", v.number("best_rate"), _one_term()[0], 1e-3,
                 "maximise 2λ·Lρ(λ)² over λ (search over log λ: the optimum is neither tiny nor huge).")


@one_term.part("relative_error")
def _(v):
    x, ref = v.number("relative_error"), _one_term()[1]
    if abs(x - ref ** 2) <= 1e-5 * ref ** 2:
        raise Wrong("`relative_error` looks squared: take the square root of the squared relative error.")
    return close("relative_error", x, ref, 1e-5, "divide the L² error (not its square) by ‖ρ‖₂.")


exponential_rate = HiddenTest("ex-c3-exponential-rate", [Answer("constant", "number", "const")])


@exponential_rate.part("constant")
def _(v):
    # ∏|k − v|/(k + v) ~ Γ(1+v)/|Γ(1−v)| m^{-2v}, v = 3/2.
    return close("constant", v.number("constant"), math.gamma(2.5) / abs(math.gamma(-0.5)), 1e-4,
                 "write the product as a ratio of Gamma functions and use Γ(m + a)/Γ(m + b) ~ m^{a−b}.")


hankel_rank = HiddenTest("ex-c3-hankel-rank", [Answer("hsv", "array", "rates.hankel_singular_values(rho3, 4)")])


@hankel_rank.reference
def _hankel():
    """ρ = e^{-t} − 2e^{-3t} + 0.5e^{-10t} as a diagonal system: P_ij = 1/(λ_i+λ_j), Q_ij = c_ic_j/(λ_i+λ_j)."""
    lam, c = np.array([1.0, 3.0, 10.0]), np.array([1.0, -2.0, 0.5])
    S = 1 / (lam[:, None] + lam[None, :])
    return np.sort(np.sqrt(np.linalg.eigvals(S @ (np.outer(c, c) * S)).real))[::-1]


@hankel_rank.part("hsv", points=1)
def _(v):
    s = v.array("hsv", 4)
    if not np.all(np.diff(s) <= 0):
        raise Wrong("`hsv` should be sorted in decreasing order.")
    return close("hsv[:3]", s[:3], _hankel(), 1e-6,
                 "the Hankel singular values are the square roots of the eigenvalues of PQ.")


@hankel_rank.part("rank", points=1)
def _(v):
    s = v.array("hsv", 4)
    if not abs(s[3]) <= 1e-10 * _hankel()[0]:
        raise Wrong("`hsv[3]` is not right. Hint: what is the rank of the Hankel operator of a sum of three "
                    "exponentials?")
    return "`hsv[3]` is right: the Hankel operator has rank three."


TESTS = [one_term, exponential_rate, hankel_rank]
