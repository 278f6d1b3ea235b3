"""Chapter 4 figures (lrnn.plots.training): cached flows and runs keyed by their validated settings, the drawn
numbers against lrnn.training/lrnn.plateau computed independently here, slopes against np.polyfit, and bad input
refused without leaving a figure open."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrnn  # noqa: E402
from lrnn import plateau  # noqa: E402
from lrnn.plots import training as tp  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plateau_flow_is_cached_by_value_and_matches_an_independent_flow():
    fl, E = tp.plateau_flow(5.0)
    assert tp.plateau_flow(5, 1e7, 300)[0] is fl                       # the same settings, however written
    target, init, E_ref = plateau.plateau_problem(5.0)
    ref = lrnn.gradient_flow(target, init, 1e7, n_points=300, drop=tp.DROP_FRACTION * E_ref, level=E_ref)
    assert E == E_ref and fl.escape == pytest.approx(ref.escape, rel=1e-12)
    with pytest.raises(ValueError, match="n_points"):
        tp.plateau_flow(5.0, n_points=10**9)
    with pytest.raises(TypeError, match="lag"):
        tp.plateau_flow([5.0])                                         # unhashable: refused, not a cache error


def test_escape_rates_figure_fits_and_local_slopes():
    lags = np.array([4.0, 5.0, 6.0, 8.0])
    tau = np.exp(1.5 * lags + 0.1 * lags**2)
    with_gap = tau.copy()
    with_gap[1] = np.inf                                               # no escape there: skipped in the fit
    fig, fitted, local = tp.escape_rates_figure(lags, {"a": tau, "b": with_gap}, limit=2.0)
    assert fitted["a"] == pytest.approx(np.polyfit(lags, np.log(tau), 1)[0], rel=1e-12)
    keep = np.isfinite(with_gap)
    assert fitted["b"] == pytest.approx(np.polyfit(lags[keep], np.log(with_gap[keep]), 1)[0], rel=1e-12)
    np.testing.assert_allclose(local["a"], np.diff(np.log(tau)) / np.diff(lags), rtol=1e-12)
    n_open = len(plt.get_fignums())
    with pytest.raises(ValueError, match="lags"):
        tp.escape_rates_figure([5.0, 4.0], {"a": [1.0, 2.0]}, limit=2.0)
    with pytest.raises(ValueError, match="taus"):
        tp.escape_rates_figure(lags, {"a": tau[:2]}, limit=2.0)
    with pytest.raises(TypeError, match="taus"):
        tp.escape_figure(lags, {"a": ["1", "2", "3", "4"]})
    assert len(plt.get_fignums()) == n_open


def test_optimizer_runs_are_cached_and_validated():
    run, tau, E = tp.optimizer_run(0.05, "gd", lag=5.0, steps=300)
    assert tp.optimizer_run(lr=0.05, lag=5, steps=300)[0] is run
    target, init, E_ref = plateau.plateau_problem(5.0, width=2)
    ref = lrnn.train(target, init, 300, 0.05, "gd")
    np.testing.assert_array_equal(run.loss, ref.loss)
    assert E == E_ref
    with pytest.raises(ValueError, match="optimizer"):
        tp.optimizer_run(0.05, "sgd")
    with pytest.raises(ValueError, match="momentum"):
        tp.optimizer_run(0.05, "momentum", momentum=1.0)
    with pytest.raises(ValueError, match="steps"):
        tp.optimizer_run(0.05, steps=10**12)
    with pytest.raises(ValueError, match="settings"):
        tp.optimizer_figure([(0.05,)])


def test_reduced_estimates_validated_and_drawn():
    slow, low = tp.reduced_estimates(1.0, (6.0, 7.0, 8.0))
    assert np.all(low <= slow) and np.all(np.diff(np.log(slow)) > 0)
    fig, ax = plt.subplots()
    artists = tp.draw_reduced_estimates(ax, 1.0, (6.0, 7.0, 8.0))
    np.testing.assert_array_equal(artists["slow"].get_ydata(), slow)
    with pytest.raises(ValueError, match="lags"):
        tp.draw_reduced_estimates(ax, 1.0, (6.0,))
    with pytest.raises(ValueError, match="start_rate"):
        tp.reduced_estimates(-1.0, (6.0,))


def test_figures_of_the_chapter_build():
    for make in (tp.mechanism_diagram, lambda: tp.plateau_figure(5.0, reference_lags=(4.0,))):
        fig = make()
        assert fig.axes and all(ax.get_xlabel() for ax in fig.axes)
    n_open = len(plt.get_fignums())
    with pytest.raises(ValueError, match="lag"):
        tp.mechanism_diagram(lag=1e300)
    with pytest.raises(ValueError, match="reference_lags"):
        tp.plateau_figure(5.0, reference_lags=(-1.0,))
    assert len(plt.get_fignums()) == n_open
