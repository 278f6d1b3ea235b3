"""lrnn.respond: exact cell integrals + FFT convolution, against independent references."""

import numpy as np
import pytest
from scipy import integrate, signal

import lrnn
from lrnn import kernels as K
from lrnn import signals


def direct_quadrature(kernel, x, dt, n):
    """y_n = ∫₀^{t} ρ(s) x(t − s) ds at t = (n+1)dt by quad over each input cell."""
    t = (n + 1) * dt
    total = 0.0
    for j in range(n + 1):  # input cell j occupies s ∈ (t − (j+1)dt, t − j dt]
        a, b = t - (j + 1) * dt, t - j * dt
        total += x[j] * integrate.quad(lambda s: float(kernel(s)), a, b, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
    return total


@pytest.mark.parametrize("kernel", [K.PowerLaw(0.4), K.Delayed(2.0, 0.5), K.Airy(3.0, 1.2),
                                    K.DampedOscillation(0.3, 2.0), K.Exponential(0.5) + K.Delayed(1.0)],
                         ids=repr)
def test_respond_matches_direct_quadrature(kernel):
    dt = 0.1
    x = signals.smooth_random(80, dt, correlation_time=0.7, seed=1)
    y = lrnn.respond(kernel, x, dt)
    assert y.shape == (80,)
    for n in (0, 7, 41, 79):
        ref = direct_quadrature(kernel, x, dt, n)
        assert y[n] == pytest.approx(ref, rel=1e-10, abs=1e-13 * kernel.norm(1))


def test_respond_matches_lsim_for_models():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((5, 5)) - 4 * np.eye(5)
    U, c = rng.standard_normal(5), rng.standard_normal(5)
    model = lrnn.LinearRNN(W, U, c)
    dt, T = 0.02, 3000
    x = rng.standard_normal(T)
    y = lrnn.respond(model, x, dt)
    t = dt * np.arange(T + 1)
    _, y_lsim, _ = signal.lsim((W, U[:, None], c[None, :], np.zeros((1, 1))), np.append(x, 0.0), t, interp=False)
    assert np.max(np.abs(y - y_lsim[1:])) < 1e-10 * np.max(np.abs(y))


def test_kernel_and_its_model_give_the_same_output():
    model = lrnn.LinearRNN.diagonal([0.3, 1.0, 4.0], [1.0, -2.0, 0.5])
    kernel = K.ExponentialSum([0.3, 1.0, 4.0], [1.0, -2.0, 0.5])
    x = signals.white_noise(5000, 0.01, seed=3)
    y1, y2 = lrnn.respond(model, x, 0.01), lrnn.respond(kernel, x, 0.01)
    assert np.max(np.abs(y1 - y2)) < 1e-12 * np.max(np.abs(y1))


def test_vector_input_is_sum_of_components():
    rng = np.random.default_rng(1)
    W = -np.diag([0.5, 1.0, 2.0]) + 0.1 * rng.standard_normal((3, 3))
    U = rng.standard_normal((3, 2))
    c = rng.standard_normal(3)
    model = lrnn.LinearRNN(W, U, c)
    x = rng.standard_normal((300, 2))
    y = lrnn.respond(model, x, 0.05)
    y0 = lrnn.respond(lrnn.LinearRNN(W, U[:, 0], c), x[:, 0], 0.05)
    y1 = lrnn.respond(lrnn.LinearRNN(W, U[:, 1], c), x[:, 1], 0.05)
    assert np.allclose(y, y0 + y1, atol=1e-12)
    assert np.allclose(y, model.recur(x, 0.05), atol=1e-12)


def test_step_input_gives_step_response():
    k = K.PowerLaw(0.5)
    dt = 0.1
    y = lrnn.respond(k, signals.step(200), dt)
    assert np.allclose(y, k.step_response(signals.time_grid(200, dt)), rtol=1e-12)


def test_white_noise_output_variance_is_l2_norm():
    """Monte Carlo: E y_T² = Σ_k K_k²/dt → ‖ρ‖₂² (Itô isometry, discretised)."""
    k = K.Exponential(1.0) + K.Delayed(2.0, 0.5)
    dt, T, paths = 0.05, 400, 4000
    x = signals.white_noise(T * paths, dt, seed=7).reshape(paths, T)
    cells = k.cell_integrals(dt, T)
    y_last = x @ cells[::-1]  # y at t = T·dt for each path
    discrete = np.sum(cells**2) / dt
    se = np.std(y_last**2) / np.sqrt(paths)
    assert abs(np.mean(y_last**2) - discrete) < 4 * se
    assert discrete == pytest.approx(k.norm(2) ** 2, rel=0.02)  # dt → 0 limit


def test_long_input_is_fast_enough_and_finite():
    x = signals.white_noise(100_000, 0.01, seed=0)
    y = lrnn.respond(K.PowerLaw(0.2), x, 0.01)
    assert y.shape == (100_000,) and np.all(np.isfinite(y))


def test_bad_inputs():
    k = K.Exponential(1.0)
    with pytest.raises(ValueError, match="dt must be positive"):
        lrnn.respond(k, np.ones(5), 0.0)
    with pytest.raises(ValueError, match="dt must be finite"):
        lrnn.respond(k, np.ones(5), np.inf)
    with pytest.raises(ValueError, match="x must contain only finite"):
        lrnn.respond(k, np.array([1.0, np.nan]), 0.1)
    with pytest.raises(ValueError, match=r"x must have shape \(T,\) or \(T, 1\)"):
        lrnn.respond(k, np.ones((5, 2)), 0.1)
    with pytest.raises(ValueError, match="at least one time step"):
        lrnn.respond(k, np.ones(0), 0.1)
    with pytest.raises(ValueError, match="x must be 1-D or 2-D"):
        lrnn.respond(k, np.ones((2, 2, 2)), 0.1)
    with pytest.raises(TypeError, match="system must be a kernel"):
        lrnn.respond(np.exp, np.ones(5), 0.1)
    model = lrnn.LinearRNN(-np.eye(2), np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"x must have shape \(T,\) or \(T, 3\)"):
        lrnn.respond(model, np.ones((5, 2)), 0.1)
    with pytest.raises(ValueError, match="n must be at least 1"):
        signals.white_noise(0, 0.1)
    with pytest.raises(ValueError, match="correlation_time must be positive"):
        signals.smooth_random(10, 0.1, correlation_time=0.0)
    with pytest.raises(ValueError, match="start must be an integer sample index"):
        signals.step(10, start=10)


# ---------------------------------------------------------------- checks moved from Chapter 1's hidden cells
@pytest.mark.parametrize("w", [1.0, 0.1, 0.01])
def test_exponential_average_of_tents_matches_closed_form_and_quadrature(w):
    """H_t(tent) for ρ = e^{-s}, a tent of height 1 and half-width w centred at lag 1: e^{-1}·2(cosh w − 1)/w.

    The tent is sampled at cell midpoints (dt = w/100) and held on each cell, so respond is exact for the
    sampled input and differs from the continuous tent by the midpoint rule's O(dt²)."""
    t_out, dt = 3.0, w / 100
    u = dt * (np.arange(int(round(t_out / dt))) + 0.5)
    x = np.clip(1 - np.abs(u - (t_out - 1)) / w, 0, None)
    y = lrnn.respond(K.Exponential(1.0), x, dt)[-1]
    closed = np.exp(-1.0) * 2 * (np.cosh(w) - 1) / w
    quad = integrate.quad(lambda s: np.exp(-s) * max(0.0, 1 - abs(s - 1) / w), 1 - w, 1 + w, points=[1.0],
                          epsabs=0.0, epsrel=1e-13)[0]
    assert quad == pytest.approx(closed, rel=1e-11)
    assert y == pytest.approx(closed, rel=1e-4)


@pytest.mark.parametrize("kernel", [K.Exponential(1.0), K.PowerLaw(0.5), K.Delayed(3.0, 0.5)], ids=repr)
def test_respond_commutes_with_a_delay_of_the_input(kernel):
    """Time-homogeneity of the computed map: delaying the input by whole cells delays the output."""
    dt, n, shift = 0.01, 1500, 500
    x = np.zeros(n)
    x[175:225] = 2.0
    y, y_later = lrnn.respond(kernel, x, dt), lrnn.respond(kernel, np.roll(x, shift), dt)
    scale = np.max(np.abs(y))
    assert np.max(np.abs(y_later[shift:] - y[:-shift])) < 1e-12 * scale
    assert np.max(np.abs(y_later[:shift])) < 1e-13 * scale               # nothing before the delayed pulse
