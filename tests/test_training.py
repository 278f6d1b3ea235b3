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


def test_compiled_pair_is_the_kernels_own_transform():
    """The fast evaluator of the training loops reproduces Delayed.laplace bit for bit on both erfc branches."""
    s = np.geomspace(1e-3, 1e3, 301)              # z = s ς/2 - ℓ/ς changes sign inside the range
    for k in (kernels.Delayed(6.0), kernels.Delayed(3.0, width=0.7, weight=2.0), kernels.Delayed(0.0)):
        L, _ = training.laplace_pair(k, s)
        assert np.array_equal(L, k.laplace(s))
        for one in (np.array([0.5]), np.array([200.0])):  # single-branch inputs take the short paths
            assert np.array_equal(training.laplace_pair(k, one)[0], k.laplace(one))


def test_plateau_problem_energy_and_initialisation():
    target, init, E = training.plateau_problem(7.0, rate=0.5, width=3)
    from scipy import special

    assert E == pytest.approx(0.25 * np.sqrt(np.pi / 2) * (1 + special.erf(np.sqrt(2) * 7.0)), rel=1e-14)
    assert E == pytest.approx(0.5 * integrate.quad(lambda t: np.exp(-2 * (t - 7.0) ** 2), 0, 20,
                                                    epsabs=1e-14)[0], rel=1e-12)
    w, a = -np.diag(np.asarray(init.W)), np.asarray(init.c) * np.asarray(init.U).ravel()
    assert np.allclose(w, [0.5, 2.0, 4.0]) and np.allclose(a, [1.0, 0.01, 0.01])
    t = np.array([0.0, 3.0, 7.0])
    assert np.allclose(target(t), np.exp(-0.5 * t) + np.exp(-(t - 7.0) ** 2))


def _torch_sgd_trajectory(torch, loss_fn, w0, a0, steps, lr, momentum):
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(a0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, a], lr=lr, momentum=momentum, dampening=0.0)
    R, A = [w.detach().numpy().copy()], [a.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(w, a).backward()
        opt.step()
        R.append(w.detach().numpy().copy())
        A.append(a.detach().numpy().copy())
    return np.array(R), np.array(A)


def test_momentum_matches_torch_sgd_with_momentum():
    """Heavy ball θ ← θ − η g + μ(θ − θ_prev) = torch's SGD(momentum=μ, dampening=0): b ← μ b + g, θ ← θ − η b."""
    torch = pytest.importorskip("torch")
    # (1) an exponential-sum target with J written independently in torch (loss and optimiser both independent)
    r, c = np.array([0.3, 2.0]), np.array([1.0, -0.5])
    rt, ct = torch.tensor(r, dtype=torch.float64), torch.tensor(c, dtype=torch.float64)
    norm2 = ct @ (1 / (rt[:, None] + rt[None, :])) @ ct

    def J(w, a):
        return 0.5 * (norm2 - 2 * a @ ((1 / (w[:, None] + rt[None, :])) @ ct)
                      + a @ (1 / (w[:, None] + w[None, :])) @ a)

    init = LinearRNN.diagonal(W, A)
    ours = lrnn.train(kernels.ExponentialSum(r, c), init, 60, 0.05, "momentum", momentum=0.9)
    R, Aw = _torch_sgd_trajectory(torch, J, W, A, 60, 0.05, 0.9)
    assert ours.crossed_at is None and ours.optimizer == "momentum"
    assert np.allclose(ours.rates, R, rtol=1e-11, atol=1e-13)
    assert np.allclose(ours.weights, Aw, rtol=1e-11, atol=1e-13)
    # (2) a delayed target through the closed-form gradient (checks the optimiser on the book's problem)
    tgt, init2, _ = training.plateau_problem(5.0)
    w0, a0 = np.array([1.0, 2.0]), np.array([1.0, 0.01])

    class Loss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w, a):
            J_, gw, ga = training.loss_and_gradient(tgt, w.detach().numpy(), a.detach().numpy())
            ctx.save_for_backward(torch.as_tensor(gw), torch.as_tensor(ga))
            return torch.tensor(J_, dtype=torch.float64)

        @staticmethod
        def backward(ctx, g):
            gw, ga = ctx.saved_tensors
            return g * gw, g * ga

    ours = lrnn.train(tgt, init2, 200, 0.02, "momentum", momentum=0.8)
    R, Aw = _torch_sgd_trajectory(torch, Loss.apply, w0, a0, 200, 0.02, 0.8)
    assert np.allclose(ours.rates, R, rtol=1e-11, atol=1e-14)
    assert np.allclose(ours.weights, Aw, rtol=1e-11, atol=1e-14)


def test_momentum_limits_and_freeze():
    target, init, _ = training.plateau_problem(6.0, width=3)
    gd = lrnn.train(target, init, 300, 0.05)
    zero = lrnn.train(target, init, 300, 0.05, "momentum", momentum=0.0)
    assert np.array_equal(gd.loss, zero.loss) and np.array_equal(gd.rates, zero.rates)
    frozen = lrnn.train(target, init, 50, 0.01, "momentum", momentum=0.9, freeze=[0])
    assert np.all(frozen.rates[:, 0] == 1.0) and np.all(frozen.weights[:, 0] == 1.0)


def test_momentum_escapes_like_gd_with_the_effective_step():
    """On a long plateau the gradient is almost constant, so heavy ball is GD with step η/(1 − μ)."""
    target, init, E = training.plateau_problem(7.0)
    gd = lrnn.train(target, init, 2000, 0.1)
    hb = lrnn.train(target, init, 2000, 0.01, "momentum", momentum=0.9)
    k_gd = lrnn.escape_time(gd.loss, drop=0.05 * E, level=E)
    k_hb = lrnn.escape_time(hb.loss, drop=0.05 * E, level=E)
    assert np.isfinite(k_gd) and abs(k_hb / k_gd - 1) < 0.1


def test_train_until_stops_at_the_threshold():
    target, init, E = training.plateau_problem(6.0)
    full = lrnn.train(target, init, 2000, 0.05)
    k = int(np.argmax(full.loss <= 0.95 * E))
    short = lrnn.train(target, init, 2000, 0.05, until=0.95 * E)
    assert short.loss.shape == (k + 1,) and short.rates.shape == (k + 1, 2)
    assert np.array_equal(short.loss, full.loss[:k + 1]) and np.array_equal(short.rates, full.rates[:k + 1])
    assert lrnn.escape_time(short.loss, drop=0.05 * E, level=E) == lrnn.escape_time(full.loss, drop=0.05 * E, level=E)
    never = lrnn.train(target, init, 50, 0.05, until=0.0)
    assert never.loss.shape == (51,) and np.array_equal(never.loss, full.loss[:51])
    assert short.model.hidden_size == 2 and np.allclose(-np.diag(np.asarray(short.model.W)), short.rates[-1])


def test_gradient_flow_escape_time_is_exact():
    target, init, E = training.plateau_problem(7.0)
    fl = lrnn.gradient_flow(target, init, 1e4, n_points=100, drop=0.05 * E, level=E)
    # reference: a second solver, sampled densely around the escape, interpolated linearly
    ref = lrnn.gradient_flow(target, init, 60.0, t_min=30.0, n_points=30001, method="BDF", rtol=1e-11, atol=1e-14)
    tau_ref = lrnn.escape_time(ref.loss, ref.times, drop=0.05 * E, level=E)
    assert fl.escape == pytest.approx(tau_ref, rel=1e-6)
    # the sampled curve of the coarse run misses it by more: the reason for the exact location
    coarse = lrnn.escape_time(fl.loss, fl.times, drop=0.05 * E, level=E)
    assert abs(coarse / fl.escape - 1) > 1e-3
    assert np.isnan(lrnn.gradient_flow(target, init, 10.0, n_points=10).escape)
    assert lrnn.gradient_flow(target, init, 10.0, n_points=10, drop=0.05 * E, level=E).escape == np.inf
    # default level: the initial loss
    fl0 = lrnn.gradient_flow(target, init, 1e4, n_points=100, drop=0.05 * E)
    assert fl0.escape == pytest.approx(lrnn.escape_time(ref.loss, ref.times, drop=0.05 * E, level=fl.loss[0]),
                                       rel=1e-6)


def test_reduced_estimates_against_quadrature():
    """The slow-manifold time τ_s = ∫ dλ / (2λ L M − L²) from λ_Δ to λ₀, every transform by quad."""
    from scipy import optimize

    lag, w0 = 6.0, 1.0
    g = kernels.Delayed(lag)
    drop = 0.05 * 0.5 * g.norm(2) ** 2
    bump = lambda t: np.exp(-((t - lag) ** 2))
    Lq = lambda w: integrate.quad(lambda t: np.exp(-w * t) * bump(t), 0, lag + 12, points=[lag], epsabs=0,
                                  epsrel=1e-13, limit=200)[0]
    Mq = lambda w: integrate.quad(lambda t: t * np.exp(-w * t) * bump(t), 0, lag + 12, points=[lag], epsabs=0,
                                  epsrel=1e-13, limit=200)[0]
    w_drop = optimize.brentq(lambda w: w * Lq(w) ** 2 - drop, 0.2, 0.9, xtol=1e-14)
    tau = integrate.quad(lambda w: 1 / (2 * w * Lq(w) * Mq(w) - Lq(w) ** 2), w_drop, w0, epsrel=1e-11, limit=200)[0]
    est = training.reduced_escape_estimates(g, w0, drop)
    assert est["w_drop"] == pytest.approx(w_drop, rel=1e-10)
    assert est["slaved"] == pytest.approx(tau, rel=1e-8)
    assert 0 < est["lower"] < est["slaved"]
    assert np.isnan(training.reduced_escape_estimates(g, w0, drop, lower=False)["lower"])


@pytest.mark.parametrize("w0, lags", [(0.5, (12.0, 14.0)), (1.5, (5.0, 8.0))])
def test_slow_manifold_estimate_follows_the_flow_for_other_starting_rates(w0, lags):
    """Chapter 4's live widget shows τ_s for λ₀ in [0.5, 1.5]: once the plateau is long (τ > 100, many
    relaxation times of the weight), τ_s is the integrated flow's escape time within 2 %."""
    for lag in lags:
        g = kernels.Delayed(lag)
        drop = 0.05 * 0.5 * g.norm(2) ** 2
        est = training.reduced_escape_estimates(g, w0, drop)
        fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, w0], [1.0, 0.0]),
                                30 * est["slaved"], freeze=(0,), n_points=50, drop=drop)
        assert fl.escape > 100
        assert est["lower"] <= fl.escape
        assert est["slaved"] == pytest.approx(fl.escape, rel=0.02)


def test_train_sampled_gradient_is_backpropagation_through_the_sequences():
    """The quadratic-form loss and its hand-written chain rule equal torch autograd of the mean squared error of
    the convolved sequences (an independent path: FFT convolution of the data, autograd through K̂(λ, a))."""
    torch = pytest.importorskip("torch")
    target, init, _ = training.plateau_problem(4.0)
    dt, horizon, n_eval, batch, eta = 0.1, 9.0, 50, 8, 0.1
    run = training.train_sampled(target, init, 1, eta, "gd", dt=dt, horizon=horizon, batch=batch, n_eval=n_eval)
    n_h = int(np.ceil(horizon / dt))
    T = n_h + n_eval
    X = np.random.default_rng(0).standard_normal((batch, T)) / np.sqrt(dt)   # the run's data (seed 0)
    Y = np.stack([lrnn.respond(target, x, dt) for x in X])[:, n_h:]
    w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    a = torch.tensor([1.0, 0.01], dtype=torch.float64, requires_grad=True)
    k = torch.arange(T, dtype=torch.float64) * dt
    Khat = (torch.exp(-k[:, None] * w[None, :]) * (-torch.expm1(-w * dt) / w)) @ a
    nfft = 2 * T
    yhat = torch.fft.irfft(torch.fft.rfft(torch.as_tensor(X), nfft) * torch.fft.rfft(Khat, nfft), nfft)[:, n_h:T]
    L = 0.5 * torch.mean((yhat - torch.as_tensor(Y)) ** 2)
    L.backward()
    assert run.loss[0] == pytest.approx(L.item(), rel=1e-12)
    assert np.allclose(run.rates[1], [1.0, 2.0] - eta * w.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert np.allclose(run.weights[1], [1.0, 0.01] - eta * a.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_train_sampled_optimisers_follow_the_update_rules():
    target, init, _ = training.plateau_problem(4.0)
    kw = dict(dt=0.1, horizon=9.0, batch=8, n_eval=50)
    gd = training.train_sampled(target, init, 30, 0.02, "gd", **kw)
    zero = training.train_sampled(target, init, 30, 0.02, "momentum", momentum=0.0, **kw)
    assert np.array_equal(gd.loss, zero.loss)
    hb = training.train_sampled(target, init, 30, 0.02, "momentum", momentum=0.5, **kw)
    # heavy ball from the recorded iterates: θ₂ = θ₁ − η g₁ + μ (θ₁ − θ₀), with g₁ from a one-step GD run at θ₁
    one = training.train_sampled(target, lrnn.LinearRNN.diagonal(hb.rates[1], hb.weights[1]), 1, 0.02, "gd", **kw)
    g1 = (np.r_[hb.rates[1], hb.weights[1]] - np.r_[one.rates[1], one.weights[1]]) / 0.02
    want = np.r_[hb.rates[1], hb.weights[1]] - 0.02 * g1 + 0.5 * (np.r_[hb.rates[1], hb.weights[1]]
                                                                   - np.r_[hb.rates[0], hb.weights[0]])
    assert np.allclose(np.r_[hb.rates[2], hb.weights[2]], want, rtol=1e-12, atol=1e-15)
    assert hb.optimizer == "momentum" and np.all(np.isfinite(hb.exact_loss))


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
    for bad in (1.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="momentum"):
            lrnn.train(k, init, 1, 0.1, "momentum", momentum=bad)
    for bad in ("0.9", True, [0.9]):
        with pytest.raises(TypeError, match="momentum"):
            lrnn.train(k, init, 1, 0.1, "momentum", momentum=bad)
    with pytest.raises(ValueError, match="momentum"):
        lrnn.train(k, init, 1, 0.1, "momentum", reparam="exp")
    with pytest.raises(ValueError, match="momentum"):
        training.train_sampled(k, init, 1, 0.1, "momentum", momentum=1.5)
    with pytest.raises(TypeError, match="until"):
        lrnn.train(k, init, 1, 0.1, until="0.5")
    with pytest.raises(ValueError, match="until"):
        lrnn.train(k, init, 1, 0.1, until=0.5, reparam="exp")
    with pytest.raises(ValueError, match="drop"):
        lrnn.gradient_flow(k, init, 1.0, drop=0.0)
    with pytest.raises(ValueError, match="level needs drop"):
        lrnn.gradient_flow(k, init, 1.0, level=0.5)
    with pytest.raises(ValueError, match="w0"):
        training.reduced_escape_estimates(kernels.Delayed(5.0), 0.0, 0.01)


# ----------------------------------------------------------------------------- figures and live widgets
def test_escape_rates_figure_slopes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lrnn.plots import training as tp

    lags = np.array([4.0, 5.0, 6.0, 8.0])
    tau = np.exp(1.5 * lags + 0.1 * lags**2)
    fig, fitted, local = tp.escape_rates_figure(lags, {"a": tau, "b": 2 * tau}, limit=2.0)
    want = np.diff(np.log(tau)) / np.diff(lags)
    assert np.allclose(local["a"], want) and np.allclose(local["b"], want)
    assert fitted["a"] == pytest.approx(np.polyfit(lags, np.log(tau), 1)[0])
    assert len(fig.axes) == 2
    plt.close(fig)
    with pytest.raises(TypeError, match="taus"):
        tp.escape_rates_figure(lags, [], limit=2.0)
    with pytest.raises(ValueError, match="limit"):
        tp.escape_rates_figure(lags, {"a": tau}, limit=0.0)


def test_plateau_flow_cache_and_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lrnn.plots import training as tp

    fl, E = tp.plateau_flow(5.0)
    assert tp.plateau_flow(5.0)[0] is fl                                   # cached
    target, init, E2 = training.plateau_problem(5.0)
    assert E == E2 and fl.escape == pytest.approx(
        lrnn.gradient_flow(target, init, 1e7, n_points=300, drop=0.05 * E, level=E).escape, rel=1e-12)
    fig = tp.mechanism_diagram()
    assert len(fig.axes) == 3
    fig2, taus = tp.optimizer_figure(((0.05, "gd"), (0.01, "adam")), lag=5.0, steps=500)
    run, tau, _ = tp.optimizer_run(0.05, "gd", lag=5.0, steps=500)
    assert taus[0] == tau and tp.optimizer_run(0.05, lag=5.0, steps=500)[0] is run   # one cache entry
    for f in (fig, fig2):
        plt.close(f)


def test_fast_figure_blit_equals_a_full_redraw():
    """The blitted image (saved background + redrawn artists) is the picture a full redraw gives, up to the
    drawing order where the curve crosses the axes frame (blitted artists are drawn last)."""
    import io

    from PIL import Image

    from lrnn.widgets.training import FastFigure

    fast = FastFigure(1, 1, width=3.0, height=2.0)
    (line,) = fast.axes.plot([0, 1], [0, 1], lw=2)
    fast.axes.set_xlim(0, 1)
    fast.axes.set_ylim(0, 1)
    fast.freeze([line])
    first = fast.png()
    line.set_ydata([1, 0])
    blitted = np.asarray(Image.open(io.BytesIO(fast.png())))
    assert fast.png() != first
    line.set_animated(False)                                     # the same figure, drawn the ordinary way
    fast.canvas.draw()
    full = np.asarray(fast.canvas.buffer_rgba())
    differ = (blitted != full).any(axis=2)
    assert blitted.shape == full.shape and differ.sum() < 0.001 * differ.size


def test_widgets_update_their_images():
    pytest.importorskip("ipywidgets")
    from lrnn.widgets import training as tw

    ui = tw.plateau_widget(lags=(5.0, 6.0))
    a, b = ui.update(5.0), ui.update(6.0)
    assert a != b and ui.children[1].value == ui.update(6.0)
    opt = tw.optimizer_widget(steps=300)
    assert opt.update(lr=0.05) != opt.update(lr=0.01, optimizer="adam")
    esc = tw.escape_widget(lags=(6.0, 7.0, 8.0))
    assert esc.update(1.0) != esc.update(1.5)
