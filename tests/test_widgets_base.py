"""The generic widget builders: live redraws and pre-rendered sliders."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lrnn import plots, widgets  # noqa: E402


def render(v):
    fig, ax = plots.new_figure()
    ax.plot([0, 1], [0, v])
    return fig


def test_prerendered_swaps_images_per_option():
    ui = widgets.prerendered(render, [1.0, 2.0, 3.0], description="v")
    slider, image = ui.children
    assert slider.value == 2.0
    first = image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    slider.value = 3.0
    assert image.value != first
    slider.value = 2.0
    assert image.value == first
    assert not plt.get_fignums()  # every rendered figure was released


def test_prerendered_rejects_bad_options():
    with pytest.raises(ValueError, match="options must contain at least one value"):
        widgets.prerendered(render, [])
    with pytest.raises(ValueError, match="value must be one of the options"):
        widgets.prerendered(render, [1.0, 2.0], value=5.0)


def test_live_redraws_on_change():
    calls = []

    def draw(a=1.0):
        calls.append(a)

    import ipywidgets

    ui = widgets.live(draw, a=ipywidgets.FloatSlider(value=1.0, min=0, max=2))
    ui.children[0].value = 1.5
    assert calls[-1] == 1.5
