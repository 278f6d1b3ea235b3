"""Hidden tests of Chapter 4. References: the closed-form white-noise loss and its derivatives."""

import numpy as np

from lrnn.coursework.hidden import Answer, HiddenTest, Wrong, close, close_abs

# The test points of the gradient (rates λ, weights a): three units each.
_GRAD_POINTS = (([0.5, 1.5, 3.0], [0.3, -0.2, 0.6]), ([0.2, 0.9, 4.0], [-1.0, 0.5, 0.25]),
                ([1.1, 0.35, 2.2], [0.7, 0.4, -0.9]))

gradient = HiddenTest("ex-c4-gradient", [Answer("grad_w", "function",
                                                "lambda w, a: training.loss_and_gradient(osc, w, a)[1]",
                                                calls=_GRAD_POINTS)])


def _grad_w(w, a):
    """∂J/∂λ_i = a_i L_{tρ}(λ_i) − a_i Σ_j a_j/(λ_i+λ_j)² for ρ = e^{-t}cos 2t (rates w = λ), with
    L_{tρ}(s) = (q² − ν²)/(q² + ν²)², q = s + 1, ν = 2."""
    w, a = np.asarray(w, float), np.asarray(a, float)
    q = w + 1.0
    ltr = (q ** 2 - 4.0) / (q ** 2 + 4.0) ** 2
    return a * ltr - a * (a[None, :] / (w[:, None] + w[None, :]) ** 2).sum(axis=1)


@gradient.part("grad_w", points=2)
def _(v):
    outs = v.outputs("grad_w")
    for k, ((w, a), got) in enumerate(zip(_GRAD_POINTS, outs)):
        got = got.ravel()
        if got.shape != (3,):
            raise Wrong(f"`grad_w(w, a)` should return one derivative per unit (3 here), got shape {got.shape}.")
        close_abs("grad_w(w, a)", got, _grad_w(w, a), 1e-6,
                  "λ_i appears in the Laplace-transform term and in row and column i of the Gram term.")
    return "`grad_w` agrees with the closed-form gradient at every test point (absolute tolerance 1e-6)."


barrier = HiddenTest("ex-c4-barrier", [Answer("B", "number", "B")])


@barrier.part("B")
def _(v):
    # ‖e^{-t/10}‖ = √5; ‖e^{-t/10} − 2e^{-t}‖² = 5 − 4/1.1 + 2.
    ref = np.sqrt(5.0) + np.sqrt(5.0 - 4.0 / 1.1 + 2.0)
    return close("B", v.number("B"), ref, 1e-6,
                 "B adds the norm of the target and the norm of the initial error (√(2J) at the start).")


slope = HiddenTest("ex-c4-slope", [Answer("predicted_slope", "number", "2 * 1.5")])


@slope.part("predicted_slope")
def _(v):
    return close_abs("predicted_slope", v.number("predicted_slope"), 3.0, 1e-6,
                     "redo the derivation of the plateau length for a general starting rate and read off the "
                     "exponential rate in the lag; do not answer with a measurement.")


step = HiddenTest("ex-c4-step", [Answer("w0s", "array", "w0s"), Answer("eta_star", "array", "eta_star")])


@step.part("eta_star", points=2)
def _(v):
    w = v.array("w0s", at_least=3)
    e = v.array("eta_star", w.size)
    if not (abs(w.min() - 0.15) <= 1e-9 and abs(w.max() - 1.0) <= 1e-9):
        raise Wrong("`w0s` should span exactly [0.15, 1].")
    # J(λ) = ½(5 − 2/(λ + 0.1) + 1/(2λ)) for a = 1: ∂J/∂λ = 1/(λ + 0.1)² − 1/(4λ²), η* = λ₀/∂J/∂λ.
    ref = w / (1 / (w + 0.1) ** 2 - 1 / (4 * w ** 2))
    return close("eta_star", e, ref, 1e-5, "one gradient step moves λ to λ₀ − η ∂J/∂λ; find where that reaches "
                                           "zero (with a = 1).")


TESTS = [gradient, barrier, slope, step]
