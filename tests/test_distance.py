"""lrnn.distance and lrnn.inner against quadrature and closed forms."""

import numpy as np
import pytest
from scipy import integrate

import lrnn
from lrnn import kernels as K


def quad_distance(f, g, p, t_max=200.0, points=None):
    h = lambda t: abs(f(t) - g(t)) ** p  # noqa: E731
    val = integrate.quad(h, 0, t_max, limit=1000, points=points, epsabs=1e-15, epsrel=1e-12)[0]
    val += integrate.quad(h, t_max, np.inf, limit=200)[0]
    return val ** (1 / p)


PAIRS = [
    (K.Exponential(1.0), K.Exponential(2.0, 0.5)),
    (K.PowerLaw(0.5), K.ExponentialSum([0.2, 1.0, 5.0], [0.3, 0.4, 0.2])),
    (K.Delayed(3.0, 0.7), lrnn.LinearRNN.diagonal([0.5, 1.5], [0.4, -0.2])),
    (K.Airy(4.0), K.Exponential(1.0, 0.2)),
    (K.DampedOscillation(0.5, 2.0), K.PowerLaw(1.0, 0.3)),
]


@pytest.mark.parametrize("a, b", PAIRS, ids=lambda o: repr(o))
@pytest.mark.parametrize("p", [1, 2])
def test_distance_matches_quadrature(a, b, p):
    fa = a.kernel if isinstance(a, lrnn.LinearRNN) else a
    fb = b.kernel if isinstance(b, lrnn.LinearRNN) else b
    points = [0.5, 1, 2, 3, 4, 5, 8, 12, 20]
    ref = quad_distance(lambda t: float(fa(t)), lambda t: float(fb(t)), p, points=points)
    assert lrnn.distance(a, b, p) == pytest.approx(ref, rel=1e-7)
    assert lrnn.distance(b, a, p) == pytest.approx(ref, rel=1e-7)


def test_exact_l2_between_exponential_sums_is_gram_form():
    r1, w1 = np.array([0.3, 1.0]), np.array([1.0, -0.5])
    r2, w2 = np.array([0.5, 2.0, 4.0]), np.array([0.2, 0.1, 0.7])
    r, w = np.concatenate([r1, r2]), np.concatenate([w1, -w2])
    gram = w @ (1.0 / np.add.outer(r, r)) @ w
    assert lrnn.distance(K.ExponentialSum(r1, w1), lrnn.LinearRNN.diagonal(r2, w2)) == pytest.approx(np.sqrt(gram),
                                                                                                     rel=1e-12)


def test_tiny_distances_do_not_cancel():
    """‖a − b‖ for nearly equal kernels: the expanded Gram form would lose every digit."""
    a = K.PowerLaw(0.5)
    b = K.PowerLaw(0.5) + K.Exponential(1.0, 1e-9)
    assert lrnn.distance(a, b, 2) == pytest.approx(1e-9 / np.sqrt(2.0), rel=1e-5)
    m1 = lrnn.LinearRNN.diagonal([1.0, 2.0], [1.0, 1.0])
    m2 = lrnn.LinearRNN.diagonal([1.0, 2.0], [1.0, 1.0 + 1e-10])
    assert lrnn.distance(m1, m2, 2) == pytest.approx(1e-10 / 2.0, rel=1e-5)


def test_norm_as_distance_to_zero_and_vector_models():
    k = K.Delayed(2.0)
    assert lrnn.distance(k, None, 1) == pytest.approx(k.norm(1))
    assert lrnn.distance(None, k, 2) == pytest.approx(k.norm(2))
    rng = np.random.default_rng(0)
    W = -np.diag([0.5, 1.0, 3.0]) + 0.2 * rng.standard_normal((3, 3))
    U, c = rng.standard_normal((3, 2)), rng.standard_normal(3)
    m = lrnn.LinearRNN(W, U, c)
    l2 = np.sqrt(integrate.quad(lambda t: np.sum(m.kernel(t) ** 2), 0, np.inf, limit=200)[0])
    l1 = integrate.quad(lambda t: np.sum(np.abs(m.kernel(t))), 0, 80, limit=1000)[0]
    assert lrnn.distance(m, None, 2) == pytest.approx(l2, rel=1e-9)
    assert lrnn.distance(m, None, 1) == pytest.approx(l1, rel=1e-7)
    m2 = lrnn.LinearRNN(W * 1.1, U, c)
    d = np.sqrt(integrate.quad(lambda t: np.sum((m.kernel(t) - m2.kernel(t)) ** 2), 0, np.inf, limit=200)[0])
    assert lrnn.distance(m, m2, 2) == pytest.approx(d, rel=1e-8)


def test_inner_product_closed_forms_agree_with_quadrature():
    pairs = [(K.Exponential(0.7), K.PowerLaw(0.3)), (K.Delayed(2.0), K.Airy(1.0)),
             (K.DampedOscillation(1.0, 2.0), K.ExponentialSum([1.0, 3.0], [1.0, -1.0]))]
    for a, b in pairs:
        ref = integrate.quad(lambda t: float(a(t) * b(t)), 0, np.inf, limit=500)[0]
        assert lrnn.inner(a, b) == pytest.approx(ref, rel=1e-8, abs=1e-14)


def test_bad_arguments():
    with pytest.raises(ValueError, match="p must be 1 or 2"):
        lrnn.distance(K.Exponential(1.0), K.Exponential(2.0), p=3)
    with pytest.raises(TypeError, match="b must be a kernel"):
        lrnn.distance(K.Exponential(1.0), np.ones(3))
    vec = lrnn.LinearRNN(-np.eye(2), np.ones((2, 2)), np.ones(2))
    with pytest.raises(TypeError, match="a must be a LinearRNN when comparing models with vector input"):
        lrnn.distance(K.Exponential(1.0), vec)
    with pytest.raises(ValueError, match="same input dimension"):
        lrnn.distance(vec, lrnn.LinearRNN(-np.eye(2), np.ones((2, 3)), np.ones(2)))


def test_large_alternating_weights_do_not_fool_the_closed_form():
    """A 12-term fit on λ_k = k has weights ~1e7 of alternating sign: the Gram form cancels.
    The distance must still match the Blaschke product Π|γ−λ_k|/(γ+λ_k) (paper-notes C1)."""
    gamma, lam = 0.37, np.arange(1.0, 13.0)
    G = 1.0 / np.add.outer(lam, lam)
    # best weights from the normal equations in extended precision (independent of lrnn.fit)
    import mpmath as mp

    mp.mp.dps = 60
    Gm = mp.matrix([[mp.mpf(1) / (mp.mpf(a) + mp.mpf(b)) for b in lam] for a in lam])
    bm = mp.matrix([mp.mpf(1) / (mp.mpf(gamma) + mp.mpf(a)) for a in lam])
    w = np.array([float(v) for v in mp.lu_solve(Gm, bm)])
    assert np.max(np.abs(w)) > 1e6 and np.linalg.cond(G) > 1e15
    model = lrnn.LinearRNN.diagonal(lam, w)
    target = K.Exponential(gamma)
    blaschke = np.prod(np.abs(gamma - lam) / (gamma + lam))
    assert lrnn.distance(target, model) / target.norm(2) == pytest.approx(blaschke, rel=1e-6)
