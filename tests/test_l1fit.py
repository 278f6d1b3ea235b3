"""lrnn.l1fit against independent references: brute-force minimisation with adaptive quadrature,
closed forms of the Chebyshev sign pattern, direct sums, and hand evaluations of the Proposition."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize

from lrnn import LinearRNN, _markov
from lrnn import kernels as K
from lrnn import l1fit as L1
from lrnn import rates as R


def quad_l1(f, points=(), upper=np.inf):
    """∫_0^upper |f| by QUADPACK between the given points (an independent reference)."""
    pts = sorted(p for p in points if 0 < p < upper)
    edges = [0.0] + pts
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        total += integrate.quad(lambda t: abs(f(t)), a, b, epsabs=1e-15, epsrel=1e-12, limit=400)[0]
    last = edges[-1]
    total += integrate.quad(lambda t: abs(f(t)), last, upper, epsabs=1e-15, epsrel=1e-12, limit=400)[0]
    return total


def markov_points(m, beta=1.0):
    j = np.arange(1, m + 1)
    return -(2.0 / beta) * np.log(np.sin(j * np.pi / (2.0 * (m + 1))))


# ----------------------------------------------------------------------------- Markov's sign pattern
@pytest.mark.parametrize("m", [1, 2, 5, 12])
@pytest.mark.parametrize("beta", [0.5, 1.0, 3.0])
def test_markov_sign_is_orthogonal_to_the_grid(m, beta):
    """∫ s_m e^{-kβt} dt = 0 for k = 1..m, from the closed-form integrals over the intervals."""
    tj = markov_points(m, beta)
    lo = np.concatenate([tj, [0.0]])                      # intervals J_j = [t_j, t_{j-1}], j = 1..m+1
    hi = np.concatenate([[np.inf], tj])
    signs = (-1.0) ** np.arange(m + 1)
    for k in range(1, m + 1):
        lam = k * beta
        ints = (np.exp(-lam * lo) - np.exp(-lam * hi)) / lam
        assert abs(np.sum(signs * ints)) < 1e-14
    # and it is not orthogonal to the next rate
    lam = (m + 1) * beta
    assert abs(np.sum(signs * (np.exp(-lam * lo) - np.exp(-lam * hi)) / lam)) > 1e-10


@pytest.mark.parametrize("target", [K.PowerLaw(0.5), K.PowerLaw(0.1, 3.0), K.Exponential(0.7),
                                    K.ExponentialSum([0.3, 2.0], [1.0, -0.4])], ids=repr)
def test_markov_bound_by_hand(target):
    """D_m as the alternating sum of QUADPACK integrals of ρ over the intervals."""
    for m in (1, 3, 9):
        tj = markov_points(m)
        edges = [np.inf] + list(tj) + [0.0]
        s = 0.0
        for j in range(m + 1):
            s += (-1) ** j * integrate.quad(lambda t: float(target(t)), edges[j + 1], edges[j], epsabs=1e-15,
                                            epsrel=1e-13, limit=200)[0]
        got = L1.fixed_grid_l1_errors(target, [m], relative=False)[0]
        assert abs(got - abs(s)) < 1e-10 * max(abs(s), 1e-3)


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")  # kinks of |.| in the reference
def test_markov_bound_below_brute_force():
    """D_m ≤ min_a ‖ρ − Σ a_k e^{-kt}‖₁, the minimum found by Nelder–Mead on QUADPACK integrals."""
    target = K.ExponentialSum([0.2, 5.0], [1.0, 2.0])
    lam = np.array([1.0, 2.0])

    def l1(a):
        return quad_l1(lambda t: float(target(t)) - a @ np.exp(-lam * t), points=markov_points(2), upper=400.0)

    best = optimize.minimize(l1, x0=np.array([1.0, 1.0]), method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 4000})
    D = L1.fixed_grid_l1_errors(target, [2], relative=False)[0]
    fit = L1.best_l1_fit(target, lam, relative=False)
    assert D <= best.fun * (1 + 1e-9)
    assert abs(fit.error - best.fun) < 2e-4 * best.fun     # the program finds the same minimum
    assert fit.error >= best.fun - 1e-9                    # ... and its value is an upper bound


@pytest.mark.parametrize("omega", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("m", [2, 7, 40])
def test_markov_certificate_power_law(omega, m):
    lower, upper = L1.markov_certificate(K.PowerLaw(omega), m)
    assert abs(upper / lower - 1) < 1e-11


def test_markov_certificate_against_quadpack_and_sign_changes():
    """The interpolant at Markov's points, rebuilt with numpy's Legendre fit; its residual has m sign changes."""
    target, m = K.PowerLaw(0.5), 12
    u = np.cos(np.arange(1, m + 1) * np.pi / (2 * m + 2)) ** 2
    c = np.polynomial.legendre.legfit(2 * u - 1, target(-np.log(u)) / u, m - 1)

    def resid(t):
        v = np.exp(-t)
        return (1 + t) ** -1.5 - v * np.polynomial.legendre.legval(2 * v - 1, c)

    ref = quad_l1(resid, points=markov_points(m))
    lower, upper = L1.markov_certificate(target, m, relative=False)
    assert abs(upper - ref) < 1e-10 * ref and abs(lower - ref) < 1e-10 * ref
    t = np.linspace(0.0, 80.0, 400001)
    r = resid(t)
    assert np.sum(r[:-1] * r[1:] < 0) == m


def test_exponential_target_is_attained():
    """For e^{-κt}, q(u) = u^{κ/β-1} has one-signed derivatives: Markov's bound is the best error."""
    for kappa, beta in ((1.5, 1.0), (0.3, 1.0), (2.0, 0.7)):
        for m in (1, 3, 10):
            lower, upper = L1.markov_certificate(K.Exponential(kappa), m, beta)
            assert abs(upper / lower - 1) < 1e-9


def test_markov_not_attained_at_width_one():
    """ω = 1, m = 1: the interpolant is not optimal, and the program lies strictly between the bounds."""
    lower, upper = L1.markov_certificate(K.PowerLaw(1.0), 1)
    lp = L1.best_l1_fit(K.PowerLaw(1.0), [1.0]).error
    assert lower < lp < upper and upper / lower > 1.5


def test_euler_boole_against_direct_sum(monkeypatch):
    target = K.PowerLaw(0.5)
    for m in (5000, 200_000):
        fast = L1.fixed_grid_l1_errors(target, [m])[0]
        monkeypatch.setattr(_markov, "_K_DIRECT", 10**7)
        direct = L1.fixed_grid_l1_errors(target, [m])[0]
        monkeypatch.undo()
        assert abs(fast / direct - 1) < 1e-10


def test_fixed_grid_law_and_monotone():
    for omega in (1.0, 0.25):
        ms = np.array([2, 16, 1e4, 1e8, 1e100])
        e = L1.fixed_grid_l1_errors(K.PowerLaw(omega), ms)
        law = (1 + 2 * np.log1p(ms)) ** -omega
        assert np.all(np.diff(e) < 0)
        assert abs(e[3] / law[3] - 1) < 1e-3 and abs(e[4] / law[4] - 1) < 1e-5
    # the grid spacing: β enters as ln(m+1)/β
    e_b = L1.fixed_grid_l1_errors(K.PowerLaw(0.5), [1e6], beta=0.1)[0]
    assert abs(e_b / (1 + 20 * math.log1p(1e6)) ** -0.5 - 1) < 1e-3


# ----------------------------------------------------------------------------- the linear program
@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")  # kinks of |.| in the reference
def test_best_l1_fit_one_and_two_units_brute_force():
    target = K.PowerLaw(0.7)
    for lam in (np.array([0.8]), np.array([0.3, 2.5])):
        def l1(a):
            return quad_l1(lambda t: (1 + t) ** -1.7 - a @ np.exp(-lam * t), upper=np.inf)

        best = optimize.minimize(l1, x0=np.full(lam.size, 0.5), method="Nelder-Mead",
                                 options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
        fit = L1.best_l1_fit(target, lam, relative=False)
        assert abs(fit.error - best.fun) < 1e-4 * best.fun
        assert np.allclose(fit.weights, best.x, rtol=2e-3, atol=1e-5)


@pytest.mark.parametrize("case", ["geometric", "grid", "ramp"])
def test_best_l1_fit_error_against_quadpack(case):
    if case == "geometric":
        target, lam = K.PowerLaw(0.5), R.geometric_rates(10)
    elif case == "grid":
        target, lam = K.PowerLaw(0.25), np.arange(1.0, 9.0)
    else:
        target, lam = R.RampExponential(1.5, 1.0, 1.0), 0.5 * np.arange(1.0, 9.0)
    fit = L1.best_l1_fit(target, lam, relative=False)
    pts = list(fit.sign_changes) + [1.0]
    ref = quad_l1(lambda t: float(target(t)) - float(fit(np.array([t]))[0]), points=pts)
    assert abs(fit.error - ref) < 1e-8 * ref
    # the model kernel as a LinearRNN agrees with the fit's stable evaluation (small width: weights moderate)
    t = np.linspace(0.0, 20.0, 11)
    assert np.allclose(fit.model.kernel(t), fit(t), rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("target,lam", [(K.PowerLaw(0.5), R.geometric_rates(20)),
                                        (K.PowerLaw(0.1), np.arange(1.0, 17.0)),
                                        (R.RampExponential(2.5, 0.5, 1.0), np.arange(1.0, 13.0) / 6)],
                         ids=["geometric", "grid", "ramp"])
def test_best_l1_fit_two_discretisations(target, lam):
    a = L1.best_l1_fit(target, lam)
    b = L1.best_l1_fit(target, lam, refine=2)
    assert abs(a.error / b.error - 1) < 2e-3
    assert abs(a.lp_value / b.lp_value - 1) < 2e-3


def test_best_l1_fit_matches_markov_on_the_grid():
    for omega in (1.0, 0.25):
        for m in (2, 8, 20):
            fit = L1.best_l1_fit(K.PowerLaw(omega), np.arange(1.0, m + 1))
            D = L1.fixed_grid_l1_errors(K.PowerLaw(omega), [m])[0]
            assert abs(fit.lp_value / D - 1) < 1e-5          # the program's own optimum, independent of D
            assert D * (1 - 1e-12) <= fit.error < D * (1 + 1e-10)   # the fit kept is Markov's interpolant


def test_best_l1_fit_nested_grids_decrease():
    errs = [L1.best_l1_fit(K.PowerLaw(0.5), R.geometric_rates(m)).error for m in (4, 8, 12, 16)]
    assert np.all(np.diff(errs) < 0)


def test_best_l1_fit_rate_order_and_exact_target():
    """Rates in any order; a target inside the span is fitted exactly."""
    target = K.ExponentialSum([3.0, 1.0], [2.0, -1.0])
    fit = L1.best_l1_fit(target, [3.0, 1.0, 2.0], relative=False)
    assert fit.error < 1e-9
    assert np.allclose(fit.weights, [2.0, -1.0, 0.0], atol=1e-7)


# ----------------------------------------------------------------------------- the Proposition
def test_grid_lower_bound_by_hand_and_below_markov():
    target = K.PowerLaw(0.5)
    ms = np.array([1, 10, 1e3, 1e8, 1e40])
    lb = L1.grid_l1_lower_bound(target, ms)
    D = L1.fixed_grid_l1_errors(target, ms)
    assert np.all(lb <= D)
    assert lb[-1] > 0.9 * D[-1]                           # nearly sharp at huge widths
    # one ν by hand: T = ln(m²/ν), relative tail (1+T)^(-ω)
    m, nu = 1e8, 1e-3
    T = math.log(m * m / nu)
    by_hand = ((1 + T) ** -0.5 - nu) / (1 + nu)
    assert lb[3] >= by_hand - 1e-12


def test_grid_lower_bound_general_kernel():
    """A non-power-law kernel uses quadrature for the tail; the bound stays below the best error."""
    target = K.ExponentialSum([0.05, 1.0], [1.0, 1.0])
    lb = L1.grid_l1_lower_bound(target, [4, 64])
    D = L1.fixed_grid_l1_errors(target, [4, 64])
    assert np.all(lb <= D) and lb[0] > 0


def test_width_bound_against_a_fine_scan():
    for omega, eps in ((1.0, 0.05), (0.5, 1e-2), (0.25, 1e-2)):
        nus = np.exp(np.linspace(-40, -1e-6, 400001))
        level = eps * (1 + nus) + nus
        ok = level < 1
        T = level[ok] ** (-1 / omega) - 1
        ref = np.max(0.5 * np.log10(nus[ok]) + 0.5 * T / math.log(10))
        got = L1.grid_l1_width_bound(K.PowerLaw(omega), eps)
        assert abs(got - ref) <= 1e-6 * abs(ref) + 1e-6
    assert L1.grid_l1_width_bound(K.PowerLaw(1.0), 0.5) == 0.0       # no information: the bound is m ≥ 1


def test_width_bound_caps_the_horizon_instead_of_failing():
    """For very long memory the time T_eta passes 1e300: the bound is then taken at the cap (still a lower bound)."""
    got = L1.grid_l1_width_bound(K.PowerLaw(0.001), 1e-2)
    assert math.isfinite(got) and got > 1e298                   # 0.5 * 1e300 / ln 10 at the cap
    assert got <= 0.5 * 1e300 / math.log(10) * (1 + 1e-12)


def test_width_bound_is_below_the_markov_width():
    for omega, eps in ((1.0, 0.1), (0.5, 0.05)):
        res = R.required_width(K.PowerLaw(omega), eps, p=1)
        assert L1.grid_l1_width_bound(K.PowerLaw(omega), eps) <= res.log10_width


# ----------------------------------------------------------------------------- bad input
def test_bad_input():
    p = K.PowerLaw(0.5)
    with pytest.raises(ValueError, match="rates"):
        L1.best_l1_fit(p, [1.0, -1.0])
    with pytest.raises(ValueError, match="distinct"):
        L1.best_l1_fit(p, [1.0, 1.0])
    with pytest.raises(ValueError, match="rates"):
        L1.best_l1_fit(p, [])
    with pytest.raises(TypeError, match="target"):
        L1.best_l1_fit("rho", [1.0])
    with pytest.raises(TypeError, match="relative"):
        L1.best_l1_fit(p, [1.0], relative=1)
    with pytest.raises(ValueError, match="refine"):
        L1.best_l1_fit(p, [1.0], refine=0)
    with pytest.raises(ValueError, match="widths"):
        L1.fixed_grid_l1_errors(p, [0.5])
    with pytest.raises(ValueError, match="beta"):
        L1.fixed_grid_l1_errors(p, [3], beta=0.0)
    with pytest.raises(ValueError, match="width"):
        L1.markov_certificate(p, 5000)
    with pytest.raises(TypeError, match="width"):
        L1.markov_certificate(p, 2.5)
    with pytest.raises(ValueError, match="epsilon"):
        L1.grid_l1_width_bound(p, 1.0)
    with pytest.raises(ValueError, match="widths"):
        L1.grid_l1_lower_bound(p, [])
    assert isinstance(L1.best_l1_fit(p, [1.0, 2.0]).model, LinearRNN)


def test_fixed_grid_best_l1_falls_back_where_markov_is_not_attained():
    target = K.PowerLaw(1.0)
    best = L1.fixed_grid_best_l1(target, [1, 2, 16, 1e6])
    D = L1.fixed_grid_l1_errors(target, [1, 2, 16, 1e6])
    lp1 = L1.best_l1_fit(target, [1.0]).error
    assert best[0] == lp1 and best[0] > 1.5 * D[0]              # m = 1: the program, far above the bound
    assert np.array_equal(best[1:], D[1:])                     # elsewhere Markov's value (attained)
