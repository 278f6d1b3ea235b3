"""Kernel-free scrubbers: pre-rendered frames an online reader can step through without a kernel."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib

matplotlib.rcParams.setdefault("animation.embed_limit", 40.0)

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import animation  # noqa: E402

from ._style import new_figure, style_axes  # noqa: E402


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
