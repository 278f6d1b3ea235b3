"""Tests of lrnn.training against independent references (quadrature, lrnn.distance, finite differences,
torch autograd / gradcheck, Monte Carlo, a second integrator)."""

import numpy as np
import pytest
from scipy import integrate

import lrnn
from lrnn import LinearRNN, kernels, training

TARGETS = {
    "exp+delayed": kernels.Exponential(1.0) + kernels.Delayed(6.0),
    "expsum": kernels.ExponentialSum([0.3, 2.0], [1.0, -0.5]),
    "delayed-wide": kernels.Delayed(3.0, width=0.7, weight=2.0),
    "oscillation": kernels.DampedOscillation(0.8, 2.0, weight=1.5),
    "scaled-sum": 0.5 * (kernels.Exponential(0.5) - kernels.Delayed(2.0)),
}
W = np.array([0.4, 1.3, 3.0])
A = np.array([0.7, -0.2, 0.5])


def _quad_half_line(f, lag=0.0):
    pts = [0.0, lag] if lag > 0 else [0.0]
    total = 0.0
    edges = sorted(set(pts)) + [lag + 60.0]
    for lo, hi in zip(edges[:-1], edges[1:]):
        total += integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-12, limit=400)[0]
    return total + integrate.quad(f, edges[-1], np.inf, epsabs=0, epsrel=1e-12, limit=400)[0]


@pytest.mark.parametrize("name", list(TARGETS))
def test_laplace_pair_matches_quadrature(name):
    k = TARGETS[name]
    s = np.array([0.3, 1.0, 2.5])
    L, M = training.laplace_pair(k, s)
    for i, sv in enumerate(s):
        Lq = _quad_half_line(lambda t: np.exp(-sv * t) * float(k(t)), 6.0)
        Mq = _quad_half_line(lambda t: t * np.exp(-sv * t) * float(k(t)), 6.0)
        assert abs(L[i] - Lq) < 1e-10 * max(1.0, abs(Lq))
        assert abs(M[i] - Mq) < 1e-10 * max(1.0, abs(Mq))


def test_laplace_pair_quadrature_fallback_power_law():
    k = kernels.PowerLaw(0.8)
    L, M = training.laplace_pair(k, np.array([0.5]))
    Mq = integrate.quad(lambda t: t * np.exp(-0.5 * t) * (1 + t) ** -1.8, 0, np.inf, epsrel=1e-12, limit=400)[0]
    assert abs(M[0] - Mq) < 1e-9 * Mq
    assert abs(L[0] - k.laplace(0.5)) < 1e-12


@pytest.mark.parametrize("name", list(TARGETS))
def test_loss_matches_distance(name):
    k = TARGETS[name]
    J = training.white_noise_loss(k, W, A)
    ref = lrnn.distance(k, LinearRNN.diagonal(W, A), 2) ** 2 / 2
    assert abs(J - ref) < 1e-11 * max(1.0, ref)


@pytest.mark.parametrize("name", list(TARGETS))
def test_gradient_matches_finite_differences(name):
    k = TARGETS[name]
    J, gw, ga = training.loss_and_gradient(k, W, A)
    h = 1e-6
    for i in range(W.size):
        e = np.zeros(W.size)
        e[i] = h
        fw = (training.white_noise_loss(k, W + e, A) - training.white_noise_loss(k, W - e, A)) / (2 * h)
        fa = (training.white_noise_loss(k, W, A + e) - training.white_noise_loss(k, W, A - e)) / (2 * h)
        assert abs(gw[i] - fw) < 1e-7 * max(1.0, abs(fw))
        assert abs(ga[i] - fa) < 1e-7 * max(1.0, abs(fa))


def test_gradient_matches_torch_autograd_and_gradcheck():
    torch = pytest.importorskip("torch")
    # (1) autograd of an independent torch expression of J for an exponential-sum target
    r, c = np.array([0.3, 2.0]), np.array([1.0, -0.5])
    target = kernels.ExponentialSum(r, c)
    w = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(A, dtype=torch.float64, requires_grad=True)
    rt, ct = torch.tensor(r, dtype=torch.float64), torch.tensor(c, dtype=torch.float64)
    norm2 = ct @ (1 / (rt[:, None] + rt[None, :])) @ ct
    L = (1 / (w[:, None] + rt[None, :])) @ ct
    J = 0.5 * (norm2 - 2 * a @ L + a @ (1 / (w[:, None] + w[None, :])) @ a)
    J.backward()
    J_np, gw, ga = training.loss_and_gradient(target, W, A)
    assert abs(J.item() - J_np) < 1e-13
    assert np.allclose(w.grad.numpy(), gw, rtol=1e-12, atol=1e-14)
    assert np.allclose(a.grad.numpy(), ga, rtol=1e-12, atol=1e-14)

    # (2) gradcheck of the hand-written gradient (wrapped as an autograd Function) for a delayed target
    tgt = TARGETS["exp+delayed"]

    class Loss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w, a):
            J, gw, ga = training.loss_and_gradient(tgt, w.detach().numpy(), a.detach().numpy())
            ctx.save_for_backward(torch.as_tensor(gw), torch.as_tensor(ga))
            return torch.tensor(J, dtype=torch.float64)

        @staticmethod
        def backward(ctx, g):
            gw, ga = ctx.saved_tensors
            return g * gw, g * ga

    w2 = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    a2 = torch.tensor(A, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(Loss.apply, (w2, a2), eps=1e-6, atol=1e-7, rtol=1e-6)


def test_white_noise_monte_carlo():
    target = kernels.Exponential(1.0) + kernels.Delayed(2.0)
    model = LinearRNN.diagonal([0.5, 2.0], [0.8, 0.2])
    dt, n = 0.05, 200_000
    x = lrnn.signals.white_noise(n, dt, seed=3)
    e = lrnn.respond(target, x, dt) - lrnn.respond(model, x, dt)
    sq = e[1000:] ** 2
    blocks = sq[: sq.size // 40 * 40].reshape(40, -1).mean(axis=1)
    mc, se = blocks.mean(), blocks.std(ddof=1) / np.sqrt(40)
    exact = 2 * training.white_noise_loss(target, [0.5, 2.0], [0.8, 0.2])
    assert abs(mc - exact) < 4 * se + 2e-3 * exact


def test_train_gd_steps_are_gradient_steps():
    target = TARGETS["exp+delayed"]
    init = LinearRNN.diagonal(W, A)
    run = lrnn.train(target, init, 3, 0.1)
    assert run.loss.shape == (4,) and run.rates.shape == (4, 3)
    _, gw, ga = training.loss_and_gradient(target, W, A)
    assert np.allclose(run.rates[1], W - 0.1 * gw, rtol=0, atol=1e-15)
    assert np.allclose(run.weights[1], A - 0.1 * ga, rtol=0, atol=1e-15)
    for k in range(4):
        assert run.loss[k] == pytest.approx(training.white_noise_loss(target, run.rates[k], run.weights[k]), abs=1e-15)
    assert np.allclose(run.model.kernel(np.array([0.5, 2.0])),
                       LinearRNN.diagonal(run.rates[3], run.weights[3]).kernel(np.array([0.5, 2.0])))
    assert np.allclose(run.times, 0.1 * np.arange(4))


def test_train_adam_first_step_and_freeze():
    target = TARGETS["exp+delayed"]
    init = LinearRNN.diagonal(W, A)
    run = lrnn.train(target, init, 1, 0.01, "adam", freeze=[1])
    _, gw, ga = training.loss_and_gradient(target, W, A)
    # Adam's first bias-corrected step is lr * g / (|g| + eps) ≈ lr * sign(g)
    assert np.allclose(run.rates[1, [0, 2]], W[[0, 2]] - 0.01 * gw[[0, 2]] / (np.abs(gw[[0, 2]]) + 1e-8))
    assert run.rates[1, 1] == W[1] and run.weights[1, 1] == A[1]


def test_train_loss_decreases_and_crossing_is_reported():
    target = kernels.Exponential(0.1)
    init = LinearRNN.diagonal([0.5], [1.0])
    # below 2/curvature at the optimum (w, a) = (0.1, 1), where ∂²J/∂w² = 250: monotone and convergent
    run = lrnn.train(target, init, 3000, 0.005)
    assert run.crossed_at is None and np.all(np.diff(run.loss) <= 1e-14)  # round-off floor ~1e-16·‖ρ‖²
    assert run.rates[-1, 0] == pytest.approx(0.1, rel=1e-3)
    big = lrnn.train(target, init, 10, 0.3)
    assert big.crossed_at == 1 and np.isinf(big.loss[1:]).all() and np.isnan(big.rates[1:]).all()
    assert big.model.kernel(0.0) == pytest.approx(1.0)


def test_gradient_flow_agrees_with_small_step_gd_and_converges():
    target = kernels.Exponential(1.0) + kernels.Delayed(4.0)
    init = LinearRNN.diagonal([1.0, 2.0], [1.0, 0.01])
    fl = lrnn.gradient_flow(target, init, 5.0, t_min=0.1, n_points=50)
    assert np.all(np.diff(fl.loss) <= 1e-12)
    gd = lrnn.train(target, init, 5000, 1e-3)
    assert fl.loss[-1] == pytest.approx(gd.loss[-1], rel=1e-3)
    assert np.allclose(fl.rates[-1], gd.rates[-1], rtol=1e-3)
    one = lrnn.gradient_flow(kernels.Exponential(0.3, 2.0), LinearRNN.diagonal([1.0], [0.5]), 1e4)
    assert one.rates[-1, 0] == pytest.approx(0.3, rel=1e-5) and one.weights[-1, 0] == pytest.approx(2.0, rel=1e-5)


def test_escape_time_criterion():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    J = np.array([1.0, 1.0, 0.9, 0.5])
    assert lrnn.escape_time(J, t, drop=0.2) == pytest.approx(2.25)
    assert lrnn.escape_time(J, drop=0.05) == pytest.approx(1.5)
    assert lrnn.escape_time(J, t, drop=0.6) == np.inf
    assert lrnn.escape_time(J, t, drop=0.1, level=0.95) == pytest.approx(2.125)
    # the plateau problem: the loss never halves, yet the drop criterion fires
    target, init, E = training.plateau_problem(6.0)
    fl = lrnn.gradient_flow(target, init, 1e4, n_points=200)
    assert fl.loss.min() > fl.loss[0] / 2
    assert np.isfinite(lrnn.escape_time(fl.loss, fl.times, drop=0.05 * E, level=E))


def test_reduced_model_bounds_hold():
    g = kernels.Delayed(6.0)
    drop = 0.05 * 0.5 * g.norm(2) ** 2
    fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, 1.0], [1.0, 0.0]), 1e6,
                            freeze=(0,), n_points=600)
    tau = lrnn.escape_time(fl.loss, fl.times, drop=drop)
    est = training.reduced_escape_estimates(g, 1.0, drop)
    assert est["lower"] <= tau
    assert est["slaved"] == pytest.approx(tau, rel=0.05)
    assert fl.rates[0, 0] == fl.rates[-1, 0] == 1.0   # frozen unit


def test_train_sampled_estimates_loss():
    pytest.importorskip("torch")
    target, init, E = training.plateau_problem(4.0)
    run = training.train_sampled(target, init, 20, 0.1, "gd", dt=0.1, horizon=9.0, batch=64, n_eval=200)
    assert run.loss.shape == (21,) and run.crossed_at is None
    assert abs(run.loss[0] / run.exact_loss[0] - 1) < 0.1
    assert np.all(np.diff(run.loss) < 0)       # small-step GD decreases the loss it differentiates
    adam = training.train_sampled(target, init, 2, 0.01, "adam", dt=0.1, horizon=9.0, batch=8, n_eval=50)
    assert np.all(np.isfinite(adam.exact_loss))


def test_bad_inputs():
    init = LinearRNN.diagonal([1.0], [1.0])
    k = kernels.Exponential(1.0)
    with pytest.raises(TypeError, match="target"):
        lrnn.train("rho", init, 1, 0.1)
    with pytest.raises(TypeError, match="init"):
        lrnn.train(k, k, 1, 0.1)
    with pytest.raises(ValueError, match="init"):
        lrnn.train(k, LinearRNN([[-1.0, 0.5], [0.0, -2.0]], [1.0, 1.0], [1.0, 1.0]), 1, 0.1)
    with pytest.raises(ValueError, match="steps"):
        lrnn.train(k, init, -1, 0.1)
    with pytest.raises(TypeError, match="steps"):
        lrnn.train(k, init, 1.5, 0.1)
    with pytest.raises(ValueError, match="lr"):
        lrnn.train(k, init, 1, 0.0)
    with pytest.raises(ValueError, match="optimizer"):
        lrnn.train(k, init, 1, 0.1, "sgd")
    with pytest.raises(ValueError, match="freeze"):
        lrnn.train(k, init, 1, 0.1, freeze=[3])
    with pytest.raises(ValueError, match="rates"):
        training.white_noise_loss(k, [-1.0], [1.0])
    with pytest.raises(ValueError, match="weights"):
        training.white_noise_loss(k, [1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="s must be positive"):
        training.laplace_pair(k, [0.0])
    with pytest.raises(ValueError, match="t_max"):
        lrnn.gradient_flow(k, init, 1e-4)
    with pytest.raises(ValueError, match="method"):
        lrnn.gradient_flow(k, init, 1.0, method="RK45")
    with pytest.raises(ValueError, match="max_evaluations"):
        lrnn.gradient_flow(k, init, 1.0, max_evaluations=0)
    with pytest.raises(RuntimeError, match="max_evaluations"):
        lrnn.gradient_flow(kernels.Exponential(1.0) + kernels.Delayed(5.0), LinearRNN.diagonal([1.0, 2.0], [1.0, 0.01]),
                           1e6, max_evaluations=50)
    with pytest.raises(ValueError, match="drop"):
        lrnn.escape_time([1.0, 0.5], drop=0.0)
    with pytest.raises(ValueError, match="times"):
        lrnn.escape_time([1.0, 0.5], [0.0], drop=0.1)
    with pytest.raises(ValueError, match="times"):
        lrnn.escape_time([1.0, 0.5], [1.0, 0.0], drop=0.1)
    with pytest.raises(ValueError, match="loss"):
        lrnn.escape_time([[1.0]], drop=0.1)
    with pytest.raises(ValueError, match="lag"):
        training.plateau_problem(0.0)
    with pytest.raises(ValueError, match="batch"):
        training.train_sampled(k, init, 1, 0.1, batch=0)
