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
        return lambda t: k.weight * (1 + t) ** (-(1 + mp.mpf(k.omega)))   # 1 + ω in mpmath, not float64
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


def mp_log_integral(g, points, beyond=None):
    """∫₀^∞ g(t) dt in mpmath, in the variable t = e^u − 1 (heavy tails become exponential).

    ``beyond``: stop at u = log1p(last point) + beyond, for integrands that decay at least like t^{-2}e^{-st}
    (at 40 digits, tanh-sinh nodes near u = ∞ would ask mpmath for e^{e^{huge}} at huge precision)."""
    pts = sorted({0.0, *[float(b) for b in points]})
    end = mp.inf if beyond is None else mp.log1p(pts[-1]) + beyond
    u = [mp.log1p(p) for p in pts] + [mp.log1p(pts[-1]) + 1, mp.log1p(pts[-1]) + 5, end]
    return mp.quad(lambda v: g(mp.expm1(v)) * mp.exp(v), u, maxdegree=8)


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
    # norms of multiples against their closed forms (not against the kernel's own norm)
    assert (2 * a).norm(2) == pytest.approx(2 / np.sqrt(2.0), rel=1e-14)          # 2e^{-t}: 2/√2
    assert (-3 * b).norm(1) == pytest.approx(3 / 0.5, rel=1e-14)                   # 3(1+t)^{-1.5}: 3/ω
    assert (a + a).norm(2) == pytest.approx(np.sqrt(2.0), rel=1e-14)              # ‖2e^{-t}‖₂ via ⟨a, a⟩
    # NumPy scalars multiply like Python numbers; an array times a kernel is refused, never an object array
    assert np.allclose((np.float64(2.0) * b)(t), 2 * b(t))
    assert np.allclose((b * np.int64(3))(t), 3 * b(t))
    with pytest.raises(TypeError):
        np.ones(2) * b
    with pytest.raises(TypeError):
        b * np.ones(2)


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


# ---------------------------------------------------------------- the kernel API of phase 2, against references
EVERY = KERNELS + [K.RampExponential(1.5, 0.8, lag=1.0, weight=2.0), K.RampExponential(0.5, 2.0, lag=0.0),
                   K.ExponentialSum([1e-3, 1.0, 30.0], [1.0, -1.0, 0.5])]
EVERY_IDS = [repr(k) for k in EVERY]


def quad_half_line(f, k, a=0.0):
    """∫_a^∞ f by QUADPACK between the kernel's features and its sign changes (a reference independent of lrnn)."""
    pts = sorted({a, *[b for b in k._breakpoints() if b > a], *[z for z in sign_changes(k, 200.0) if z > a]})
    edges = [*pts, pts[-1] + 200.0]
    val = sum(integrate.quad(f, lo, hi, limit=400, epsabs=1e-15, epsrel=1e-12)[0] for lo, hi in zip(edges[:-1], edges[1:]))
    return val + integrate.quad(f, edges[-1], np.inf, limit=200)[0]


@pytest.mark.parametrize("k", EVERY, ids=EVERY_IDS)
def test_laplace_pair_and_its_moment_match_quadrature(k):
    s = np.array([0.05, 0.7, 3.0, 25.0])
    L, M = k.laplace_pair(s)
    refL = [quad_half_line(lambda t, sv=sv: float(np.exp(-sv * t) * k(t)), k) for sv in s]
    refM = [quad_half_line(lambda t, sv=sv: float(t * np.exp(-sv * t) * k(t)), k) for sv in s]
    assert np.allclose(L, refL, rtol=1e-9, atol=1e-14)
    assert np.allclose(M, refM, rtol=1e-8, atol=1e-13)
    f = k.laplace_pair_function()
    assert f is k.laplace_pair_function()                               # built once
    L2, M2 = f(s)
    assert np.array_equal(L2, L) and np.array_equal(M2, M)


def test_power_law_moment_matches_exponential_integrals():
    """L_{tρ}(s) = e^s (E_ω(s) − E_{1+ω}(s)) for ρ = (1+t)^{-(1+ω)} (mpmath, 30 digits)."""
    mp.mp.dps = 30
    for omega in (0.1, 0.5, 3.0, 40.0):
        k = K.PowerLaw(omega)
        for s in (1e-4, 0.3, 5.0, 200.0):
            ref = float(mp.e**s * (mp.expint(omega, s) - mp.expint(1 + omega, s)))
            assert k.laplace_pair(s)[1] == pytest.approx(ref, rel=1e-11)


def _old_compile_pair(kernel):
    """The closed forms of training._compile_pair before this redesign (frozen here): the pair function must
    reproduce them bit for bit, so that training runs give identical losses."""
    from scipy import special as sp

    if isinstance(kernel, K.ExponentialSum):
        rates, weights = kernel.rates, kernel.weights

        def pair(s):
            inv = 1.0 / np.add.outer(s, rates)
            return inv @ weights, (inv * inv) @ weights
        return pair
    if isinstance(kernel, K.Delayed):
        lag, width = kernel.lag, kernel.width
        c = kernel.weight * width * np.sqrt(np.pi) / 2.0
        tail = np.exp(-(lag / width) ** 2)
        rho0 = kernel.weight * np.exp(-((lag / width) ** 2))
        half_sig2 = 0.5 * width**2

        def pair(s):
            z = s * width / 2.0 - lag / width
            L = c * np.where(z > 0, tail * sp.erfcx(np.maximum(z, 0.0)),
                             np.exp(np.minimum(s * s * width * width / 4.0 - s * lag, 0.0)) * sp.erfc(np.minimum(z, 0.0)))
            return L, (lag - half_sig2 * s) * L + half_sig2 * rho0
        return pair
    if isinstance(kernel, K.DampedOscillation):
        rate, nu2, weight = kernel.rate, kernel.frequency**2, kernel.weight

        def pair(s):
            q = s + rate
            d = q * q + nu2
            return weight * q / d, weight * (q * q - nu2) / (d * d)
        return pair
    if isinstance(kernel, K.Sum):
        first, second = (_old_compile_pair(k) for k in kernel.terms)
        return lambda s: tuple(x + y for x, y in zip(first(s), second(s)))
    if isinstance(kernel, K.Scaled):
        inner, factor = _old_compile_pair(kernel.kernel), kernel.factor
        return lambda s: tuple(factor * x for x in inner(s))
    raise AssertionError(kernel)


@pytest.mark.parametrize("k", [K.Exponential(0.7, 2.0), K.ExponentialSum([0.3, 1.0, 4.0], [1.0, -2.0, 0.5]),
                               K.Delayed(4.0, 0.8, 1.3), K.Delayed(0.5, 2.0), K.DampedOscillation(0.5, 3.0, 1.5),
                               K.Exponential(1.0) - 0.5 * K.Delayed(3.0, 0.5)], ids=repr)
def test_pair_function_is_bit_identical_to_the_closed_forms_training_used(k):
    for s in (np.array([0.3, 1.7, 9.0]), np.array([0.01]), np.geomspace(1e-3, 1e3, 40)):
        new, old = k.laplace_pair_function()(s), _old_compile_pair(k)(s)
        assert np.array_equal(new[0], old[0]) and np.array_equal(new[1], old[1])


@pytest.mark.parametrize("k", [K.Exponential(0.7, 2.0), K.ExponentialSum([0.3, 1.0, 4.0], [1.0, -2.0, 0.5]),
                               K.DampedOscillation(0.5, 3.0, 1.5), K.DampedOscillation(2.0, 0.0, -1.0),
                               K.PowerLaw(0.5, 2.0), K.PowerLaw(2.5), 3 * K.PowerLaw(0.3) - K.Exponential(2.0)],
                         ids=repr)
def test_laplace_measure_reproduces_the_kernel(k):
    mu = k.laplace_measure()
    t = np.array([0.0, 0.3, 1.0, 4.0, 15.0])
    atoms = np.real(np.exp(-np.multiply.outer(t, mu.points)) @ mu.masses) if mu.points.size else 0.0 * t
    dens = 0.0 * t
    if mu.density is not None:
        lo, hi = mu.support
        dens = np.array([integrate.quad(lambda u: float(np.exp(-u * tv) * mu.density(np.array(u))), 0.0, hi,
                                        points=[lo, 1.0], limit=400, epsabs=1e-15, epsrel=1e-12)[0] for tv in t])
        # the support holds all but 1e-20 of the mass (mpmath's regularised incomplete Gamma function)
        omega = next(x for x in (getattr(k, "omega", None), getattr(getattr(k, "kernel", None), "omega", None),
                                 getattr(getattr(k, "terms", [None])[0], "kernel", None)) if x is not None)
        omega = omega if isinstance(omega, float) else omega.omega
        outside = 1 - mp.gammainc(1 + omega, lo, hi, regularized=True)
        assert outside < 1e-19
    assert np.allclose(atoms + dens, k(t), rtol=1e-10, atol=1e-14)
    assert K.Delayed(1.0).laplace_measure() is None and K.Airy(2.0).laplace_measure() is None
    assert (K.PowerLaw(0.5) + K.Delayed(1.0)).laplace_measure() is None


@pytest.mark.parametrize("k", [K.Exponential(0.7, 2.0), K.ExponentialSum([0.3, 1.0, 4.0], [1.0, -2.0, 0.5]),
                               K.DampedOscillation(0.5, 3.0, 1.5), K.PowerLaw(0.5, -2.0), K.Delayed(2.0, 0.7, 1.3),
                               K.RampExponential(1.5, 0.8, lag=1.0, weight=2.0),
                               K.PowerLaw(0.4) + 2 * K.Exponential(3.0)], ids=repr)
def test_extended_precision_forms_match_mpmath_quadrature(k):
    mp.mp.dps = 40
    f = mp_kernel(k) if not isinstance(k, K.RampExponential) else \
        (lambda t: k.weight * (t - k.lag) ** k.power * mp.exp(-k.rate * t) if t > k.lag else mp.mpf(0))
    pts = [*k._breakpoints(), 1.0]
    for s in (mp.mpf("0.5"), mp.mpf(3)):
        ref = mp_log_integral(lambda t: mp.exp(-s * t) * f(t), pts, beyond=40)
        got = k.mp_laplace([s], dps=40)[0]
        assert abs(got - ref) <= mp.mpf("1e-25") * abs(ref)
    ref = mp_log_integral(lambda t: f(t) ** 2, pts, beyond=100)    # |f|² ≤ t^{-2.8}: e^{-180} beyond
    assert abs(k.mp_norm_squared(dps=40) - ref) <= mp.mpf("1e-25") * ref
    assert K.Airy(2.0).mp_laplace([1.0]) is None and K.Airy(2.0).mp_norm_squared() is None
    with pytest.raises(ValueError, match="dps must be at most"):
        k.mp_norm_squared(dps=10**12)


@pytest.mark.parametrize("k", EVERY, ids=EVERY_IDS)
def test_integral_tail_and_horizon_match_quadrature(k):
    a = np.array([0.0, 0.5, 2.0, 7.5])
    b = np.array([0.25, 3.0, np.inf, np.inf])
    ref = []
    for lo, hi in zip(a, b):
        if np.isinf(hi):
            ref.append(quad_half_line(lambda t: float(k(t)), k, lo))
        else:
            ref.append(integrate.quad(lambda t: float(k(t)), lo, hi, limit=400, epsabs=1e-15, epsrel=1e-12,
                                      points=[p for p in k._breakpoints() if lo < p < hi] or None)[0])
    assert np.allclose(k.integral(a, b), ref, rtol=1e-9, atol=1e-14)
    for T in (0.0, 1.5, 6.0):
        assert k.tail(T) == pytest.approx(quad_half_line(lambda t: float(k(t)), k, T), rel=1e-9, abs=1e-14)
        assert k.tail(T, absolute=True) == pytest.approx(quad_half_line(lambda t: abs(float(k(t))), k, T),
                                                         rel=1e-8, abs=1e-14)
    n1 = k.norm(1)
    for rtol in (1e-3, 1e-10):
        H = k.horizon(rtol)
        assert k.tail(H, absolute=True) <= rtol * n1 * (1 + 1e-9)
        # a huge horizon only for a heavy tail (power laws need H ~ rtol^(-1/ω)): at H/100 the rest still exceeds
        assert H < 1e6 or k.tail(H / 100, absolute=True) > rtol * n1


@pytest.mark.parametrize("k", EVERY, ids=EVERY_IDS)
def test_tail_of_an_array_is_the_tail_of_each_entry(k):
    """Closed forms are evaluated on whole arrays, quadrature entry by entry: the values must not depend on it."""
    T = np.array([[0.0, 0.3, 1.0], [2.5, 7.0, 40.0]])
    for absolute in (False, True):
        whole = k.tail(T, absolute=absolute)
        assert whole.shape == T.shape
        each = np.array([[k.tail(float(x), absolute=absolute) for x in row] for row in T])
        assert np.allclose(whole, each, rtol=1e-13, atol=0)      # vectorised special functions: last bits
    assert k.tail(np.empty((0,)), absolute=True).shape == (0,)


def test_tails_and_horizons_in_closed_form():
    assert K.PowerLaw(0.5).horizon(1e-4) == pytest.approx(1e8 - 1, rel=1e-12)        # (1+T)^{-1/2} = 1e-4
    with pytest.raises(ValueError, match="rtol = 1e-12 is too small"):
        K.PowerLaw(1e-3).horizon(1e-12)                                                # beyond float64
    assert K.Exponential(2.0, 3.0).tail(1.0) == pytest.approx(1.5 * np.exp(-2.0), rel=1e-15)
    assert K.ExponentialSum([1e-300, 1.0], [1.0, 0.0]).tail(0.0) == pytest.approx(1e300, rel=1e-12)
    assert K.Delayed(5.0, 0.5).tail(5.0) == pytest.approx(0.5 * np.sqrt(np.pi) / 2, rel=1e-15)
    with pytest.raises(ValueError, match="b must be at least a"):
        K.PowerLaw(0.5).integral(2.0, 1.0)
    with pytest.raises(ValueError, match="T must be non-negative"):
        K.PowerLaw(0.5).tail(-1.0)
    with pytest.raises(TypeError, match="absolute must be True or False"):
        K.PowerLaw(0.5).tail(1.0, absolute="no")
    with pytest.raises(ValueError, match="rtol must be less than 1"):
        K.PowerLaw(0.5).horizon(1.0)


def test_inner_products_closed_forms_and_none():
    pairs = [(K.PowerLaw(0.3, 2.0), K.PowerLaw(1.5, -1.0)), (K.Exponential(0.7), K.Delayed(2.0)),
             (K.DampedOscillation(1.0, 2.0), K.DampedOscillation(0.5, 1.0, 3.0)),
             (2 * K.ExponentialSum([1.0, 3.0], [1.0, -1.0]) + K.Exponential(0.2), K.PowerLaw(0.5)),
             (K.RampExponential(1.0, 1.0), K.Exponential(2.0))]
    for a, b in pairs:
        ref = integrate.quad(lambda t: float(a(t) * b(t)), 0, np.inf, limit=500, epsabs=1e-15, epsrel=1e-12)[0]
        assert a.inner(b) == pytest.approx(ref, rel=1e-9)
        assert b.inner(a) == pytest.approx(ref, rel=1e-9)
    assert K.Delayed(1.0).inner(K.Airy(2.0)) is None and K.PowerLaw(0.5).inner(K.Delayed(1.0)) is None
    with pytest.raises(TypeError, match="other must be a kernel"):
        K.PowerLaw(0.5).inner(np.ones(3))


def test_the_zero_kernel_has_defined_answers():
    zeros = [0 * K.PowerLaw(0.5), K.ExponentialSum([1.0, 2.0], [0.0, 0.0]), K.Delayed(1.0, weight=0.0),
             0.0 * K.Airy(2.0) + 0 * K.Exponential(1.0), K.Exponential(1.0) - K.Exponential(1.0),
             K.RampExponential(1.0, 1.0, weight=0.0), K.DampedOscillation(1.0, 2.0, 0.0)]
    for z in zeros:
        assert z.is_zero, z
        assert z.norm(1) == 0.0 and z.norm(2) == 0.0 and z.horizon() == 0.0
        assert np.all(z.laplace([0.5, 2.0]) == 0.0) and np.all(z.cell_integrals(0.1, 5) == 0.0)
        assert z.tail(1.0, absolute=True) == 0.0 and z.inner(K.PowerLaw(0.5)) == 0.0
    assert not K.PowerLaw(0.5).is_zero and not (K.Exponential(1.0) - K.Exponential(2.0)).is_zero
    mu = (0 * K.PowerLaw(0.5)).laplace_measure()
    assert mu.density(np.array([0.3])) == 0.0


def test_extreme_magnitudes_give_finite_correct_answers():
    assert K.Exponential(1.0, 1e300).norm(2) == pytest.approx(1e300 / np.sqrt(2.0), rel=1e-14)
    assert K.ExponentialSum([1.0, 2.0], [1e300, 1e300]).norm(2) == pytest.approx(
        1e300 * np.sqrt(1 / 2 + 2 / 3 + 1 / 4), rel=1e-12)         # scaled Gram form: a few ulps per term
    assert K.Exponential(5e-324).norm(2) == pytest.approx(1 / np.sqrt(1e-323), rel=1e-2)       # subnormal rate
    assert K.ExponentialSum([1e-300, 1.0], [1.0, -1.0]).norm(1) == pytest.approx(1e300, rel=1e-12)
    osc = K.DampedOscillation(1.0, 1e300)
    assert osc.norm(2) == pytest.approx(0.5, rel=1e-12) and osc.norm(1) == pytest.approx(2 / np.pi, rel=1e-12)
    slow = K.DampedOscillation(1e-14, 1.0)   # nearly imaginary eigenvalues: closed forms, no quadrature
    assert slow.norm(1) == pytest.approx(2 / (np.pi * 1e-14), rel=1e-10)
    assert slow.norm(2) == pytest.approx(np.sqrt(0.25e14 + 0.25e-14), rel=1e-12)
    assert K.Delayed(1e300).laplace(1.0) == 0.0 and K.Delayed(1e300).norm(1) == pytest.approx(np.sqrt(np.pi))
    assert K.PowerLaw(1e300).laplace(1.0) == pytest.approx(1e-300, rel=1e-6)
    with pytest.raises(ValueError, match="L2 norm overflows|overflows float64"):
        K.ExponentialSum([1e-300], [1e300]).norm(2)
    with pytest.raises(ValueError, match="lag times scale must be at most"):
        K.Airy(1e300)
    with pytest.raises(ValueError, match="frequency must be at most"):
        K.DampedOscillation(1e-14, 1e300)


def test_cell_integrals_are_chunked(monkeypatch):
    """Small chunks give the same cell integrals as one piece, up to summation order (bounded working memory)."""
    from lrnn import _limits

    k = K.ExponentialSum(np.geomspace(0.01, 10, 64), np.linspace(-1, 1, 64)) + K.PowerLaw(0.5)
    whole = k.cell_integrals(0.05, 3000)
    monkeypatch.setattr(_limits, "CHUNK_ENTRIES", 257)
    assert np.allclose(k.cell_integrals(0.05, 3000), whole, rtol=1e-13, atol=0)
    with pytest.raises(ValueError, match="n must be at most 8388608"):
        k.cell_integrals(0.1, 10**12)


def test_ramp_exponential_moved_to_kernels():
    k = K.RampExponential(2.0, 1.5, lag=0.5, weight=-2.0)
    t = np.linspace(0, 8, 9)
    assert np.allclose(k(t), -2.0 * np.clip(t - 0.5, 0, None) ** 2 * np.exp(-1.5 * t), rtol=1e-14, atol=1e-300)
    l1 = integrate.quad(lambda x: abs(float(k(x))), 0.5, np.inf, epsabs=0, epsrel=1e-13)[0]
    l2 = np.sqrt(integrate.quad(lambda x: float(k(x)) ** 2, 0.5, np.inf, epsabs=0, epsrel=1e-13)[0])
    assert k.norm(1) == pytest.approx(l1, rel=1e-11) and k.norm(2) == pytest.approx(l2, rel=1e-11)
    assert np.allclose(np.cumsum(k.cell_integrals(0.1, 60)), k.step_response(0.1 * np.arange(1, 61)), rtol=1e-12)
