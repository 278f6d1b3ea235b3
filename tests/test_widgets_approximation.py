"""Chapter 2 widgets (lrnn.widgets.approximation): one persistent figure, blitted while the axes stay, a cache of
rendered settings, faster than rebuilding the figure (a ratio in one run), bad initial values refused."""

import io
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrnn.plots import approximation as P  # noqa: E402

pytest.importorskip("ipywidgets")
from lrnn.widgets import approximation as W  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _rebuild(make):
    fig = make()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=W.DPI)
    plt.close(fig)


def test_width_explorer_blits_new_widths_and_is_faster_than_a_rebuild():
    for m in range(1, 33):
        P.width_error("power law", m)                          # the fits, as after a first visit
    ui = W.width_explorer("power law", 4)
    name, slider, image = ui.children
    draws = ui.renderer.full_draws
    new, old = [], []
    for m in (5, 9, 13, 17, 21):
        t0 = time.process_time()
        slider.value = m
        new.append(time.process_time() - t0)
        t0 = time.process_time()
        _rebuild(lambda m=m: P.width_fit_figure("power law", m))
        old.append(time.process_time() - t0)
    assert ui.renderer.full_draws == draws                     # a new width: only the changing artists
    assert np.median(new) < 0.5 * np.median(old), (new, old)
    name.value = "airy"                                        # a new target: new limits, a full redraw
    assert ui.renderer.full_draws == draws + 1
    assert not plt.fignum_exists(ui.view.figure.number)


def test_muntz_explorer_and_bad_values():
    ui = W.muntz_explorer(1.0)
    seq, kappa, image = ui.children
    before = bytes(image.value)
    kappa.value = 0.5
    assert bytes(image.value) != before
    kappa.value = 1.0                                          # back to a rendered setting: the cached image
    assert bytes(image.value) == before
    with pytest.raises(ValueError, match="kappa"):
        W.muntz_explorer(np.nan)
    with pytest.raises(ValueError, match="m"):
        W.width_explorer("airy", 0)
    assert W._Renderer(P.MuntzView().figure)()[:8] == b"\x89PNG\r\n\x1a\n"    # the benchmarks' name
