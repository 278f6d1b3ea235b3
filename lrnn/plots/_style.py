"""Shared figure conventions: colour-blind-safe palette, labelled axes, scrubbers.

* Colours are the Okabe–Ito palette (distinguishable with the common forms of
  colour blindness); line styles double the colour cue where curves overlap.
* Figures have an opaque white background so that they stay readable in the
  theme's dark mode.
* :func:`setup_notebook` is the one display setup every chapter's preamble calls;
  :func:`fast_mode` tells figure functions whether the test suite asked for
  shorter experiments (``LRNN_FAST=1``; the book build never sets it).
"""

from __future__ import annotations

import os

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

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


def fast_mode() -> bool:
    """Whether the test suite asked for shorter experiments (environment ``LRNN_FAST=1``).

    Figure functions read this to pick fewer scrubber frames or shorter runs under
    ``nbval``; the book build never sets it, so pages always show the full experiment.
    """
    return os.environ.get("LRNN_FAST") == "1"


def setup_notebook() -> None:
    """The display setup shared by every chapter (called once, in the chapter's preamble).

    Inline figures in IPython, and NumPy scalars printed as plain numbers
    (``0.987`` rather than ``np.float64(0.987)``).
    """
    np.set_printoptions(legacy="1.25")
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks only
        return
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
