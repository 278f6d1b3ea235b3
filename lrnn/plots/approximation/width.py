"""Chapter 2's experiment (a): a target kernel and its width-m fit, with the relative L² error against m."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.ticker import NullLocator

from .._common import COLUMN, discard_on_error, light_log_axis
from .._scrubber import scrubber
from .._style import COLORS, fast_mode, new_figure
from .data import _RANGE, TARGETS, _as_name, _as_width, _kernel_samples, width_error, width_fit

__all__ = ["WidthFitView", "draw_width_fit", "width_fit_figure", "width_scrubber"]

_CURVE_WIDTHS = (1, 2, 4, 8, 16, 32)
_MAX_WIDTH = 32
_FLOOR = 1e-300  # an exact zero error is drawn at the bottom of a log axis


class WidthFitView:
    """Experiment (a): a target kernel and its width-m fit (left), the relative L² error against m (right).

    The artists are created once; :meth:`update` replaces their data, so the static figure,
    the scrubber's frames and the live widget share this code. Axis limits depend only on
    the target, not on m, so that frames of one target line up; they are set only when the
    target changes, so that a live widget redraws only :attr:`dynamic` for a new width.

    Parameters
    ----------
    axes : pair of matplotlib Axes, optional
        Where to draw; default a new figure one text column wide.
    widths : sequence of int, default (1, 2, 4, 8, 16, 32)
        The widths of the error curve.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    axes : tuple of two Axes
    dynamic : list of artists
        The artists an update changes for a new width (curves, titles, legend).
    """

    def __init__(self, axes=None, widths: Sequence[int] = _CURVE_WIDTHS):
        if axes is None:
            _, axes = new_figure(ncols=2, width=COLUMN / 2, height=2.9)
        axes = list(np.ravel(axes))
        if len(axes) < 2:
            raise ValueError(f"axes must provide two Axes, got {len(axes)}")
        self.widths = tuple(_as_width(int(k), _MAX_WIDTH, "widths") for k in widths)
        ax_k, ax_e = axes[:2]
        self.axes = (ax_k, ax_e)
        self.figure = ax_k.figure
        self._name = None
        ax_k.axhline(0.0, color="0.6", lw=0.8)
        (self._target,) = ax_k.plot([], [], color=COLORS["black"], lw=2.2, label="target ρ")
        (self._fit,) = ax_k.plot([], [], color=COLORS["vermillion"], ls="--", lw=1.8, label="fit")
        ax_k.set_xlabel("lag t")
        ax_k.set_ylabel("kernel ρ(t)")
        self._legend = ax_k.legend(loc="upper right")
        (self._curve,) = ax_e.plot([], [], "o-", color=COLORS["blue"], lw=1.6, ms=5)
        (self._mark,) = ax_e.plot([], [], "s", ms=11, mfc="none", mec=COLORS["vermillion"], mew=2)
        ax_e.set_xscale("log")
        ax_e.set_yscale("log")
        ax_e.set_xticks([1, 2, 4, 8, 16, 32], ["1", "2", "4", "8", "16", "32"])
        ax_e.xaxis.set_minor_locator(NullLocator())
        ax_e.set_xlim(0.8, 1.25 * _MAX_WIDTH)
        ax_e.set_xlabel("width m")
        ax_e.set_ylabel("relative L² error")
        self.dynamic = [self._target, self._fit, self._legend, self._curve, self._mark, ax_k.title, ax_e.title]

    def update(self, name: str = "airy", m: int = 8) -> dict:
        """Show the fit of width ``m`` to the target ``name``.

        Parameters
        ----------
        name : str, default "airy"
            One of :data:`lrnn.plots.approximation.TARGETS`.
        m : int, default 8
            The width, 1 ≤ m ≤ 32.

        Returns
        -------
        dict
            ``model`` (the fit), ``error`` (its relative L² error) and ``errors`` (``{width: error}``
            of the curve).
        """
        name = _as_name(name, TARGETS)
        m = _as_width(m, _MAX_WIDTH)
        ax_k, ax_e = self.axes
        t, v, ylim = _kernel_samples(name)
        model = width_fit(name, m)
        errors = {k: width_error(name, k) for k in self.widths}
        err = width_error(name, m)
        self._fit.set_data(t, model.kernel(t))
        self._legend.texts[1].set_text(f"fit, m = {m}")  # plain text: no mathtext parse per update
        self._mark.set_data([m], [max(err, _FLOOR)])
        ax_e.title.set_text(f"error at m = {m}: {err:.2e}")
        if name != self._name:               # what depends on the target only: limits, ticks, the curves
            self._target.set_data(t, v)
            ax_k.set_xlim(0.0, t[-1])
            ax_k.set_ylim(*ylim)
            rule = "free rates" if name not in _RANGE else "log-spaced rates"
            ax_k.title.set_text(f"{name}: {rule}")
            ks = sorted(errors)
            self._curve.set_data(ks, [max(errors[k], _FLOOR) for k in ks])
            positive = [e for e in errors.values() if e > 0]
            low = min(positive) / 4 if positive else 1e-16
            ax_e.set_ylim(max(low, 1e-17), 2.0)
            light_log_axis(ax_e.yaxis, every=1 if low > 1e-6 else 2)
            self._name = name
        return {"model": model, "error": err, "errors": errors}


def draw_width_fit(axes, name: str, m: int, widths: Sequence[int] = _CURVE_WIDTHS) -> dict:
    """Left: the target kernel and its width-m fit; right: relative L² error against m (current m marked).

    A :class:`WidthFitView` on ``axes``.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw.
    name : str
        One of :data:`lrnn.plots.approximation.TARGETS`.
    m : int
        The width, 1 ≤ m ≤ 32.
    widths : sequence of int, default (1, 2, 4, 8, 16, 32)
        The widths of the error curve.

    Returns
    -------
    dict
        The numbers drawn: ``{"error": ..., "errors": {m: ...}}``.
    """
    out = WidthFitView(axes, widths).update(name, m)
    return {"error": out["error"], "errors": out["errors"]}


@discard_on_error
def width_fit_figure(name: str = "airy", m: int = 8):
    """Figure of :class:`WidthFitView` for one target and width.

    Parameters
    ----------
    name : str, default "airy"
        One of :data:`lrnn.plots.approximation.TARGETS`.
    m : int, default 8
        The width, 1 ≤ m ≤ 32.

    Returns
    -------
    matplotlib.figure.Figure
    """
    view = WidthFitView()
    view.update(name, m)
    return view.figure


def width_scrubber(name: str = "airy"):
    """Kernel-free scrubber over the width m of :class:`WidthFitView` (m = 1 … 32; fewer frames under LRNN_FAST).

    Parameters
    ----------
    name : str, default "airy"
        One of :data:`lrnn.plots.approximation.TARGETS`.

    Returns
    -------
    IPython.display.HTML
    """
    name = _as_name(name, TARGETS)
    frames = [1, 4, 16] if fast_mode() else [1, 2, 3, 4, 6, 8, 12, 16, 24, 32]
    alt = (f"The {name} kernel (solid) and its best width-m fit (dashed), next to the relative L2 error "
           "against the width; frame by frame m grows from 1 to 32, the fit follows more of the kernel's "
           "shape and the marked error moves down the error curve.")
    return scrubber(lambda axes, m: WidthFitView(axes).update(name, m), frames, ncols=2, width=COLUMN / 2,
                    height=2.9, alt=alt)
