"""Small drawing helpers shared by the chapters' figure modules (legends, limits, log-axis ticks, scrubbers).

Plain-text tick labels (``10⁻³``) instead of mathtext make a log axis several
times cheaper to lay out and draw, which matters for scrubbers (every frame is
drawn anew) and live widgets (every update).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

#: Width (inches) of a figure that fills the book's text column (about 650 CSS px).
COLUMN = 6.8

#: Largest number of frames of a scrubber (each frame is a figure drawn and embedded in the page).
MAX_FRAMES = 64

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def discard_on_error(make: Callable) -> Callable:
    """Decorate a figure function: if it raises, the figures it opened are closed before the error propagates.

    A figure function validates some arguments only while drawing; without this, a
    bad argument would leave a half-drawn figure open, which the notebook's inline
    backend then shows under the error message.

    Parameters
    ----------
    make : callable
        A function that opens pyplot figures.

    Returns
    -------
    callable
        The same function, closing what it opened when it fails.
    """
    @functools.wraps(make)
    def wrapper(*args, **kwargs):
        import matplotlib.pyplot as plt

        before = set(plt.get_fignums())
        try:
            return make(*args, **kwargs)
        except BaseException:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            raise

    return wrapper


def frame_values(name: str, values, *, positive: bool = False) -> list[float]:
    """The parameter values of a scrubber's frames: 1 to :data:`MAX_FRAMES` finite real numbers.

    Parameters
    ----------
    name : str
        The argument's name, for error messages.
    values : array_like, shape (k,)
        The values.
    positive : bool, default False
        Require every value to be positive.

    Returns
    -------
    list of float
    """
    from .._validation import as_real_array

    arr = as_real_array(name, values, ndim=1)
    if arr.size == 0:
        raise ValueError(f"{name} must contain at least one value (one frame each)")
    if arr.size > MAX_FRAMES:
        raise ValueError(f"{name} must contain at most {MAX_FRAMES} values (one frame each), got {arr.size}")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be positive, got minimum {arr.min():g}")
    return [float(v) for v in arr]


def legend_above(ax, ncol: int = 1):
    """A legend above the axes, outside the data (constrained layout makes room for it).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes whose labelled artists the legend lists.
    ncol : int, default 1
        Number of legend columns.

    Returns
    -------
    matplotlib.legend.Legend
    """
    return ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=ncol, borderaxespad=0.2,
                     handlelength=1.8, columnspacing=1.0)


def set_ylim_to(ax, *arrays, pad: float = 0.08) -> None:
    """Set the y-limits of ``ax`` to the range of ``arrays`` widened by ``pad`` of the span on each side.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    *arrays : array_like
        The values to show (at least one).
    pad : float, default 0.08
        Margin as a fraction of the span (a span below 1e-12 counts as 1e-12).
    """
    lo = min(float(np.min(a)) for a in arrays)
    hi = max(float(np.max(a)) for a in arrays)
    span = max(hi - lo, 1e-12)
    ax.set_ylim(lo - pad * span, hi + pad * span)


def restore_interactive(make: Callable[[], object]):
    """Call ``make()`` and restore pyplot's interactive mode afterwards.

    Rendering an animation leaves interactive mode off, after which the inline
    backend stops showing the figures of later cells.

    Parameters
    ----------
    make : callable
        What to run (typically a scrubber).

    Returns
    -------
    object
        What ``make()`` returns.
    """
    import matplotlib.pyplot as plt

    was_interactive = plt.isinteractive()
    try:
        return make()
    finally:
        if was_interactive:
            plt.ion()


def power_of_ten_label(value: float, _pos=None) -> str:
    """``10⁻³`` (``1`` and ``10`` for the first two) in plain text for an exact power of ten, ``""`` otherwise.

    Parameters
    ----------
    value : float
        A tick value.
    _pos : optional
        The tick position (matplotlib's formatter signature; unused).

    Returns
    -------
    str
    """
    if not (np.isfinite(value) and value > 0):
        return ""
    k = np.log10(value)
    n = int(round(k))
    if abs(k - n) > 1e-6:
        return ""
    return {0: "1", 1: "10"}.get(n, "10" + str(n).translate(_SUPERSCRIPT))


def light_log_axis(axis, every: int = 1) -> None:
    """Major ticks every ``every`` decades, plain-text labels, no minor ticks: a log axis cheap to redraw.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis`` of a log-scaled axes.
    every : int, default 1
        Decades between major ticks.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    axis.set_major_locator(LogLocator(base=10.0 ** every, numticks=12))
    axis.set_major_formatter(FuncFormatter(power_of_ten_label))
    axis.set_minor_locator(NullLocator())


def log_ticks(ax, axis: str = "both") -> None:
    """Label the decades of log axes as ``10ⁿ`` in plain text, with unlabelled minor ticks at 2 and 5 only.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes.
    axis : {"both", "x", "y"}, default "both"
        Which axes to change (only log-scaled ones are changed).
    """
    from matplotlib import ticker

    for name in ("x", "y") if axis == "both" else (axis,):
        a = ax.xaxis if name == "x" else ax.yaxis
        if a.get_scale() == "log":
            a.set_major_formatter(ticker.FuncFormatter(power_of_ten_label))
            a.set_minor_locator(ticker.LogLocator(base=10.0, subs=(2.0, 5.0), numticks=12))
            a.set_minor_formatter(ticker.NullFormatter())
