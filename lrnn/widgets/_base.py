"""The common shape of a live experiment: controls → a redrawn figure."""

from __future__ import annotations

from collections.abc import Callable


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
