r"""Chapter 2's experiment (b): best errors for :math:`e^{-\kappa t}` with fixed rate sequences (Müntz–Szász)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._common import COLUMN, discard_on_error, frame_values, light_log_axis
from .._scrubber import scrubber
from .._style import CYCLE, LINESTYLES, fast_mode, new_figure
from .data import SEQUENCES, _as_names, _as_width, _kappa, muntz_errors, muntz_plateau

__all__ = ["SEQUENCE_LABELS", "MuntzView", "draw_muntz", "muntz_figure", "muntz_scrubber"]

#: How the figures name the sequences (``"2^k"`` is :math:`\lambda_k=2^{k-1}`, starting at 1).
SEQUENCE_LABELS = {
    "k": r"$\lambda_k=k$",
    "k^2": r"$\lambda_k=k^2$",
    "2^k": r"$\lambda_k=2^{k-1}$",
    "log-spaced": r"log-spaced on $[1/m,\,m]$",
}
# The views' texts are plain Unicode (no mathtext): a scrubber renders every frame with a new renderer, whose
# mathtext cache starts empty, so each math string would be parsed again for every frame and every update.
_PLAIN_LABELS = {"k": "λₖ = k", "k^2": "λₖ = k²", "2^k": "λₖ = 2ᵏ⁻¹", "log-spaced": "log-spaced on [1/m, m]"}
_FLOOR = 1e-300  # an exact zero error is drawn at the bottom of a log axis


def _widths(m_max: int, n: int) -> np.ndarray:
    return np.unique(np.round(np.geomspace(1, m_max, n)).astype(int))


class MuntzView:
    r"""Experiment (b): best errors for :math:`e^{-\kappa t}` against the width, for four choices of rates.

    Left, the fixed sequences :math:`\lambda_k = k, k^2, 2^{k-1}` up to m = 1000 on a zoomed
    axis, with the plateaus of the two sequences whose reciprocals have a finite sum
    (dotted); right, :math:`\lambda_k=k` against grids log-spaced on :math:`[1/m, m]` (a new
    grid for each m), on an axis that reaches 1e-16. Axis limits are fixed, so scrubber
    frames and widget updates line up. All errors are exact (Blaschke products).

    Parameters
    ----------
    axes : pair of matplotlib Axes, optional
        Where to draw; default a new figure one text column wide.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    axes : tuple of two Axes
    dynamic : list of artists
        The artists an update changes while the set of sequences shown stays the same.
    """

    LEFT = ("k", "k^2", "2^k")
    RIGHT = ("k", "log-spaced")
    M_LEFT, M_RIGHT = 1000, 64

    def __init__(self, axes=None):
        if axes is None:
            _, axes = new_figure(ncols=2, width=COLUMN / 2, height=3.1)
        axes = list(np.ravel(axes))
        if len(axes) < 2:
            raise ValueError(f"axes must provide two Axes, got {len(axes)}")
        ax_a, ax_b = axes[:2]
        self.axes = (ax_a, ax_b)
        self.figure = ax_a.figure
        self._wl = _widths(self.M_LEFT, 48)
        self._wr = np.arange(1, self.M_RIGHT + 1)
        self._lines, self._plateaus = {}, {}
        for panel, names in (("a", self.LEFT), ("b", self.RIGHT)):
            ax = ax_a if panel == "a" else ax_b
            for name in names:
                i = SEQUENCES.index(name)
                (line,) = ax.plot([], [], color=CYCLE[i], ls=LINESTYLES[i], lw=2.0, label=_PLAIN_LABELS[name])
                self._lines[panel, name] = line
        self._plateau_text = {}
        for name in ("k^2", "2^k"):
            i = SEQUENCES.index(name)
            self._plateaus[name] = ax_a.axhline(1.0, color=CYCLE[i], ls=":", lw=1.2)
            self._plateau_text[name] = ax_a.text(0.97 * self.M_LEFT, 1.0, "", color=CYCLE[i], ha="right")
        for ax, m_max, ylim, every in ((ax_a, self.M_LEFT, (1e-4, 1.5), 1), (ax_b, self.M_RIGHT, (1e-16, 5.0), 3)):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlim(0.9, 1.15 * m_max)
            ax.set_ylim(*ylim)
            light_log_axis(ax.yaxis, every)
            light_log_axis(ax.xaxis)
            ax.set_xlabel("width m")
        ax_a.set_xticks([1, 10, 100, 1000], ["1", "10", "100", "1000"])
        ax_b.set_xticks([1, 2, 4, 8, 16, 32, 64], ["1", "2", "4", "8", "16", "32", "64"])
        ax_a.set_ylabel("best relative L² error")
        ax_a.set_title("(a) fixed sequences of rates")
        ax_b.set_title("(b) grids that move with m")
        self._legends, self._shown = (None, None), None
        self._title = self.figure.suptitle(" ")  # plain text: no mathtext parse per update
        self._zero_note = ax_a.text(0.5, 0.55, "", transform=ax_a.transAxes, ha="center", va="center")
        # what an update changes while the set of curves stays (a new set rebuilds the legends: a full redraw)
        self.dynamic = [*self._lines.values(), *self._plateaus.values(), *self._plateau_text.values(),
                        self._title, self._zero_note]

    def update(self, sequences: Sequence[str] = SEQUENCES, kappa: float = 0.37, *, gamma: float | None = None) -> dict:
        """Show the sequences in ``sequences`` for the target :math:`e^{-\\kappa t}`.

        Parameters
        ----------
        sequences : sequence of str, default all of :data:`lrnn.plots.approximation.SEQUENCES`
            The sequences to show.
        kappa : float, default 0.37
            The target's rate κ > 0.
        gamma : float, optional
            The keyword of earlier versions for κ (same meaning; overrides ``kappa``).

        Returns
        -------
        dict
            ``{name: errors}`` for the shown sequences (widths ``widths_left``/``widths_right``),
            and ``plateaus`` (``{"k^2": ..., "2^k": ...}``).
        """
        g = _kappa(kappa, gamma)
        shown = _as_names("sequences", sequences)
        out = {"widths_left": self._wl, "widths_right": self._wr}
        for (panel, name), line in self._lines.items():
            widths = self._wl if panel == "a" else self._wr
            visible = name in shown
            line.set_visible(visible)
            if visible:
                errs = muntz_errors(name, widths, g)
                out.setdefault(name, {})[panel] = errs
                line.set_data(widths, np.maximum(errs, _FLOOR))
        plateaus = {name: muntz_plateau(name, g) for name in self._plateaus}
        top = max(plateaus, key=plateaus.get)
        for name, line in self._plateaus.items():
            level = plateaus[name]
            line.set_ydata([max(level, _FLOOR)] * 2)
            line.set_visible(name in shown)
            text = self._plateau_text[name]
            # a little off its line (log axis: a factor), so that neither the line nor the curve crosses the label
            text.set_y(max(level, _FLOOR) * (1.1 if name == top else 1 / 1.15))
            text.set_va("bottom" if name == top else "top")
            text.set_text(f"plateau {level:.3f}")
            text.set_visible(name in shown and level > 1e-4)
        if tuple(shown) != self._shown:  # rebuild the legends only when the set of curves changes
            for legend in self._legends:
                if legend is not None:
                    legend.remove()
            legends = []
            for ax, panel, names in zip(self.axes, "ab", (self.LEFT, self.RIGHT)):
                handles = [self._lines[panel, n] for n in names if n in shown]
                legends.append(ax.legend(handles=handles, loc="lower left") if handles else None)
            self._legends, self._shown = tuple(legends), tuple(shown)
        self._title.set_text(f"target exp(−κt) with κ = {g:g}")
        exact = [n for n in self.LEFT if n in shown and np.any(out.get(n, {}).get("a", np.ones(1)) == 0)]
        self._zero_note.set_text(f"κ = {g:g} is one of the rates:\nthe best error is exactly 0" if exact else "")
        out["plateaus"] = plateaus
        return out


def draw_muntz(ax, names: Sequence[str] = SEQUENCES, kappa: float = 0.37, m_max: int = 64, *,
               gamma: float | None = None) -> dict:
    r"""All named sequences on one axes: best relative L² error for :math:`e^{-\kappa t}` against m ≤ ``m_max``.

    The single-panel form of earlier versions (kept for compatibility; the book uses
    :class:`MuntzView`).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    names : sequence of str, default all of :data:`lrnn.plots.approximation.SEQUENCES`
        The sequences to draw.
    kappa : float, default 0.37
        The target's rate κ > 0.
    m_max : int, default 64
        The largest width (at most :data:`lrnn.plots.approximation.MAX_SEQUENCE_WIDTH`).
    gamma : float, optional
        The keyword of earlier versions for κ (same meaning; overrides ``kappa``).

    Returns
    -------
    dict
        ``{name: errors}`` at 24 widths log-spaced in [1, m_max].
    """
    g = _kappa(kappa, gamma)
    widths = _widths(_as_width(m_max, what="m_max"), 24)
    out = {}
    for name in _as_names("names", names):
        errs = muntz_errors(name, widths, g)
        out[name] = errs
        i = SEQUENCES.index(name)
        ax.loglog(widths, np.maximum(errs, 1e-17), color=CYCLE[i], ls=LINESTYLES[i], lw=2,
                  label=SEQUENCE_LABELS[name])
    ax.set_xlabel("width $m$")
    ax.set_ylabel(r"best $\|\rho-\hat\rho_m\|_2/\|\rho\|_2$")
    ax.set_title(rf"target $e^{{-{g:g}t}}$")
    ax.legend(loc="lower left")
    return out


@discard_on_error
def muntz_figure(names: Sequence[str] = SEQUENCES, kappa: float = 0.37, m_max: int | None = None, *,
                 gamma: float | None = None):
    """Figure of :class:`MuntzView`.

    Parameters
    ----------
    names : sequence of str, default all of :data:`lrnn.plots.approximation.SEQUENCES`
        The sequences to show.
    kappa : float, default 0.37
        The target's rate κ > 0.
    m_max : int, optional
        Ignored (kept for compatibility): the panels have fixed ranges.
    gamma : float, optional
        The keyword of earlier versions for κ (same meaning; overrides ``kappa``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = _as_names("names", names)
    g = _kappa(kappa, gamma)
    view = MuntzView()
    view.update(names, g)
    return view.figure


def muntz_scrubber(kappas: Sequence[float] | None = None):
    r"""Kernel-free scrubber over the target rate κ of :class:`MuntzView` (fewer frames under LRNN_FAST).

    The default frames avoid values of κ that are rates of the sequences (1, 2, 4, …), where
    the best error is exactly zero.

    Parameters
    ----------
    kappas : sequence of float, optional
        The target rates κ > 0 of the frames (at most 64).

    Returns
    -------
    IPython.display.HTML
    """
    if kappas is None:
        kappas = [0.1, 0.37, 0.9, 2.5] if fast_mode() else [0.1, 0.2, 0.37, 0.6, 0.9, 1.5, 2.5, 3.7]
    kappas = frame_values("kappas", kappas, positive=True)
    alt = ("Two log-log panels of the best relative error for the target e^(-kappa t) against the width, one "
           "frame per target rate kappa. Left: the rates k keep decreasing while k squared and 2^(k-1) level "
           "off at their dotted plateaus; right: grids log-spaced on [1/m, m] plunge towards 1e-16. As kappa "
           "grows, every curve falls faster and the plateaus drop.")
    return scrubber(lambda axes, g: MuntzView(axes).update(SEQUENCES, g), kappas, ncols=2,
                    width=COLUMN / 2, height=3.1, alt=alt)
