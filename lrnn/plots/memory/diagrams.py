"""Chapter 1's explanatory diagrams: the temporal map as a sliding product, and the linear RNN as a block diagram."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from ..._validation import as_real_scalar
from .._common import COLUMN, discard_on_error
from .._style import COLORS, new_figure

__all__ = ["temporal_map_diagram", "rnn_block_diagram"]


def _arrow(ax, start, end, *, color="black", lw=1.3, style="-|>", **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color, lw=lw,
                                 shrinkA=0, shrinkB=0, **kw))


@discard_on_error
def temporal_map_diagram(t: float = 8.0):
    r"""Diagram: how a temporal map with kernel :math:`\rho` turns an input path into the output at time :math:`t`.

    Four rows over the time axis :math:`u`: the input path :math:`x(u)`; the
    kernel flipped and ending at the present, :math:`\rho(t-u)` (zero in the
    future :math:`u>t`, by causality), which slides to the right as :math:`t`
    grows; their product; and the output path, whose value at :math:`t` is the
    signed area of the product, :math:`y(t)=\int_0^\infty\rho(s)\,x(t-s)\,ds`.
    The kernel is :math:`\rho(s)=(s/1.2)\,e^{1-s/1.2}` and the input a sum of
    two sinusoids, switched on at :math:`u=0`; the output is computed by the
    trapezoidal rule on a fine grid.

    Parameters
    ----------
    t : float, default 8
        The present time, between 3 and 10.

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = as_real_scalar("t", t)
    if not 3.0 <= t <= 10.0:
        raise ValueError(f"t must lie in [3, 10], got {t}")
    du = 0.01
    u = np.arange(0.0, 11.0 + du / 2, du)
    x = 0.55 * np.sin(1.3 * u) + 0.35 * np.sin(0.45 * u + 1.0) + 0.2

    def rho(s):
        return np.where(s >= 0, (s / 1.2) * np.exp(1 - s / 1.2), 0.0)

    flipped = rho(t - u)
    product = flipped * x
    kernel_cells = rho(u) * du
    kernel_cells[0] *= 0.5
    y = np.convolve(kernel_cells, x)[: u.size] - 0.5 * du * rho(u) * x[0]   # trapezoid in s for each output time
    iy = int(round(t / du))

    fig, axes = new_figure(nrows=4, ncols=1, width=COLUMN, height=1.2, sharex=True)
    ax_x, ax_k, ax_p, ax_y = axes

    def headroom(ax, values, top=0.62):
        """Data in the lower ``top`` of the row, the row's caption above it."""
        lo, hi = min(float(np.min(values)), 0.0), max(float(np.max(values)), 0.0)
        span = hi - lo
        ax.set_ylim(lo - 0.08 * span, lo + span / top)

    def caption(ax, text, **kw):
        ax.text(0.01, 0.93, text, transform=ax.transAxes, ha="left", va="top", **kw)

    for ax in axes:
        ax.axvspan(t, 11.0, color="0.92", lw=0)
        ax.axvline(t, color="0.3", lw=1.0, ls="--")
        ax.axhline(0.0, color="0.6", lw=0.7)
        ax.set_yticks([])
        ax.grid(False)
        ax.spines["left"].set_visible(False)
    ax_x.plot(u, x, color="0.25", lw=1.6)
    headroom(ax_x, x)
    caption(ax_x, r"1. the input path $x(u)$, switched on at $u=0$")
    ax_x.text(t + 0.12, 0.93, "now: $u=t$", transform=ax_x.get_xaxis_transform(), va="top")
    ax_x.text(10.9, 0.08, "future", transform=ax_x.get_xaxis_transform(), ha="right", va="bottom",
              color="0.35")

    ax_k.fill_between(u, 0, flipped, color=COLORS["sky"], alpha=0.35, lw=0)
    ax_k.plot(u, flipped, color=COLORS["blue"], lw=1.8)
    headroom(ax_k, flipped, top=0.55)
    caption(ax_k, r"2. the kernel, flipped and ending at the present: $\rho(t-u)$")
    peak = t - 1.2
    _arrow(ax_k, (peak, 1.12), (t, 1.12), style="<|-|>", lw=1.0)
    ax_k.text(peak - 0.1, 1.12, r"lag $s=t-u$", ha="right", va="center")
    _arrow(ax_k, (0.3, 0.3), (1.9, 0.3), color=COLORS["blue"], lw=1.2)
    ax_k.text(0.3, 0.42, "slides right as $t$ grows", ha="left", va="bottom", color=COLORS["blue"])
    ax_k.text(t + 0.12, 0.5, "weight 0\n(causal)", va="center", color="0.35")

    pos = np.where(product > 0, product, 0.0)
    neg = np.where(product < 0, product, 0.0)
    ax_p.fill_between(u, 0, pos, color=COLORS["blue"], alpha=0.45, lw=0)
    ax_p.fill_between(u, 0, neg, color=COLORS["vermillion"], alpha=0.45, lw=0)
    ax_p.plot(u, product, color="0.2", lw=1.0)
    headroom(ax_p, product)
    caption(ax_p, r"3. their product $\rho(t-u)\,x(u)$; its signed area is the output at $t$")

    ax_y.plot(u[: iy + 1], y[: iy + 1], color=COLORS["vermillion"], lw=1.8)
    ax_y.plot(u[iy:], y[iy:], color=COLORS["vermillion"], lw=1.0, ls=":")
    ax_y.plot([t], [y[iy]], "o", color=COLORS["vermillion"], ms=6)
    headroom(ax_y, y)
    caption(ax_y, r"4. the output $y(t)=H_t(x)=\int_0^\infty\rho(s)\,x(t-s)\,ds$, one value per time $t$")
    ax_y.set_xlim(0.0, 11.0)
    ax_y.set_xlabel("time $u$")
    return fig


@discard_on_error
def rnn_block_diagram():
    r"""Diagram: the continuous-time linear RNN as a block diagram, and the one convolution it computes.

    Top: :math:`x(t)\to U\to` (sum) :math:`\to\int dt\to h(t)\to c^\top\to\hat y(t)`,
    with the feedback :math:`h\to W\to` (sum), i.e. :math:`\dot h = Wh + Ux`.
    Bottom: the same input–output map as one block, the convolution with the
    kernel :math:`\hat\rho(s)^\top = c^\top e^{Ws}U`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(width=COLUMN, height=3.0)
    ax.set_axis_off()
    ax.set_xlim(0.0, 10.0)
    ax.set_ylim(0.0, 4.3)
    ax.set_aspect("equal")

    def box(cx, cy, text, w=0.9, h=0.62, color=COLORS["blue"]):
        ax.add_patch(FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0.04,rounding_size=0.08",
                                    fc="white", ec=color, lw=1.5))
        ax.text(cx, cy, text, ha="center", va="center")

    y0 = 3.25
    ax.text(0.15, y0, "$x(t)$", ha="left", va="center")
    _arrow(ax, (0.95, y0), (1.55, y0))
    box(2.0, y0, "$U$")
    _arrow(ax, (2.45, y0), (3.08, y0))
    ax.add_patch(Circle((3.3, y0), 0.22, fc="white", ec="black", lw=1.3))
    ax.text(3.3, y0, "+", ha="center", va="center")
    _arrow(ax, (3.52, y0), (4.25, y0))
    ax.text(3.9, y0 + 0.12, r"$\dot h$", ha="center", va="bottom")
    box(4.85, y0, r"$\int\!dt$", w=1.2)
    ax.text(4.85, y0 + 0.42, "integrator", ha="center", va="bottom", color="0.35")
    _arrow(ax, (5.45, y0), (7.0, y0))
    ax.text(6.2, y0 + 0.12, "$h(t)$", ha="center", va="bottom")
    box(7.45, y0, r"$c^\top$")
    _arrow(ax, (7.9, y0), (8.55, y0))
    ax.text(8.62, y0, r"$\hat y(t)$", ha="left", va="center")
    # feedback through W
    yf = 2.25
    ax.plot([6.2, 6.2], [y0, yf], color="black", lw=1.3)
    _arrow(ax, (6.2, yf), (5.3, yf))
    ax.plot([6.2], [y0], "o", color="black", ms=3)
    box(4.85, yf, "$W$", w=0.9)
    ax.plot([4.4, 3.3], [yf, yf], color="black", lw=1.3)
    _arrow(ax, (3.3, yf), (3.3, y0 - 0.22))
    ax.text(2.2, yf, "feedback\n($W$ Hurwitz)", ha="center", va="center", color="0.35")
    ax.text(8.1, yf, r"$\dot h = Wh + Ux$" "\n" r"$\hat y = c^\top h$", ha="center", va="center")
    # the same map as a convolution
    ax.plot([0.1, 9.9], [1.55, 1.55], color="0.7", lw=0.8, ls="--")
    ax.text(0.15, 1.3, "the same map:", ha="left", va="center", color="0.35")
    yc = 0.65
    ax.text(0.15, yc, "$x(t)$", ha="left", va="center")
    _arrow(ax, (0.95, yc), (1.7, yc))
    box(4.95, yc, r"$\hat y(t)=\int_0^\infty \hat\rho(s)^\top x(t-s)\,ds$,   $\hat\rho(s)^\top = c^\top e^{Ws}U$",
        w=6.4, h=0.72, color=COLORS["vermillion"])
    _arrow(ax, (8.15, yc), (8.55, yc))
    ax.text(8.62, yc, r"$\hat y(t)$", ha="left", va="center")
    return fig

