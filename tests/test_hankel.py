"""lrnn.hankel against independent references: Lyapunov Gramians (scipy), an mpmath eigenproblem, the trace of
a positive Hankel operator, a realisation hidden from the state-space path, refinement, and scaling."""

import mpmath as mp
import numpy as np
import pytest
from scipy import linalg

import lrnn
from lrnn import LinearRNN
from lrnn import hankel as H
from lrnn import kernels as K
from lrnn import rates as R


def test_one_function_under_three_names():
    assert R.hankel_singular_values is H.hankel_singular_values is lrnn.hankel_singular_values


def _gramian_hsv(W, U, c):
    P = linalg.solve_continuous_lyapunov(W, -np.outer(U, U))
    Q = linalg.solve_continuous_lyapunov(W.T, -np.outer(c, c))
    return np.sort(np.sqrt(np.abs(np.linalg.eigvals(P @ Q))))[::-1]


@pytest.mark.parametrize("seed", range(5))
def test_hsv_exponential_sums_against_gramian_product(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 7))
    rates = np.sort(rng.uniform(0.2, 5.0, m))
    weights = rng.normal(size=m)
    k = K.ExponentialSum(rates, weights)
    ref = _gramian_hsv(-np.diag(rates), np.ones(m), weights)
    got = H.hankel_singular_values(k, m)
    keep = ref > 1e-8 * ref[0]
    assert np.allclose(got[keep], ref[keep], rtol=1e-6)
    assert np.all(np.diff(got) <= 0)


def test_hsv_mpmath_reference_and_zero_tail():
    rates, weights = [0.5, 1.0, 3.0, 8.0], [1.0, -2.0, 0.7, 0.4]
    with mp.workdps(50):
        lam = [mp.mpf(r) for r in rates]
        C = mp.matrix(4, 4)
        for i in range(4):
            for j in range(4):
                C[i, j] = 1 / (lam[i] + lam[j])
        M = C * mp.diag([mp.mpf(w) for w in weights])  # eig(C D_w) = ±σ
        ev = mp.eig(M)[0]
        ref = sorted((abs(float(mp.re(e))) for e in ev), reverse=True)
    got = H.hankel_singular_values(K.ExponentialSum(rates, weights), 6)
    assert np.allclose(got[:4], ref, rtol=1e-9)
    assert np.all(got[4:] == 0)


def test_hsv_dense_model_and_oscillation():
    W = np.array([[-1.0, 2.0, 0.0], [-2.0, -1.0, 0.5], [0.0, 0.0, -0.3]])
    U, c = np.array([1.0, 0.5, -1.0]), np.array([0.7, -1.2, 2.0])
    assert np.allclose(H.hankel_singular_values(LinearRNN(W, U, c), 3), _gramian_hsv(W, U, c), rtol=1e-8)
    d = K.DampedOscillation(0.5, 3.0, 1.5)
    Wd, Ud, cd = d.state_space()
    assert np.allclose(H.hankel_singular_values(d, 2), _gramian_hsv(Wd, Ud[:, 0], cd), rtol=1e-8)


def test_hsv_quadrature_on_an_exponential_sum():
    """The quadrature path on a kernel whose answer is known: hide the realisation of a sum."""

    class Hidden(K.Kernel):
        inner = K.ExponentialSum([0.3, 2.0], [1.0, -0.5])

        def _eval(self, t):
            return self.inner._eval(t)

        def _primitive(self, t):
            return self.inner._primitive(t)

    got = H.hankel_singular_values(Hidden(), 3)
    ref = H.hankel_singular_values(Hidden.inner, 3)
    assert np.allclose(got[:2], ref[:2], rtol=1e-9)
    assert got[2] < 1e-12


@pytest.mark.parametrize("kern", [K.PowerLaw(0.5), K.Delayed(5.0, 1.0), K.Airy(6.0, 1.5)], ids=repr)
def test_hsv_converged_under_refinement(kern):
    a = H.hankel_singular_values(kern, 12)
    b = H.hankel_singular_values(kern, 12, refine=2)
    assert np.allclose(a, b, rtol=1e-6)
    assert np.all(np.diff(a) <= 0)


def test_hsv_power_law_trace():
    """Γ of a completely monotone kernel is positive with trace ∫ρ(2t)dt = ‖ρ‖₁/2."""
    s = H.hankel_singular_values(K.PowerLaw(1.0), 2000, tol=1e-10)
    assert abs(s.sum() - 0.5) < 1e-6


def test_hankel_bound_below_achieved_l1():
    target = K.PowerLaw(0.5)
    s = H.hankel_singular_values(target, 12) / target.norm(1)
    for m in (2, 5, 10):
        lam = R.geometric_rates(m, rate_max=8.0)
        a, _ = R.exact_fit(target, lam)
        assert R.l1_error(target, lam, a) >= s[m]




@pytest.mark.parametrize("kern", [K.PowerLaw(0.5), K.Exponential(1.0)], ids=repr)
def test_hsv_scale_linearly_with_extreme_weights(kern):
    """σ(aρ) = |a| σ(ρ): the quadrature and the Gramians are computed in scaled form (no overflow at 1e300)."""
    base = H.hankel_singular_values(kern, 4)
    for a in (1e300, -1e-300):
        got = H.hankel_singular_values(a * kern, 4)
        assert np.all(np.isfinite(got))
        assert np.allclose(got, abs(a) * base, rtol=1e-10, atol=0)


def test_zero_kernel_and_bounded_work():
    assert np.all(H.hankel_singular_values(0.0 * K.PowerLaw(0.5), 3) == 0)
    assert np.all(H.hankel_singular_values(0.0 * K.Exponential(1.0), 3) == 0)
    with pytest.raises(ValueError, match="refine"):
        H.hankel_singular_values(K.PowerLaw(0.5), 3, refine=17)
    with pytest.raises(ValueError, match="refine|tol"):       # a Nyström matrix beyond 4096 nodes
        H.hankel_singular_values(K.PowerLaw(0.01), 3, refine=16, tol=1e-12)
    with pytest.raises(ValueError, match="k"):
        H.hankel_singular_values(K.PowerLaw(0.5), 10**12)
    with pytest.raises(ValueError, match="tol"):
        H.hankel_singular_values(K.PowerLaw(0.5), 3, tol=1.5)
