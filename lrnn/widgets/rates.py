"""Live experiments of the chapter on approximation rates (ipywidgets).

Each wraps a drawing function of :mod:`lrnn.plots.rates`, the code that draws the
book's static figure and scrubber, so the live picture is that figure at other
parameters. The data of every slider position is computed before the widget is
shown (the ω and ε views from cached curves; the Jackson view from best-:math:`L^1`
fits for every (p, κ) on the sliders, computed once per session and shared with the
chapter's figure and scrubber). One figure is built; a slider move removes the data
artists of its axes (ticks, scales and layout are kept), redraws them from the
cached data and encodes a PNG with a layout frozen after the first rendering, so an update costs one Agg draw (well under the book's 200 ms
budget on an idle 2-core machine), and views already shown are swapped from a
cache. The widgets need ``ipywidgets`` and a running kernel.
"""

from __future__ import annotations

import io
import time

from ..plots import rates as P
from ..plots._style import new_figure, style_axes

__all__ = ["errors_versus_width", "required_width", "jackson"]

OMEGAS = P.ERRORS_OMEGAS
EPSILONS = P.CURSE_EPSILONS
POWERS = P.JACKSON_POWERS
KAPPAS = (0.5, 1.0)
#: Resolution of the widgets' images (dots per inch).
DPI = 120


class _View:
    """One figure whose axes are redrawn by ``draw(axes, key)`` and encoded as PNG; images cached by key."""

    def __init__(self, draw, ncols: int, width: float, height: float):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        import matplotlib.pyplot as plt

        self.figure, axes = new_figure(ncols, 1, width=width, height=height)
        plt.close(self.figure)                      # never shown by the inline backend
        self.axes = axes
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.set_dpi(DPI)
        self.draw = draw
        self.cache: dict = {}
        self._frozen = False

    def png(self, key) -> bytes:
        if key in self.cache:
            return self.cache[key]
        import numpy as np
        from PIL import Image

        for ax in np.atleast_1d(self.axes).ravel():
            if self._frozen:                         # keep the axes (ticks, scales): remove only the data
                for artist in [*ax.lines, *ax.collections, *ax.texts, *ax.patches, *ax.images]:
                    artist.remove()
                if ax.legend_ is not None:
                    ax.legend_.remove()
            else:
                ax.clear()
                style_axes(ax)
        self.draw(self.axes, key)
        self.canvas.draw()
        if not self._frozen:                         # later redraws skip the constrained-layout pass
            self.figure.set_layout_engine("none")
            self._frozen = True
        rgb = np.asarray(self.canvas.buffer_rgba())[..., :3]
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
        self.cache[key] = buf.getvalue()
        return self.cache[key]


def _ui(view: _View, controls: dict, key_of):
    """Controls above the view's image; a change shows ``view.png(key_of(values))``.

    The returned box has ``redraw()`` (one update; returns the seconds it took) and ``view``.
    """
    import ipywidgets as widgets

    width_px = int(round(view.figure.get_figwidth() * 100))
    image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{width_px}px"))

    def redraw(_change=None) -> float:
        t0 = time.perf_counter()
        image.value = view.png(key_of(**{name: c.value for name, c in controls.items()}))
        return time.perf_counter() - t0

    for c in controls.values():
        c.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox(list(controls.values())), image], layout=widgets.Layout(width="100%"))
    box.redraw = redraw
    box.view = view
    return box


def errors_versus_width(omegas=OMEGAS, value: float = 0.25):
    """Slider ω → errors against width: fixed grid and free exponents, L¹ and L² (data cached per ω)."""
    import ipywidgets as widgets

    omegas = tuple(float(o) for o in omegas)
    for om in omegas:                                # all data before the widget is shown
        P.width_data(om)
    view = _View(lambda axes, om: P.draw_errors_versus_width(axes, P.width_data(om)), 2, 4.2, 3.6)
    slider = widgets.SelectionSlider(options=list(omegas), value=float(value), description="ω")
    return _ui(view, {"omega": slider}, lambda omega: omega)


def required_width(epsilons=EPSILONS, value: float = 1e-2):
    """Slider ε → width the fixed grid needs against ω, in L¹ and L² (curves precomputed)."""
    import ipywidgets as widgets

    data = P.curse_data()
    view = _View(lambda ax, e: P.draw_required_width(ax, data, e), 1, 6.0, 4.0)
    slider = widgets.SelectionSlider(options=[(f"{e:g}", float(e)) for e in epsilons], value=float(value),
                                     description="ε")
    return _ui(view, {"epsilon": slider}, lambda epsilon: epsilon)


def jackson(powers=POWERS, kappas=KAPPAS, power: float = 1.5, kappa: float = 1.0):
    """Sliders smoothness p and decay κ → best L¹ errors on two grids next to the Jackson slope −α.

    The fits of every (p, κ) pair are computed when the widget is created (about a
    quarter of a second per pair on an idle machine, cached for the session).
    """
    import ipywidgets as widgets

    powers = tuple(float(p) for p in powers)
    kappas = tuple(float(k) for k in kappas)
    for p in powers:
        for k in kappas:
            P.jackson_data(p, k)
    view = _View(lambda ax, key: P.draw_jackson(ax, P.jackson_data(*key)), 1, 5.6, 3.8)
    controls = {"power": widgets.SelectionSlider(options=list(powers), value=float(power), description="p"),
                "kappa": widgets.SelectionSlider(options=list(kappas), value=float(kappa), description="κ")}
    return _ui(view, controls, lambda power, kappa: (power, kappa))
