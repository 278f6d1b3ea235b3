"""Shared figure conventions: colour-blind-safe palette, labelled axes, scrubbers.

* Colours are the Okabe–Ito palette (distinguishable with the common forms of
  colour blindness); line styles double the colour cue where curves overlap.
* Figures have an opaque white background so that they stay readable in the
  theme's dark mode.
* :func:`scrubber` turns a drawing function and a list of parameter values into
  a kernel-free animation (``FuncAnimation.to_jshtml``) that an online reader can
  step through without a running kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib

matplotlib.rcParams.setdefault("animation.embed_limit", 40.0)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation  # noqa: E402

#: Okabe–Ito colour-blind-safe palette.
COLORS = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
#: Default colour cycle (palette order without yellow, which is faint on white).
CYCLE = [COLORS[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1))]

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "legend.frameon": False,
    "figure.dpi": 100,
}


def style_axes(ax) -> None:
    """Apply the book's axes style (white background, palette, light grid, open frame).

    Styling is applied to the axes themselves rather than through a temporary
    ``rc_context``: figures created inside an ``rc_context`` stop being displayed
    by the inline backend after the first one (the context restores the backend).
    """
    ax.set_facecolor("white")
    ax.set_prop_cycle(color=CYCLE)
    ax.grid(True, alpha=0.3)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.2, **kwargs):
    """A figure with the book's style and a grid of axes (``plt.subplots`` semantics)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                             constrained_layout=True, facecolor="white", **kwargs)
    for ax in np.atleast_1d(axes).ravel():
        style_axes(ax)
    return fig, axes


def scrubber(
    draw: Callable[[object, object], None],
    values: Sequence,
    *,
    ncols: int = 1,
    nrows: int = 1,
    width: float = 4.2,
    height: float = 3.2,
    interval: int = 400,
    alt: str | None = None,
):
    """A kernel-free scrubber: pre-rendered frames of ``draw(axes, value)`` for each value.

    Parameters
    ----------
    draw : callable
        ``draw(axes, value)`` draws one frame on cleared axes.
    values : sequence
        Parameter values, one frame each.
    ncols, nrows, width, height
        Layout as in :func:`new_figure`.
    interval : int
        Milliseconds between frames when played.
    alt : str, optional
        Alt text of the frames, for readers who cannot see them (describe what
        changes from frame to frame).

    Returns
    -------
    IPython.display.HTML
        The JavaScript animation widget (``FuncAnimation.to_jshtml``).
    """
    from IPython.display import HTML

    fig, axes = new_figure(ncols, nrows, width, height)
    axes_list = list(axes.ravel()) if hasattr(axes, "ravel") else [axes]

    def update(i):
        for ax in axes_list:
            ax.clear()
            style_axes(ax)
        draw(axes if len(axes_list) > 1 else axes_list[0], values[i])
        return []

    anim = animation.FuncAnimation(fig, update, frames=len(values), interval=interval, blit=False)
    html = anim.to_jshtml(default_mode="once")
    plt.close(fig)
    if alt:
        import html as _html

        html = html.replace('<img id="_anim_img', f'<img alt="{_html.escape(alt, quote=True)}" id="_anim_img', 1)
    return HTML(html)
