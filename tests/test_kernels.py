"""Kernels against independent references: quadrature, mpmath, closed forms."""

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate, optimize, special

from lrnn import kernels as K

KERNELS = [
    K.Exponential(0.7, 2.0),
    K.ExponentialSum([0.3, 1.0, 4.0], [1.0, -2.0, 0.5]),
    K.DampedOscillation(0.5, 3.0, 1.5),
    K.PowerLaw(0.5),
    K.PowerLaw(0.1, -2.0),
    K.Delayed(4.0, 0.8, 1.3),
    K.Delayed(0.0, 2.0),
    K.Airy(6.0, 1.5),
    K.Airy(0.0, 0.5),
    K.Exponential(1.0) + K.Delayed(3.0, 0.5),
    K.PowerLaw(0.3) - K.Exponential(2.0, 0.5),
    2.5 * K.Airy(3.0),
]
IDS = [repr(k) for k in KERNELS]


def mp_exp_neg(x):
    """e^{-x}, returning 0 past e^{-10000} (mpmath would spend minutes on e^{-e^{700}})."""
    return mp.e ** (-x) if x < 1e4 else mp.mpf(0)


def mp_kernel(k):
    """An mpmath version of each kernel, written from its definition."""
    if isinstance(k, K.Exponential):
        return lambda t: k.weight * mp_exp_neg(k.rate * t)
    if isinstance(k, K.ExponentialSum):
        return lambda t: sum(w * mp_exp_neg(r * t) for r, w in zip(k.rates, k.weights))
    if isinstance(k, K.DampedOscillation):
        return lambda t: k.weight * mp_exp_neg(k.rate * t) * mp.cos(k.frequency * t)
    if isinstance(k, K.PowerLaw):
        return lambda t: k.weight * (1 + t) ** (-(1 + k.omega))
    if isinstance(k, K.Delayed):
        return lambda t: k.weight * mp_exp_neg(((t - k.lag) / k.width) ** 2)
    if isinstance(k, K.Airy):
        return lambda t: mp.airyai(k.scale * (t - k.lag)) if k.scale * (t - k.lag) < 200 else mp.mpf(0)
    if isinstance(k, K.Sum):
        f, g = (mp_kernel(x) for x in k.terms)
        return lambda t: f(t) + g(t)
    if isinstance(k, K.Scaled):
        f = mp_kernel(k.kernel)
        return lambda t: k.factor * f(t)
    raise AssertionError(k)


def sign_changes(k, t_max=60.0, n=20001):
    """Zeros of ρ on [0, t_max], bracketed on a grid and refined with brentq."""
    t = np.linspace(0.0, t_max, n)
    v = k(t)
    idx = np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0)
    return [optimize.brentq(lambda x: float(k(x)), t[i], t[i + 1], xtol=1e-15) for i in idx]


def mp_log_integral(g, points):
    """∫₀^∞ g(t) dt in mpmath, in the variable t = e^u − 1 (heavy tails become exponential)."""
    pts = sorted({0.0, *[float(b) for b in points]})
    u = [mp.log1p(p) for p in pts] + [mp.log1p(pts[-1]) + 1, mp.log1p(pts[-1]) + 5, mp.inf]
    return mp.quad(lambda v: g(mp.expm1(v)) * mp.e**v, u, maxdegree=8)


@pytest.mark.parametrize("k", KERNELS, ids=IDS)
def test_norms_match_mpmath_quadrature(k):
    mp.mp.dps = 20
    f = mp_kernel(k)
    if isinstance(k, K.DampedOscillation):
        # ∫₀^∞ e^{-at}|cos νt| dt = (a + ν / sinh(πa/2ν)) / (a² + ν²); L² by QUADPACK's
        # oscillatory rule (weight cos(2νt)) on e^{-2at}(1 + cos 2νt)/2.
        a, nu, w = k.rate, k.frequency, abs(k.weight)
        l1 = w * (a + nu / np.sinh(np.pi * a / (2 * nu))) / (a**2 + nu**2)
        osc = integrate.quad(lambda t: np.exp(-2 * a * t), 0, np.inf, weight="cos", wvar=2 * nu)[0]
        l2 = w * np.sqrt(0.5 / (2 * a) + 0.5 * osc)
    else:
        pts = [*k._breakpoints(), *sign_changes(k)]
        l1 = float(mp_log_integral(lambda t: abs(f(t)), pts))
        l2 = float(mp.sqrt(mp_log_integral(lambda t: f(t) ** 2, pts)))
    assert k.norm(1) == pytest.approx(l1, rel=1e-9)
    assert k.norm(2) == pytest.approx(l2, rel=1e-9)


@pytest.mark.parametrize("k", KERNELS, ids=IDS)
def test_laplace_matches_quadrature(k):
    s = np.array([0.05, 0.7, 3.0, 25.0])
    f = lambda t, sv: float(np.exp(-sv * t) * k(t))  # noqa: E731
    pts = sorted({*k._breakpoints()})
    ref = []
    for sv in s:
        edges = [0.0, *pts, max(pts or [0.0]) + 200.0 / sv]
        ref.append(sum(integrate.quad(f, a, b, args=(sv,), limit=400, epsabs=1e-15, epsrel=1e-12)[0]
                       for a, b in zip(edges[:-1], edges[1:]))
                   + integrate.quad(f, edges[-1], np.inf, args=(sv,))[0])
    assert np.allclose(k.laplace(s), ref, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("k", KERNELS, ids=IDS)
def test_step_response_and_cell_integrals(k):
    t = np.array([0.0, 0.5, 2.0, 7.5])
    ref = [integrate.quad(lambda s: float(k(s)), 0, x, limit=400, epsabs=1e-13, epsrel=1e-12,
                          points=[b for b in k._breakpoints() if b < x] or None)[0] if x > 0 else 0.0
           for x in t]
    assert np.allclose(k.step_response(t), ref, rtol=1e-9, atol=1e-13)
    dt, n = 0.25, 400
    cells = k.cell_integrals(dt, n)
    assert cells.shape == (n,)
    # consistency: the cells add up to the step response at the grid points
    assert np.allclose(np.cumsum(cells)[[3, 39, 399]], k.step_response(dt * np.array([4, 40, 400])),
                       rtol=1e-10, atol=1e-13)


def test_power_law_laplace_is_accurate_where_hyperu_is_not():
    # e^s E_{1+ω}(s) from mpmath; scipy's hyperu loses ~1e-7 near s = 20 for ω = 0.1.
    mp.mp.dps = 30
    k = K.PowerLaw(0.1)
    for s in [1e-4, 0.5, 8.0, 20.0, 300.0]:
        ref = float(mp.e ** s * mp.expint(1 + 0.1, s))
        assert k.laplace(s) == pytest.approx(ref, rel=1e-12)


def test_power_law_cells_do_not_cancel_far_out():
    k = K.PowerLaw(0.5)
    dt, n = 1.0, 10**6
    cells = k.cell_integrals(dt, n)
    j = n - 1
    exact = float((mp.mpf(1) + j) ** -0.5 / 0.5 - (mp.mpf(1) + j + 1) ** -0.5 / 0.5)
    assert cells[-1] == pytest.approx(exact, rel=1e-12)


def test_closed_forms_documented():
    assert K.Exponential(2.0, 3.0).norm(1) == pytest.approx(1.5)
    assert K.Exponential(2.0, 3.0).norm(2) == pytest.approx(3.0 / 2.0)
    assert K.PowerLaw(1.0).norm(2) == pytest.approx(1 / np.sqrt(3))
    x = 4.0
    ai, aip, _, _ = special.airy(-x)
    assert K.Airy(4.0).norm(2) ** 2 == pytest.approx(x * ai**2 + aip**2)


def test_arithmetic():
    a, b = K.Exponential(1.0), K.PowerLaw(0.5)
    t = np.linspace(0, 5, 11)
    assert np.allclose((a + b)(t), a(t) + b(t))
    assert np.allclose((a - b)(t), a(t) - b(t))
    assert np.allclose((3 * b)(t), 3 * b(t))
    assert np.allclose((b * 3)(t), 3 * b(t))
    assert np.allclose((-a)(t), -a(t))
    assert np.allclose(sum([a, b, a])(t), 2 * a(t) + b(t))
    assert (2 * a).norm(2) == pytest.approx(2 * a.norm(2))


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: K.Exponential(0.0), "rate must be positive"),
        (lambda: K.Exponential(-1.0), "rate must be positive"),
        (lambda: K.Exponential(np.nan), "rate must be finite"),
        (lambda: K.Exponential(1.0, np.inf), "weight must be finite"),
        (lambda: K.PowerLaw(0.0), "omega must be positive"),
        (lambda: K.PowerLaw(-0.5), "omega must be positive"),
        (lambda: K.Delayed(-1.0), "lag must be non-negative"),
        (lambda: K.Delayed(1.0, width=0.0), "width must be positive"),
        (lambda: K.Airy(1.0, scale=-2.0), "scale must be positive"),
        (lambda: K.Airy(-1.0), "lag must be non-negative"),
        (lambda: K.ExponentialSum([1.0, -1.0], [1.0, 1.0]), "rates must be positive"),
        (lambda: K.ExponentialSum([1.0, 2.0], [1.0]), "weights must have the shape"),
        (lambda: K.ExponentialSum([], []), "at least one rate"),
        (lambda: K.DampedOscillation(1.0, -1.0), "frequency must be non-negative"),
    ],
)
def test_bad_parameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_calls():
    k = K.PowerLaw(0.5)
    with pytest.raises(ValueError, match="t must be non-negative"):
        k(np.array([-1.0, 1.0]))
    with pytest.raises(ValueError, match="t must contain only finite"):
        k(np.array([np.nan]))
    with pytest.raises(ValueError, match="p must be 1 or 2"):
        k.norm(3)
    with pytest.raises(ValueError, match="p must be 1 or 2"):
        k.norm(np.inf)
    with pytest.raises(ValueError, match="s must be positive"):
        k.laplace(0.0)
    with pytest.raises(ValueError, match="dt must be positive"):
        k.cell_integrals(0.0, 10)
    with pytest.raises(ValueError, match="n must be at least 1"):
        k.cell_integrals(0.1, 0)
    with pytest.raises(TypeError, match="rate must be a real number"):
        K.Exponential("fast")
    with pytest.raises(TypeError):
        k + 1.0
    with pytest.raises(TypeError):
        k * "a"


# ---------------------------------------------------------------- checks moved from Chapter 1's hidden cells
@pytest.mark.parametrize("rate", [1.0, 0.5, 0.25, 0.1, 0.05])
def test_damped_oscillation_l1_norm_closed_form(rate):
    """∫₀^∞ e^{-λt}|cos νt| dt = (λ + ν/sinh(πλ/2ν)) / (λ² + ν²), and ≈ 2/(πλ) for λ ≪ ν."""
    nu = 1.5
    closed = (rate + nu / np.sinh(np.pi * rate / (2 * nu))) / (rate**2 + nu**2)
    k = K.DampedOscillation(rate, nu)
    assert k.norm(1) == pytest.approx(closed, rel=1e-9)
    zeros = (np.pi / 2 + np.pi * np.arange(60)) / nu
    edges = [0.0, *zeros[zeros < 40 / rate]]
    quad = sum(integrate.quad(lambda t: abs(float(k(t))), a, b, epsabs=0, epsrel=1e-12)[0]
               for a, b in zip(edges[:-1], edges[1:]))
    tail_bound = np.exp(-rate * edges[-1]) / rate
    assert quad == pytest.approx(closed, rel=1e-9, abs=2 * tail_bound)
    if rate == 0.05:
        assert closed * np.pi * rate / 2 == pytest.approx(1.0, abs=1e-3)


def test_chapter_one_gallery_norms():
    """The four kernels of Chapter 1's gallery: closed forms, and the Airy norm by 20-digit quadrature."""
    assert K.Exponential(0.5).norm(1) == pytest.approx(2.0, rel=1e-14)
    assert K.Exponential(0.5).norm(2) == pytest.approx(1.0, rel=1e-14)
    assert K.PowerLaw(0.5).norm(1) == pytest.approx(2.0, rel=1e-12)
    assert K.PowerLaw(0.5).norm(2) == pytest.approx(1 / np.sqrt(2.0), rel=1e-12)
    assert K.Delayed(5.0).norm(1) == pytest.approx(np.sqrt(np.pi) / 2 * (1 + special.erf(5.0)), rel=1e-12)
    assert K.Delayed(5.0).norm(2) == pytest.approx((np.pi / 2) ** 0.25 * np.sqrt((1 + special.erf(5 * np.sqrt(2))) / 2),
                                                   rel=1e-12)
    mp.mp.dps = 20
    z = 5.0 + special.ai_zeros(6)[0]
    z = sorted(z[z > 0])
    l1 = mp.quad(lambda s: abs(mp.airyai(s - 5)), [0, *z, 5, 10, 30]) + mp.quad(lambda s: abs(mp.airyai(s - 5)),
                                                                                [30, mp.inf])
    assert K.Airy(5.0).norm(1) == pytest.approx(float(l1), rel=1e-10)
    assert float(mp.quad(lambda s: abs(mp.airyai(s - 5)), [20, mp.inf])) < 1e-18     # the mass beyond lag 20
