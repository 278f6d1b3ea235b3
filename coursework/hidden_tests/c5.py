"""Hidden tests of Chapter 5. References: closed-form kernels, maps and Gram matrices, and a best fit by variable
projection with the closed-form Laplace transform of the power law."""

import itertools
import math

import numpy as np
from scipy import optimize, special

from lrnn.coursework.hidden import Answer, HiddenTest, Wrong, close, close_abs

dense = HiddenTest("ex-c5-dense", [Answer("ts", "array", "ts"), Answer("M_dense", "array", "M_dense")])


@dense.part("M_dense")
def _(v):
    t = v.array("ts", at_least=10)
    if np.unique(t).size != t.size or not np.all(t > 0):
        raise Wrong("`ts` should hold at least 10 distinct positive times.")
    M = v.array("M_dense", t.size)
    # cᵀe^{Wt}U with the rotation block exponentiated by hand: e^{-t}(cos 2t − sin 2t) − ½e^{-0.3t}.
    ref = np.abs(np.exp(-t) * (np.cos(2 * t) - np.sin(2 * t)) - 0.5 * np.exp(-0.3 * t))
    if np.all(np.abs(np.abs(M) - ref) <= 1e-6) and np.any(M < -1e-6):
        raise Wrong("`M_dense` has negative values: the memory function of a linear functional is the absolute "
                    "value of its kernel.")
    return close_abs("M_dense", M, ref, 1e-6, "for a linear functional it is |cᵀe^{Wt}U|; the 2×2 block is a "
                                              "damped rotation.")


_V = (0.0, 0.1, 0.25, 0.5, 0.8, 1.0, 1.7, 2.5, 4.0, 7.5)
best = HiddenTest("ex-c5-best", [Answer("f_best", "function", "pb2.forward", calls=tuple((x,) for x in _V)),
                                 Answer("max_rate", "number", "pb2.max_rate")])


@best.part("f_best")
def _(v):
    got = np.array([np.asarray(o, dtype=float).reshape(-1)[0] if np.size(o) == 1 else np.nan
                    for o in v.outputs("f_best")])
    if not np.all(np.isfinite(got)):
        raise Wrong("`f_best(v)` should return one finite number for each v.")
    # f(v) = 1/(a₀v² + b₀) with a₀ = 2, b₀ = 1/2.
    ref = 1 / (2 * np.asarray(_V) ** 2 + 0.5)
    return close("f_best", got, ref, 1e-6, "integrate (1/f)' = −f'/f² from v = 0, using the value of f at 0.")


@best.part("max_rate")
def _(v):
    return close("max_rate", v.number("max_rate"), 2.0, 1e-6,
                 "f is positive and decreasing on v ≥ 0: where is it largest?")


jump = HiddenTest("ex-c5-jump", [Answer("r_min", "number", "r4"), Answer("E_below", "number", "E_pm[0]"),
                                 Answer("E_at", "number", "E_pm[1]")])


def _laplace_power(s):
    """Laplace transform of (1+t)^{-3/2}: 2 − 2√(πs) erfcx(√s)."""
    s = np.asarray(s, dtype=float)
    return 2 - 2 * np.sqrt(np.pi * s) * special.erfcx(np.sqrt(s))


def _sq_error(rates, weights):
    """‖(1+t)^{-3/2} − Σ aᵢe^{-rᵢt}‖² in closed form (‖ρ‖² = 1/2)."""
    G = 1 / (rates[:, None] + rates[None, :])
    return 0.5 - 2 * weights @ _laplace_power(rates) + weights @ G @ weights


@jump.reference
def _jump():
    """The width-4 best fit (variable projection over log rates, several starts) and E(0.999 λ_min)."""
    def projected(theta):
        r = np.exp(np.sort(theta))
        a = np.linalg.lstsq(1 / (r[:, None] + r[None, :]), _laplace_power(r), rcond=None)[0]
        return _sq_error(r, a), r, a

    fits = []
    for start in ([-4.0, -2.0, 0.0, 1.5], [-5.0, -2.5, -0.5, 1.0]):
        res = optimize.minimize(lambda th: projected(th)[0], start, method="Nelder-Mead",
                                options={"xatol": 1e-6, "fatol": 1e-16, "maxfev": 3000})
        res = optimize.minimize(lambda th: projected(th)[0], res.x, method="BFGS", options={"gtol": 1e-13})
        fits.append((res.fun, res.x))
    _, r, a = projected(min(fits, key=lambda f: f[0])[1])
    delta = 0.999 * r[0]
    worst = max(_sq_error(r - delta * np.array(xi), a) for xi in itertools.product((-1.0, 1.0), repeat=4))
    return float(r[0]), math.sqrt(worst / 0.5)


@jump.part("r_min")
def _(v):
    return close("r_min", v.number("r_min"), _jump()[0], 1e-3,
                 "fit four exponentials with free rates and take the smallest rate (positive, not an eigenvalue).")


@jump.part("E_below")
def _(v):
    return close("E_below", v.number("E_below"), _jump()[1], 1e-3,
                 "the perturbation error is relative and the worst over sign vectors, here at δ = 0.999 λ_min.")


@jump.part("E_at")
def _(v):
    x = v.number("E_at", finite=False)
    if not (math.isinf(x) and x > 0):
        raise Wrong("`E_at` is not right. Hint: at δ = λ_min one perturbation turns the slowest unit into a "
                    "constant; is its kernel still square-integrable?")
    return "`E_at` is right."


eta = HiddenTest("ex-c5-eta", [Answer("eta_direct", "number", 'eta_fast["direct"]'),
                               Answer("eta_softplus", "number", 'eta_fast["softplus"]')])


@eta.reference
def _eta():
    """2/λ_max of the Gram matrix of the model's derivatives at rates (1, 3), weights (1, 1), in closed form:
    ⟨−a_i t e^{-r_i t}, −a_j t e^{-r_j t}⟩ = 2a_ia_j/(r_i+r_j)³, ⟨−a_i t e^{-r_i t}, e^{-r_j t}⟩ = −a_i/(r_i+r_j)²,
    ⟨e^{-r_i t}, e^{-r_j t}⟩ = 1/(r_i+r_j); softplus scales the rate rows and columns by f'(v) = 1 − e^{-r}."""
    r, a = np.array([1.0, 3.0]), np.array([1.0, 1.0])
    H = np.empty((4, 4))
    for i, j in itertools.product(range(2), repeat=2):
        s = r[i] + r[j]
        H[i, j] = 2 * a[i] * a[j] / s ** 3
        H[i, 2 + j] = -a[i] / s ** 2
        H[2 + i, j] = -a[j] / s ** 2
        H[2 + i, 2 + j] = 1 / s
    out = {}
    for name, d in (("direct", np.ones(2)), ("softplus", -np.expm1(-r))):
        D = np.concatenate([d, np.ones(2)])
        out[name] = 2 / np.linalg.eigvalsh(D[:, None] * H * D[None, :]).max()
    return out


@eta.part("eta_direct")
def _(v):
    x, ref = v.number("eta_direct"), _eta()["direct"]
    if abs(x - ref / 2) <= 1e-6 * ref / 2:
        raise Wrong("`eta_direct` looks like 1/λ_max: gradient descent is stable for η < 2/λ_max of the Hessian.")
    return close("eta_direct", x, ref, 1e-6, "η* = 2/λ_max of the Hessian of the loss in (rates, weights).")


@eta.part("eta_softplus")
def _(v):
    return close("eta_softplus", v.number("eta_softplus"), _eta()["softplus"], 1e-6,
                 "reparameterising multiplies the rate rows and columns of the Hessian by f'(v).")


sensitivity = HiddenTest("ex-c5-sensitivity", [Answer("lam_e", "array", "lam_e"), Answer("rel", "array", "rel"),
                                               Answer("exponent", "number", "2"),
                                               Answer("constant", "number", "1 / 4")])


@sensitivity.part("rel")
def _(v):
    lam = v.array("lam_e", at_least=3)
    if np.unique(lam).size != lam.size or not np.all((lam > 0) & (lam < 1)):
        raise Wrong("`lam_e` should hold at least three distinct values of λ in (0, 1).")
    got = v.array("rel", lam.size)
    ref = 1 / (1 - lam ** 2) ** 2
    if np.all(np.abs(got - ref * (1 + lam ** 2)) <= 1e-6 * ref * (1 + lam ** 2)):
        raise Wrong("`rel` looks like γ²E g² alone: the derivative of the normalised state also has the term "
                    "γ'h, and the cross term matters.")
    return close("rel", got, ref, 1e-6, "differentiate the normalised state γ(λ)h with respect to λ (two terms) "
                                        "and sum the square over the impulse response.")


@sensitivity.part("exponent")
def _(v):
    return close_abs("exponent", v.number("exponent"), 2.0, 1e-3,
                     "write 1 − λ² = (1 − λ)(1 + λ) in your closed form and let λ → 1.")


@sensitivity.part("constant")
def _(v):
    return close("constant", v.number("constant"), 0.25, 1e-3,
                 "C is the limit of (1 − λ)^p times the sensitivity.")


TESTS = [dense, best, jump, eta, sensitivity]
