"""Chapter 5 figures (lrnn.plots.beyond): the drawn numbers against the modules that compute them, the thinning of
loss curves against a brute-force reference, and bad input refused without leaving a figure open."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrnn  # noqa: E402
from lrnn import kernels as K  # noqa: E402
from lrnn import reparam as rp  # noqa: E402
from lrnn.plots import beyond as bp  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class _Run:
    def __init__(self, loss):
        self.loss = np.asarray(loss, dtype=float)


def test_loss_curve_keeps_every_bin_extreme_and_the_last_loss():
    rng = np.random.default_rng(0)
    loss = np.exp(-np.linspace(0, 5, 5000)) * (1 + 0.5 * np.sin(np.arange(5000)))   # an oscillating loss
    loss[-3:] = np.nan                                                                  # the run stopped
    k, J = bp.loss_curve(_Run(loss), max_bins=50)
    finite = loss[np.isfinite(loss)]
    assert k[-1] == finite.size and J[-1] == finite[-1] and k.size <= 2 * 50 + 1
    np.testing.assert_array_equal(J, finite[k - 1])                   # every point is a loss of the run
    # brute force: the smallest and largest loss of every log-spaced bin are among the points
    edges = np.unique(np.round(np.geomspace(1, finite.size + 1, 51)).astype(int)) - 1
    edges = edges[edges < finite.size]
    for e, f in zip(edges, np.r_[edges[1:], finite.size]):
        assert finite[e:f].min() in J and finite[e:f].max() in J
    short = bp.loss_curve(_Run(rng.random(10)))
    np.testing.assert_array_equal(short[0], np.arange(1, 11))
    with pytest.raises(TypeError, match="run"):
        bp.loss_curve(object())
    with pytest.raises(ValueError, match="max_bins"):
        bp.loss_curve(_Run(loss), max_bins=0)


def test_ratio_figure_draws_the_gradient_weight_ratio():
    fig = bp.ratio_figure(np.geomspace(0.01, 1.0, 20))
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    p = rp.parameterisation("exp")
    r, ratio = (np.asarray(a, dtype=float) for a in lines["exp"].get_data())
    np.testing.assert_allclose(ratio, rp.gradient_weight_ratio(p, p.inverse(r)), rtol=1e-12)
    n_open = len(plt.get_fignums())
    with pytest.raises(ValueError, match="rates"):
        bp.ratio_figure([-1.0])
    with pytest.raises(ValueError, match="b0"):
        bp.ratio_figure(b0=0.0)
    with pytest.raises(ValueError, match="v_range"):
        bp.reparam_map_figure(v_range=(4.0, -4.0))
    assert len(plt.get_fignums()) == n_open


def test_perturbation_drawing_and_its_checks():
    deltas = np.geomspace(1e-4, 0.5, 8)
    curves = {2: {"E": np.linspace(1e-6, 0.1, 8), "min_rate": 0.05}}
    fig, ax = plt.subplots()
    artists = bp.draw_perturbation(ax, deltas, curves, delta_marker=1e-3)
    np.testing.assert_array_equal(artists["curves"][2].get_ydata(), curves[2]["E"])
    assert artists["thresholds"][2].get_xdata()[0] == 0.05
    with pytest.raises(ValueError, match="curves"):
        bp.draw_perturbation(ax, deltas, {2: {"E": np.ones(3), "min_rate": 0.05}})
    with pytest.raises(ValueError, match="deltas"):
        bp.draw_perturbation(ax, deltas[::-1], curves)
    with pytest.raises(TypeError, match="legend"):
        bp.draw_perturbation(ax, deltas, curves, legend="no")
    with pytest.raises(ValueError, match="widths"):
        bp.perturbation_curves(K.PowerLaw(0.5), [10**6], deltas)


def test_ssm_fit_and_figure():
    rates = np.array([0.5, 1.0, 2.0])
    target = K.PowerLaw(0.5)
    model, err = bp.ssm_fit(target, rates)
    assert err == pytest.approx(lrnn.distance(target, model) / target.norm(2), rel=1e-6)
    fig, err2 = bp.ssm_figure("s4d-real", 4, target)
    assert len(fig.axes) == 2 and 0 < err2 < 1
    n_open = len(plt.get_fignums())
    with pytest.raises(ValueError, match="scheme"):
        bp.ssm_figure("s5", 4, target)
    with pytest.raises(ValueError, match="m must be at most"):
        bp.ssm_figure("lru", 10**6, target)
    with pytest.raises(TypeError, match="target"):
        bp.ssm_figure("lru", 4, "power law")
    assert len(plt.get_fignums()) == n_open


def test_diagrams_build():
    for make in (bp.reparam_map_figure, bp.ssm_layer_diagram):
        fig = make()
        assert fig.axes
