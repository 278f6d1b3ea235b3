"""Hidden tests of Chapter 1. References: closed forms (every kernel here is a sum of exponentials)."""

import math

from lrnn.coursework.hidden import Answer, HiddenTest, Wrong, close

two_by_two = HiddenTest("ex-c1-two-by-two", [Answer("l1_norm", "number", "m2.norm(1)"),
                                             Answer("l2_norm", "number", "m2.norm(2)")])


@two_by_two.part("l1_norm")
def _(v):
    # ρ̂(t) = e^{-t} − e^{-2t} ≥ 0, so ‖ρ̂‖₁ = 1 − 1/2.
    return close("l1_norm", v.number("l1_norm"), 0.5, 1e-6,
                 "solve the triangular system from the bottom row up; does the kernel change sign?")


@two_by_two.part("l2_norm")
def _(v):
    # ‖ρ̂‖₂² = 1/2 − 2/3 + 1/4 = 1/12.
    x = v.number("l2_norm")
    if abs(x - 1 / 12) <= 1e-6 / 12:
        raise Wrong("`l2_norm` looks like the squared norm ∫ρ̂²: take the square root.")
    return close("l2_norm", x, math.sqrt(1 / 12), 1e-6,
                 "square the kernel, expand, and integrate each exponential term.")


discretise = HiddenTest("ex-c1-discretise", [Answer("A_zoh", "number", "A[0, 0]"),
                                             Answer("B_zoh", "number", "B[0, 0]")])
_R, _U, _STEP = 0.7, 1.3, 0.025


@discretise.part("A_zoh")
def _(v):
    return close("A_zoh", v.number("A_zoh"), math.exp(-_R * _STEP), 1e-8,
                 "over one cell with the input held, the state decays exactly (not by Euler's first-order step).")


@discretise.part("B_zoh")
def _(v):
    return close("B_zoh", v.number("B_zoh"), _U * -math.expm1(-_R * _STEP) / _R, 1e-8,
                 "integrate the input's contribution exactly over one cell, starting from h = 0.")


vector = HiddenTest("ex-c1-vector", [Answer("operator_norm", "number", "lrnn.distance(vec, None, p=1)")])


@vector.part("operator_norm")
def _(v):
    # |ρ̂(s)|₁ = e^{-s} + e^{-2s}, whose integral is 1 + 1/2.
    return close("operator_norm", v.number("operator_norm"), 1.5, 1e-6,
                 "add the absolute values of the two kernel components before integrating.")


TESTS = [two_by_two, discretise, vector]
