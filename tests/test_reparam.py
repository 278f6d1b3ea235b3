"""Tests of lrnn.reparam against independent references (finite differences, closed forms, lrnn.training.train,
a closed-form Hessian, simulation of the LRU recurrence)."""

import numpy as np
import pytest
from scipy import signal

from lrnn import LinearRNN, kernels, reparam, training

V = np.array([-3.0, -0.7, 0.4, 2.5])


@pytest.mark.parametrize("name", reparam.NAMES)
def test_forward_inverse_derivative(name):
    p = reparam.parameterisation(name)
    v = np.abs(V) if name in ("direct", "best") else V   # direct: positive rates; best: branch v >= 0
    r = p.forward(v)
    assert np.all(r > 0)
    assert np.allclose(p.inverse(r), v, rtol=1e-12, atol=1e-12)
    h = 1e-6
    assert np.allclose(p.derivative(v), (p.forward(v + h) - p.forward(v - h)) / (2 * h), rtol=1e-7, atol=1e-10)


def test_closed_forms():
    v = np.array([-2.0, 0.5, 3.0])
    assert np.allclose(reparam.parameterisation("exp").forward(v), np.exp(v))
    assert np.allclose(reparam.parameterisation("softplus").forward(v), np.log1p(np.exp(v)))
    pb = reparam.parameterisation("best", alpha=2.0, beta=0.5)
    assert np.allclose(pb.forward(v), 1 / (2 * v**2 + 0.5))
    assert pb.max_rate == 2.0 and pb.stable and not reparam.parameterisation("direct").stable
    # softplus inverse for large rates does not overflow
    assert np.allclose(reparam.parameterisation("softplus").inverse(np.array([800.0])), 800.0)


def test_gradient_weight_ratio():
    pb = reparam.parameterisation("best", alpha=1.5)
    assert np.allclose(reparam.gradient_weight_ratio(pb, V), 3.0, rtol=1e-12)
    r = np.array([1e-4, 1e-2, 0.3])
    assert np.allclose(reparam.gradient_weight_ratio("exp", np.log(r)), 1 / (r * np.abs(np.log(r))))
    assert np.allclose(reparam.gradient_weight_ratio("direct", r), 1 / r**3)
    q = reparam.gradient_weight_ratio("softplus", reparam.parameterisation("softplus").inverse(r))
    assert q[0] > q[1] > q[2]


def test_direct_training_equals_lrnn_train():
    """With f(v) = v the reparameterised GD is exactly lrnn.train (an independent implementation)."""
    target = kernels.Exponential(1.0) + kernels.Delayed(3.0)
    init = LinearRNN.diagonal([0.5, 2.0], [0.3, 0.1])
    ours = reparam.train_reparameterised(target, init, "direct", 200, 0.05)
    ref = training.train(target, init, 200, 0.05)
    assert np.allclose(ours.loss, ref.loss, rtol=1e-12)
    assert np.allclose(ours.rates, ref.rates, rtol=1e-12)
    ours_a = reparam.train_reparameterised(target, init, "direct", 50, 0.01, "adam")
    ref_a = training.train(target, init, 50, 0.01, "adam")
    assert np.allclose(ours_a.loss, ref_a.loss, rtol=1e-12)


@pytest.mark.parametrize("name", ["exp", "softplus", "best"])
def test_chain_rule_gradient_step(name):
    """One GD step in v equals a finite-difference gradient of J(f(v), a)."""
    target = kernels.ExponentialSum([0.3, 2.0], [1.0, -0.5])
    r0, a0 = np.array([0.4, 1.3]), np.array([0.7, -0.2])
    p = reparam.parameterisation(name)
    run = reparam.train_reparameterised(target, LinearRNN.diagonal(r0, a0), p, 1, 1e-3)
    v0 = p.inverse(r0)
    J = lambda v: training.white_noise_loss(target, p.forward(v), a0)
    fd = np.array([(J(v0 + 1e-6 * e) - J(v0 - 1e-6 * e)) / 2e-6 for e in np.eye(2)])
    assert np.allclose((v0 - run.free[1]) / 1e-3, fd, rtol=1e-6)


def test_direct_crosses_and_stable_maps_do_not():
    target = kernels.ExponentialSum(np.geomspace(0.02, 2, 6), 0.5 * np.sqrt(np.geomspace(0.02, 2, 6)))
    init = LinearRNN.diagonal([0.1, 0.5, 2.0], [0.3, 0.3, 0.3])
    d = reparam.train_reparameterised(target, init, "direct", 50, 0.3)
    assert d.stopped_at == 1 and d.reason == "crossed" and np.isinf(d.loss[1:]).all()
    assert np.allclose(d.model.kernel(1.0), init.kernel(1.0))
    for name in ("exp", "softplus", "best"):
        run = reparam.train_reparameterised(target, init, name, 50, 0.3)
        assert run.stable and np.all(run.rates[-1] > 0)


def test_hessian_closed_form_and_stable_step():
    g, c = 0.7, 1.3
    t, m = kernels.Exponential(g, c), LinearRNN.diagonal([g], [c])
    H = np.array([[c**2 / (4 * g**3), -c / (4 * g**2)], [-c / (4 * g**2), 1 / (2 * g)]])
    assert np.allclose(reparam.hessian(t, m), H, rtol=1e-6)
    D = np.diag([g, 1.0])                                  # exp: f'(v) = r
    assert np.allclose(reparam.hessian(t, m, "exp"), D @ H @ D, rtol=1e-6)
    eta = reparam.stable_learning_rate(t, m, "direct")
    assert eta == pytest.approx(2 / np.linalg.eigvalsh(H).max(), rel=1e-6)
    near = LinearRNN.diagonal([g * 1.01], [c])
    ok = reparam.train_reparameterised(t, near, "direct", 2000, 0.9 * eta)
    bad = reparam.train_reparameterised(t, near, "direct", 2000, 1.1 * eta)
    assert ok.loss[-1] < 1e-3 * ok.loss[0]
    assert not bad.stable or bad.loss[-1] > ok.loss[0]


def test_ssm_eigenvalues_and_lru_normalisation():
    m = 8
    assert np.allclose(reparam.ssm_eigenvalues("s4d-real", m, dt=0.5), -0.5 * np.arange(1, m + 1))
    lin = reparam.ssm_eigenvalues("s4d-lin", m, dt=0.1)
    assert np.allclose(lin.real, -0.05) and np.allclose(lin.imag, 0.1 * np.pi * np.arange(m))
    inv = reparam.ssm_eigenvalues("s4d-inv", m, dt=1.0)
    n = np.arange(m)
    assert np.allclose(inv.imag, (m / np.pi) * (m / (2 * n + 1) - 1))
    lay = reparam.ssm_eigenvalues("s4d-lin-layer", m)
    assert np.allclose(lay.real, -0.5 * np.geomspace(1e-3, 1e-1, m))
    mu = reparam.ssm_eigenvalues("lru", 2000, r_min=0.5, r_max=0.99, max_phase=np.pi, seed=3)
    rad = np.abs(np.exp(mu))
    assert rad.min() >= 0.5 and rad.max() <= 0.99 and np.all((mu.imag >= 0) & (mu.imag <= np.pi))
    # uniform on the ring: |λ|² is uniform, so its mean is the midpoint
    assert np.mean(rad**2) == pytest.approx((0.25 + 0.99**2) / 2, abs=0.02)
    # normalisation: stationary variance 1 (simulated with lfilter)
    mu4 = reparam.ssm_eigenvalues("lru", 3, seed=0)
    x = np.random.default_rng(0).standard_normal(200_000).astype(complex)
    for g, u in zip(reparam.lru_normalisation(mu4), mu4):
        h = signal.lfilter([g], [1.0, -np.exp(u)], x)[5000:]
        assert np.mean(np.abs(h) ** 2) == pytest.approx(1.0, abs=0.08)


def test_bad_input():
    with pytest.raises(ValueError, match="name"):
        reparam.parameterisation("tanh")
    with pytest.raises(ValueError, match="alpha"):
        reparam.parameterisation("best", alpha=-1.0)
    with pytest.raises(ValueError, match="rates"):
        reparam.parameterisation("exp").inverse(np.array([-1.0]))
    with pytest.raises(ValueError, match="rates"):
        reparam.parameterisation("best", beta=0.1).inverse(np.array([11.0]))
    with pytest.raises(ValueError, match="v"):
        reparam.gradient_weight_ratio("exp", [0.0])
    with pytest.raises(TypeError, match="param"):
        reparam.gradient_weight_ratio(3, [1.0])
    t, m = kernels.Exponential(1.0), LinearRNN.diagonal([1.0], [1.0])
    with pytest.raises(TypeError, match="target"):
        reparam.train_reparameterised("x", m, "exp", 1, 0.1)
    with pytest.raises(TypeError, match="init"):
        reparam.train_reparameterised(t, "m", "exp", 1, 0.1)
    with pytest.raises(ValueError, match="lr"):
        reparam.train_reparameterised(t, m, "exp", 1, -0.1)
    with pytest.raises(TypeError, match="steps"):
        reparam.train_reparameterised(t, m, "exp", 1.5, 0.1)
    with pytest.raises(ValueError, match="optimizer"):
        reparam.train_reparameterised(t, m, "exp", 1, 0.1, "sgd")
    with pytest.raises(ValueError, match="scheme"):
        reparam.ssm_eigenvalues("s5", 4)
    with pytest.raises(ValueError, match="m"):
        reparam.ssm_eigenvalues("lru", 0)
    with pytest.raises(ValueError, match="r_min"):
        reparam.ssm_eigenvalues("lru", 4, r_min=0.9, r_max=1.2)
    with pytest.raises(ValueError, match="mu"):
        reparam.lru_normalisation([0.1 + 1j])


def test_train_reparam_hook_matches_the_reparam_module_and_direct_training():
    """lrnn.train(..., reparam=...) delegates to reparam.train_reparameterised; "direct" is plain training."""
    import numpy as np

    import lrnn
    from lrnn import kernels
    from lrnn import reparam as rp

    target = kernels.Exponential(0.5) + kernels.Delayed(3.0, weight=0.5)
    init = lrnn.LinearRNN.diagonal([1.0, 2.0], [0.3, 0.1])
    plain = lrnn.train(target, init, 40, 0.05)
    direct = lrnn.train(target, init, 40, 0.05, reparam="direct")
    assert np.allclose(plain.loss, direct.loss, rtol=1e-12) and direct.reparam == "direct"
    via_train = lrnn.train(target, init, 40, 0.05, optimizer="adam", reparam="softplus")
    ref = rp.train_reparameterised(target, init, rp.parameterisation("softplus"), 40, 0.05, "adam")
    assert np.array_equal(via_train.loss, ref.loss) and np.array_equal(via_train.free, ref.free)
    assert np.all(via_train.rates[np.isfinite(via_train.rates)] > 0)
    import pytest

    with pytest.raises(ValueError, match="freeze cannot be combined with reparam"):
        lrnn.train(target, init, 5, 0.05, freeze=[0], reparam="exp")
