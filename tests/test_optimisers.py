"""Tests of lrnn.optimisers — the update rules of gradient descent, heavy ball and Adam against torch.optim on an
independently written torch loss, the one loop (batches of runs equal single runs, stops, freezing, early
stopping) and the validation of the optimisers' parameters."""

import numpy as np
import pytest

import lrnn
from lrnn import LinearRNN, kernels, loss, optimisers, plateau

TARGETS = {
    "exp+delayed": kernels.Exponential(1.0) + kernels.Delayed(6.0),
}
W = np.array([0.4, 1.3, 3.0])
A = np.array([0.7, -0.2, 0.5])


def _torch_expsum_loss(torch, r, c):
    """J(λ, a) for the target Σ c_k e^{-r_k t}, written in torch from the Gram form (independent of lrnn.loss)."""
    rt, ct = torch.tensor(r, dtype=torch.float64), torch.tensor(c, dtype=torch.float64)
    norm2 = ct @ (1 / (rt[:, None] + rt[None, :])) @ ct

    def J(w, a):
        return 0.5 * (norm2 - 2 * a @ ((1 / (w[:, None] + rt[None, :])) @ ct)
                      + a @ (1 / (w[:, None] + w[None, :])) @ a)

    return J


def _torch_trajectory(torch, loss_fn, w0, a0, steps, make_optimizer):
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    a = torch.tensor(a0, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer([w, a])
    R, A_, J = [w.detach().numpy().copy()], [a.detach().numpy().copy()], []
    for _ in range(steps):
        opt.zero_grad()
        value = loss_fn(w, a)
        J.append(value.item())
        value.backward()
        opt.step()
        R.append(w.detach().numpy().copy())
        A_.append(a.detach().numpy().copy())
    return np.array(R), np.array(A_), np.array(J)


@pytest.mark.parametrize("optimizer, lr, steps, kwargs", [("gd", 0.05, 80, {}), ("adam", 0.01, 80, {}),
                                                          ("adam", 0.02, 40, {"betas": (0.5, 0.9), "eps": 1e-6})])
def test_gd_and_adam_match_torch_optim(optimizer, lr, steps, kwargs):
    """(Adam with β = (0.5, 0.9) oscillates about the minimum and amplifies rounding differences after ~50 steps.)"""
    torch = pytest.importorskip("torch")
    r, c = np.array([0.3, 2.0]), np.array([1.0, -0.5])
    J = _torch_expsum_loss(torch, r, c)
    ours = lrnn.train(kernels.ExponentialSum(r, c), LinearRNN.diagonal(W, A), steps, lr, optimizer, **kwargs)
    if optimizer == "gd":
        make = lambda p: torch.optim.SGD(p, lr=lr)
    else:
        make = lambda p: torch.optim.Adam(p, lr=lr, betas=kwargs.get("betas", (0.9, 0.999)),
                                          eps=kwargs.get("eps", 1e-8))
    R, Aw, Jt = _torch_trajectory(torch, J, W, A, steps, make)
    assert ours.crossed_at is None
    assert np.allclose(ours.rates, R, rtol=1e-10, atol=1e-13)
    assert np.allclose(ours.weights, Aw, rtol=1e-10, atol=1e-13)
    assert np.allclose(ours.loss[:-1], Jt, rtol=1e-10, atol=1e-14)


def test_train_gd_steps_are_gradient_steps():
    target = TARGETS["exp+delayed"]
    init = LinearRNN.diagonal(W, A)
    run = lrnn.train(target, init, 3, 0.1)
    assert run.loss.shape == (4,) and run.rates.shape == (4, 3)
    _, gw, ga = loss.loss_and_gradient(target, W, A)
    assert np.allclose(run.rates[1], W - 0.1 * gw, rtol=0, atol=1e-15)
    assert np.allclose(run.weights[1], A - 0.1 * ga, rtol=0, atol=1e-15)
    for k in range(4):
        assert run.loss[k] == pytest.approx(loss.white_noise_loss(target, run.rates[k], run.weights[k]), abs=1e-15)
    t = np.array([0.0, 0.5, 2.0])             # the returned model is the last iterate: Σ a_i e^{-λ_i t}
    assert np.allclose(run.model.kernel(t), np.exp(-np.outer(t, run.rates[3])) @ run.weights[3], rtol=1e-14)
    assert np.allclose(run.times, 0.1 * np.arange(4))


def test_train_adam_first_step_and_freeze():
    target = TARGETS["exp+delayed"]
    init = LinearRNN.diagonal(W, A)
    run = lrnn.train(target, init, 1, 0.01, "adam", freeze=[1])
    _, gw, ga = loss.loss_and_gradient(target, W, A)
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


def test_momentum_matches_torch_sgd_with_momentum():
    """Heavy ball θ ← θ − η g + μ(θ − θ_prev) = torch's SGD(momentum=μ, dampening=0): b ← μ b + g, θ ← θ − η b."""
    torch = pytest.importorskip("torch")
    # (1) an exponential-sum target with J written independently in torch (loss and optimiser both independent)
    r, c = np.array([0.3, 2.0]), np.array([1.0, -0.5])
    J = _torch_expsum_loss(torch, r, c)
    init = LinearRNN.diagonal(W, A)
    ours = lrnn.train(kernels.ExponentialSum(r, c), init, 60, 0.05, "momentum", momentum=0.9)
    R, Aw, _ = _torch_trajectory(torch, J, W, A, 60, lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9,
                                                                                dampening=0.0))
    assert ours.crossed_at is None and ours.optimizer == "momentum"
    assert np.allclose(ours.rates, R, rtol=1e-11, atol=1e-13)
    assert np.allclose(ours.weights, Aw, rtol=1e-11, atol=1e-13)
    # (2) a delayed target through the closed-form gradient (checks the optimiser on the book's problem)
    tgt, init2, _ = plateau.plateau_problem(5.0)
    w0, a0 = np.array([1.0, 2.0]), np.array([1.0, 0.01])

    class Loss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w, a):
            J_, gw, ga = loss.loss_and_gradient(tgt, w.detach().numpy(), a.detach().numpy())
            ctx.save_for_backward(torch.as_tensor(gw), torch.as_tensor(ga))
            return torch.tensor(J_, dtype=torch.float64)

        @staticmethod
        def backward(ctx, g):
            gw, ga = ctx.saved_tensors
            return g * gw, g * ga

    ours = lrnn.train(tgt, init2, 200, 0.02, "momentum", momentum=0.8)
    R, Aw, _ = _torch_trajectory(torch, Loss.apply, w0, a0, 200, lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.8,
                                                                                         dampening=0.0))
    assert np.allclose(ours.rates, R, rtol=1e-11, atol=1e-14)
    assert np.allclose(ours.weights, Aw, rtol=1e-11, atol=1e-14)


def test_momentum_limits_and_freeze():
    target, init, _ = plateau.plateau_problem(6.0, width=3)
    gd = lrnn.train(target, init, 300, 0.05)
    zero = lrnn.train(target, init, 300, 0.05, "momentum", momentum=0.0)
    assert np.array_equal(gd.loss, zero.loss) and np.array_equal(gd.rates, zero.rates)
    frozen = lrnn.train(target, init, 50, 0.01, "momentum", momentum=0.9, freeze=[0])
    assert np.all(frozen.rates[:, 0] == 1.0) and np.all(frozen.weights[:, 0] == 1.0)


def test_momentum_escapes_like_gd_with_the_effective_step():
    """On a long plateau the gradient is almost constant, so heavy ball is GD with step η/(1 − μ)."""
    target, init, E = plateau.plateau_problem(7.0)
    gd = lrnn.train(target, init, 2000, 0.1)
    hb = lrnn.train(target, init, 2000, 0.01, "momentum", momentum=0.9)
    k_gd = lrnn.escape_time(gd.loss, drop=0.05 * E, level=E)
    k_hb = lrnn.escape_time(hb.loss, drop=0.05 * E, level=E)
    assert np.isfinite(k_gd) and abs(k_hb / k_gd - 1) < 0.1


def test_train_until_stops_at_the_threshold():
    target, init, E = plateau.plateau_problem(6.0)
    full = lrnn.train(target, init, 2000, 0.05)
    k = int(np.argmax(full.loss <= 0.95 * E))
    short = lrnn.train(target, init, 2000, 0.05, until=0.95 * E)
    assert short.loss.shape == (k + 1,) and short.rates.shape == (k + 1, 2)
    assert np.array_equal(short.loss, full.loss[:k + 1]) and np.array_equal(short.rates, full.rates[:k + 1])
    assert lrnn.escape_time(short.loss, drop=0.05 * E, level=E) == lrnn.escape_time(full.loss, drop=0.05 * E, level=E)
    never = lrnn.train(target, init, 50, 0.05, until=0.0)
    assert never.loss.shape == (51,) and np.array_equal(never.loss, full.loss[:51])
    assert short.model.hidden_size == 2 and np.allclose(-np.diag(np.asarray(short.model.W)), short.rates[-1])


def test_descend_batches_are_independent_runs():
    """One batched descent equals the same runs made alone, including a run that leaves the stable region."""
    obj = loss.WhiteNoiseLoss(TARGETS["exp+delayed"])
    V0 = np.array([[0.5, 2.0], [2.0, 3.0], [1.0, 3.0]])
    A0 = np.array([[1.0, 0.1], [0.5, 0.5], [0.5, 0.5]])
    lrs = np.array([0.05, 100.0, 0.01])            # the second run's first step crosses (∂J/∂λ > 0 there)
    for opt in optimisers.OPTIMIZERS:
        batch = optimisers.descend(obj.value_and_gradient, V0, A0, 60, lrs, opt)
        for b in range(3):
            alone = optimisers.descend(obj.value_and_gradient, V0[b:b + 1], A0[b:b + 1], 60, lrs[b], opt)
            assert batch.stopped_at[b] == alone.stopped_at[0] and batch.reasons[b] == alone.reasons[0]
            fin = np.isfinite(alone.loss[0])
            assert np.array_equal(fin, np.isfinite(batch.loss[b]))
            assert np.allclose(batch.loss[b, fin], alone.loss[0, fin], rtol=1e-12)
            assert np.allclose(batch.rates[b, fin], alone.rates[0, fin], rtol=1e-12)
        assert batch.stopped_at[1] is not None and batch.reasons[1] == "crossed"
        assert np.isnan(batch.rates[1, batch.stopped_at[1]:]).all()
    # a run whose loss overflows (huge steps in the stable direction) stops there; the others go on
    both = optimisers.descend(obj.value_and_gradient, V0[[0, 0]], A0[[0, 0]], 40, np.array([0.05, 1e300]), "gd")
    alone = optimisers.descend(obj.value_and_gradient, V0[:1], A0[:1], 40, 0.05, "gd")
    big = optimisers.descend(obj.value_and_gradient, V0[:1], A0[:1], 40, 1e300, "gd")
    assert both.stopped_at[0] is None and np.allclose(both.loss[0], alone.loss[0], rtol=1e-12)
    assert both.stopped_at[1] == big.stopped_at[0] is not None and both.reasons[1] == big.reasons[0]
    fin = np.isfinite(big.loss[0])
    assert np.array_equal(fin, np.isfinite(both.loss[1])) and np.allclose(both.loss[1, fin], big.loss[0, fin])


def test_parameter_validation():
    for bad in ((1.0, 0.999), (0.9, 1.0), (-0.1, 0.9), (0.9, float("nan"))):
        with pytest.raises(ValueError, match="betas"):
            optimisers.as_adam_parameters(bad, 1e-8)
    for bad in ("ab", 0.9, None):
        with pytest.raises(TypeError, match="betas"):
            optimisers.as_adam_parameters(bad, 1e-8)
    for bad in ((0.9,), (0.9, 0.99, 0.9), np.array([[0.9, 0.99]])):
        with pytest.raises(ValueError, match="betas"):
            optimisers.as_adam_parameters(bad, 1e-8)
    with pytest.raises(TypeError, match="betas"):
        optimisers.as_adam_parameters((0.9, "0.99"), 1e-8)
    with pytest.raises(ValueError, match="eps"):
        optimisers.as_adam_parameters((0.9, 0.99), 0.0)
    assert optimisers.as_adam_parameters(np.array([0.9, 0.99]), 1e-8) == (0.9, 0.99, 1e-8)
    for bad in (1.0, -0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="momentum"):
            optimisers.as_momentum(bad)
    for bad in ("0.9", True, [0.9], None):
        with pytest.raises(TypeError, match="momentum"):
            optimisers.as_momentum(bad)
    for bad in ("sgd", None, 3, "GD "):
        with pytest.raises(ValueError, match="optimizer"):
            optimisers.as_optimizer(bad)
    assert optimisers.as_optimizer("Adam") == "adam"
    assert optimisers.freeze_mask([0, 2], 3).tolist() == [False, True, False]
    for bad in ([3], [-1], [True], [1.0]):
        with pytest.raises(ValueError, match="freeze"):
            optimisers.freeze_mask(bad, 3)
    for bad in (1, "0", {0: 1}):
        with pytest.raises(TypeError, match="freeze"):
            optimisers.freeze_mask(bad, 3)
    # through the public trainer: Adam with beta1 = 1 would divide by 1 - 1 = 0 in the bias correction
    with pytest.raises(ValueError, match="betas"):
        lrnn.train(kernels.Exponential(1.0), LinearRNN.diagonal([1.0], [1.0]), 5, 0.1, "adam", betas=(1.0, 0.999))
