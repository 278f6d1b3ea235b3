"""The public names that the issues list are a contract: checks outside the repository call them.

These tests pin their signatures and the shapes and meanings they promise, so that a refactor cannot
silently break them.
"""

import inspect

import numpy as np
import pytest

import lrnn
from lrnn import kernels


def params(fn):
    return list(inspect.signature(fn).parameters)


def test_kernel_constructors_and_protocol():
    assert params(kernels.Exponential)[:2] == ["rate", "weight"]
    assert params(kernels.PowerLaw)[:2] == ["omega", "weight"]
    assert params(kernels.Delayed)[:3] == ["lag", "width", "weight"]
    assert params(kernels.Airy)[:2] == ["lag", "scale"]
    t = np.linspace(0, 3, 7)
    ks = [kernels.Exponential(2.0), kernels.PowerLaw(0.5, weight=2.0), kernels.Delayed(1.0),
          kernels.Airy(2.0, scale=1.5)]
    refs = [np.exp(-2 * t), 2 * (1 + t) ** -1.5, np.exp(-((t - 1.0) ** 2)), None]
    for k, ref in zip(ks, refs):
        assert k(t).shape == t.shape
        if ref is not None:
            assert np.allclose(k(t), ref)
        assert k.norm(1) > 0 and k.norm(2) > 0 and k.norm() == k.norm(2)
        assert np.allclose((k + k)(t), 2 * k(t)) and np.allclose((0.5 * k)(t), 0.5 * k(t))


def test_linear_rnn_contract():
    W = np.array([[-1.0, 0.5], [0.0, -2.0]])
    m1 = lrnn.LinearRNN(W, np.array([1.0, 1.0]), np.array([1.0, 0.0]))
    m3 = lrnn.LinearRNN(W, np.ones((2, 3)), np.array([1.0, 0.0]))
    t = np.linspace(0, 2, 5)
    assert m1.kernel(t).shape == (5,) and m3.kernel(t).shape == (5, 3)
    assert m1.hidden_size == 2
    d = lrnn.LinearRNN.diagonal([1.0, 2.0], [3.0, -1.0])
    assert np.allclose(d.kernel(t), 3 * np.exp(-t) - np.exp(-2 * t))


def test_respond_contract():
    # y[n] = H_t(x) at t = (n+1)·dt for x held on [j·dt, (j+1)·dt): a unit step gives ∫₀ᵗ ρ.
    k = kernels.Exponential(1.0)
    y = lrnn.respond(k, np.ones(4), 0.5)
    assert y.shape == (4,)
    assert np.allclose(y, 1 - np.exp(-0.5 * np.arange(1, 5)))
    assert lrnn.respond(lrnn.LinearRNN.diagonal([1.0], [1.0]), np.ones((4, 1)), 0.5).shape == (4,)


def test_distance_contract():
    a, b = kernels.Exponential(1.0), kernels.Exponential(2.0)
    assert params(lrnn.distance)[:3] == ["a", "b", "p"]
    assert lrnn.distance(a, b) == pytest.approx(np.sqrt(1 / 2 + 1 / 4 - 2 / 3))
    assert lrnn.distance(a, b, p=1) == pytest.approx(0.5)  # ∫ e^{-t} − e^{-2t} = 1 − 1/2


def test_chapter_apis_exist_with_their_signatures():
    assert params(lrnn.fit)[:3] == ["target", "hidden_size", "exponents"]
    assert params(lrnn.hankel_singular_values)[:2] == ["target", "k"]
    assert params(lrnn.train)[:5] == ["target", "init", "steps", "lr", "optimizer"]
    assert inspect.signature(lrnn.train).parameters["optimizer"].default == "gd"
    assert params(lrnn.gradient_flow)[:3] == ["target", "init", "t_max"]
    model = lrnn.fit(kernels.Exponential(0.37), 4, exponents=[1.0, 2.5, 0.1, 7.0])
    assert isinstance(model, lrnn.LinearRNN) and model.hidden_size == 4
    rel = lrnn.distance(kernels.Exponential(0.37), model) / kernels.Exponential(0.37).norm(2)
    assert rel == pytest.approx(0.176371998408, rel=1e-9)  # the Blaschke product, paper-notes C1
    run = lrnn.train(kernels.Exponential(1.0), lrnn.LinearRNN.diagonal([2.0], [0.5]), steps=5, lr=0.1)
    assert run.loss.shape == (6,) and isinstance(run.model, lrnn.LinearRNN)
    assert run.loss[0] == pytest.approx(0.5 * lrnn.distance(kernels.Exponential(1.0),
                                                            lrnn.LinearRNN.diagonal([2.0], [0.5])) ** 2)
    s = lrnn.hankel_singular_values(kernels.ExponentialSum([1.0, 3.0], [1.0, 1.0]), 2)
    assert s.shape == (2,) and s[0] >= s[1] > 0
