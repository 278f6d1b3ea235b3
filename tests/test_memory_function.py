"""Tests of lrnn.memory: the memory function against closed forms and scipy.linalg.expm, the perturbation
error against lrnn.distance and the instability threshold."""

import numpy as np
import pytest
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
    betas = np.array([0.0, 0.5 * rmin, 0.999 * rmin, rmin, 2 * rmin])
    E = memory.perturbation_error(target, model, betas)
    assert np.all(np.isfinite(E[:3])) and np.all(np.isinf(E[3:]))
    assert E[0] == pytest.approx(lrnn.distance(target, model) / target.norm(), rel=1e-6)
    assert E[0] <= E[1] <= E[2]
    # more random directions can only raise the maximum (same seed: the first ones coincide)
    few = memory.perturbation_error(target, model, betas[:3], n_samples=2, seed=0)
    assert np.all(memory.perturbation_error(target, model, betas[:3], n_samples=30, seed=0) >= few - 1e-15)


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
    m = LinearRNN.diagonal([1.0, 2.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="rate_perturbations"):
        memory.perturbed_errors(k, m, np.zeros((1, 3)))
    with pytest.raises(TypeError, match="model"):
        memory.perturbation_error(k, "m", [0.1])
    with pytest.raises(ValueError, match="diagonal"):
        memory.perturbation_error(k, LinearRNN(np.array([[-1.0, 1.0], [0.0, -1.0]]), np.ones(2), np.ones(2)), [0.1])
    with pytest.raises(ValueError, match="betas"):
        memory.perturbation_error(k, m, [-0.1])
    with pytest.raises(TypeError, match="target"):
        memory.perturbed_errors("k", m, np.zeros((1, 2)))
