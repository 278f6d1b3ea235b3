"""The common shape of a live experiment: controls above one persistent figure, shown as a PNG image.

Every live widget of the book builds its figure **once** (with the drawing code of
the static figure in :mod:`lrnn.plots`), and a control change only replaces the
data of existing artists. :class:`FigureImage` turns that figure into PNG bytes
for an ``ipywidgets.Image``:

* the layout (constrained layout) is computed on the first rendering and then
  frozen, so later renderings are a single Agg draw;
* when the changing artists are known and the axes stay fixed, only those
  artists are redrawn on a saved background (blitting);
* the figure is detached from pyplot, so the inline backend never shows it as a
  stray static figure.

:func:`live_figure` wires controls to an update function and the image, with an
optional cache of rendered images per setting. :func:`live` (an
``ipywidgets.interactive`` around a drawing function) and :func:`prerendered` (a
slider over images rendered once) are the two simpler shapes.
"""

from __future__ import annotations

import io
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import numpy as np

__all__ = ["DPI", "FigureImage", "FastFigure", "live_figure", "image_widget", "live", "prerendered"]

#: Resolution of the widgets' images (dots per inch): 1.5 × the 100 px-per-inch design size, sharp on hi-dpi
#: screens at a modest rendering cost.
DPI = 150
#: CSS pixels per inch of the book's design size (the image is shown at most this wide).
DESIGN_PX_PER_INCH = 100


def _encode(rgba: np.ndarray, alpha: bool) -> bytes:
    """PNG bytes of an RGBA buffer, with light compression (fast to encode, a few hundred kB at most)."""
    from PIL import Image

    pixels = np.asarray(rgba) if alpha else np.asarray(rgba)[..., :3]
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _descendants(artist) -> list:
    out, todo = [], [artist]
    while todo:
        a = todo.pop()
        out.append(a)
        todo.extend(a.get_children())
    return out


class FigureImage:
    """A persistent matplotlib figure rendered to PNG bytes, redrawing as little as possible.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A figure that only this object renders. It is detached from pyplot (the
        inline backend never shows it) and given its own Agg canvas.
    dynamic : iterable of matplotlib artists, optional
        The artists that change between renderings (lines, texts, titles,
        legends: artists drawn by an axes or the figure, not parts of one). They
        are drawn on a saved picture of everything else (blitting). When anything
        else changes (axis limits, ticks, a static artist), matplotlib marks the
        figure stale and the next rendering redraws the whole figure and saves a
        new background, so blitting never shows an outdated picture. When empty
        (default), every rendering after a change redraws the whole figure.
    dpi : float or None, default :data:`DPI`
        Resolution of the image; ``None`` keeps the figure's own.
    alpha : bool, default False
        Encode RGBA instead of RGB (the figures are opaque: RGB is smaller).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    canvas : matplotlib.backends.backend_agg.FigureCanvasAgg
    dynamic : list of artists
    width_px : int
        The figure's design width in CSS pixels (100 per inch), the largest width
        at which a widget shows the image.
    full_draws : int
        How many renderings redrew the whole figure (the others blitted).

    Notes
    -----
    The layout is computed by the first rendering and then frozen: with a layout
    engine, every ``canvas.draw`` first runs the constrained-layout solver, which
    costs about as much as the drawing itself. Blitting also skips the ticks,
    labels and static curves, which are most of the drawing. The dynamic artists
    are drawn after (on top of) the static ones; where a curve crosses an axes'
    frame that can change a few pixels, nothing else.
    """

    def __init__(self, figure, dynamic: Iterable = (), *, dpi: float | None = DPI, alpha: bool = False):
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        plt.close(figure)                    # detached from pyplot: the image widget shows it, nothing else
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        if dpi is not None:
            figure.set_dpi(float(dpi))
        self.alpha = bool(alpha)
        self.width_px = int(round(figure.get_figwidth() * DESIGN_PX_PER_INCH))
        self.dynamic: list = []
        self.full_draws = 0
        self._background = None
        self._drawn = False
        self._frozen = False
        self.set_dynamic(dynamic)

    def set_dynamic(self, artists: Iterable) -> None:
        """Redraw only ``artists`` from now on (blitting); an empty list means full redraws.

        Parameters
        ----------
        artists : iterable of matplotlib artists
            The artists that change between renderings.
        """
        for artist in self.dynamic:
            for a in _descendants(artist):
                a.set_animated(False)
        self.dynamic = list(artists)
        for artist in self.dynamic:          # animated artists do not mark the figure stale when they change
            for a in _descendants(artist):
                a.set_animated(True)
        self.invalidate()

    def invalidate(self) -> None:
        """Redraw the whole figure at the next rendering."""
        self._background = None
        self._drawn = False

    def _draw_all(self) -> None:
        self.canvas.draw()                   # animated (dynamic) artists are left out
        self.full_draws += 1
        if not self._frozen:                 # keep the first layout: later draws skip the layout solver
            self.figure.set_layout_engine("none")
            self._frozen = True
        self.figure.stale = False            # the canvas shows the figure as it is
        self._drawn = True

    def draw(self) -> None:
        """Bring the canvas up to date, redrawing as little as the changes since the last rendering allow."""
        if not self.dynamic:
            if self.figure.stale or not self._drawn:
                self._draw_all()
            return
        if self._background is None or self.figure.stale:
            self._draw_all()
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.figure.draw_artist(artist)

    def png(self) -> bytes:
        """The figure as it is now, as PNG bytes."""
        self.draw()
        return _encode(self.canvas.buffer_rgba(), self.alpha)

    __call__ = png


class FastFigure(FigureImage):
    """A new figure of the book's style rendered by blitting: build it, :meth:`freeze`, then :meth:`png`.

    Parameters
    ----------
    ncols, nrows : int
        Panels per row and rows, as in :func:`lrnn.plots.new_figure`.
    width, height : float
        Design size of one panel in inches (the figure is fitted to the page).

    Notes
    -----
    Build the picture on :attr:`axes`, call :meth:`freeze` with the artists that
    will change, then after each change call :meth:`png`: it restores the saved
    background (axes, ticks, labels, legends), draws the changing artists, and
    encodes the canvas as PNG (RGBA, at the figure's own resolution). The figure
    is not registered with pyplot, so it never shows up as a stray inline figure.
    """

    def __init__(self, ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.2):
        from matplotlib.figure import Figure

        from ..plots._style import figure_size, share_mathtext_layouts, style_axes

        share_mathtext_layouts()
        figure = Figure(figsize=figure_size(ncols, nrows, width, height), layout="constrained", facecolor="white")
        axes = figure.subplots(nrows, ncols, squeeze=False)
        for ax in axes.ravel():
            style_axes(ax)
        self.axes = axes[0, 0] if axes.size == 1 else (axes[0] if nrows == 1 else axes)
        super().__init__(figure, dpi=None, alpha=True)

    def freeze(self, dynamic) -> None:
        """Render the static part once (layout fixed from now on); ``dynamic`` artists are redrawn by :meth:`png`.

        Parameters
        ----------
        dynamic : iterable of matplotlib artists
            The artists that will change.
        """
        self.set_dynamic(dynamic)
        self.draw()

    def png(self) -> bytes:
        """The current picture as PNG bytes (static background + the dynamic artists)."""
        if self._background is None and not self._frozen:
            raise RuntimeError("call freeze() before png()")
        return super().png()


def image_widget(renderer: FigureImage, value: bytes | None = None):
    """An ``ipywidgets.Image`` for ``renderer``'s figure: the column's width, at most the figure's design width.

    Parameters
    ----------
    renderer : FigureImage
        The figure the image shows.
    value : bytes, optional
        Initial PNG bytes.

    Returns
    -------
    ipywidgets.Image
    """
    import ipywidgets as widgets

    image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{renderer.width_px}px"))
    if value is not None:
        image.value = value
    return image


def live_figure(renderer: FigureImage, update: Callable[..., object], controls: Mapping[str, object], *,
                header: Sequence | None = None, key: Callable[[dict], Hashable] | None = None,
                cache: int = 0):
    """Controls above an image of one persistent figure; a control change calls ``update`` and re-renders.

    Parameters
    ----------
    renderer : FigureImage
        The figure (and how to render it).
    update : callable
        ``update(**values)`` with the controls' values keyed by the names of
        ``controls``; it changes the figure's artists (its return value is ignored).
    controls : mapping of str to ipywidgets controls
        The controls, keyed by ``update``'s argument names.
    header : sequence of ipywidgets widgets, optional
        What to show above the image (default: the controls, one per row), e.g.
        rows of controls in ``HBox`` es.
    key : callable, optional
        ``key(values)`` → a hashable summary of a setting, for the image cache
        (default ``tuple(values.items())``).
    cache : int, default 0
        How many rendered images to keep (least recently used first out): coming
        back to a setting then only swaps the image. 0 disables the cache.

    Returns
    -------
    ipywidgets.VBox
        ``header`` above the image, with attributes ``redraw()`` (one update with
        the current values; returns the CPU seconds it took), ``render(**values)``
        (update with the current values overridden by ``values``, return the PNG
        bytes without showing them), ``image``, ``controls``, ``renderer``,
        ``figure`` and ``cache`` (the rendered images by key; clear it to force
        new renderings).
    """
    import ipywidgets as widgets

    if not isinstance(renderer, FigureImage):
        raise TypeError(f"renderer must be a FigureImage, got {type(renderer).__name__}")
    if isinstance(cache, bool) or not isinstance(cache, int) or cache < 0:
        raise ValueError(f"cache must be a non-negative integer, got {cache!r}")
    controls = dict(controls)
    key = (lambda values: tuple(values.items())) if key is None else key
    images: OrderedDict = OrderedDict()
    image = image_widget(renderer)

    def values_now() -> dict:
        return {name: control.value for name, control in controls.items()}

    def render(**overrides) -> bytes:
        values = {**values_now(), **overrides}
        k = None
        if cache:
            try:
                k = key(values)
                hash(k)
            except TypeError:                # an unhashable setting is simply not cached
                k = None
            if k is not None and k in images:
                images.move_to_end(k)
                return images[k]
        update(**values)
        png = renderer.png()
        if k is not None:
            images[k] = png
            if len(images) > cache:
                images.popitem(last=False)
        return png

    def redraw(_change=None) -> float:
        t0 = time.process_time()
        image.value = render()
        return time.process_time() - t0

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    rows = list(controls.values()) if header is None else list(header)
    box = widgets.VBox([*rows, image], layout=widgets.Layout(width="100%"))
    box.redraw = redraw
    box.render = render
    box.image = image
    box.controls = controls
    box.renderer = renderer
    box.figure = renderer.figure
    box.cache = images
    return box


def live(draw: Callable[..., object], **controls):
    """An ``ipywidgets.interactive`` that redraws ``draw(**values)`` when a control moves.

    Parameters
    ----------
    draw : callable
        Draws and shows one figure from keyword arguments (typically a function
        of :mod:`lrnn.plots` followed by ``plt.show()``).
    **controls
        ipywidgets controls (sliders, dropdowns) keyed by ``draw``'s argument names.

    Returns
    -------
    ipywidgets.interactive
        Display it as the last expression of a cell.
    """
    import ipywidgets as widgets

    ui = widgets.interactive(draw, **controls)
    ui.layout = widgets.Layout(width="100%")
    return ui


def prerendered(render: Callable[[object], object], options, value=None, description: str = ""):
    """A slider over views rendered once: moving it swaps a pre-rendered PNG (an update costs ~1 ms).

    For experiments whose parameter takes a few precomputed values, this keeps the
    update far below the cost of re-rendering a matplotlib figure (~0.1–0.4 s).

    Parameters
    ----------
    render : callable
        ``render(value)`` returns a matplotlib Figure for one option value.
    options : sequence
        Option values, or ``(label, value)`` pairs, as for ``ipywidgets.SelectionSlider``.
    value : optional
        The initial value (default: the middle option).
    description : str
        The slider's label.

    Returns
    -------
    ipywidgets.VBox
        The slider (``.children[0]``) above the image (``.children[1]``).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    pairs = [o if isinstance(o, tuple) else (str(o), o) for o in options]
    if not pairs:
        raise ValueError("options must contain at least one value")
    frames = {}
    for _, v in pairs:
        fig = render(v)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        plt.close(fig)
        frames[v] = buf.getvalue()
    start = pairs[len(pairs) // 2][1] if value is None else value
    if start not in frames:
        raise ValueError(f"value must be one of the options, got {start!r}")
    slider = widgets.SelectionSlider(options=pairs, value=start, description=description)
    image = widgets.Image(value=frames[start], format="png")
    slider.observe(lambda change: setattr(image, "value", frames[change["new"]]), names="value")
    return widgets.VBox([slider, image])
