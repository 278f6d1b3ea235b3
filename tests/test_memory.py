"""Tests of lrnn.memory: the memory function against closed forms and scipy.linalg.expm (scalar and vector
inputs, second order at every t, far times and small steps), the perturbation error against lrnn.distance and the
instability threshold."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.linalg import expm

import lrnn
from lrnn import LinearRNN, kernels, memory, nonlinear


@pytest.mark.parametrize("k", [kernels.Exponential(0.7, 2.0), kernels.PowerLaw(0.5), kernels.Delayed(2.0),
                               kernels.DampedOscillation(0.5, 3.0)], ids=repr)
def test_linear_memory_function_is_abs_kernel(k):
    t = np.linspace(0.1, 8.0, 40)
    assert np.allclose(memory.memory_function(k, t), np.abs(k(t)), rtol=1e-6, atol=1e-9)
    # amplitudes do not matter for a linear functional
    assert np.allclose(memory.memory_function(k, t, [0.1, -5.0]), memory.memory_function(k, t))


def test_dense_linear_rnn_against_expm():
    W = np.array([[-1.0, 2.0, 0.0], [-2.0, -1.0, 0.0], [0.0, 0.5, -0.3]])
    U, c = np.array([1.0, 0.0, 1.0]), np.array([1.0, 1.0, -0.5])
    model = LinearRNN(W, U, c)
    t = np.linspace(0.05, 6.0, 25)
    ref = np.abs([c @ expm(W * s) @ U for s in t])
    assert np.allclose(memory.memory_function(model, t), ref, atol=1e-7)


def test_vector_input_linear_rnn_is_l1_norm_of_kernel():
    """d > 1 inputs: M(t) = |rho(t)|_1, the sum over input components of |c^T e^{Wt} U_j| (scipy expm)."""
    W = np.array([[-1.0, 0.5, 0.0], [0.0, -2.0, 1.0], [0.0, 0.0, -0.4]])
    U = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    c = np.array([1.0, -1.0, 0.5])
    model = LinearRNN(W, U, c)
    t = np.array([0.0, 3e-5, 0.2, 1.0, 4.0])
    ref = np.array([np.sum(np.abs(c @ expm(W * s) @ U)) for s in t])
    M = memory.memory_function(model, t)
    assert M.shape == t.shape
    assert np.allclose(M, ref, rtol=1e-7, atol=1e-9)
    assert np.allclose(memory.memory_function(model, t.reshape(5, 1)), ref.reshape(5, 1), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("t0", [0.0, 0.2e-3, 2.0])
def test_second_order_everywhere_including_t_below_h(t0):
    """Halving h divides the error by about 4 at every t, also at t < h (one-sided second-order stencil)."""
    k = kernels.PowerLaw(0.5)           # large derivatives near t = 0: a first-order stencil would show there
    exact = float(np.abs(k(np.array([t0])))[0])
    errs = [abs(float(memory.memory_function(k, [t0], h=h)[0]) - exact) for h in (1e-3, 5e-4)]
    assert errs[0] < 5e-6               # a first-order difference would be off by about h |rho'(0)| / 2 ~ 1e-3
    assert 3.0 < errs[0] / errs[1] < 5.0, errs


def test_error_below_h_squared_across_the_stencil_switch():
    k = kernels.PowerLaw(0.5)
    t = np.linspace(0.0, 3e-3, 31)          # both sides of t = h
    for h in (1e-3, 5e-4):
        err = np.abs(memory.memory_function(k, t, h=h) - np.abs(k(t)))
        assert err.max() < 2.0 * h**2, (h, err.max())


def test_tanh_memory_function_small_steps_and_saturation():
    rng = np.random.default_rng(1)
    W = -np.eye(3) + 0.3 * rng.standard_normal((3, 3))
    net = nonlinear.TanhRNN(W, rng.standard_normal(3), rng.standard_normal(3))
    t = np.linspace(0.0, 6.0, 13)
    lin = np.abs([net.c @ expm(W * s) @ net.U for s in t])
    assert np.allclose(memory.memory_function(net, t, [1e-5]), lin, rtol=1e-4, atol=1e-10)
    # max over amplitudes is at least each single amplitude
    both = memory.memory_function(net, t, [0.5, 3.0])
    assert np.all(both >= memory.memory_function(net, t, [3.0]) * (1 - 1e-7))
    # the exact derivative agrees with differences of the step response
    x = [2.0]
    tt = np.linspace(1.0, 3.0, 5)
    fd = (net.step_response(tt + 1e-5, x) - net.step_response(tt - 1e-5, x)) / 2e-5
    assert np.allclose(net.step_derivative(tt, x), fd, rtol=1e-5, atol=1e-8)


def test_tanh_memory_function_decays_at_the_spectral_abscissa():
    """Large t: log M(t) has the slope sa(W) of the linearisation, for small and saturating steps alike."""
    rng = np.random.default_rng(4)
    W = -np.diag([0.6, 1.0, 1.5]) + 0.1 * rng.standard_normal((3, 3))
    net = nonlinear.TanhRNN(W, rng.standard_normal(3), rng.standard_normal(3))
    sa = np.max(np.linalg.eigvals(W).real)
    t = np.linspace(15.0, 25.0, 21)
    for x in (0.1, 5.0):
        slope = np.polyfit(t, np.log(memory.memory_function(net, t, [x])), 1)[0]
        assert slope == pytest.approx(sa, rel=2e-3), (x, slope, sa)


def test_perturbed_errors_match_distance():
    target = kernels.PowerLaw(0.5)
    model = lrnn.fit(target, 3)
    r, a = -np.diag(model.W), model.c
    D = np.array([[0.0, 0.0, 0.0], [-0.5 * r.min(), 0.1, -0.2], [0.01, 0.02, 0.03]])
    ours = memory.perturbed_errors(target, model, D)
    for d, e in zip(D, ours):
        ref = lrnn.distance(target, LinearRNN.diagonal(r + d, a)) / target.norm()
        assert e == pytest.approx(ref, rel=1e-7)
    assert np.isinf(memory.perturbed_errors(target, model, -r.min() * np.ones((1, 3))))[0]


def test_perturbation_error_threshold_and_monotone_in_samples():
    target = kernels.PowerLaw(0.5)
    model = lrnn.fit(target, 4)
    rmin = np.min(-np.diag(model.W))
    deltas = np.array([0.0, 0.5 * rmin, 0.999 * rmin, rmin, 2 * rmin])
    E = memory.perturbation_error(target, model, deltas)
    assert np.all(np.isfinite(E[:3])) and np.all(np.isinf(E[3:]))
    assert E[0] == pytest.approx(lrnn.distance(target, model) / target.norm(), rel=1e-6)
    assert E[0] <= E[1] <= E[2]
    # more random directions can only raise the maximum (same seed: the first ones coincide)
    few = memory.perturbation_error(target, model, deltas[:3], n_samples=2, seed=0)
    assert np.all(memory.perturbation_error(target, model, deltas[:3], n_samples=30, seed=0) >= few - 1e-15)


def test_perturbation_error_against_a_loop_over_models():
    """The vectorised closed form (Laplace transform on distinct rates only) against lrnn.distance per model."""
    target = kernels.PowerLaw(0.5)
    model = lrnn.fit(target, 3)
    d = np.geomspace(1e-4, 0.05, 7)
    r, a = -np.diag(model.W), model.c
    rng = np.random.default_rng(0)
    xi = np.vstack([np.ones(3), -np.ones(3), rng.choice([-1.0, 1.0], size=(4, 3))])
    ref = []
    for delta in d:
        worst = 0.0
        for x in xi:
            rr = r - delta * x
            e = np.inf if np.any(rr <= 0) else lrnn.distance(target, LinearRNN.diagonal(rr, a)) / target.norm()
            worst = max(worst, e)
        ref.append(worst)
    ref = np.array(ref)
    ours = memory.perturbation_error(target, model, d, n_samples=4, seed=0)
    fin = np.isfinite(ref)
    assert np.array_equal(fin, np.isfinite(ours))
    assert np.allclose(ours[fin], ref[fin], rtol=1e-7)
    # the former keyword name still works
    assert np.array_equal(memory.perturbation_error(target, model, betas=d, n_samples=4), ours)


def test_perturbed_kernel_beyond_the_margin_is_not_integrable():
    """At delta = lambda_min the slowest unit becomes a constant: the L1 error on [0, T] grows like T."""
    target = kernels.PowerLaw(0.5)
    model = lrnn.fit(target, 4)
    r, a = -np.diag(model.W), model.c
    delta = r.min()
    assert np.isinf(memory.perturbation_error(target, model, [delta])[0])

    def diff(s):
        return abs(float(target(np.array([s]))[0]) - float(np.sum(a * np.exp(-(r - delta) * s))))

    l1 = [quad(diff, 0, T, limit=400)[0] for T in (1e2, 1e3)]
    assert l1[1] > 5 * l1[0]


def test_bad_input():
    k = kernels.Exponential(1.0)
    with pytest.raises(TypeError, match="system"):
        memory.memory_function("k", [1.0])
    with pytest.raises(ValueError, match="amplitudes"):
        memory.memory_function(k, [1.0], [0.0])
    with pytest.raises(ValueError, match="t"):
        memory.memory_function(k, [-1.0])
    with pytest.raises(ValueError, match="h"):
        memory.memory_function(k, [1.0], h=-1.0)
    with pytest.raises(TypeError, match="h"):
        memory.memory_function(k, [1.0], h=True)
    with pytest.raises(ValueError, match="h"):
        memory.memory_function(k, [1.0], h=1e-15)           # below 1e-12: refused (was 20 % wrong)
    m = LinearRNN.diagonal([1.0, 2.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="rate_perturbations"):
        memory.perturbed_errors(k, m, np.zeros((1, 3)))
    with pytest.raises(TypeError, match="model"):
        memory.perturbation_error(k, "m", [0.1])
    with pytest.raises(ValueError, match="diagonal"):
        memory.perturbation_error(k, LinearRNN(np.array([[-1.0, 1.0], [0.0, -1.0]]), np.ones(2), np.ones(2)), [0.1])
    with pytest.raises(ValueError, match="deltas"):
        memory.perturbation_error(k, m, [-0.1])
    with pytest.raises(TypeError, match="deltas"):
        memory.perturbation_error(k, m)
    with pytest.raises(TypeError, match="once"):
        memory.perturbation_error(k, m, [0.1], betas=[0.1])
    with pytest.raises(ValueError, match="n_samples"):
        memory.perturbation_error(k, m, [0.1], n_samples=-1)
    with pytest.raises(TypeError, match="target"):
        memory.perturbed_errors("k", m, np.zeros((1, 2)))
    with pytest.raises(ValueError, match="target is the zero kernel"):
        memory.perturbation_error(0.0 * k, m, [0.1])
    with pytest.raises(ValueError, match="seed"):
        memory.perturbation_error(k, m, [0.1], seed=-1)


def test_memory_function_at_far_times_and_small_steps():
    """Issue 16: t = 1e13 gave NaN and h = 1e-15 was 20 % off. The stencil integrates the kernel exactly over the
    interval float64 represents (widened to four spacings where h is below the spacing at t)."""
    pl = kernels.PowerLaw(0.5)
    t = np.array([0.0, 1.0, 1e6, 1e13, 1e300])
    M = memory.memory_function(pl, t)
    assert np.all(np.isfinite(M))
    assert np.allclose(M, (1 + t) ** -1.5, rtol=1e-6, atol=0)
    for h in (1e-12, 1e-8, 1e-2):
        assert memory.memory_function(pl, [2.0], h=h)[0] == pytest.approx(3.0**-1.5, rel=max(1e-9, 10 * h**2))
    ex = kernels.Exponential(1e-9, 3.0)                          # a slow exponential far out: 3 e^{-10}
    assert memory.memory_function(ex, [1e10])[0] == pytest.approx(3 * np.exp(-10.0), rel=1e-9)
