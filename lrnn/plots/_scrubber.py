"""Kernel-free scrubbers: pre-rendered frames an online reader can step through without a kernel.

A scrubber is the HTML of matplotlib's JavaScript animation player (the ``Animation`` class and controls of
``FuncAnimation.to_jshtml``), with four changes that make it read well wherever it is shown:

* the **first frame is embedded** in the ``<img>`` itself, so the picture is painted as soon as the HTML is
  attached — also in JupyterLab 4's windowed notebooks, Colab and VS Code, where the player's script may run
  late or not at all (the player then only swaps frames);
* the **axes are fixed across frames**: every frame is drawn once, the union of the frames' axis limits is
  applied to all of them (or the ``xlim``/``ylim`` given), so that stepping shows the change, not a rescaled axis;
* frames are **vector (SVG) or 2× PNG** (PNG frames drawn in one pass on an Agg canvas, where ``savefig`` would
  draw twice) and the image is sized to its design width (``width`` per panel, in inches at the CSS 96 px per
  inch) but never wider than the column;
* the control bar **wraps and shrinks** inside the column (its slider is at most 374 px wide, its buttons wrap),
  so that no control is cut off on a 390 px phone screen.
"""

from __future__ import annotations

import base64
import html as _html
import io
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import HTMLWriter

from ._style import new_figure

#: CSS pixels per inch (the CSS reference pixel): a 4.2-inch-wide panel is shown 403 px wide.
CSS_PX_PER_INCH = 96
#: Default alt text, used only when the caller gives none.
DEFAULT_ALT = ("Frame of a scrubber: a pre-computed figure for one value of the experiment's parameter; "
               "the slider and buttons below step through the values.")
_EMBED_LIMIT_MB = 40.0
_FIRST_FRAME = re.compile(r'frames\[0\] = "(data:image/[\w.+-]+;base64,(?:[A-Za-z0-9+/=]|\\\n)*)"')


def _limits_union(limits: list[tuple[float, float]]) -> tuple[float, float]:
    """Smallest interval containing every frame's interval, keeping the axis direction (inverted axes)."""
    arr = np.asarray(limits, dtype=float)
    inverted = arr[0, 0] > arr[0, 1]
    lo, hi = float(np.min(arr)), float(np.max(arr))
    return (hi, lo) if inverted else (lo, hi)


def _per_axes(spec, n: int, name: str) -> list:
    """``None``, one ``(lo, hi)`` pair for every axes, or one entry (pair or ``None``) per axes."""
    if spec is None:
        return [None] * n
    seq = list(spec)
    if len(seq) == 2 and all(np.isscalar(v) for v in seq):
        pair = (float(seq[0]), float(seq[1]))
        if not (np.isfinite(pair).all() and pair[0] != pair[1]):
            raise ValueError(f"{name} must be a pair of distinct finite numbers, got {spec!r}")
        return [pair] * n
    if len(seq) != n:
        raise ValueError(f"{name} must be a (lo, hi) pair or a sequence of {n} pairs/None (one per axes), "
                         f"got {spec!r}")
    return [None if s is None else _per_axes(s, 1, name)[0] for s in seq]


def _frame_axes(fig) -> list:
    """The figure's axes whose limits the scrubber fixes (colorbars keep their own)."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def _png(fig, dpi: float) -> bytes:
    """The figure as PNG bytes at ``dpi``, drawn in one pass on its own Agg canvas.

    ``savefig`` draws a figure with a layout engine twice (once to solve the layout, once to render);
    drawing the canvas solves the layout (if any) and renders in the same pass. Opaque figures are
    written as RGB, the others as RGBA.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    pixels = rgba[..., :3] if np.all(rgba[..., 3] == 255) else rgba
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buf, format="PNG")
    return buf.getvalue()


class _PlayerWriter(HTMLWriter):
    """Matplotlib's HTML player, with PNG frames drawn by :func:`_png` (one pass each) and no silent drops.

    Matplotlib's writer silently drops the frames beyond its embedding limit; this one raises instead.
    """

    def grab_frame(self, **savefig_kwargs):
        if self.frame_format != "png" or not hasattr(self, "_saved_frames"):  # pragma: no cover - other versions
            return super().grab_frame(**savefig_kwargs)
        data = base64.encodebytes(_png(self.fig, self.dpi)).decode("ascii")
        self._total_bytes += len(data)
        if self._total_bytes >= self._bytes_limit:
            raise ValueError(f"the scrubber's frames exceed {_EMBED_LIMIT_MB:g} MB: use fewer values or smaller "
                             "frames")
        self._saved_frames.append(data)


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
    xlim=None,
    ylim=None,
    frame_format: str = "svg",
):
    """A kernel-free scrubber: pre-rendered frames of ``draw(axes, value)`` for each value.

    Parameters
    ----------
    draw : callable
        ``draw(axes, value)`` draws one frame on fresh axes (a single ``Axes`` when the layout has one panel,
        the array of :func:`new_figure` otherwise).
    values : sequence
        Parameter values, one frame each (at least one).
    ncols, nrows, width, height
        Layout as in :func:`new_figure` (``width`` and ``height`` per panel, in inches).
    interval : int
        Milliseconds between frames when played.
    alt : str, optional
        Alt text of the frames, for readers who cannot see them (describe what changes from frame to frame).
    xlim, ylim : optional
        Axis limits shared by every frame. ``None`` (default): the union of the limits the frames would have on
        their own, so that the axes stay fixed while stepping. A ``(lo, hi)`` pair applies to every axes; a
        sequence with one entry (pair or ``None``) per axes sets them one by one.
    frame_format : {"svg", "png"}
        Vector frames (default), or PNG frames at twice the display resolution.

    Returns
    -------
    IPython.display.HTML
        The player: ``<img id="_anim_img…">`` showing the first frame, a slider ``_anim_slider…`` and the
        buttons of matplotlib's ``to_jshtml`` player (``anim….next_frame()``, …).
    """
    from IPython.display import HTML

    values = list(values)
    if not values:
        raise ValueError("values must contain at least one parameter value")
    if frame_format not in ("svg", "png"):
        raise ValueError(f"frame_format must be 'svg' or 'png', got {frame_format!r}")
    interval = int(interval)
    if interval <= 0:
        raise ValueError(f"interval must be a positive number of milliseconds, got {interval}")

    was_interactive = plt.isinteractive()
    figures = []
    try:
        # 1. draw every frame once, each on its own figure (detached from pyplot: never shown inline)
        for value in values:
            fig, axes = new_figure(ncols, nrows, width, height)
            plt.close(fig)
            axes_list = list(np.ravel(axes)) if isinstance(axes, np.ndarray) else [axes]
            draw(axes if len(axes_list) > 1 else axes_list[0], value)
            figures.append(fig)
        # 2. one set of limits for all frames
        n_axes = {len(_frame_axes(f)) for f in figures}
        if len(n_axes) != 1:
            raise ValueError("draw must create the same axes in every frame (found different numbers of axes)")
        n = n_axes.pop()
        fixed_x, fixed_y = _per_axes(xlim, n, "xlim"), _per_axes(ylim, n, "ylim")
        for k in range(n):
            axs = [_frame_axes(f)[k] for f in figures]
            xl = fixed_x[k] or _limits_union([ax.get_xlim() for ax in axs])
            yl = fixed_y[k] or _limits_union([ax.get_ylim() for ax in axs])
            for ax in axs:
                ax.set_xlim(xl)
                ax.set_ylim(yl)
        # 3. render the frames into matplotlib's HTML player
        writer = _PlayerWriter(fps=1000.0 / interval, embed_frames=True, default_mode="once",
                               embed_limit=_EMBED_LIMIT_MB)
        writer.frame_format = frame_format
        dpi = 2 * CSS_PX_PER_INCH
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "scrubber.html"
            writer.setup(figures[0], path, dpi=dpi)
            for fig in figures:
                writer.fig = fig
                writer.grab_frame()
            writer.finish()
            page = path.read_text()
    finally:
        for fig in figures:
            plt.close(fig)
        if was_interactive:
            plt.ion()
    return HTML(_finish_html(page, alt or DEFAULT_ALT, round(width * ncols * CSS_PX_PER_INCH)))


def _finish_html(page: str, alt: str, design_width: int) -> str:
    """Embed the first frame in the ``<img>``, size it to the column, and let the controls wrap."""
    m = re.search(r'<img id="_anim_img([0-9a-f]+)">', page)
    first = _FIRST_FRAME.search(page)
    if not m or not first:  # pragma: no cover - matplotlib's template changed
        raise RuntimeError("unexpected HTML from matplotlib's HTMLWriter: cannot embed the first frame")
    uid = m.group(1)
    src = first.group(1).replace("\\\n", "")
    img = (f'<img id="_anim_img{uid}" alt="{_html.escape(alt, quote=True)}" src="{src}" width="{design_width}" '
           f'style="width:{design_width}px;max-width:100%;height:auto;display:block;margin:0 auto">')
    page = page.replace(m.group(0), img, 1)
    page = page.replace('<div class="animation">', f'<div class="animation" id="_anim_box{uid}">', 1)
    box = f"#_anim_box{uid}"
    style = (
        "<style>"
        f"{box}{{display:block;max-width:100%;margin:0 auto;text-align:center}}"
        f"{box} .anim-controls{{max-width:100%}}"
        f"{box} input[type=range].anim-slider{{width:100%;max-width:374px;box-sizing:border-box}}"
        f"{box} .anim-buttons{{display:flex;flex-wrap:wrap;justify-content:center;gap:2px;margin:6px 0}}"
        f"{box} .anim-buttons button{{width:34px;min-width:0;flex:0 1 34px;padding:2px 0}}"
        f"{box} .anim-state{{display:flex;flex-wrap:wrap;justify-content:center;gap:0 8px}}"
        "</style>"
    )
    return style + page


__all__ = ["scrubber", "CSS_PX_PER_INCH", "DEFAULT_ALT"]
