"""Hidden tests of Chapter 2. References: closed forms, a root of the closed-form optimality condition, and
Blaschke products in 50-digit arithmetic (mpmath)."""

import math

import mpmath
from scipy import optimize

from lrnn.coursework.hidden import Answer, HiddenTest, Wrong, close

integrable = HiddenTest("ex-c2-integrable", [Answer("l2_norm", "number", "model.norm(2)")])


@integrable.part("l2_norm")
def _(v):
    # The kernel of the Jordan block is t e^{-rt}; ∫ t² e^{-2rt} dt = 2/(2r)³ = 2 at r = 1/2.
    x = v.number("l2_norm")
    if abs(x - 2.0) <= 2e-6:
        raise Wrong("`l2_norm` looks like the squared norm: take the square root.")
    return close("l2_norm", x, math.sqrt(2.0), 1e-6,
                 "e^{Wt} of a Jordan block has a factor t; integrate the square of the kernel.")


one_unit = HiddenTest("ex-c2-one-unit", [Answer("best_rate", "number", "lam_star"),
                                         Answer("l2_error", "number", "err_by_hand")])


@one_unit.reference
def _one_unit():
    """ρ = e^{-t} + e^{-3t}: Lρ(λ) = 1/(λ+1) + 1/(λ+3), ‖ρ‖² = 7/6; the best rate solves d/dλ log(λ Lρ²) = 0."""
    L = lambda s: 1 / (s + 1) + 1 / (s + 3)
    dL = lambda s: -1 / (s + 1) ** 2 - 1 / (s + 3) ** 2
    lam = optimize.brentq(lambda s: 1 / s + 2 * dL(s) / L(s), 0.5, 5.0, xtol=1e-15, rtol=1e-15)
    return lam, math.sqrt(7 / 6 - 2 * lam * L(lam) ** 2)


@one_unit.part("best_rate")
def _(v):
    return close("best_rate", v.number("best_rate"), _one_unit()[0], 1e-4,
                 "maximise 2λ·Lρ(λ)² over λ > 0; the best rate lies between the two rates of the target.")


@one_unit.part("l2_error")
def _(v):
    x, ref = v.number("l2_error"), _one_unit()[1]
    if abs(x - ref ** 2) <= 1e-6 * ref ** 2:
        raise Wrong("`l2_error` looks like the squared error: take the square root.")
    return close("l2_error", x, ref, 1e-6, "the squared error is ‖ρ‖² − 2λ·Lρ(λ)² at the best rate.")


blaschke_two = HiddenTest("ex-c2-blaschke-two", [Answer("relative_error", "number", "by_dets")])


@blaschke_two.part("relative_error")
def _(v):
    # ∏ |κ − λ_k|/(κ + λ_k) for κ = 2 and rates 0.5, 5.
    return close("relative_error", v.number("relative_error"), (1.5 / 2.5) * (3 / 7), 1e-6,
                 "divide the L² error by ‖e^{-2t}‖; the Blaschke product has one factor per rate.")


muntz = HiddenTest("ex-c2-muntz", [Answer("errors", "array", "errs_klog"), Answer("dense", "bool", "True")])


@muntz.reference
def _muntz_errors():
    """The Blaschke products for κ = 0.37 and λ_k = k log(k+1), m = 10, 100, 1000, in 50-digit arithmetic."""
    with mpmath.workdps(50):
        out = []
        for m in (10, 100, 1000):
            prod = mpmath.mpf(1)
            for k in range(1, m + 1):
                lam = k * mpmath.log(k + 1)
                prod *= abs(mpmath.mpf("0.37") - lam) / (mpmath.mpf("0.37") + lam)
            out.append(float(prod))
    return out


@muntz.part("errors")
def _(v):
    return close("errors", v.array("errors", 3), _muntz_errors(), 1e-6,
                 "use the relative error of the best approximation (the Blaschke product) at each m.")


@muntz.part("dense")
def _(v):
    if v.boolean("dense") is not True:
        raise Wrong("`dense` is not right. Hint: Müntz's condition asks whether Σ 1/λ_k diverges; compare "
                    "Σ 1/(k log k) with an integral.")
    return "`dense` is right."


TESTS = [integrable, one_unit, blaschke_two, muntz]
