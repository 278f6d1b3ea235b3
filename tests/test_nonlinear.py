"""Tests of lrnn.nonlinear: the tanh RNN against its linearisation, an independent Euler/RK integration,
the equilibrium -W⁻¹Ux, the hand-written backpropagation through time against torch.autograd and finite
differences, and training against a torch implementation (autograd + torch.optim.Adam)."""

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
    # the linearisation's kernel is c^T e^{Wt} U (scipy.linalg.expm), the small-amplitude limit of the tanh net
    from scipy.linalg import expm

    lin2 = net.linearisation()
    assert np.allclose(lin2.kernel(t), [net.c @ expm(net.W * s) @ net.U for s in t], rtol=1e-12, atol=1e-14)
    assert np.allclose(net.step_derivative(t, [eps])[0] / eps, lin2.kernel(t), rtol=1e-4, atol=1e-9)
    # equilibrium of a large step: tanh(W h* + U x) = 0  =>  h* = -W^{-1} U x, the linear one
    x = 2.5
    h_star = -np.linalg.solve(net.W, net.U * x)
    assert net.step_response([60.0], [x])[0, 0] == pytest.approx(net.c @ h_star, rel=1e-6)
    # but the transient differs from the linear one (saturation)
    assert not np.allclose(net.step_response(t, [x])[0] / x, lin.step_response(t), rtol=1e-2)


def _torch_loss(W, U, c, X, Y, dt, n_eval):
    import torch

    h = torch.zeros(X.shape[0], W.shape[0], dtype=torch.float64)
    outs = []
    for k in range(X.shape[1]):
        h = h + dt * torch.tanh(h @ W.T + X[:, k:k + 1] * U)
        if k >= X.shape[1] - n_eval:
            outs.append(h @ c)
    return torch.mean((torch.stack(outs, dim=1) - Y) ** 2)


def test_backpropagation_through_time_against_torch_and_finite_differences():
    import torch

    rng = np.random.default_rng(5)
    m, B, n, n_eval, dt = 4, 3, 12, 5, 0.3
    W, U, c = -np.eye(m) + 0.4 * rng.standard_normal((m, m)), rng.standard_normal(m), rng.standard_normal(m)
    X, Y = rng.standard_normal((B, n)), rng.standard_normal((B, n_eval))
    loss, gW, gU, gc = nonlinear._loss_and_gradient(W, U, c, X, Y, dt, n_eval)
    tW, tU, tc = (torch.tensor(p, requires_grad=True) for p in (W, U, c))
    tl = _torch_loss(tW, tU, tc, torch.tensor(X), torch.tensor(Y), dt, n_eval)
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-13)
    for ours, ref in ((gW, tW.grad), (gU, tU.grad), (gc, tc.grad)):
        assert np.allclose(ours, ref.numpy(), rtol=1e-11, atol=1e-14)
    # and one directional derivative by central differences
    D = rng.standard_normal((m, m))
    fd = (nonlinear._loss_and_gradient(W + 1e-6 * D, U, c, X, Y, dt, n_eval)[0]
          - nonlinear._loss_and_gradient(W - 1e-6 * D, U, c, X, Y, dt, n_eval)[0]) / 2e-6
    assert fd == pytest.approx(np.sum(gW * D), rel=1e-6)


def test_training_matches_torch_adam():
    """train_tanh_rnn against the same model trained with torch.autograd and torch.optim.Adam."""
    import torch

    from lrnn import respond, signals

    target, m, steps, lr, dt, horizon, n_eval, batch, seed = kernels.Exponential(0.5), 3, 25, 0.03, 0.25, 3.0, 4, 3, 2
    run = nonlinear.train_tanh_rnn(target, m, steps, lr=lr, dt=dt, horizon=horizon, n_eval=n_eval, batch=batch,
                                   seed=seed)
    n = int(np.ceil(horizon / dt)) + n_eval
    X = np.stack([signals.white_noise(n, dt, seed=seed * 1000 + j) for j in range(batch)])
    Y = np.stack([respond(target, x, dt) for x in X])[:, -n_eval:]
    rng = np.random.default_rng(seed)
    W0 = -np.eye(m) + 0.1 * rng.standard_normal((m, m)) / np.sqrt(m)
    U0, c0 = rng.standard_normal(m) / np.sqrt(m), rng.standard_normal(m) / np.sqrt(m)
    params = [torch.tensor(p, requires_grad=True) for p in (W0, U0, c0)]
    opt = torch.optim.Adam(params, lr=lr)
    ref = []
    for k in range(steps + 1):
        opt.zero_grad()
        loss = _torch_loss(*params, torch.tensor(X), torch.tensor(Y), dt, n_eval)
        ref.append(loss.item())
        if k < steps:
            loss.backward()
            opt.step()
    assert np.allclose(run.loss, ref, rtol=1e-10)
    assert np.allclose(run.model.W, params[0].detach().numpy(), rtol=1e-9, atol=1e-12)


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


def test_issue_16_examples():
    """Sizes of 10**12 are refused up front; an ODE solve that cannot finish (W = ±1e300, t = 1e300) stops with a
    clear error within its evaluation budget instead of running forever."""
    import time

    target = kernels.Exponential(1.0)
    with pytest.raises(ValueError, match="batch"):
        nonlinear.train_tanh_rnn(target, 2, 1, batch=10**12)
    with pytest.raises(ValueError, match="hidden_size"):
        nonlinear.train_tanh_rnn(target, 10**12, 1)
    with pytest.raises(ValueError, match="steps"):
        nonlinear.train_tanh_rnn(target, 2, 10**12)
    with pytest.raises(ValueError, match="seed"):
        nonlinear.train_tanh_rnn(target, 2, 1, seed=-1)
    with pytest.raises(ValueError, match="lr"):                       # diverges: a clear error, not NaN weights
        nonlinear.train_tanh_rnn(target, 2, 3, lr=1e300, dt=0.25, horizon=2.0, n_eval=4, batch=2)
    for scale in (1e300, -1e300):
        net = nonlinear.TanhRNN(scale * np.eye(2), np.ones(2), np.ones(2))
        t0 = time.process_time()
        try:
            y = net.step_response([0.0, 1.0], [1.0])
            assert np.all(np.isfinite(y))
        except ValueError as exc:
            assert "t" in str(exc) and "W" in str(exc)
        assert time.process_time() - t0 < 30.0
    net = _net()
    t0 = time.process_time()
    with pytest.raises(ValueError, match="t"):
        net.step_response([1e300], [1.0])
    assert time.process_time() - t0 < 30.0
