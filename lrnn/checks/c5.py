"""Self-checks for the exercises of Chapter 5 (beyond the paper: memory, stability, reparameterisation)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import integrate, linalg, optimize, special

from ._core import (Fail, array_like, call, close, extended_number, function, grid, matches_digest, number,
                    register)

__all__ = ["ex_c5_dense", "ex_c5_best", "ex_c5_jump", "ex_c5_eta", "ex_c5_sensitivity"]


@register("ex-c5-dense",
          ("ts", "the times t > 0 at which you computed the memory function (an array, at least 10 of them)"),
          ("M_dense", "the memory function of the dense RNN at those times (an array of the same length)"))
def ex_c5_dense(ts, M_dense) -> str:
    r"""Check the memory function of the dense linear RNN with
    :math:`W=\begin{pmatrix}-1&2&0\\-2&-1&0\\0&0&-0.3\end{pmatrix}`, :math:`U=(1,0,1)^T`, :math:`c=(1,1,-0.5)^T`.

    The reference is :math:`|\rho(t)|` with :math:`\rho(t)=e^{-t}(\cos2t-\sin2t)-\tfrac12e^{-0.3t}`, the kernel in
    closed form (the rotation block exponentiated by hand, no matrix exponential). Tolerance: absolute error at
    most ``1e-6`` at every time.
    """
    t = grid("ts", ts, low=1e-300, at_least=10)
    M = array_like("M_dense", M_dense, t.size, "ts")
    ref = np.abs(np.exp(-t) * (np.cos(2 * t) - np.sin(2 * t)) - 0.5 * np.exp(-0.3 * t))
    if np.all(np.abs(np.abs(M) - ref) <= 1e-6) and np.any(M < -1e-6):
        raise Fail("`M_dense` has negative values: the memory function of a linear functional is the absolute "
                   "value of its kernel.")
    if not np.all(np.abs(M - ref) <= 1e-6):
        raise Fail("`M_dense` disagrees with the memory function (absolute tolerance 1e-6). Hint: for a linear "
                   "functional it is |cᵀe^{Wt}U|; the 2×2 block is a damped rotation.")
    return "the memory function agrees with the closed-form |ρ(t)| (absolute tolerance 1e-6)."


@register("ex-c5-best",
          ("f_best", "a function v -> f(v), the map of part (a) for a₀ = 2, b₀ = 1/2 (taking v ≥ 0)"),
          ("max_rate", "the largest rate that this map can represent (a float)"))
def ex_c5_best(f_best, max_rate) -> str:
    r"""Check the "best" map of part (a), :math:`f(v)=1/(a_0v^2+b_0)` with :math:`a_0=2`, :math:`b_0=1/2`, and
    the largest rate it reaches.

    The reference for :math:`f` integrates the defining ODE :math:`f'=-2a_0vf^2`, :math:`f(0)=1/b_0`, with
    ``scipy.integrate.solve_ivp`` (tolerances ``1e-12``) and compares at 31 points of :math:`[0,5]`; the largest
    rate is the supremum of that solution over :math:`v\ge0`. Tolerance: relative error at most ``1e-6`` at each
    point and on the rate.
    """
    fn = function("f_best", f_best)
    a0, b0 = 2.0, 0.5
    vs = np.linspace(0.0, 5.0, 31)
    sol = integrate.solve_ivp(lambda v, f: -2 * a0 * v * f ** 2, (0.0, 5.0), [1 / b0], t_eval=vs,
                              rtol=1e-12, atol=1e-14)
    got = np.array([number("f_best(v)", call("f_best(v)", fn, float(v))) for v in vs])
    if not np.all(np.abs(got - sol.y[0]) <= 1e-6 * np.abs(sol.y[0])):
        raise Fail("`f_best` disagrees with the map of part (a) (relative tolerance 1e-6). Hint: integrate "
                   "(1/f)' = −f'/f² from v = 0, using the value of f at 0.")
    x = number("max_rate", max_rate)
    close("max_rate", x, float(np.max(sol.y[0])), 1e-6, "f is positive and decreasing on v ≥ 0: where is it "
                                                         "largest?")
    return "the map and its largest rate agree with the reference (relative tolerance 1e-6)."


def _l2_fit_exponentials(laplace: Callable, norm2: float, starts) -> tuple[np.ndarray, np.ndarray]:
    """Best L² fit Σ aᵢe^{-rᵢt} by variable projection over log r (Nelder–Mead then BFGS); (rates, weights)."""
    def projected(th):
        r = np.exp(np.sort(th))
        G, b = 1.0 / (r[:, None] + r[None, :]), laplace(r)
        a = np.linalg.solve(G, b)
        return norm2 - b @ a, r, a

    best = None
    for start in starts:
        res = optimize.minimize(lambda th: projected(th)[0], np.asarray(start, float), method="Nelder-Mead",
                                options={"xatol": 1e-12, "fatol": 1e-18, "maxiter": 20000, "maxfev": 40000})
        res = optimize.minimize(lambda th: projected(th)[0], res.x, method="BFGS", options={"gtol": 1e-14})
        if best is None or res.fun < best.fun:
            best = res
    _, r, a = projected(best.x)
    return r, a


#: Digest of the exact answer ``E_at`` (written as Python prints a float).
_E_AT = "b1d1f0fdeea75823649c4e1c1e4c1d142ec4d0e423d98d68b75dd832a84167d1"


@register("ex-c5-jump",
          ("r_min", "the smallest rate λ_min of the width-4 best fit of (1+t)^(-3/2) (a float)"),
          ("E_below", "the perturbation error E(δ) just below λ_min, at δ = 0.999 λ_min (a float)"),
          ("E_at", "the perturbation error at δ = λ_min (a float; it may be infinite)"))
def ex_c5_jump(r_min, E_below, E_at) -> str:
    r"""Check the jump of the perturbation error for the width-4 best fit of :math:`(1+t)^{-3/2}`.

    The reference refits the four exponentials by variable projection (``scipy.optimize``, the Laplace transform
    :math:`2-2\sqrt{\pi s}\,\mathrm{erfcx}(\sqrt s)` in closed form) and computes :math:`E(0.999\,\lambda_{\min})` as the
    largest relative :math:`L^2` error over all sign vectors :math:`\xi\in\{-1,1\}^4`, each by ``quad``; the value
    at :math:`\lambda_{\min}` is compared by digest. Tolerances: relative ``1e-3`` on :math:`\lambda_{\min}` (the fit's
    objective is flat) and on :math:`E` below :math:`\lambda_{\min}`.
    """
    rm, eb = number("r_min", r_min), number("E_below", E_below)
    ea = extended_number("E_at", E_at)
    laplace = lambda s: 2 - 2 * np.sqrt(np.pi * s) * special.erfcx(np.sqrt(s))
    r, a = _l2_fit_exponentials(laplace, 0.5, ([-4.0, -2.0, 0.0, 1.5], [-3.0, -1.5, -0.3, 1.0]))
    close("r_min", rm, r[0], 1e-3, "fit four exponentials with free rates (lrnn.fit) and take the smallest "
                                   "rate, not the smallest weight or eigenvalue with its sign.")
    rho = lambda t: (1 + t) ** -1.5
    delta = 0.999 * r[0]
    worst = 0.0
    for signs in np.array(np.meshgrid(*[[-1.0, 1.0]] * 4)).reshape(4, -1).T:
        rr = r - delta * signs
        e2 = integrate.quad(lambda t: (rho(t) - float(np.sum(a * np.exp(-rr * t)))) ** 2, 0, np.inf,
                            limit=500, epsabs=1e-14)[0]
        worst = max(worst, math.sqrt(e2 / 0.5))
    close("E_below", eb, worst, 1e-3, "evaluate memory.perturbation_error at δ slightly below λ_min "
                                      "(δ = 0.999 λ_min); it is a relative error, the worst over sign vectors.")
    if not matches_digest("ex-c5-jump", "E_at", repr(ea), _E_AT):
        raise Fail("`E_at` is not right. Hint: at δ = λ_min the perturbation ξ = 1 turns the slowest unit into a "
                   "constant; is its kernel still square-integrable?")
    return "λ_min, E just below it and E at λ_min agree with the reference (relative tolerance 1e-3)."


@register("ex-c5-eta",
          ("eta_direct", "η* for the direct parameterisation, target e^{-t} + e^{-3t}, best two-unit fit (a float)"),
          ("eta_softplus", "η* for the softplus parameterisation, same target and fit (a float)"))
def ex_c5_eta(eta_direct, eta_softplus) -> str:
    r"""Check the largest stable steps :math:`\eta^*=2/\lambda_{\max}(H_v)` at the exact two-unit fit
    :math:`e^{-t}+e^{-3t}` (rates :math:`1,3`, weights :math:`1,1`), direct and softplus.

    At an exact fit the residual vanishes, so the Hessian in :math:`(\lambda,a)` is the Gram matrix of the
    derivatives of the model kernel, :math:`-a_ite^{-\lambda_it}` and :math:`e^{-\lambda_it}`; the reference
    computes it by ``quad`` and applies :math:`D=\mathrm{diag}(f'(v),1)` with :math:`f'(v)=1-e^{-\lambda}` for
    softplus. Tolerance: relative error at most ``1e-6`` on each.
    """
    ed, es = number("eta_direct", eta_direct), number("eta_softplus", eta_softplus)
    lam, a = np.array([1.0, 3.0]), np.array([1.0, 1.0])
    derivs = ([lambda t, i=i: -a[i] * t * math.exp(-lam[i] * t) for i in range(2)]
              + [lambda t, i=i: math.exp(-lam[i] * t) for i in range(2)])
    H = np.array([[integrate.quad(lambda t: f(t) * g(t), 0, np.inf, epsabs=1e-14)[0] for g in derivs]
                  for f in derivs])
    refs = {}
    for name, d in (("direct", np.ones(2)), ("softplus", -np.expm1(-lam))):
        D = np.concatenate([d, np.ones(2)])
        refs[name] = 2.0 / np.linalg.eigvalsh(D[:, None] * H * D[None, :]).max()
    if abs(ed - refs["direct"] / 2) <= 1e-6 * refs["direct"] / 2:
        raise Fail("`eta_direct` looks like 1/λ_max: gradient descent is stable for η < 2/λ_max of the Hessian.")
    close("eta_direct", ed, refs["direct"], 1e-6, "η* = 2/λ_max of the Hessian of the white-noise loss in "
                                                  "(rates, weights) at the fit (reparam.stable_learning_rate).")
    close("eta_softplus", es, refs["softplus"], 1e-6, "reparameterising multiplies the rate rows and columns of "
                                                      "the Hessian by f'(v); use the softplus map.")
    return "both stable steps agree with the Gram-matrix reference (relative tolerance 1e-6)."


@register("ex-c5-sensitivity",
          ("lam_e", "the values of λ in (0, 1) at which you computed the relative sensitivity (an array)"),
          ("rel", "E g²/E h² with the LRU normalisation at each λ (an array of the same length)"),
          ("exponent", "p in E g²/E h² ~ C (1 − λ)^(−p) as λ → 1 (a number)"),
          ("constant", "the constant C of that rate (a number)"))
def ex_c5_sensitivity(lam_e, rel, exponent, constant) -> str:
    r"""Check the relative sensitivity :math:`\mathbb E g^2/\mathbb E h^2` of
    :math:`h_{k+1}=\lambda h_k+\sqrt{1-\lambda^2}\,x_k` (unit white noise, :math:`g=\partial h/\partial\lambda`)
    and its rate :math:`C(1-\lambda)^{-p}` as :math:`\lambda\to1`.

    The reference solves the discrete Lyapunov equation (``scipy.linalg.solve_discrete_lyapunov``) of the joint
    recurrence of :math:`(h,g)`, :math:`g_{k+1}=\lambda g_k+h_k+\gamma'(\lambda)x_k`, and reads :math:`p` and
    :math:`C` from it at :math:`1-\lambda=10^{-5},2\cdot10^{-5}` with a Richardson step. Tolerances: relative
    ``1e-6`` on each sensitivity, absolute ``1e-3`` on :math:`p`, relative ``1e-3`` on :math:`C`.
    """
    lam = grid("lam_e", lam_e, low=1e-12, high=1.0)
    got = array_like("rel", rel, lam.size, "lam_e")
    p, C = number("exponent", exponent), number("constant", constant)

    def sensitivity(l: float) -> float:
        g = math.sqrt(1 - l * l)
        A, b = np.array([[l, 0.0], [1.0, l]]), np.array([g, -l / g])
        S = linalg.solve_discrete_lyapunov(A, np.outer(b, b))
        return S[1, 1] / S[0, 0]

    for i, (l, x) in enumerate(zip(lam, got)):
        ref = sensitivity(float(l))
        naive = ref * (1 + l * l)
        if abs(x - naive) <= 1e-6 * naive and l > 1e-3:
            raise Fail(f"`rel[{i}]` looks like γ²E g² alone: the derivative of the normalised state also has the "
                       "term γ'h, and the cross term matters.")
        close(f"rel[{i}]", x, ref, 1e-6, "differentiate the normalised state γ(λ)h with respect to λ (two terms) "
                                         "and sum the square over the impulse response.")
    eps = 1e-5
    s1, s2, s4 = sensitivity(1 - eps), sensitivity(1 - 2 * eps), sensitivity(1 - 4 * eps)
    ref_p = 2 * math.log(s1 / s2) / math.log(2) - math.log(s2 / s4) / math.log(2)
    ref_C = 2 * s1 * eps ** ref_p - s2 * (2 * eps) ** ref_p
    if not abs(p - ref_p) <= 1e-3:
        raise Fail("`exponent` is not right. Hint: write 1 − λ² = (1 − λ)(1 + λ) in your closed form and let "
                   "λ → 1.")
    close("constant", C, ref_C, 1e-3, "C is the limit of (1 − λ)^p times the sensitivity; evaluate the "
                                      "factors that stay bounded at λ = 1.")
    return ("the sensitivities agree with the Lyapunov reference (relative tolerance 1e-6), and the rate with its "
            "limit (tolerances 1e-3).")
