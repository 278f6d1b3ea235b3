"""Tests of lrnn.sampled: the empirical loss against the closed form and against torch autograd of the mean squared
error of the convolved sequences, and the optimisers' update rules on it."""

import numpy as np
import pytest

import lrnn
from lrnn import LinearRNN, kernels, loss, plateau, sampled


def test_train_sampled_estimates_loss():
    pytest.importorskip("torch")
    target, init, E = plateau.plateau_problem(4.0)
    run = sampled.train_sampled(target, init, 20, 0.1, "gd", dt=0.1, horizon=9.0, batch=64, n_eval=200)
    assert run.loss.shape == (21,) and run.crossed_at is None
    assert abs(run.loss[0] / run.exact_loss[0] - 1) < 0.1
    assert np.all(np.diff(run.loss) < 0)       # small-step GD decreases the loss it differentiates
    adam = sampled.train_sampled(target, init, 2, 0.01, "adam", dt=0.1, horizon=9.0, batch=8, n_eval=50)
    assert np.all(np.isfinite(adam.exact_loss))


def test_train_sampled_gradient_is_backpropagation_through_the_sequences():
    """The quadratic-form loss and its hand-written chain rule equal torch autograd of the mean squared error of
    the convolved sequences (an independent path: FFT convolution of the data, autograd through K̂(λ, a))."""
    torch = pytest.importorskip("torch")
    target, init, _ = plateau.plateau_problem(4.0)
    dt, horizon, n_eval, batch, eta = 0.1, 9.0, 50, 8, 0.1
    run = sampled.train_sampled(target, init, 1, eta, "gd", dt=dt, horizon=horizon, batch=batch, n_eval=n_eval)
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
    target, init, _ = plateau.plateau_problem(4.0)
    kw = dict(dt=0.1, horizon=9.0, batch=8, n_eval=50)
    gd = sampled.train_sampled(target, init, 30, 0.02, "gd", **kw)
    zero = sampled.train_sampled(target, init, 30, 0.02, "momentum", momentum=0.0, **kw)
    assert np.array_equal(gd.loss, zero.loss)
    hb = sampled.train_sampled(target, init, 30, 0.02, "momentum", momentum=0.5, **kw)
    # heavy ball from the recorded iterates: θ₂ = θ₁ − η g₁ + μ (θ₁ − θ₀), with g₁ from a one-step GD run at θ₁
    one = sampled.train_sampled(target, lrnn.LinearRNN.diagonal(hb.rates[1], hb.weights[1]), 1, 0.02, "gd", **kw)
    g1 = (np.r_[hb.rates[1], hb.weights[1]] - np.r_[one.rates[1], one.weights[1]]) / 0.02
    want = np.r_[hb.rates[1], hb.weights[1]] - 0.02 * g1 + 0.5 * (np.r_[hb.rates[1], hb.weights[1]]
                                                                   - np.r_[hb.rates[0], hb.weights[0]])
    assert np.allclose(np.r_[hb.rates[2], hb.weights[2]], want, rtol=1e-12, atol=1e-15)
    assert hb.optimizer == "momentum" and np.all(np.isfinite(hb.exact_loss))


def test_sampled_loss_is_the_mean_squared_error_of_respond():
    """The quadratic form in K̂ equals ½ · mean (ŷ − y)² with both outputs from lrnn.respond (the exact ZOH outputs
    of the model and of the target), over the evaluated outputs; the exact loss is the closed form."""
    target, init, _ = plateau.plateau_problem(3.0)
    dt, horizon, n_eval, batch = 0.1, 6.0, 30, 5
    run = sampled.train_sampled(target, init, 3, 0.05, dt=dt, horizon=horizon, n_eval=n_eval, batch=batch, seed=4)
    n_h = int(np.ceil(horizon / dt))
    X = np.random.default_rng(4).standard_normal((batch, n_h + n_eval)) / np.sqrt(dt)
    for k in range(4):
        model = LinearRNN.diagonal(run.rates[k], run.weights[k])
        err = np.stack([lrnn.respond(model, x, dt) - lrnn.respond(target, x, dt) for x in X])[:, n_h:]
        assert run.loss[k] == pytest.approx(0.5 * np.mean(err**2), rel=1e-11)
        assert run.exact_loss[k] == pytest.approx(loss.white_noise_loss(target, run.rates[k], run.weights[k]),
                                                  rel=1e-12)


def test_large_batches_are_summarised_in_chunks(monkeypatch):
    """The data statistics do not depend on how the sequences are chunked (memory stays O(T²))."""
    target, init, _ = plateau.plateau_problem(3.0)
    kw = dict(dt=0.1, horizon=5.0, n_eval=20, batch=9, seed=2)
    whole = sampled.train_sampled(target, init, 5, 0.05, **kw)
    monkeypatch.setattr(sampled, "_CHUNK_ENTRIES", 2 * 20 * 70)       # two sequences per chunk
    chunked = sampled.train_sampled(target, init, 5, 0.05, **kw)
    assert np.allclose(chunked.loss, whole.loss, rtol=1e-12) and np.allclose(chunked.rates, whole.rates, rtol=1e-12)


def test_bad_inputs():
    init = LinearRNN.diagonal([1.0], [1.0])
    k = kernels.Exponential(1.0)
    with pytest.raises(ValueError, match="batch"):
        sampled.train_sampled(k, init, 1, 0.1, batch=0)
    with pytest.raises(TypeError, match="n_eval"):
        sampled.train_sampled(k, init, 1, 0.1, n_eval=2.5)
    with pytest.raises(ValueError, match="momentum"):
        sampled.train_sampled(k, init, 1, 0.1, "momentum", momentum=1.5)
    with pytest.raises(ValueError, match="seed"):
        sampled.train_sampled(k, init, 1, 0.1, seed=-1)
    with pytest.raises(TypeError, match="seed"):
        sampled.train_sampled(k, init, 1, 0.1, seed="a")
    with pytest.raises(ValueError, match="dt"):
        sampled.train_sampled(k, init, 1, 0.1, dt=0.0)
    with pytest.raises(TypeError, match="init"):
        sampled.train_sampled(k, k, 1, 0.1)
