"""Tests of lrnn.plateau: the escape-time criterion on hand-made curves, the plateau problem's energy against
closed forms and quadrature, and the reduced model's estimates against quadrature of every transform and against
integrated gradient flows."""

import numpy as np
import pytest
from scipy import integrate

import lrnn
from lrnn import LinearRNN, kernels, plateau


def test_escape_time_criterion():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    J = np.array([1.0, 1.0, 0.9, 0.5])
    assert lrnn.escape_time(J, t, drop=0.2) == pytest.approx(2.25)
    assert lrnn.escape_time(J, drop=0.05) == pytest.approx(1.5)
    assert lrnn.escape_time(J, t, drop=0.6) == np.inf
    assert lrnn.escape_time(J, t, drop=0.1, level=0.95) == pytest.approx(2.125)
    # the plateau problem: the loss never halves, yet the drop criterion fires
    target, init, E = plateau.plateau_problem(6.0)
    fl = lrnn.gradient_flow(target, init, 1e4, n_points=200)
    assert fl.loss.min() > fl.loss[0] / 2
    assert np.isfinite(lrnn.escape_time(fl.loss, fl.times, drop=0.05 * E, level=E))


def test_reduced_model_bounds_hold():
    g = kernels.Delayed(6.0)
    drop = 0.05 * 0.5 * g.norm(2) ** 2
    fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, 1.0], [1.0, 0.0]), 1e6,
                            freeze=(0,), n_points=600)
    tau = lrnn.escape_time(fl.loss, fl.times, drop=drop)
    est = plateau.reduced_escape_estimates(g, 1.0, drop)
    assert est["lower"] <= tau
    assert est["slaved"] == pytest.approx(tau, rel=0.05)
    assert fl.rates[0, 0] == fl.rates[-1, 0] == 1.0   # frozen unit


def test_plateau_problem_energy_and_initialisation():
    target, init, E = plateau.plateau_problem(7.0, rate=0.5, width=3)
    from scipy import special

    assert E == pytest.approx(0.25 * np.sqrt(np.pi / 2) * (1 + special.erf(np.sqrt(2) * 7.0)), rel=1e-14)
    assert E == pytest.approx(0.5 * integrate.quad(lambda t: np.exp(-2 * (t - 7.0) ** 2), 0, 20,
                                                    epsabs=1e-14)[0], rel=1e-12)
    w, a = -np.diag(np.asarray(init.W)), np.asarray(init.c) * np.asarray(init.U).ravel()
    assert np.allclose(w, [0.5, 2.0, 4.0]) and np.allclose(a, [1.0, 0.01, 0.01])
    t = np.array([0.0, 3.0, 7.0])
    assert np.allclose(target(t), np.exp(-0.5 * t) + np.exp(-(t - 7.0) ** 2))


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
    est = plateau.reduced_escape_estimates(g, w0, drop)
    assert est["w_drop"] == pytest.approx(w_drop, rel=1e-10)
    assert est["slaved"] == pytest.approx(tau, rel=1e-8)
    assert 0 < est["lower"] < est["slaved"]
    assert np.isnan(plateau.reduced_escape_estimates(g, w0, drop, lower=False)["lower"])


@pytest.mark.parametrize("w0, lags", [(0.5, (12.0, 14.0)), (1.5, (5.0, 8.0))])
def test_slow_manifold_estimate_follows_the_flow_for_other_starting_rates(w0, lags):
    """Chapter 4's live widget shows τ_s for λ₀ in [0.5, 1.5]: once the plateau is long (τ > 100, many
    relaxation times of the weight), τ_s is the integrated flow's escape time within 2 %."""
    for lag in lags:
        g = kernels.Delayed(lag)
        drop = 0.05 * 0.5 * g.norm(2) ** 2
        est = plateau.reduced_escape_estimates(g, w0, drop)
        fl = lrnn.gradient_flow(kernels.Exponential(1.0) + g, LinearRNN.diagonal([1.0, w0], [1.0, 0.0]),
                                30 * est["slaved"], freeze=(0,), n_points=50, drop=drop)
        assert fl.escape > 100
        assert est["lower"] <= fl.escape
        assert est["slaved"] == pytest.approx(fl.escape, rel=0.02)


def test_bad_inputs():
    with pytest.raises(ValueError, match="drop"):
        plateau.escape_time([1.0, 0.5], drop=0.0)
    with pytest.raises(ValueError, match="times"):
        plateau.escape_time([1.0, 0.5], [0.0], drop=0.1)
    with pytest.raises(ValueError, match="times"):
        plateau.escape_time([1.0, 0.5], [1.0, 0.0], drop=0.1)
    with pytest.raises(ValueError, match="loss"):
        plateau.escape_time([[1.0]], drop=0.1)
    with pytest.raises(ValueError, match="loss"):
        plateau.escape_time([1.0, np.nan], drop=0.1)
    with pytest.raises(ValueError, match="lag"):
        plateau.plateau_problem(0.0)
    with pytest.raises(TypeError, match="width"):
        plateau.plateau_problem(3.0, width=1.5)
    with pytest.raises(ValueError, match="width"):
        plateau.plateau_problem(3.0, width=0)
    with pytest.raises(ValueError, match="w0"):
        plateau.reduced_escape_estimates(kernels.Delayed(5.0), 0.0, 0.01)
    with pytest.raises(TypeError, match="long_part"):
        plateau.reduced_escape_estimates("g", 1.0, 0.01)
