"""Chapter 2 figures (lrnn.plots.approximation): the numbers they draw against independent references (direct
products, mpmath-free closed forms), their bounds on work, and the views' blitting against full redraws."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import lrnn  # noqa: E402
from lrnn.plots import approximation as P  # noqa: E402
from lrnn.widgets._base import FigureImage  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))[..., :3]


def _full_redraw(renderer: FigureImage) -> np.ndarray:
    animated = [a for a in renderer.figure.findobj() if a.get_animated()]
    for a in animated:
        a.set_animated(False)
    renderer.canvas.draw()
    out = np.asarray(renderer.canvas.buffer_rgba())[..., :3].copy()
    for a in animated:
        a.set_animated(True)
    return out


# ----------------------------------------------------------------------------- the numbers
def test_muntz_errors_are_direct_products_of_the_blaschke_factors():
    for kappa in (0.1, 0.37, 2.5):
        for name in P.SEQUENCES:
            widths = [1, 2, 7, 30]
            direct = [np.prod([abs(kappa - lam) / (kappa + lam) for lam in P.sequence_rates(name, m)])
                      for m in widths]
            np.testing.assert_allclose(P.muntz_errors(name, widths, kappa), direct, rtol=1e-12)
    assert P.muntz_errors("k", [4], 3.0)[0] == 0.0                 # κ is a rate: exactly zero


def test_muntz_plateau_limits():
    s = np.pi * np.sqrt(0.37)
    assert P.muntz_plateau("k^2", 0.37) == pytest.approx(abs(np.sin(s)) / np.sinh(s), rel=1e-14)
    assert P.muntz_plateau("k^2", 1e6) == 0.0                      # sinh overflows: the product is below 1e-300
    assert P.muntz_plateau("k", 0.37) == 0.0


def test_sequences_and_widths_are_bounded():
    with pytest.raises(ValueError, match="m must be at least 1 and at most"):
        P.sequence_rates("k", 10**12)
    with pytest.raises(ValueError, match="widths"):
        P.muntz_errors("k", [10**12])
    with pytest.raises(ValueError, match="widths must add up"):
        P.muntz_errors("log-spaced", [2**20] * 20)
    with pytest.raises(ValueError, match="widths must be whole"):
        P.muntz_errors("k", [2.5])
    with pytest.raises(TypeError, match="widths"):
        P.muntz_errors("k", "12")
    with pytest.raises(ValueError, match="m must be at least 1 and at most"):     # the fit(…, 10**12) hang, refused here
        P.width_fit("airy", 10**12)
    assert P.sequence_rates("2^k", 1100)[-1] == np.inf              # 2^1099 overflows: an infinite rate, factor 1


def test_narrow_bump_has_unit_mass_and_refuses_subnormal_widths():
    bump = P.narrow_bump(0.05, lag=2.0)
    assert bump.norm(1) == pytest.approx(1.0, rel=1e-12)
    with pytest.raises(ValueError, match="width"):
        P.narrow_bump(5e-324)


def test_width_fit_error_against_lrnn_distance():
    model = P.width_fit("delayed", 6)
    rho = P.target_kernel("delayed")
    assert P.width_error("delayed", 6) == pytest.approx(lrnn.distance(rho, model) / rho.norm(2), rel=1e-8)


# ----------------------------------------------------------------------------- the figures draw what they get
def test_result_figures_draw_the_numbers_they_are_given():
    errors = {"airy": {1: (0.5, 0.7), 2: (0.2, 0.3), 4: (0.05, 0.1)}}
    fig = P.error_curves_figure(errors)
    (line_l2,) = fig.axes[0].get_lines()
    np.testing.assert_array_equal(line_l2.get_ydata(), [0.5, 0.2, 0.05])
    model = lrnn.LinearRNN.diagonal([0.5, 3.0], [1.0, 1.0])
    fig = P.rates_figure({"target": model})
    np.testing.assert_array_equal(np.sort(fig.axes[0].get_lines()[0].get_xdata()), [0.5, 3.0])
    fig = P.delta_figure([0.1, 0.01], {2: [0.5, 0.9]})
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_ydata(), [0.5, 0.9])
    n_open = len(plt.get_fignums())
    with pytest.raises(ValueError, match="errors"):
        P.delta_figure([0.1, 0.01], {2: [0.5]})
    with pytest.raises(ValueError, match="widths"):
        P.delta_figure([0.1, -0.01], {2: [0.5, 0.9]})
    with pytest.raises(ValueError, match="models"):
        P.rates_figure({"dense": lrnn.LinearRNN([[-1.0, 1.0], [0.0, -2.0]], [1.0, 1.0], [1.0, 1.0])})
    with pytest.raises(ValueError, match="errors"):
        P.error_curves_figure({"airy": {1: (0.5, np.nan)}})
    assert len(plt.get_fignums()) == n_open                        # failed figures are not left open


def test_muntz_figure_refuses_names_that_are_not_names():
    with pytest.raises(TypeError, match="names"):
        P.muntz_figure("k")                                        # a string would be read letter by letter
    with pytest.raises(ValueError, match="names"):
        P.muntz_figure(["k", "k^3"])


# ----------------------------------------------------------------------------- views: blitting = full redraw
@pytest.mark.parametrize("make, moves", [
    (P.WidthFitView, [("airy", 8), ("airy", 9), ("airy", 20), ("power law", 4), ("power law", 5)]),
    (P.MuntzView, [(P.SEQUENCES, 0.37), (P.SEQUENCES, 0.5), (("k",), 0.5), (("k",), 1.0)]),
])
def test_views_blit_the_picture_a_full_redraw_gives(make, moves):
    view = make()
    renderer = FigureImage(view.figure, view.dynamic)
    draws = []
    for args in moves:
        view.update(*args)
        blitted = _pixels(renderer.png())
        draws.append(renderer.full_draws)
        full = _full_redraw(renderer)
        assert np.mean(np.any(blitted != full, axis=2)) < 0.001, args
    steps = np.diff([0] + draws)
    # a new width or κ blits; a new target (limits) or a new set of curves (legends) redraws everything
    expected = {P.WidthFitView: [1, 0, 0, 1, 0], P.MuntzView: [1, 0, 1, 0]}[make]
    assert list(steps) == expected
