"""Tests of lrnn.loss against independent references: adaptive quadrature, lrnn.distance, finite differences,
torch autograd / gradcheck, Monte Carlo over sampled white noise, and the kernels' own transforms."""

import numpy as np
import pytest
from scipy import integrate

import lrnn
from lrnn import LinearRNN, kernels, loss

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
    L, M = loss.laplace_pair(k, s)
    for i, sv in enumerate(s):
        Lq = _quad_half_line(lambda t: np.exp(-sv * t) * float(k(t)), 6.0)
        Mq = _quad_half_line(lambda t: t * np.exp(-sv * t) * float(k(t)), 6.0)
        assert abs(L[i] - Lq) < 1e-10 * max(1.0, abs(Lq))
        assert abs(M[i] - Mq) < 1e-10 * max(1.0, abs(Mq))


def test_laplace_pair_quadrature_fallback_power_law():
    k = kernels.PowerLaw(0.8)
    L, M = loss.laplace_pair(k, np.array([0.5]))
    Mq = integrate.quad(lambda t: t * np.exp(-0.5 * t) * (1 + t) ** -1.8, 0, np.inf, epsrel=1e-12, limit=400)[0]
    assert abs(M[0] - Mq) < 1e-9 * Mq
    assert abs(L[0] - k.laplace(0.5)) < 1e-12


@pytest.mark.parametrize("name", list(TARGETS))
def test_loss_matches_distance(name):
    k = TARGETS[name]
    J = loss.white_noise_loss(k, W, A)
    ref = lrnn.distance(k, LinearRNN.diagonal(W, A), 2) ** 2 / 2
    assert abs(J - ref) < 1e-11 * max(1.0, ref)


@pytest.mark.parametrize("name", list(TARGETS))
def test_gradient_matches_finite_differences(name):
    k = TARGETS[name]
    J, gw, ga = loss.loss_and_gradient(k, W, A)
    h = 1e-6
    for i in range(W.size):
        e = np.zeros(W.size)
        e[i] = h
        fw = (loss.white_noise_loss(k, W + e, A) - loss.white_noise_loss(k, W - e, A)) / (2 * h)
        fa = (loss.white_noise_loss(k, W, A + e) - loss.white_noise_loss(k, W, A - e)) / (2 * h)
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
    J_np, gw, ga = loss.loss_and_gradient(target, W, A)
    assert abs(J.item() - J_np) < 1e-13
    assert np.allclose(w.grad.numpy(), gw, rtol=1e-12, atol=1e-14)
    assert np.allclose(a.grad.numpy(), ga, rtol=1e-12, atol=1e-14)

    # (2) gradcheck of the hand-written gradient (wrapped as an autograd Function) for a delayed target
    tgt = TARGETS["exp+delayed"]

    class Loss(torch.autograd.Function):
        @staticmethod
        def forward(ctx, w, a):
            J, gw, ga = loss.loss_and_gradient(tgt, w.detach().numpy(), a.detach().numpy())
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
    exact = 2 * loss.white_noise_loss(target, [0.5, 2.0], [0.8, 0.2])
    assert abs(mc - exact) < 4 * se + 2e-3 * exact


def test_compiled_pair_is_the_kernels_own_transform():
    """The fast evaluator of the training loops reproduces Delayed.laplace bit for bit on both erfc branches."""
    s = np.geomspace(1e-3, 1e3, 301)              # z = s ς/2 - ℓ/ς changes sign inside the range
    for k in (kernels.Delayed(6.0), kernels.Delayed(3.0, width=0.7, weight=2.0), kernels.Delayed(0.0)):
        L, _ = loss.laplace_pair(k, s)
        assert np.array_equal(L, k.laplace(s))
        for one in (np.array([0.5]), np.array([200.0])):  # single-branch inputs take the short paths
            assert np.array_equal(loss.laplace_pair(k, one)[0], k.laplace(one))


@pytest.mark.parametrize("name", list(TARGETS))
def test_batched_loss_is_the_distance_of_each_model(name):
    """WhiteNoiseLoss on a (B, m) batch: each row is ½‖ρ − ρ̂_b‖² (lrnn.distance) and its gradient by differences."""
    k = TARGETS[name]
    rng = np.random.default_rng(1)
    R = rng.uniform(0.2, 3.0, size=(4, 3))
    Aw = rng.normal(size=(4, 3))
    obj = loss.WhiteNoiseLoss(k)
    J = obj.value(R, Aw)
    Jg, gr, ga = obj.value_and_gradient(R, Aw)
    assert J.shape == Jg.shape == (4,) and gr.shape == ga.shape == (4, 3)
    for b in range(4):
        ref = lrnn.distance(k, LinearRNN.diagonal(R[b], Aw[b]), 2) ** 2 / 2
        assert J[b] == pytest.approx(ref, rel=1e-11, abs=1e-13) and Jg[b] == pytest.approx(ref, rel=1e-11, abs=1e-13)
        h = 1e-6
        for i in range(3):
            e = np.zeros(3)
            e[i] = h
            fd = (loss.white_noise_loss(k, R[b] + e, Aw[b]) - loss.white_noise_loss(k, R[b] - e, Aw[b])) / (2 * h)
            assert gr[b, i] == pytest.approx(fd, rel=1e-6, abs=1e-8)
    assert obj.norm2 == pytest.approx(k.norm(2) ** 2, rel=1e-14)


def test_bad_inputs():
    k = kernels.Exponential(1.0)
    with pytest.raises(ValueError, match="rates"):
        loss.white_noise_loss(k, [-1.0], [1.0])
    with pytest.raises(ValueError, match="weights"):
        loss.white_noise_loss(k, [1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="rates"):
        loss.loss_and_gradient(k, [np.nan], [1.0])
    with pytest.raises(ValueError, match="s must be positive"):
        loss.laplace_pair(k, [0.0])
    with pytest.raises(ValueError, match="s"):
        loss.laplace_pair(k, [np.inf])
    with pytest.raises(TypeError, match="target"):
        loss.white_noise_loss("rho", [1.0], [1.0])
    with pytest.raises(TypeError, match="target"):
        loss.WhiteNoiseLoss(None)
