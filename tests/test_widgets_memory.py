"""Chapter 1 widgets (lrnn.widgets.memory): one persistent figure per widget, redrawn faster than a rebuild, shown
at its design width, and bad initial values refused."""

import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrnn.plots import memory as pm  # noqa: E402

pytest.importorskip("ipywidgets")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _rebuild_and_encode(make):
    """The old way of redrawing a widget: a new figure each time, encoded by savefig."""
    fig = make()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    return buf.getvalue()


def test_widgets_redraw_the_same_figure_and_faster_than_rebuilding():
    """A slider move updates the existing artists of one figure and re-encodes it; measured in CPU time of this
    process against rebuilding the figure, in the same run (a ratio: robust to a loaded machine)."""
    from lrnn.widgets import memory as wm

    ke = wm.kernel_explorer("power law", 3.0, "step")
    re = wm.rnn_explorer(units=4)
    for ui, slider, values, rebuild in [
        (ke, ke.children[1], [4.0, 9.5, 2.0, 12.0, 6.5],
         lambda v: _rebuild_and_encode(lambda: pm.kernel_response("power law", v, "step"))),
        (re, re.children[6], [0.05, 0.9, 0.2, 2.0, 0.5],
         lambda v: _rebuild_and_encode(lambda: pm.rnn_response(pm.modal_rnn([1.0, 0.3], pair=(v, 1.5))))),
    ]:
        fig, image = ui.view.figure, ui.image.value
        assert image[:8] == b"\x89PNG\r\n\x1a\n"
        new, old = [], []
        for v in values:
            t0 = time.process_time()
            slider.value = v
            new.append(time.process_time() - t0)
            assert ui.view.figure is fig and ui.image.value != image
            image = ui.image.value
            t0 = time.process_time()
            rebuild(v)
            old.append(time.process_time() - t0)
        assert not plt.fignum_exists(fig.number)               # never shown twice by the inline backend
        assert np.median(new) < 0.6 * np.median(old), (new, old)


def test_widget_images_show_the_figure_at_its_design_width():
    from lrnn.widgets import memory as wm

    ui = wm.kernel_explorer()
    assert ui.image.layout.max_width == f"{round(ui.view.figure.get_figwidth() * 100)}px"
    from PIL import Image

    width, height = Image.open(io.BytesIO(ui.image.value)).size
    assert width == round(ui.view.figure.get_figwidth() * wm.DPI)


def test_widgets_reject_bad_input():
    from lrnn.widgets import memory as wm

    with pytest.raises(ValueError, match="family"):
        wm.kernel_explorer(family="gauss")
    with pytest.raises(ValueError, match="memory"):
        wm.kernel_explorer(memory=40.0)
    with pytest.raises(ValueError, match="signal"):
        wm.kernel_explorer(signal="chirp")
    with pytest.raises(ValueError, match="units"):
        wm.rnn_explorer(units=5)
    with pytest.raises(ValueError, match="units"):
        wm.rnn_explorer(units=1)


def test_widgets_show_the_view_at_the_controls_values():
    """The image is the figure of the view at the controls' values: the same pixels as a fresh view drawn there."""
    from PIL import Image

    from lrnn.widgets import memory as wm
    from lrnn.widgets._base import FigureImage

    ui = wm.kernel_explorer("delayed", 4.0, "sinusoid")
    ui.children[1].value = 6.0
    shown = np.asarray(Image.open(io.BytesIO(ui.image.value)))
    fresh = pm.KernelResponseView()
    fresh.update("delayed", 6.0, "sinusoid")
    again = np.asarray(Image.open(io.BytesIO(FigureImage(fresh.figure).png())))
    assert shown.shape == again.shape
    assert np.mean(np.any(shown != again, axis=2)) < 0.002
