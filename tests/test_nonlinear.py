"""Tests of lrnn.nonlinear: the tanh RNN against its linearisation, an independent Euler/RK integration,
the equilibrium -W⁻¹Ux, and training on sampled sequences."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from lrnn import LinearRNN, kernels, nonlinear


def _net(seed=0, m=3):
    rng = np.random.default_rng(seed)
    return nonlinear.TanhRNN(-np.eye(m) + 0.3 * rng.standard_normal((m, m)), rng.standard_normal(m),
                             rng.standard_normal(m))


def test_step_response_against_independent_integration():
    net = _net()
    t = np.array([0.0, 0.5, 2.0, 7.0])
    x = 1.7
    sol = solve_ivp(lambda s, h: np.tanh(net.W @ h + net.U * x), (0, 7), np.zeros(3), method="Radau",
                    t_eval=t, rtol=1e-11, atol=1e-13)
    assert np.allclose(net.step_response(t, [x])[0], net.c @ sol.y, atol=1e-8)


def test_small_steps_follow_the_linearisation_and_equilibrium():
    net = _net(1)
    t = np.linspace(0, 5, 11)
    lin = LinearRNN(net.W, net.U, net.c)
    eps = 1e-5
    assert np.allclose(net.step_response(t, [eps])[0] / eps, lin.step_response(t), rtol=1e-4, atol=1e-9)
    assert isinstance(net.linearisation(), LinearRNN)
    # equilibrium of a large step: tanh(W h* + U x) = 0  =>  h* = -W^{-1} U x, the linear one
    x = 2.5
    h_star = -np.linalg.solve(net.W, net.U * x)
    assert net.step_response([60.0], [x])[0, 0] == pytest.approx(net.c @ h_star, rel=1e-6)
    # but the transient differs from the linear one (saturation)
    assert not np.allclose(net.step_response(t, [x])[0] / x, lin.step_response(t), rtol=1e-2)


def test_training_reduces_loss_and_fits_target():
    target = kernels.Exponential(0.5)
    run = nonlinear.train_tanh_rnn(target, 4, 60, lr=0.03, dt=0.25, horizon=6.0, n_eval=8, batch=8, seed=0)
    assert run.loss.shape == (61,)
    assert run.loss[-1] < 0.2 * run.loss[0]
    assert isinstance(run.model, nonlinear.TanhRNN) and run.model.hidden_size == 4
    # same seed, same result
    again = nonlinear.train_tanh_rnn(target, 4, 5, lr=0.03, dt=0.25, horizon=6.0, n_eval=8, batch=8, seed=0)
    assert np.allclose(again.loss, run.loss[:6])


def test_bad_input():
    with pytest.raises(ValueError, match="W"):
        nonlinear.TanhRNN(np.ones((2, 3)), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="U"):
        nonlinear.TanhRNN(-np.eye(2), np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="c"):
        nonlinear.TanhRNN(-np.eye(2), np.ones(2), np.ones(3))
    net = _net()
    with pytest.raises(ValueError, match="t"):
        net.step_response([-1.0], [1.0])
    with pytest.raises(TypeError, match="target"):
        nonlinear.train_tanh_rnn("k", 3, 1)
    with pytest.raises(TypeError, match="hidden_size"):
        nonlinear.train_tanh_rnn(kernels.Exponential(1.0), 2.5, 1)
    with pytest.raises(ValueError, match="lr"):
        nonlinear.train_tanh_rnn(kernels.Exponential(1.0), 2, 1, lr=0.0)
