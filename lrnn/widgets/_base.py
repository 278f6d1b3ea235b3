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
    import io

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
