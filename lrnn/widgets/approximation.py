"""Live experiments of Chapter 2: fits of growing width, and the Müntz–Szász dichotomy.

Each widget drives a *view* of :mod:`lrnn.plots.approximation`
(:class:`~lrnn.plots.approximation.WidthFitView`,
:class:`~lrnn.plots.approximation.MuntzView`), the code that draws the book's
static figure and its scrubber, so the live picture is that figure at other
parameters. The figure is built once; a control change replaces the data of its
artists and re-encodes it as a PNG shown by an ``ipywidgets.Image`` (its layout
is computed on the first rendering and then kept). The numbers behind a view are
cached (fits per target and width, closed-form Blaschke products), and so are the
rendered images, so returning to a setting costs nothing. The widgets need
``ipywidgets`` and a running kernel (Binder, Colab, local Jupyter).
"""

from __future__ import annotations

import io
import numbers
import time
from collections import OrderedDict

from ..plots import approximation as _plots

__all__ = ["width_explorer", "muntz_explorer"]

#: Resolution of the widgets' images (dots per inch): 1.5 × the 100 px-per-inch design size.
DPI = 150
_CACHED_IMAGES = 64


class _Renderer:
    """PNG bytes of a figure that only this object draws: one Agg draw, frozen layout, light compression."""

    def __init__(self, figure, dpi: float = DPI):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        figure.set_dpi(dpi)
        self._frozen = False

    def __call__(self) -> bytes:
        import numpy as np
        from PIL import Image

        self.canvas.draw()
        if not self._frozen:  # keep the first layout: later redraws skip the layout pass
            self.figure.set_layout_engine("none")
            self._frozen = True
        rgb = np.asarray(self.canvas.buffer_rgba())[..., :3]
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
        return buf.getvalue()


def _live_view(view, controls: dict, key=lambda values: tuple(values.items())):
    """Controls above an image of ``view.figure``; a control change calls ``view.update(**values)``.

    Rendered images are kept (up to 64 settings), so coming back to a setting only swaps
    the image. The returned box has ``redraw()`` (one update; returns the seconds it took),
    ``view`` and ``image``.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    fig = view.figure
    plt.close(fig)  # detached from pyplot: the inline backend never shows it
    width_px = int(round(fig.get_figwidth() * 100))
    render = _Renderer(fig)
    image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{width_px}px"))
    images: OrderedDict = OrderedDict()

    def redraw(_change=None) -> float:
        t0 = time.perf_counter()
        values = {name: control.value for name, control in controls.items()}
        k = key(values)
        if k in images:
            images.move_to_end(k)
        else:
            view.update(**values)
            images[k] = render()
            if len(images) > _CACHED_IMAGES:
                images.popitem(last=False)
        image.value = images[k]
        return time.perf_counter() - t0

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([*controls.values(), image], layout=widgets.Layout(width="100%"))
    box.redraw = redraw
    box.view = view
    box.image = image
    return box


def width_explorer(name: str = "airy", m: int = 8):
    """Experiment (a): a target kernel and its width-m linear-RNN fit, with the error against m.

    Drives :class:`lrnn.plots.approximation.WidthFitView`, the view behind
    :func:`lrnn.plots.approximation.width_fit_figure`. Each new (target, width) fits one
    model (free rates for the exponential-sum targets, fixed log-spaced rates for the
    others; see :func:`lrnn.plots.approximation.width_fit`); fits and images are cached.

    Parameters
    ----------
    name : str, default "airy"
        Initial target, one of :data:`lrnn.plots.approximation.TARGETS`.
    m : int, default 8
        Initial width, 1 ≤ m ≤ 32.

    Returns
    -------
    ipywidgets.VBox
        The controls (target, width) above the image.
    """
    import ipywidgets as widgets

    _plots.target_kernel(name)  # validates name
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or not 1 <= m <= 32:
        raise ValueError(f"m must be an integer in the slider range [1, 32], got {m!r}")
    view = _plots.WidthFitView()
    controls = {
        "name": widgets.Dropdown(options=list(_plots.TARGETS), value=name, description="target"),
        "m": widgets.IntSlider(value=int(m), min=1, max=32, description="width m", continuous_update=False),
    }
    return _live_view(view, controls)


def muntz_explorer(kappa: float = 0.37, *, gamma: float | None = None):
    """Experiment (b): choose rate sequences and a target rate κ; see the best error for e^{-κt} against m.

    Drives :class:`lrnn.plots.approximation.MuntzView` (exact closed-form errors), the view
    behind :func:`lrnn.plots.approximation.muntz_figure`.

    Parameters
    ----------
    kappa : float, default 0.37
        Initial target rate, in [0.1, 4]. (``gamma`` is its keyword in earlier versions.)

    Returns
    -------
    ipywidgets.VBox
        The controls (sequences, κ) above the image.
    """
    import ipywidgets as widgets

    if gamma is not None:
        kappa = gamma
    if isinstance(kappa, bool) or not isinstance(kappa, numbers.Real) or not 0.1 <= kappa <= 4.0:
        raise ValueError(f"kappa must be a number in the slider range [0.1, 4], got {kappa!r}")
    view = _plots.MuntzView()
    controls = {
        "sequences": widgets.SelectMultiple(options=[(_SHORT[s], s) for s in _plots.SEQUENCES],
                                            value=list(_plots.SEQUENCES), description="rates", rows=4),
        "kappa": widgets.FloatSlider(value=float(kappa), min=0.1, max=4.0, step=0.01, description="κ",
                                     continuous_update=False),
    }
    return _live_view(view, controls, key=lambda v: (tuple(v["sequences"]), round(v["kappa"], 6)))


_SHORT = {"k": "λ_k = k", "k^2": "λ_k = k²", "2^k": "λ_k = 2^(k-1)", "log-spaced": "log-spaced on [1/m, m]"}
