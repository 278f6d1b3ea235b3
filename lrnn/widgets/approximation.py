"""Live experiments of Chapter 2: fits of growing width, and the Müntz–Szász dichotomy.

Each widget drives a *view* of :mod:`lrnn.plots.approximation`
(:class:`~lrnn.plots.approximation.WidthFitView`,
:class:`~lrnn.plots.approximation.MuntzView`), the code that draws the book's
static figure and its scrubber, so the live picture is that figure at other
parameters. The figure is built once; a control change replaces the data of its
artists and re-encodes it as a PNG shown by an ``ipywidgets.Image`` (its layout
is computed on the first rendering and then kept:
:class:`lrnn.widgets._base.FigureImage`). The numbers behind a view are cached
(fits per target and width, closed-form Blaschke products), and so are the
rendered images, so returning to a setting costs nothing. The widgets need
``ipywidgets`` and a running kernel (Binder, Colab, local Jupyter).
"""

from __future__ import annotations

import numbers

from ..plots import approximation as _plots
from ._base import DPI, FigureImage, live_figure

__all__ = ["width_explorer", "muntz_explorer", "DPI"]

#: How many rendered images a widget keeps (coming back to a setting swaps the image).
_CACHED_IMAGES = 64
#: The renderer of earlier versions (``_Renderer(figure)()`` → PNG bytes), kept for the benchmarks.
_Renderer = FigureImage


def _live_view(view, controls: dict, key=None):
    """Controls above an image of ``view.figure``; a control change calls ``view.update(**values)``.

    Only the artists in ``view.dynamic`` are redrawn while the axes stay (a new
    width, a new κ); a new target (new limits) redraws the whole figure, with the
    frozen layout. Rendered images are kept (up to 64 settings), so coming back to a
    setting only swaps the image. The returned box has ``redraw()`` (one update; returns the CPU seconds it
    took), ``view`` and ``image``.
    """
    box = live_figure(FigureImage(view.figure, view.dynamic), view.update, controls, key=key, cache=_CACHED_IMAGES)
    box.view = view
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
        Initial target rate, in [0.1, 4].
    gamma : float, optional
        The keyword of earlier versions for κ (same meaning; overrides ``kappa``).

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
