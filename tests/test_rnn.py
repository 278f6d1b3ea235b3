"""LinearRNN against scipy.linalg.expm, scipy.signal.lsim and the Lyapunov equation."""

import numpy as np
import pytest
from scipy import integrate, linalg, signal

import lrnn
from lrnn import LinearRNN, kernels


def random_stable(m, d=1, seed=0, shift=2.0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, m))
    W = A - (np.max(np.linalg.eigvals(A).real) + shift) * np.eye(m)
    U = rng.standard_normal(m) if d == 1 else rng.standard_normal((m, d))
    return W, U, rng.standard_normal(m)


def jordan_model():
    # A defective W (Jordan block): no eigenvector basis, exercises the expm path.
    W = np.array([[-1.0, 1.0, 0.0], [0.0, -1.0, 1.0], [0.0, 0.0, -1.0]])
    return W, np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.5, -0.3])


@pytest.mark.parametrize("make", [lambda: random_stable(4), lambda: random_stable(6, d=3, seed=1), jordan_model],
                         ids=["dense", "dense-d3", "jordan"])
def test_kernel_matches_expm(make):
    W, U, c = make()
    model = LinearRNN(W, U, c)
    t = np.linspace(0.0, 6.0, 25)
    ref = np.array([c @ linalg.expm(W * s) @ U.reshape(len(c), -1) for s in t])
    got = model.kernel(t)
    assert got.shape == ((25,) if np.ndim(U) == 1 else (25, U.shape[1]))
    assert np.allclose(got.reshape(ref.shape), ref, rtol=1e-11, atol=1e-13)


def test_jordan_kernel_closed_form():
    W, U, c = jordan_model()
    t = np.linspace(0, 5, 11)
    # e^{Wt} e₃ = e^{-t} (t²/2, t, 1)ᵀ
    ref = np.exp(-t) * (c[0] * t**2 / 2 + c[1] * t + c[2])
    assert np.allclose(LinearRNN(W, U, c).kernel(t), ref, rtol=1e-12)


def test_diagonal_constructor():
    model = LinearRNN.diagonal([0.5, 2.0, 3.0], [1.0, -1.0, 2.0])
    assert model.hidden_size == 3 and model.input_dim == 1 and model.is_diagonal
    t = np.linspace(0, 4, 9)
    assert np.allclose(model.kernel(t), np.exp(-0.5 * t) - np.exp(-2 * t) + 2 * np.exp(-3 * t), rtol=1e-14)
    assert np.allclose(model.W, -np.diag([0.5, 2.0, 3.0]))
    assert np.allclose(model.U, 1.0) and model.U.shape == (3,)
    assert model.spectral_abscissa == pytest.approx(-0.5)


def test_scalar_time_shapes():
    model = LinearRNN(*random_stable(3, d=2))
    assert model.kernel(0.5).shape == (2,)
    assert LinearRNN.diagonal([1.0], [1.0]).kernel(0.5).shape == ()


def test_zoh_discretisation_matches_integral():
    W, U, _ = random_stable(4)
    A, B = lrnn.zoh_discretise(W, U[:, None], 0.3)
    assert np.allclose(A, linalg.expm(0.3 * W))
    Bq = integrate.quad_vec(lambda s: linalg.expm(W * s) @ U, 0, 0.3, epsabs=1e-14)[0]
    assert np.allclose(B[:, 0], Bq, rtol=1e-10)
    # when W is invertible: B = W⁻¹(e^{W dt} − I)U
    assert np.allclose(B[:, 0], np.linalg.solve(W, (A - np.eye(4)) @ U), rtol=1e-10)


def test_step_response_and_transfer():
    W, U, c = random_stable(4, seed=3)
    model = LinearRNN(W, U, c)
    t = np.array([0.0, 0.4, 2.0])
    ref = [c @ np.linalg.solve(W, (linalg.expm(W * s) - np.eye(4)) @ U) for s in t]
    assert np.allclose(model.step_response(t), ref, rtol=1e-10, atol=1e-14)
    s = np.array([0.2, 1.0, 7.0])
    quad = [integrate.quad(lambda x: np.exp(-sv * x) * model.kernel(x), 0, np.inf)[0] for sv in s]
    assert np.allclose(model.transfer(s), quad, rtol=1e-8)


def test_l2_norm_is_lyapunov_and_quadrature():
    W, U, c = random_stable(5, seed=4)
    model = LinearRNN(W, U, c)
    P = model.gramian()
    assert np.allclose(W @ P + P @ W.T, -np.outer(U, U), atol=1e-12)  # residual of the equation solved
    quad = integrate.quad(lambda t: model.kernel(t) ** 2, 0, np.inf, limit=200)[0]
    assert model.norm(2) == pytest.approx(np.sqrt(quad), rel=1e-9)
    l1 = integrate.quad(lambda t: abs(model.kernel(t)), 0, 60, limit=500)[0]
    assert model.norm(1) == pytest.approx(l1, rel=1e-8)


def test_oscillating_model_l1_closed_form():
    # c = e₁, U = e₁, W = [[-a, ν], [-ν, -a]]  ⇒  ρ(t) = e^{-at} cos νt, ‖ρ‖₁ = (a + ν/sinh(πa/2ν)) / (a² + ν²)
    a, nu = 0.05, 1.5
    model = LinearRNN([[-a, nu], [-nu, -a]], [1.0, 0.0], [1.0, 0.0])
    assert model.norm(1) == pytest.approx((a + nu / np.sinh(np.pi * a / (2 * nu))) / (a**2 + nu**2), rel=1e-9)
    assert np.allclose(model.kernel(np.linspace(0, 9, 10)), kernels.DampedOscillation(a, nu)(np.linspace(0, 9, 10)))


def test_three_views_agree():
    """Recurrent (exact ZOH loop), convolutional (respond) and continuous (lsim) views of one model."""
    W, U, c = random_stable(4, seed=5)
    model = LinearRNN(W, U, c)
    dt = 0.05
    x = lrnn.signals.smooth_random(400, dt, correlation_time=0.5, seed=2)
    y_conv = lrnn.respond(model, x, dt)
    y_rec = model.recur(x, dt)
    t = dt * np.arange(401)
    _, y_lsim, _ = signal.lsim((W, U[:, None], c[None, :], np.zeros((1, 1))), np.append(x, 0.0), t, interp=False)
    scale = np.max(np.abs(y_conv))
    assert np.max(np.abs(y_conv - y_rec)) < 1e-12 * scale
    assert np.max(np.abs(y_conv - y_lsim[1:])) < 1e-9 * scale


@pytest.mark.parametrize(
    "args, exc, match",
    [
        (([[1.0, 0.0], [0.0, -1.0]], [1.0, 1.0], [1.0, 1.0]), ValueError, r"W must be Hurwitz.*largest real part is 1"),
        (([[0.0, 1.0], [-1.0, 0.0]], [1.0, 1.0], [1.0, 1.0]), ValueError, r"W must be Hurwitz.*largest real part is 0"),
        (([[-1.0, 0.0]], [1.0], [1.0]), ValueError, r"W must be a non-empty square matrix"),
        (([[-1.0, 0.0], [0.0, -1.0]], [1.0, 1.0, 1.0], [1.0, 1.0]), ValueError, r"U must have m = 2 rows"),
        (([[-1.0, 0.0], [0.0, -1.0]], [1.0, 1.0], [1.0]), ValueError, r"c must have shape \(2,\)"),
        (([[-1.0, np.nan], [0.0, -1.0]], [1.0, 1.0], [1.0, 1.0]), ValueError, r"W must contain only finite"),
        (([[-1.0, 0.0], [0.0, -1.0]], [1.0, np.inf], [1.0, 1.0]), ValueError, r"U must contain only finite"),
        (([-1.0], [1.0], [1.0]), ValueError, r"W must be 2-D"),
        (([[-1.0]], [[[1.0]]], [1.0]), ValueError, r"U must be 1-D or 2-D"),
        (("W", [1.0], [1.0]), TypeError, r"W must be an array of real numbers"),
    ],
)
def test_bad_models(args, exc, match):
    with pytest.raises(exc, match=match):
        LinearRNN(*args)


def test_bad_diagonal_and_calls():
    with pytest.raises(ValueError, match="rates must be positive"):
        LinearRNN.diagonal([1.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="weights must have the shape"):
        LinearRNN.diagonal([1.0, 2.0], [1.0])
    model = LinearRNN.diagonal([1.0], [1.0])
    with pytest.raises(ValueError, match="t must be non-negative"):
        model.kernel([-0.1])
    with pytest.raises(ValueError, match="dt must be positive"):
        model.discretise(0.0)
    with pytest.raises(ValueError, match="s must be positive"):
        model.transfer(-1.0)


def test_diagonal_parameters_and_require_kernel():
    from lrnn.kernels import require_kernel
    from lrnn.rnn import diagonal_parameters

    r, a = diagonal_parameters(LinearRNN(-np.diag([0.5, 2.0]), [2.0, -1.0], [1.5, 3.0]))
    assert np.array_equal(r, [0.5, 2.0]) and np.array_equal(a, [3.0, -3.0])  # a = c ⊙ U
    with pytest.raises(TypeError, match="init must be a LinearRNN"):
        diagonal_parameters(kernels.Exponential(1.0), "init")
    with pytest.raises(ValueError, match="model must be a diagonal LinearRNN with scalar input"):
        diagonal_parameters(LinearRNN(*random_stable(3)))
    with pytest.raises(ValueError, match="model must be a diagonal LinearRNN with scalar input"):
        diagonal_parameters(LinearRNN(-np.eye(2), np.ones((2, 2)), np.ones(2)))
    k = kernels.PowerLaw(0.5)
    assert require_kernel(k) is k
    with pytest.raises(TypeError, match="target must be a kernel"):
        require_kernel(LinearRNN.diagonal([1.0], [1.0]))


# ---------------------------------------------------------------- checks moved from Chapter 1's hidden cells
def chapter_one_model():
    """Chapter 1's four-unit model in real modal form: eigenvalues −0.2 ± i, −0.5, −2."""
    W = np.zeros((4, 4))
    W[:2, :2] = [[-0.2, 1.0], [-1.0, -0.2]]
    W[2, 2], W[3, 3] = -0.5, -2.0
    return LinearRNN(W, [1.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, -0.5])


def test_chapter_one_model_kernel_and_zoh_pair():
    model = chapter_one_model()
    t = np.linspace(0, 20, 41)
    closed = np.exp(-0.2 * t) * np.cos(t) + np.exp(-0.5 * t) - 0.5 * np.exp(-2 * t)
    assert np.allclose(model.kernel(t), closed, atol=1e-13)
    A, B = model.discretise(0.1)
    W = np.array(model.W)
    assert np.allclose(A, linalg.expm(0.1 * W), atol=1e-14)
    assert np.allclose(B[:, 0], np.linalg.solve(W, (A - np.eye(4)) @ model.U), atol=1e-14)
    # eigenvalues e^{zΔ}: moduli e^{Re z Δ} < 1
    assert np.allclose(np.sort(np.abs(np.linalg.eigvals(A))), np.sort(np.exp(0.1 * model.eigenvalues.real)))


def test_chapter_one_model_output_by_quadrature_and_lsim():
    """y_n = Σ_j x_j ∫_cell ρ̂ (quadrature of the kernel over each cell) and scipy.signal.lsim (ZOH)."""
    model = chapter_one_model()
    dt = 0.1
    x = lrnn.signals.smooth_random(200, dt, correlation_time=1.0, seed=1)
    y = lrnn.respond(model, x, dt)
    scale = np.max(np.abs(y))
    for n in (9, 49, 199):
        t_n = dt * (n + 1)
        q = sum(integrate.quad(lambda s: float(model.kernel(s)), t_n - dt * (j + 1), t_n - dt * j)[0] * x[j]
                for j in range(n + 1))
        assert abs(q - y[n]) < 1e-10 * scale
    W, U, c = np.array(model.W), np.array(model.U), np.array(model.c)
    _, y_lsim, _ = signal.lsim((W, U[:, None], c[None, :], 0.0), np.append(x, 0.0), dt * np.arange(201),
                               interp=False)
    assert np.max(np.abs(y - y_lsim[1:])) < 1e-10 * scale
    assert np.max(np.abs(model.recur(x, dt) - y)) < 1e-13 * scale


def test_non_hurwitz_message_names_the_largest_real_part():
    with pytest.raises(ValueError, match="largest real part is 0.5"):
        LinearRNN([[-1.0, 2.0], [0.0, 0.5]], [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="largest real part is 0"):
        LinearRNN([[0.0]], [1.0], [1.0])
    with pytest.raises(ValueError, match="largest real part is 1"):       # a hidden unstable mode (Exercise 1.6)
        LinearRNN(np.diag([-1.0, 1.0]), [1.0, 1.0], [1.0, 0.0])


@pytest.mark.unit
@pytest.mark.parametrize("m", [1, 2, 5, 20])
def test_expm_batch_matches_scipy(m):
    """The batched scaling-and-squaring exponential agrees with scipy.linalg.expm time by time."""
    from scipy.linalg import expm

    from lrnn import _linalg

    rng = np.random.default_rng(m)
    W = rng.standard_normal((m, m)) - 2.0 * np.eye(m)
    times = np.r_[0.0, np.geomspace(1e-8, 60.0, 97)]
    got = _linalg.expm_batch(W, times)
    for tk, E in zip(times, got):
        ref = expm(W * tk)
        assert np.allclose(E, ref, rtol=1e-11, atol=1e-13 * max(1.0, np.abs(ref).max()))


@pytest.mark.unit
def test_jordan_block_kernel_is_closed_form_and_fast_enough():
    """W = [[-a, 1], [0, -a]] has no modal form; its kernel is t e^{-at} (batched exponentials, not a loop)."""
    model = LinearRNN([[-0.5, 1.0], [0.0, -0.5]], [0.0, 1.0], [1.0, 0.0])
    t = np.linspace(0.0, 30.0, 20001)
    assert np.allclose(model.kernel(t), t * np.exp(-0.5 * t), rtol=0, atol=1e-13)
