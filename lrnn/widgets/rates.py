"""Live experiments of the chapter on approximation rates (ipywidgets).

Each wraps a drawing function of :mod:`lrnn.plots.rates`, the code that draws the
book's static figure and scrubber, so the live picture is that figure at other
parameters. The data of every slider position is computed before the widget is
shown (the ω and ε views from cached curves; the Jackson view from best-:math:`L^1`
fits for every (p, κ) on the sliders, computed once per session and shared with the
chapter's figure and scrubber). One figure is built; a slider move removes the data
artists of its axes (ticks, scales and layout are kept), redraws them from the
cached data and encodes a PNG with a layout frozen after the first rendering
(:class:`lrnn.widgets._base.FigureImage`), so an update costs one Agg draw (well
under the book's 200 ms budget on an idle 2-core machine), and views already shown
are swapped from a cache. The widgets need ``ipywidgets`` and a running kernel.
"""

from __future__ import annotations

import numpy as np

from ..plots import rates as P
from ..plots._style import new_figure, style_axes
from ._base import FigureImage, live_figure

__all__ = ["errors_versus_width", "required_width", "jackson"]

OMEGAS = P.ERRORS_OMEGAS
EPSILONS = P.CURSE_EPSILONS
POWERS = P.JACKSON_POWERS
KAPPAS = (0.5, 1.0)
#: Resolution of the widgets' images (dots per inch).
DPI = 120
#: How many rendered views a widget keeps (every slider position of the book's widgets).
_CACHED_IMAGES = 256


class _View:
    """One figure whose axes are redrawn by ``draw(axes, key)`` from cached data.

    The first drawing builds everything (and fixes the layout); later ones remove
    only the data artists (lines, collections, texts, patches, images, legends) and
    draw them anew, keeping ticks, scales and layout. ``cache`` is the widget's cache
    of rendered images by key (set by :func:`_ui`).
    """

    def __init__(self, draw, ncols: int, width: float, height: float):
        self.figure, self.axes = new_figure(ncols, 1, width=width, height=height)
        self.renderer = FigureImage(self.figure, dpi=DPI)
        self.draw = draw
        self.cache: dict = {}
        self._drawn = False

    def update(self, key) -> None:
        """Draw the view of ``key``."""
        for ax in np.atleast_1d(self.axes).ravel():
            if self._drawn:                          # keep the axes (ticks, scales): remove only the data
                for artist in [*ax.lines, *ax.collections, *ax.texts, *ax.patches, *ax.images]:
                    artist.remove()
                if ax.legend_ is not None:
                    ax.legend_.remove()
            else:
                ax.clear()
                style_axes(ax)
        self.draw(self.axes, key)
        self._drawn = True

    def png(self, key) -> bytes:
        """The view of ``key`` as PNG bytes (from the cache when it was rendered before)."""
        if key not in self.cache:
            self.update(key)
            self.cache[key] = self.renderer.png()
        return self.cache[key]


def _ui(view: _View, controls: dict, key_of):
    """Controls (one row) above the view's image; a change shows the view of ``key_of(**values)``.

    The returned box has ``redraw()`` (one update; returns the CPU seconds it took) and ``view``
    (whose ``cache`` holds the rendered images by key).
    """
    import ipywidgets as widgets

    box = live_figure(view.renderer, lambda **values: view.update(key_of(**values)), controls,
                      header=[widgets.HBox(list(controls.values()))], key=lambda values: key_of(**values),
                      cache=_CACHED_IMAGES)
    view.cache = box.cache
    box.view = view
    return box


def _options(name: str, values) -> tuple[float, ...]:
    """Slider positions: 1 to 64 distinct positive numbers."""
    from ..plots._common import frame_values

    out = tuple(frame_values(name, values, positive=True))
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat a value, got {out}")
    return out


def _start(name: str, value, options: tuple[float, ...]) -> float:
    """The initial slider position: one of ``options``."""
    from .._validation import as_real_scalar

    v = as_real_scalar(name, value)
    if v not in options:
        raise ValueError(f"{name} must be one of the slider positions {options}, got {v:g}")
    return v


def errors_versus_width(omegas=OMEGAS, value: float = 0.25):
    """Slider ω → errors against width: fixed grid and free exponents, L¹ and L² (data cached per ω).

    Parameters
    ----------
    omegas : sequence of float, default :data:`lrnn.plots.rates.ERRORS_OMEGAS`
        The slider's exponents ω > 0 (their data is computed when the widget is created).
    value : float, default 0.25
        The initial ω, one of ``omegas``.

    Returns
    -------
    ipywidgets.VBox
        The slider above the image; ``redraw()`` and ``view`` as described in :func:`_ui`.
    """
    import ipywidgets as widgets

    omegas = _options("omegas", omegas)
    value = _start("value", value, omegas)
    for om in omegas:                                # all data before the widget is shown
        P.width_data(om)
    view = _View(lambda axes, om: P.draw_errors_versus_width(axes, P.width_data(om)), 2, 4.2, 3.6)
    slider = widgets.SelectionSlider(options=list(omegas), value=value, description="ω")
    return _ui(view, {"omega": slider}, lambda omega: omega)


def required_width(epsilons=EPSILONS, value: float = 1e-2):
    """Slider ε → width the fixed grid needs against ω, in L¹ and L² (curves precomputed).

    Parameters
    ----------
    epsilons : sequence of float, default :data:`lrnn.plots.rates.CURSE_EPSILONS`
        The slider's relative errors, each in (0, 1).
    value : float, default 0.01
        The initial ε, one of ``epsilons``.

    Returns
    -------
    ipywidgets.VBox
        The slider above the image; ``redraw()`` and ``view`` as described in :func:`_ui`.
    """
    import ipywidgets as widgets

    epsilons = _options("epsilons", epsilons)
    if max(epsilons) >= 1.0:
        raise ValueError(f"epsilons must be relative errors below 1, got {max(epsilons):g}")
    value = _start("value", value, epsilons)
    data = P.curse_data()
    view = _View(lambda ax, e: P.draw_required_width(ax, data, e), 1, 6.0, 4.0)
    slider = widgets.SelectionSlider(options=[(f"{e:g}", e) for e in epsilons], value=value, description="ε")
    return _ui(view, {"epsilon": slider}, lambda epsilon: epsilon)


def jackson(powers=POWERS, kappas=KAPPAS, power: float = 1.5, kappa: float = 1.0):
    """Sliders smoothness p and decay κ → best L¹ errors on two grids next to the Jackson slope −α.

    The fits of every (p, κ) pair are computed when the widget is created (about a
    quarter of a second per pair on an idle machine, cached for the session).

    Parameters
    ----------
    powers : sequence of float, default :data:`lrnn.plots.rates.JACKSON_POWERS`
        The slider's smoothness exponents p > 0.
    kappas : sequence of float, default (0.5, 1)
        The slider's decay rates κ > 0.
    power : float, default 1.5
        The initial p, one of ``powers``.
    kappa : float, default 1
        The initial κ, one of ``kappas``.

    Returns
    -------
    ipywidgets.VBox
        The sliders above the image; ``redraw()`` and ``view`` as described in :func:`_ui`.
    """
    import ipywidgets as widgets

    powers = _options("powers", powers)
    kappas = _options("kappas", kappas)
    if len(powers) * len(kappas) > 16:
        raise ValueError(f"powers × kappas must be at most 16 settings (each is fitted when the widget is "
                         f"created), got {len(powers) * len(kappas)}")
    power = _start("power", power, powers)
    kappa = _start("kappa", kappa, kappas)
    for p in powers:
        for k in kappas:
            P.jackson_data(p, k)
    view = _View(lambda ax, key: P.draw_jackson(ax, P.jackson_data(*key)), 1, 5.6, 3.8)
    controls = {"power": widgets.SelectionSlider(options=list(powers), value=power, description="p"),
                "kappa": widgets.SelectionSlider(options=list(kappas), value=kappa, description="κ")}
    return _ui(view, controls, lambda power, kappa: (power, kappa))
