"""Chapter 3 widgets (lrnn.widgets.rates): the view redraws only its data, the widget's image cache is the view's
cache, a revisit is a cache hit, and initial slider values must be slider positions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("ipywidgets")
from lrnn.widgets import rates as W  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_required_width_widget_caches_views_and_keeps_the_layout():
    ui = W.required_width()
    slider = ui.children[0].children[0]
    positions = [ax.get_position().bounds for ax in ui.view.figure.axes]
    first = bytes(ui.image.value)
    slider.value = 1e-1
    assert bytes(ui.image.value) != first and 1e-1 in ui.view.cache and ui.view.cache is ui.cache
    assert [ax.get_position().bounds for ax in ui.view.figure.axes] == positions     # layout frozen
    slider.value = 1e-2
    assert bytes(ui.image.value) == first                                            # from the cache
    assert ui.redraw() < 0.05
    assert ui.view.png(1e-2) == first


def test_initial_values_must_be_slider_positions():
    with pytest.raises(ValueError, match="value"):
        W.required_width(value=0.5)
    with pytest.raises(ValueError, match="epsilons"):
        W.required_width(epsilons=(0.1, 2.0), value=0.1)
    with pytest.raises(ValueError, match="powers"):
        W.jackson(powers=[], power=1.5)
    with pytest.raises(ValueError, match="omegas"):
        W.errors_versus_width(omegas=(0.25, 0.25), value=0.25)
