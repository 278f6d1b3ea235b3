"""lrnn.views: Chapter 1's experiments as numbers (kernel families, inputs, modal models, the three views, the
operator norm), against independent references: closed forms, scipy quadrature, scipy.linalg.expm and
scipy.signal.lsim. Also the bounds on work and the re-export from lrnn.plots.memory.
"""

import numpy as np
import pytest
from scipy import integrate, linalg, signal, special

import lrnn
from lrnn import kernels, views


def _airy_zeros_in(lag, horizon):
    z = lag + special.ai_zeros(40)[0]
    return np.sort(z[(z > 0) & (z < horizon)])


def _airy_mollified_sign(s, eps, z):
    """sign Ai(s - 5) * Gaussian(eps) for the two zeros z on [0, 20]: +, -, + (closed form with ndtr)."""
    return (special.ndtr((z[0] - s) / eps) - (special.ndtr((z[1] - s) / eps) - special.ndtr((z[0] - s) / eps))
            + (1 - special.ndtr((z[1] - s) / eps)))


def test_reexported_from_plots_memory():
    from lrnn.plots import memory as pm

    for name in ("memory_kernel", "input_signal", "mollified_sign", "norm_attainment", "modal_rnn", "three_views",
                 "mode_contributions", "FAMILIES", "SIGNALS"):
        assert getattr(pm, name) is getattr(views, name)


# ------------------------------------------------------------------ kernels and signals
@pytest.mark.parametrize("memory", [0.5, 2.0, 7.0])
def test_memory_kernel_norms_against_closed_forms_and_quadrature(memory):
    assert views.memory_kernel("exponential", memory).norm(1) == pytest.approx(memory, rel=1e-14)
    assert views.memory_kernel("power law", memory).norm(1) == pytest.approx(memory, rel=1e-14)
    ref = np.sqrt(np.pi) / 2 * (1 + special.erf(memory))
    assert views.memory_kernel("delayed", memory).norm(1) == pytest.approx(ref, rel=1e-12)
    ai = views.memory_kernel("airy", memory)
    z = _airy_zeros_in(memory, memory)
    pieces = np.concatenate([[0.0], z, [memory, memory + 30.0]])
    quad = sum(integrate.quad(lambda s: abs(special.airy(s - memory)[0]), a, b, epsabs=0, epsrel=1e-12)[0]
               for a, b in zip(pieces[:-1], pieces[1:]))
    assert ai.norm(1) == pytest.approx(quad, rel=1e-9)
    # the memory parameter is the time scale / inverse exponent / lag
    t = np.array([0.0, 1.0, 3.0])
    np.testing.assert_allclose(views.memory_kernel("exponential", memory)(t), np.exp(-t / memory), rtol=1e-14)
    np.testing.assert_allclose(views.memory_kernel("power law", memory)(t), (1 + t) ** -(1 + 1 / memory),
                               rtol=1e-13)
    np.testing.assert_allclose(views.memory_kernel("delayed", memory)(t), np.exp(-(t - memory) ** 2), rtol=1e-13)
    np.testing.assert_allclose(ai(t), special.airy(t - memory)[0], rtol=1e-13)


def test_memory_kernel_rejects_bad_input():
    with pytest.raises(ValueError, match="family"):
        views.memory_kernel("gaussian", 1.0)
    with pytest.raises(TypeError, match="family"):
        views.memory_kernel(3, 1.0)
    with pytest.raises(ValueError, match="memory"):
        views.memory_kernel("exponential", 0.0)
    with pytest.raises(ValueError, match="memory"):
        views.memory_kernel("power law", np.nan)
    with pytest.raises(TypeError, match="memory"):
        views.memory_kernel("delayed", "long")
    with pytest.raises(ValueError, match="memory"):       # 1/memory overflows: no finite rate
        views.memory_kernel("exponential", 5e-324)
    with pytest.raises(TypeError, match="memory"):
        views.memory_kernel("exponential", True)


@pytest.mark.parametrize("name", views.SIGNALS)
def test_input_signals(name):
    x = views.input_signal(name, 500, 0.05, seed=3)
    assert x.shape == (500,) and np.all(np.isfinite(x))
    np.testing.assert_array_equal(x, views.input_signal(name, 500, 0.05, seed=3))  # seeded
    if name == "step":
        np.testing.assert_array_equal(x, np.ones(500))
    if name == "sinusoid":
        np.testing.assert_allclose(x, np.sin(2 * np.pi * 0.05 * np.arange(500) / 5.0), atol=1e-14)
    if name == "smooth random":
        assert np.max(np.abs(x)) == pytest.approx(1.0)
    if name == "white noise":
        assert np.var(x) * 0.05 == pytest.approx(1.0, rel=0.2)


def test_input_signal_rejects_bad_input():
    with pytest.raises(ValueError, match="name"):
        views.input_signal("noise", 10, 0.1)
    with pytest.raises(ValueError, match="n must"):
        views.input_signal("step", 0, 0.1)
    with pytest.raises(TypeError, match="n must"):
        views.input_signal("step", 2.5, 0.1)
    with pytest.raises(ValueError, match="n must be at most"):
        views.input_signal("step", 10**12, 0.1)
    with pytest.raises(ValueError, match="dt"):
        views.input_signal("sinusoid", 10, -0.1)
    with pytest.raises(ValueError, match="seed"):
        views.input_signal("white noise", 10, 0.1, seed=-1)
    with pytest.raises(TypeError, match="seed"):
        views.input_signal("white noise", 10, 0.1, seed=1.5)
    with pytest.raises(ValueError, match="dt must be at least"):    # the filter would span 8e300 samples
        views.input_signal("smooth random", 10, 1e-300)


def test_grid_size_is_bounded_and_exact():
    assert views.grid_size(40.0, 0.05) == 800
    with pytest.raises(ValueError, match="t_max"):
        views.grid_size(1e300, 1e-300)                          # an infinite ratio, not an OverflowError
    with pytest.raises(ValueError, match="t_max"):
        views.grid_size(0.05, 0.05)
    with pytest.raises(ValueError, match="t_max / dt must be at most"):
        views.grid_size(1.0, 1e-9)


# ------------------------------------------------------------------ modal models
def test_modal_rnn_kernel_against_closed_form_and_expm():
    model = views.modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0), pair_weight=1.5)
    assert model.hidden_size == 4
    np.testing.assert_allclose(np.sort_complex(model.eigenvalues),
                               np.sort_complex(np.array([-0.2 + 1j, -0.2 - 1j, -0.5, -2.0])), atol=1e-14)
    t = np.linspace(0, 15, 31)
    closed = np.exp(-0.5 * t) - 0.5 * np.exp(-2 * t) + 1.5 * np.exp(-0.2 * t) * np.cos(t)
    np.testing.assert_allclose(model.kernel(t), closed, atol=1e-13)
    W, U, c = np.array(model.W), np.array(model.U), np.array(model.c)
    via_expm = np.array([c @ linalg.expm(W * s) @ U for s in t])
    np.testing.assert_allclose(via_expm, closed, atol=1e-13)


def test_modal_rnn_rejects_bad_input():
    with pytest.raises(ValueError, match="rates"):
        views.modal_rnn([1.0, -0.5])
    with pytest.raises(ValueError, match="weights"):
        views.modal_rnn([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="pair"):
        views.modal_rnn([1.0], pair=(0.0, 1.0))
    with pytest.raises(ValueError, match="pair"):
        views.modal_rnn([1.0], pair=(1.0, 1.0, 2.0))
    with pytest.raises(ValueError, match="pair"):
        views.modal_rnn([1.0], pair=(1.0, -1.0))
    with pytest.raises(ValueError, match="at least one unit"):
        views.modal_rnn([])
    with pytest.raises(ValueError, match="rates must have at most"):   # refused before a dense 10⁵ × 10⁵ W
        views.modal_rnn(np.ones(100_000))
    with pytest.raises(TypeError, match="rates"):
        views.modal_rnn(["1.0"])


@pytest.mark.parametrize("model, expected_modes", [
    (views.modal_rnn([1.0], [1.0], pair=(0.3, 1.5)), 2),
    (views.modal_rnn([0.2, 1.0, 5.0], [1.0, -2.0, 3.0]), 3),
    (lrnn.LinearRNN([[-1.0, 1.0, 0.3], [-2.0, -1.0, 0.5], [0.1, 0.0, -3.0]], [1.0, 2.0, 3.0], [1.0, 0.0, 1.0]), 2),
    (lrnn.LinearRNN([[-1.0, 1.0], [0.0, -1.0]], [0.0, 1.0], [1.0, 0.0]), 1),      # Jordan block: the kernel
])
def test_mode_contributions_sum_to_the_kernel(model, expected_modes):
    t = np.linspace(0.0, 10.0, 41)
    modes = views.mode_contributions(model, t)
    assert modes.shape == (expected_modes, t.size)
    W, U, c = np.array(model.W), np.array(model.U), np.array(model.c)
    via_expm = np.array([c @ linalg.expm(W * s) @ U for s in t])
    np.testing.assert_allclose(modes.sum(axis=0), via_expm, atol=1e-12)


def test_mode_contributions_of_a_pair_is_the_damped_cosine():
    t = np.linspace(0.0, 10.0, 41)
    modes = views.mode_contributions(views.modal_rnn([2.0], [0.5], pair=(0.3, 2.0)), t)
    np.testing.assert_allclose(modes[np.argmax(np.abs(modes[:, 0] - 1.0) < 1e-12)],
                               np.exp(-0.3 * t) * np.cos(2.0 * t), atol=1e-13)
    with pytest.raises(ValueError, match="t must be non-negative"):
        views.mode_contributions(views.modal_rnn([1.0]), [-1.0])
    with pytest.raises(TypeError, match="model"):
        views.mode_contributions(kernels.Exponential(1.0), [0.0])


# ------------------------------------------------------------------ three views
def test_three_views_agree_with_each_other_and_lsim():
    model = views.modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0))
    x = np.random.default_rng(7).standard_normal(300)
    out = views.three_views(model, x, 0.1)
    assert set(out) == {"recurrent", "convolution", "modal"}
    W, U, c = np.array(model.W), np.array(model.U), np.array(model.c)
    _, y_lsim, _ = signal.lsim((W, U[:, None], c[None, :], 0.0), np.append(x, 0.0), 0.1 * np.arange(301),
                               interp=False)
    scale = np.max(np.abs(y_lsim))
    for name, y in out.items():
        assert y.shape == (300,)
        np.testing.assert_allclose(y, y_lsim[1:], atol=1e-10 * scale, err_msg=name)
        np.testing.assert_allclose(y, out["convolution"], atol=1e-13 * scale, err_msg=name)


def test_three_views_rejects_bad_input_and_bounds_its_work():
    model = views.modal_rnn([1.0])
    with pytest.raises(TypeError, match="model"):
        views.three_views(kernels.Exponential(1.0), np.ones(3), 0.1)
    with pytest.raises(ValueError, match="x must"):
        views.three_views(model, np.ones((3, 2)), 0.1)
    with pytest.raises(ValueError, match="dt"):
        views.three_views(model, np.ones(3), 0.0)
    with pytest.raises(ValueError, match="x must"):
        views.three_views(model, [1.0, np.nan], 0.1)
    with pytest.raises(TypeError, match="x must"):
        views.three_views(model, [True, False], 0.1)
    with pytest.raises(ValueError, match="x must have at most"):    # the direct convolution is O(T²)
        views.three_views(model, np.ones(views.MAX_DIRECT_SAMPLES + 1), 0.1)
    jordan = lrnn.LinearRNN([[-1.0, 1.0], [0.0, -1.0]], [0.0, 1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="diagonalisable"):
        views.three_views(jordan, np.ones(3), 0.1)


# ------------------------------------------------------------------ the operator norm
def test_mollified_sign_against_airy_zeros():
    airy = kernels.Airy(lag=5.0)
    s = np.linspace(0, 20, 2001)
    z = _airy_zeros_in(5.0, 20.0)                         # 0.912, 2.662
    assert z.size == 2
    for eps in (3.0, 0.3, 0.05, 1e-4):
        np.testing.assert_allclose(views.mollified_sign(airy, s, eps), _airy_mollified_sign(s, eps, z), atol=1e-6)
    exact = views.mollified_sign(airy, s, 0.0)
    away = np.min(np.abs(s[:, None] - z[None, :]), axis=1) > 1e-3
    np.testing.assert_array_equal(exact[away], np.sign(airy(s[away])))
    assert np.all(np.abs(views.mollified_sign(airy, s, 0.1)) <= 1 + 1e-15)
    grid = np.linspace(0, 20, 12).reshape(3, 4)           # any shape of lags
    assert views.mollified_sign(airy, grid, 0.1).shape == (3, 4)


def test_mollified_sign_of_positive_and_zero_kernels():
    s = np.linspace(0, 10, 11)
    np.testing.assert_allclose(views.mollified_sign(kernels.Exponential(1.0), s, 0.5), 1.0, atol=1e-15)
    np.testing.assert_allclose(views.mollified_sign(-1.0 * kernels.Exponential(1.0), s, 0.5), -1.0, atol=1e-15)
    zero = 0.0 * kernels.Exponential(1.0)                 # sign 0 = 0: and the best input gives output 0
    np.testing.assert_array_equal(views.mollified_sign(zero, s, 0.5), np.zeros(11))
    np.testing.assert_array_equal(views.norm_attainment(zero, [0.0, 0.1], t=2.0, dt=0.01), [0.0, 0.0])


def test_mollified_sign_many_zeros_against_the_direct_sum():
    """A kernel with 60 sign changes on [0, 30]: the local sum (zeros within 9 widths) against the full sum of
    Gaussian differences at the exact zeros (the function locates them on a grid of 20 000 cells: ~1e-8)."""
    k = kernels.DampedOscillation(0.01, 2 * np.pi / 1.0)
    s = np.linspace(0.0, 30.0, 3001)
    zeros = 0.25 + 0.5 * np.arange(60)                    # cos(2πt) = 0
    signs = (-1.0) ** np.arange(61)
    edges = np.concatenate([[-np.inf], zeros, [np.inf]])
    for eps in (0.02, 0.2, 2.0):
        ref = np.sum(signs * (special.ndtr((edges[None, 1:] - s[:, None]) / eps)
                              - special.ndtr((edges[None, :-1] - s[:, None]) / eps)), axis=1)
        np.testing.assert_allclose(views.mollified_sign(k, s, eps, horizon=30.0), ref, atol=1e-6)


def test_mollified_sign_rejects_bad_input():
    with pytest.raises(ValueError, match="s must be non-negative"):
        views.mollified_sign(kernels.Airy(5.0), [-1.0, 0.0], 0.1)
    with pytest.raises(ValueError, match="width"):
        views.mollified_sign(kernels.Airy(5.0), [1.0], -0.1)
    with pytest.raises(TypeError, match="kernel"):
        views.mollified_sign(lrnn.LinearRNN.diagonal([1.0], [1.0]), [0.1], 0.1)
    with pytest.raises(ValueError, match="horizon"):
        views.mollified_sign(kernels.Airy(5.0), [1.0], 0.1, horizon=0.0)


def test_norm_attainment_reaches_the_l1_norm():
    airy = kernels.Airy(lag=5.0)
    widths = np.array([1.0, 0.1, 0.01])
    v = views.norm_attainment(airy, widths, t=20.0, dt=0.005)
    # independent reference: quadrature of ρ(s) m_ε(s) with m_ε from tabulated zeros
    z = _airy_zeros_in(5.0, 20.0)
    for eps, val in zip(widths, v):
        ref = integrate.quad(lambda s, eps=eps: special.airy(s - 5)[0] * _airy_mollified_sign(s, eps, z), 0, 20,
                             points=[*z, 5.0], limit=400)[0]
        assert val == pytest.approx(ref, abs=2e-5)
    l1 = airy.norm(1)
    assert np.all(v <= l1 + 1e-9)
    assert (l1 - v[-1]) / l1 < 1e-4
    assert v[0] < 0.7 * l1                                # a wide mollifier misses the negative lobe
    # the last output of lrnn.respond on the same input (a convolution by FFT)
    n = 4000
    lags = 20.0 - (np.arange(n) + 0.5) * 0.005
    x = views.mollified_sign(airy, lags, 0.1, horizon=20.0)
    assert views.norm_attainment(airy, [0.1])[0] == pytest.approx(lrnn.respond(airy, x, 0.005)[-1], abs=1e-12)


def test_norm_attainment_positive_kernel_equals_step_response():
    k = kernels.Exponential(0.5, 2.0)
    v = views.norm_attainment(k, [0.0, 0.3], t=8.0, dt=0.01)
    np.testing.assert_allclose(v, 4.0 * (1 - np.exp(-4.0)), rtol=1e-12)


def test_norm_attainment_rejects_bad_input():
    with pytest.raises(ValueError, match="widths"):
        views.norm_attainment(kernels.Airy(5.0), [-0.1])
    with pytest.raises(TypeError, match="kernel"):
        views.norm_attainment(lrnn.LinearRNN.diagonal([1.0], [1.0]), [0.1])
    with pytest.raises(ValueError, match="t "):
        views.norm_attainment(kernels.Airy(5.0), [0.1], t=1e300, dt=1e-300)
    with pytest.raises(ValueError, match="widths must have at most"):
        views.norm_attainment(kernels.Airy(5.0), np.full(20_000, 0.1))
