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


# ----------------------------------------------------------------------------- the persistent figure
import io  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from lrnn.widgets._base import DPI, FastFigure, FigureImage, live_figure  # noqa: E402


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def _full_redraw(renderer: FigureImage) -> np.ndarray:
    """The figure as it is, drawn the ordinary way (no artist animated), as RGB pixels."""
    animated = [a for a in renderer.figure.findobj() if a.get_animated()]
    for a in animated:
        a.set_animated(False)
    renderer.canvas.draw()
    out = np.asarray(renderer.canvas.buffer_rgba())[..., :3].copy()
    for a in animated:
        a.set_animated(True)
    return out


def _same_picture(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to the drawing order where a dynamic curve crosses an axes' frame (at most 0.1 % of pixels)."""
    return a.shape == b.shape and np.mean(np.any(a != b, axis=2)) < 0.001


def _figure():
    fig, (ax1, ax2) = plots.new_figure(2, 1, width=2.5, height=2.0)
    (line,) = ax1.plot([0, 1], [0.2, 0.8])
    ax1.set_xlim(0, 1)
    ax1.set_ylim(0, 1)
    (other,) = ax2.plot([0, 1], [1, 2])
    title = ax1.set_title("a")
    legend = ax2.legend([other], ["first"], loc="upper left")
    return fig, line, other, title, legend


def test_figure_image_blits_the_picture_a_full_redraw_gives():
    fig, line, other, title, legend = _figure()
    r = FigureImage(fig, [line, title, legend])
    assert not plt.fignum_exists(fig.number)                    # detached from pyplot
    r.png()
    assert r.full_draws == 1
    for k in range(3):
        line.set_ydata([0.1 * k, 0.9 - 0.2 * k])
        title.set_text(f"frame {k}")
        legend.texts[0].set_text(f"label {k}")                  # a legend's own text: part of a dynamic artist
        blitted = _pixels(r.png())[..., :3]
        assert r.full_draws == 1                                # nothing static changed: blitted
        assert _same_picture(blitted, _full_redraw(r))


def test_figure_image_redraws_everything_when_a_static_artist_changes():
    fig, line, other, title, legend = _figure()
    r = FigureImage(fig, [line, title])
    first = r.png()
    other.set_ydata([2, 1])                                     # not declared dynamic: the figure goes stale
    second = r.png()
    assert r.full_draws == 2 and second != first
    assert _same_picture(_pixels(second)[..., :3], _full_redraw(r))
    fig.axes[0].set_ylim(-1, 2)                                 # new limits: new ticks, a full redraw
    third = r.png()
    assert r.full_draws == 3
    assert _same_picture(_pixels(third)[..., :3], _full_redraw(r))


def test_figure_image_freezes_the_layout_and_sets_the_resolution():
    fig, line, *_ = _figure()
    width_in, height_in = fig.get_size_inches()
    r = FigureImage(fig)
    assert r.width_px == round(width_in * 100)
    first = _pixels(r.png())
    assert first.shape[:2] == (round(height_in * DPI), round(width_in * DPI)) and first.shape[2] == 3
    assert fig.get_layout_engine() is None or type(fig.get_layout_engine()).__name__ == "PlaceHolderLayoutEngine"
    positions = [ax.get_position().bounds for ax in fig.axes]
    fig.axes[1].set_ylabel("a much longer label than before, which a layout engine would make room for")
    r.png()
    assert [ax.get_position().bounds for ax in fig.axes] == positions
    assert r.png() == r.png()                                   # nothing changed: the same bytes
    with pytest.raises(TypeError, match="figure"):
        FigureImage("not a figure")


def test_fast_figure_requires_freeze_and_keeps_rgba():
    fast = FastFigure(1, 1, width=3.0, height=2.0)
    (line,) = fast.axes.plot([0, 1], [0, 1])
    with pytest.raises(RuntimeError, match="freeze"):
        fast.png()
    fast.freeze([line])
    assert _pixels(fast.png()).shape[2] == 4


def test_live_figure_wires_controls_caches_images_and_reports_cpu_time():
    import ipywidgets

    fig, line, other, title, legend = _figure()
    calls = []

    def update(a=0.5, label="x"):
        calls.append((a, label))
        line.set_ydata([a, 1 - a])
        title.set_text(label)

    a = ipywidgets.FloatSlider(value=0.5, min=0, max=1)
    label = ipywidgets.Dropdown(options=["x", "y"], value="x")
    box = live_figure(FigureImage(fig, [line, title]), update, {"a": a, "label": label}, cache=2)
    assert box.children[:2] == (a, label) and box.children[2] is box.image
    assert calls == [(0.5, "x")] and box.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    first = box.image.value
    a.value = 0.2
    assert calls[-1] == (0.2, "x") and box.image.value != first
    a.value = 0.5                                               # a cached setting: the image, no update
    assert len(calls) == 2 and box.image.value == first
    a.value = 0.9                                               # the cache holds 2: (0.2, x) is evicted
    a.value = 0.2
    assert calls[-1] == (0.2, "x") and len(calls) == 4
    assert box.render(a=0.3) != bytes(box.image.value) and calls[-1] == (0.3, "x")
    assert 0.0 <= box.redraw() < 5.0
    assert box.figure is fig and box.controls == {"a": a, "label": label}
    header = [ipywidgets.HBox([a, label])]
    assert live_figure(FigureImage(fig), update, {"a": a, "label": label}, header=header).children[0] is header[0]
    with pytest.raises(TypeError, match="renderer"):
        live_figure(fig, update, {"a": a})
    with pytest.raises(ValueError, match="cache"):
        live_figure(FigureImage(fig), update, {"a": a}, cache=-1)
