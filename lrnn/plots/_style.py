"""The book's one style sheet: figures designed for the page they are shown on.

* **Size.** The book's text column is about 660 CSS px wide on a desktop screen, i.e.
  :data:`PAGE_WIDTH` ``= 6.8`` inches at the browser's 96 px per inch. :func:`new_figure`
  fits every figure into that width, so that the page shows it at (nearly) its design
  size: a font of ``f`` points then reads at ``4/3 f`` CSS px (≥ 9 px for every font of
  at least 7 pt; the style's smallest is 8 pt).
* **Vector output.** In the book build, :func:`setup_notebook` makes the inline backend
  emit SVG (chosen by the HTML pages) and PDF (chosen by the LaTeX/PDF edition); in a
  live notebook it keeps PNG, which redraws fastest under a widget. The environment
  variable ``LRNN_FIGURE_FORMATS`` (e.g. ``svg,pdf``, set by the book's Sphinx
  extension ``_ext/figures.py``) selects the formats.
* **Colours** are the Okabe–Ito palette (distinguishable with the common forms of
  colour blindness); line styles double the colour cue where curves overlap.
* **Dark mode.** Figures have an opaque white background, so that they stay readable
  on the theme's dark background.
* :func:`fast_mode` tells figure functions whether the test suite asked for shorter
  experiments (``LRNN_FAST=1``; the book build never sets it).
"""

from __future__ import annotations

import logging
import numbers
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

#: Width of the book's text column in inches (≈ 650 CSS px at 96 px per inch): no figure is wider.
PAGE_WIDTH = 6.8
#: A row of panels narrowed to the page keeps at least this fraction of its design height.
MIN_HEIGHT_SCALE = 0.75

#: The matplotlib settings of every figure of the book (applied by :func:`setup_notebook`).
STYLE = {
    # opaque white: readable on the dark theme too
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.figsize": (4.2, 3.2),
    "figure.dpi": 100,
    "savefig.dpi": 200,           # raster fallbacks (PNG, images inside SVG/PDF) at 2x
    "figure.constrained_layout.use": True,
    # type: sizes in points; at the design size 1 pt = 4/3 CSS px
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.title_fontsize": 8.5,
    "figure.titlesize": 10,
    "mathtext.fontset": "dejavusans",
    # lines and frame
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "lines.linewidth": 1.6,
    "lines.markersize": 4.5,
    "axes.linewidth": 0.8,
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#1a1a1a",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "xtick.major.width": 0.8,
    "ytick.major.width": 0.8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "legend.handlelength": 2.2,
    # vector output: glyphs as paths (identical in every browser), stable ids, TrueType in PDF
    "svg.fonttype": "path",
    "svg.hashsalt": "lrnn",
    "pdf.fonttype": 42,
}

#: Environment variable selecting the inline figure formats (comma-separated).
FORMATS_ENV = "LRNN_FIGURE_FORMATS"
_KNOWN_FORMATS = ("png", "retina", "jpeg", "svg", "pdf")


_SHARED_MATHTEXT: dict = {}


def share_mathtext_layouts() -> None:
    """Let every Agg renderer share one mathtext parser, so that a formula is laid out once per session.

    Matplotlib's Agg renderer creates its own ``MathTextParser`` and caches the layout of each
    ``$…$`` string (tick labels such as :math:`10^{-3}` included) on that parser, for at most 50 strings:
    every new figure, widget frame or scrubber frame then parses its labels again (about 10 ms each,
    a third of the time of a typical figure of this book). Sharing one parser per output type, with
    a 2048-entry cache, removes that repetition; the layouts themselves are unchanged (the cache key
    holds the string, the font properties and the resolution). A no-op when matplotlib's internals
    differ from the ones this relies on (``backend_agg.MathTextParser``, ``MathTextParser._parse_cached``).
    """
    from functools import lru_cache

    from matplotlib import mathtext
    from matplotlib.backends import backend_agg

    if _SHARED_MATHTEXT or backend_agg.MathTextParser is not mathtext.MathTextParser:
        return
    parse = getattr(mathtext.MathTextParser, "_parse_cached", None)
    if parse is None or not hasattr(parse, "__wrapped__"):  # pragma: no cover - other matplotlib versions
        return
    mathtext.MathTextParser._parse_cached = lru_cache(2048)(parse.__wrapped__)

    def shared_parser(output):
        if output not in _SHARED_MATHTEXT:
            _SHARED_MATHTEXT[output] = mathtext.MathTextParser(output)
        return _SHARED_MATHTEXT[output]

    backend_agg.MathTextParser = shared_parser


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


def _positive_count(name: str, value) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def _positive_length(name: str, value) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number of inches, got {type(value).__name__}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive, finite number of inches, got {value}")
    return float(value)


def figure_size(ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.2) -> tuple[float, float]:
    r"""The size in inches of a figure of ``nrows`` × ``ncols`` panels of design size ``width`` × ``height``.

    A row wider than the page is narrowed to it, and the height shrinks with it,
    but by no more than :data:`MIN_HEIGHT_SCALE` (narrow panels would otherwise become
    flat strips):

    .. math::

        s = \min\Big(1, \frac{P}{n_{\rm cols}\,w}\Big), \qquad
        \text{size} = \big(s\,n_{\rm cols}\,w,\; \max(s, 0.75)\,n_{\rm rows}\,h\big),

    with :math:`P` = :data:`PAGE_WIDTH`. Fonts keep their size in points, so they keep
    their size on the page.

    Raises
    ------
    TypeError, ValueError
        If a count is not a positive integer or a length not a positive number.
    """
    ncols = _positive_count("ncols", ncols)
    nrows = _positive_count("nrows", nrows)
    width = _positive_length("width", width)
    height = _positive_length("height", height)
    scale = min(1.0, PAGE_WIDTH / (ncols * width))
    return scale * ncols * width, max(scale, MIN_HEIGHT_SCALE) * nrows * height


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.2, **kwargs):
    """A figure with the book's style and a grid of axes (``plt.subplots`` semantics).

    Parameters
    ----------
    ncols, nrows : int
        Panels per row and rows (the book uses at most three panels per row).
    width, height : float
        Design size of one panel, in inches; the figure is fitted to the page
        (:func:`figure_size`).
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots` (``sharex``, ``sharey``, ...).

    Returns
    -------
    (matplotlib.figure.Figure, Axes or numpy.ndarray of Axes)
    """
    size = figure_size(ncols, nrows, width, height)
    share_mathtext_layouts()
    fig, axes = plt.subplots(nrows, ncols, figsize=size, constrained_layout=True, facecolor="white", **kwargs)
    for ax in np.atleast_1d(axes).ravel():
        style_axes(ax)
    return fig, axes


def fast_mode() -> bool:
    """Whether the test suite asked for shorter experiments (environment ``LRNN_FAST=1``).

    Figure functions read this to pick fewer scrubber frames or shorter runs under
    ``nbval``; the book build never sets it, so pages always show the full experiment.
    """
    return os.environ.get("LRNN_FAST") == "1"


def figure_formats() -> tuple[str, ...]:
    """The inline figure formats: ``LRNN_FIGURE_FORMATS`` (comma-separated), default ``("png",)``.

    The book build sets ``svg,pdf``: the HTML pages take the SVG and the PDF edition
    the PDF (myst-nb picks one output per builder), both vector.

    Raises
    ------
    ValueError
        If the variable names a format the inline backend does not know.
    """
    raw = os.environ.get(FORMATS_ENV, "").strip()
    if not raw:
        return ("png",)
    formats = tuple(f.strip().lower() for f in raw.split(",") if f.strip())
    unknown = [f for f in formats if f not in _KNOWN_FORMATS]
    if unknown or not formats:
        raise ValueError(f"{FORMATS_ENV} must be a comma-separated list of {', '.join(_KNOWN_FORMATS)}; "
                         f"got {raw!r}")
    return formats


def setup_notebook() -> None:
    """The display setup shared by every chapter (called once, in the chapter's preamble).

    * the book's style sheet (:data:`STYLE`) for every figure;
    * inline figures in IPython, in the formats of :func:`figure_formats` (vector SVG
      and PDF in the book build, PNG in a live notebook);
    * one mathtext parser shared by every figure (:func:`share_mathtext_layouts`);
    * NumPy scalars printed as plain numbers (``0.987`` rather than ``np.float64(0.987)``);
    * fontTools' warnings about the fonts it subsets for PDF figures silenced.
    """
    np.set_printoptions(legacy="1.25")
    # fontTools (font subsetting of the PDF backend) logs "'created' timestamp seems very low"
    # for DejaVu fonts: a warning about the font files, not the figure, that would reach the page
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    share_mathtext_layouts()
    formats = figure_formats()
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks only
        shell = None
    else:
        shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats(*formats)
    # after %matplotlib inline, which applies the inline backend's own rc settings
    matplotlib.rcParams.update(STYLE)
