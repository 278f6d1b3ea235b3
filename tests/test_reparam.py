"""Tests of lrnn.reparam against independent references: finite differences, closed forms, torch autograd with
torch.optim (GD, heavy ball and Adam on the reparameterised closed-form loss, written in torch), a closed-form
Hessian."""

import numpy as np
import pytest
from lrnn import LinearRNN, kernels, loss, reparam
from lrnn.plots import beyond as beyond_plots

V = np.array([-3.0, -0.7, 0.4, 2.5])


@pytest.mark.parametrize("name", reparam.NAMES)
def test_forward_inverse_derivative(name):
    p = reparam.parameterisation(name)
    v = np.abs(V) if name in ("direct", "best") else V   # direct: positive rates; best: branch v >= 0
    r = p.forward(v)
    assert np.all(r > 0)
    assert np.allclose(p.inverse(r), v, rtol=1e-12, atol=1e-12)
    h = 1e-6
    assert np.allclose(p.derivative(v), (p.forward(v + h) - p.forward(v - h)) / (2 * h), rtol=1e-7, atol=1e-10)


def test_closed_forms():
    v = np.array([-2.0, 0.5, 3.0])
    assert np.allclose(reparam.parameterisation("exp").forward(v), np.exp(v))
    assert np.allclose(reparam.parameterisation("softplus").forward(v), np.log1p(np.exp(v)))
    pb = reparam.parameterisation("best", alpha=2.0, beta=0.5)
    assert np.allclose(pb.forward(v), 1 / (2 * v**2 + 0.5))
    assert pb.max_rate == 2.0 and pb.stable and not reparam.parameterisation("direct").stable
    # softplus inverse for large rates does not overflow
    assert np.allclose(reparam.parameterisation("softplus").inverse(np.array([800.0])), 800.0)


def test_gradient_weight_ratio():
    pb = reparam.parameterisation("best", alpha=1.5)
    assert np.allclose(reparam.gradient_weight_ratio(pb, V), 3.0, rtol=1e-12)
    r = np.array([1e-4, 1e-2, 0.3])
    assert np.allclose(reparam.gradient_weight_ratio("exp", np.log(r)), 1 / (r * np.abs(np.log(r))))
    assert np.allclose(reparam.gradient_weight_ratio("direct", r), 1 / r**3)
    q = reparam.gradient_weight_ratio("softplus", reparam.parameterisation("softplus").inverse(r))
    assert q[0] > q[1] > q[2]


@pytest.mark.parametrize("name", ["exp", "softplus", "best"])
def test_chain_rule_gradient_step(name):
    """One GD step in v equals a finite-difference gradient of J(f(v), a)."""
    target = kernels.ExponentialSum([0.3, 2.0], [1.0, -0.5])
    r0, a0 = np.array([0.4, 1.3]), np.array([0.7, -0.2])
    p = reparam.parameterisation(name)
    run = reparam.train_reparameterised(target, LinearRNN.diagonal(r0, a0), p, 1, 1e-3)
    v0 = p.inverse(r0)
    J = lambda v: loss.white_noise_loss(target, p.forward(v), a0)
    fd = np.array([(J(v0 + 1e-6 * e) - J(v0 - 1e-6 * e)) / 2e-6 for e in np.eye(2)])
    assert np.allclose((v0 - run.free[1]) / 1e-3, fd, rtol=1e-6)


def test_direct_crosses_and_stable_maps_do_not():
    target = kernels.ExponentialSum(np.geomspace(0.02, 2, 6), 0.5 * np.sqrt(np.geomspace(0.02, 2, 6)))
    init = LinearRNN.diagonal([0.1, 0.5, 2.0], [0.3, 0.3, 0.3])
    d = reparam.train_reparameterised(target, init, "direct", 50, 0.3)
    assert d.stopped_at == 1 and d.reason == "crossed" and np.isinf(d.loss[1:]).all()
    assert np.allclose(d.model.kernel(1.0), init.kernel(1.0))
    for name in ("exp", "softplus", "best"):
        run = reparam.train_reparameterised(target, init, name, 50, 0.3)
        assert run.stable and np.all(run.rates[-1] > 0)


def test_hessian_closed_form_and_stable_step():
    g, c = 0.7, 1.3
    t, m = kernels.Exponential(g, c), LinearRNN.diagonal([g], [c])
    H = np.array([[c**2 / (4 * g**3), -c / (4 * g**2)], [-c / (4 * g**2), 1 / (2 * g)]])
    assert np.allclose(reparam.hessian(t, m), H, rtol=1e-6)
    D = np.diag([g, 1.0])                                  # exp: f'(v) = r
    assert np.allclose(reparam.hessian(t, m, "exp"), D @ H @ D, rtol=1e-6)
    eta = reparam.stable_learning_rate(t, m, "direct")
    assert eta == pytest.approx(2 / np.linalg.eigvalsh(H).max(), rel=1e-6)
    near = LinearRNN.diagonal([g * 1.01], [c])
    ok = reparam.train_reparameterised(t, near, "direct", 2000, 0.9 * eta)
    bad = reparam.train_reparameterised(t, near, "direct", 2000, 1.1 * eta)
    assert ok.loss[-1] < 1e-3 * ok.loss[0]
    assert not bad.stable or bad.loss[-1] > ok.loss[0]


def test_hessian_at_very_slow_units():
    """Rates far below the old absolute step (1e-9 · 1e-3): relative steps keep every perturbed rate positive."""
    g, c = 1e-10, 1e-4
    t, m = kernels.Exponential(g, c), LinearRNN.diagonal([g], [c])
    H = np.array([[c**2 / (4 * g**3), -c / (4 * g**2)], [-c / (4 * g**2), 1 / (2 * g)]])
    assert np.allclose(reparam.hessian(t, m), H, rtol=1e-5)
    assert np.all(np.isfinite(reparam.hessian(t, m, "softplus")))


def test_bad_input():
    with pytest.raises(ValueError, match="name"):
        reparam.parameterisation("tanh")
    with pytest.raises(ValueError, match="alpha"):
        reparam.parameterisation("best", alpha=-1.0)
    with pytest.raises(ValueError, match="rates"):
        reparam.parameterisation("exp").inverse(np.array([-1.0]))
    with pytest.raises(ValueError, match="rates"):
        reparam.parameterisation("best", beta=0.1).inverse(np.array([11.0]))
    with pytest.raises(ValueError, match="v"):
        reparam.gradient_weight_ratio("exp", [0.0])
    with pytest.raises(TypeError, match="param"):
        reparam.gradient_weight_ratio(3, [1.0])
    t, m = kernels.Exponential(1.0), LinearRNN.diagonal([1.0], [1.0])
    with pytest.raises(TypeError, match="target"):
        reparam.train_reparameterised("x", m, "exp", 1, 0.1)
    with pytest.raises(TypeError, match="init"):
        reparam.train_reparameterised(t, "m", "exp", 1, 0.1)
    with pytest.raises(ValueError, match="lr"):
        reparam.train_reparameterised(t, m, "exp", 1, -0.1)
    with pytest.raises(TypeError, match="steps"):
        reparam.train_reparameterised(t, m, "exp", 1.5, 0.1)
    with pytest.raises(ValueError, match="optimizer"):
        reparam.train_reparameterised(t, m, "exp", 1, 0.1, "sgd")
    with pytest.raises(ValueError, match="v"):
        reparam.parameterisation("exp").forward([np.nan])
    with pytest.raises(TypeError, match="v"):
        reparam.parameterisation("direct").forward(None)
    with pytest.raises(TypeError, match="v"):
        reparam.parameterisation("softplus").derivative("1.0")
    with pytest.raises(AttributeError):
        reparam.parameterisation("exp").name = "direct"
    with pytest.raises(TypeError, match="forward"):
        reparam.Parameterisation("mine", 3, np.exp, np.log, stable=True)
    with pytest.raises(ValueError, match="model has a rate 20"):
        reparam.hessian(t, LinearRNN.diagonal([20.0], [1.0]), "best")
    with pytest.raises(ValueError, match="h"):
        reparam.hessian(t, m, h=0.5)


def _torch_reference(target_rates, target_weights, r0, a0, name, steps, lr, optimizer, a_best=1.0, b_best=0.1):
    """Independent reference: the closed-form loss written in torch, autograd, torch.optim.SGD / Adam."""
    import torch

    kap = torch.tensor(target_rates, dtype=torch.float64)
    c = torch.tensor(target_weights, dtype=torch.float64)
    norm2 = (c[:, None] * c[None, :] / (kap[:, None] + kap[None, :])).sum()
    forward = {"direct": lambda v: v, "exp": torch.exp, "softplus": torch.nn.functional.softplus,
               "best": lambda v: 1.0 / (a_best * v**2 + b_best)}[name]
    inverse = {"direct": lambda r: r, "exp": np.log, "softplus": lambda r: np.log(np.expm1(r)),
               "best": lambda r: np.sqrt((1 / r - b_best) / a_best)}[name]
    v = torch.tensor(inverse(np.asarray(r0, float)), dtype=torch.float64, requires_grad=True)
    a = torch.tensor(np.asarray(a0, float), dtype=torch.float64, requires_grad=True)
    opt = {"gd": lambda: torch.optim.SGD([v, a], lr=lr),
           "momentum": lambda: torch.optim.SGD([v, a], lr=lr, momentum=0.9, dampening=0.0),
           "adam": lambda: torch.optim.Adam([v, a], lr=lr, betas=(0.9, 0.999), eps=1e-8)}[optimizer]()
    losses = []
    for k in range(steps + 1):
        opt.zero_grad()
        lam = forward(v)
        J = 0.5 * (norm2 - 2 * (a[:, None] * c[None, :] / (lam[:, None] + kap[None, :])).sum()
                   + (a[:, None] * a[None, :] / (lam[:, None] + lam[None, :])).sum())
        losses.append(J.item())
        if k < steps:
            J.backward()
            opt.step()
    return np.array(losses)


@pytest.mark.parametrize("name", reparam.NAMES)
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_training_against_torch_autograd(name, optimizer):
    kap, c = np.array([0.05, 0.4, 2.0]), np.array([0.3, 0.5, 0.8])
    target = kernels.ExponentialSum(kap, c)
    r0, a0 = np.array([0.2, 1.0]), np.array([0.4, 0.2])
    lr = 0.02 if optimizer == "gd" else 0.01 if optimizer == "adam" else 0.002
    ours = reparam.train_reparameterised(target, lrnn_diag(r0, a0), name, 150, lr, optimizer)
    ref = _torch_reference(kap, c, r0, a0, name, 150, lr, optimizer)
    assert ours.stable
    assert np.allclose(ours.loss, ref, rtol=1e-9, atol=1e-14)


def lrnn_diag(r, a):
    return LinearRNN.diagonal(r, a)


def test_batched_runs_equal_single_runs_and_stops_do_not_leak():
    """Runs trained together equal the same runs trained alone, including runs that stop in the batch."""
    target = kernels.ExponentialSum(np.geomspace(0.02, 2, 6), 0.5 * np.sqrt(np.geomspace(0.02, 2, 6)))
    init = LinearRNN.diagonal([0.1, 0.5, 2.0], [0.3, 0.3, 0.3])
    names, lrs = ["direct", "exp", "best", "direct", "softplus"], [0.3, 0.3, 1.0, 0.005, 0.03]
    for optimizer in ("gd", "adam"):
        batch = reparam.train_reparameterised_many(target, init, names, lrs, 300, optimizer)
        for run, n, lr in zip(batch, names, lrs):
            alone = reparam.train_reparameterised(target, init, n, 300, lr, optimizer)
            assert run.stopped_at == alone.stopped_at and run.reason == alone.reason
            fin = np.isfinite(alone.loss)
            assert np.array_equal(fin, np.isfinite(run.loss))
            assert np.allclose(run.loss[fin], alone.loss[fin], rtol=1e-12)
            assert run.param.name == n and run.lr == lr
    assert batch[0].stopped_at == 1 and batch[0].reason == "crossed"


def test_best_started_at_its_largest_rate_still_moves():
    """At v = 0, f'(0) = 0: a unit started there would never move. The floor of the initial v fixes that."""
    target = kernels.Exponential(1.0)
    init = LinearRNN.diagonal([10.0], [0.5])          # rate 1/b0 = 10: v = f^{-1}(10) = 0
    p = reparam.parameterisation("best")
    assert p.inverse(np.array([10.0]))[0] == 0.0
    assert p.initial(np.array([10.0]))[0] == pytest.approx(1e-3)
    run = reparam.train_reparameterised(target, init, p, 3000, 0.05)
    assert run.free[0, 0] == pytest.approx(1e-3) and run.rates[-1, 0] == pytest.approx(1.0, rel=1e-6)
    # the same map without the floor: the rate never leaves 1/b0
    stuck = reparam.Parameterisation("best", p.forward, p.derivative, p.inverse, stable=True,
                                     max_rate=p.max_rate, v_floor=0.0)
    run0 = reparam.train_reparameterised(target, init, stuck, 3000, 0.05)
    assert np.all(run0.rates[:, 0] == 10.0) and run0.loss[-1] > 0.1 * run0.loss[0]
    # lrnn.train(..., reparam=...) goes through the same initialisation
    import lrnn

    via_train = lrnn.train(target, init, 3000, 0.05, reparam="best")
    assert via_train.rates[-1, 0] == pytest.approx(1.0, rel=1e-6)


def test_best_constants_new_and_former_names():
    p = reparam.parameterisation("best", a0=2.0, b0=0.5)
    q = reparam.parameterisation("best", alpha=2.0, beta=0.5)
    v = np.linspace(-3, 3, 7)
    assert np.allclose(p.forward(v), 1 / (2 * v**2 + 0.5)) and np.allclose(q.forward(v), p.forward(v))
    assert p.max_rate == 2.0
    with pytest.raises(TypeError, match="a0"):
        reparam.parameterisation("best", a0=2.0, alpha=2.0)
    with pytest.raises(ValueError, match="b0"):
        reparam.parameterisation("best", b0=0.0)


def test_bad_input_batched_training():
    t, m = kernels.Exponential(1.0), LinearRNN.diagonal([1.0], [1.0])
    with pytest.raises(TypeError, match="params"):
        reparam.train_reparameterised_many(t, m, "exp", [0.1], 1)
    with pytest.raises(ValueError, match="same"):
        reparam.train_reparameterised_many(t, m, ["exp", "best"], [0.1], 1)
    with pytest.raises(ValueError, match="lrs"):
        reparam.train_reparameterised_many(t, m, ["exp"], [-0.1], 1)
    with pytest.raises(TypeError, match="params"):
        reparam.train_reparameterised_many(t, m, [3], [0.1], 1)


def test_loss_curve_thinning_keeps_the_band_of_an_oscillating_loss():
    k = np.arange(20001)
    loss = 1.0 / (1 + k) + 0.5 * (k % 2) * (k > 1000)        # a smooth decay, then a fast oscillation
    run = reparam.ReparamRun(loss, None, None, None, None, 0.1, "gd")
    x, y = beyond_plots.loss_curve(run)
    assert x.size < 700 and x[0] == 1 and x[-1] == 20001 and y[-1] == loss[-1]
    assert np.all(np.diff(x) > 0)
    last_decade = y[x > 2001]
    assert (last_decade > 0.5).any() and (last_decade < 1e-3).any()   # both edges of the band are drawn
    assert np.allclose(y, loss[x - 1])                       # every drawn point is a true point


def test_ssm_fit_against_blaschke_formula():
    """The extended-precision fixed-rate fit of the SSM figures against the Blaschke-product formula."""
    from lrnn import rates

    target = kernels.PowerLaw(0.5)
    for scheme in ("s4d-real", "lru", "geometric"):
        mu = reparam.ssm_eigenvalues(scheme, 16)
        r = np.unique(np.round(-mu.real, 14))
        model, err = beyond_plots.ssm_fit(target, r)
        assert err == pytest.approx(rates.best_error(target, r), rel=1e-8)
        assert err == pytest.approx(__import__("lrnn").distance(target, model) / target.norm(), rel=1e-4)
