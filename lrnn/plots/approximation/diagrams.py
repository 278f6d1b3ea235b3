r"""Chapter 2's explanatory diagram: the substitution :math:`u=e^{-t}` behind the universal approximation theorem."""

from __future__ import annotations

import numpy as np

from .._common import COLUMN, discard_on_error
from .._style import CYCLE, LINESTYLES, new_figure

__all__ = ["substitution_diagram"]


@discard_on_error
def substitution_diagram():
    r"""Diagram of the substitution :math:`u=e^{-t}` behind the universal approximation theorem.

    Top: the exponentials :math:`e^{-t}, e^{-2t}, e^{-3t}` on :math:`t\in[0,\infty)`; bottom: the
    same functions as monomials :math:`u, u^2, u^3` on :math:`u\in(0,1]`, with the u axis running
    from 1 to 0 so that it lines up with t. Grey connectors join t = 0, 1, 2, 3, 5 to
    :math:`u=e^{-t}`: the whole tail :math:`t\ge3` lands in :math:`(0, 0.05]`. The formula in
    the middle says how the measure changes, :math:`dt = du/u`, so :math:`L^1(dt)` becomes
    :math:`L^1(du/u)`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import ConnectionPatch

    fig, (ax_t, ax_u) = new_figure(ncols=1, nrows=2, width=COLUMN, height=1.85)
    fig.get_layout_engine().set(hspace=0.3)
    t = np.linspace(0.0, 5.2, 400)
    u = np.linspace(0.0, 1.0, 400)
    for k in (1, 2, 3):
        i = k - 1
        ax_t.plot(t, np.exp(-k * t), color=CYCLE[i], ls=LINESTYLES[i], lw=2.0,
                  label=r"$e^{-t}=u$" if k == 1 else rf"$e^{{-{k}t}}=u^{{{k}}}$")
        ax_u.plot(u, u**k, color=CYCLE[i], ls=LINESTYLES[i], lw=2.0)
    ax_t.set_xlim(0.0, 5.2)
    ax_u.set_xlim(1.0, 0.0)  # reversed: u = 1 under t = 0
    for ax in (ax_t, ax_u):
        ax.set_ylim(0.0, 1.08)
        ax.set_yticks([0.0, 0.5, 1.0])
        ax.grid(False)
    ax_t.legend(loc="upper right", ncol=3)  # one legend: the colours pair e^{-kt} with u^k
    # the t axis is labelled on top, so that its bottom edge is free for the connectors
    ax_t.xaxis.tick_top()
    ax_t.xaxis.set_label_position("top")
    ax_t.spines["top"].set_visible(True)
    ax_t.spines["bottom"].set_visible(True)
    ax_t.set_xlabel(r"lag $t\in[0,\infty)$: a kernel of rates $1,\dots,m$ is a sum of $a_k e^{-kt}$")
    ax_u.set_xlabel(r"$u=e^{-t}\in(0,1]$, axis reversed: the same sum is the polynomial $\sum_k a_k u^k$")
    marks = (0.0, 1.0, 2.0, 3.0, 5.0)
    ax_t.set_xticks(marks)
    ax_u.set_xticks([1.0, np.exp(-1.0), np.exp(-2.0), 0.0])
    ax_u.set_xticklabels(["1", "$e^{-1}$", "$e^{-2}$", "0"])
    for x in marks:
        fig.add_artist(ConnectionPatch(xyA=(x, 0.0), coordsA=ax_t.transData, xyB=(np.exp(-x), 1.08),
                                       coordsB=ax_u.transData, color="0.6", lw=1.0, zorder=0))
    fig.text(0.5, 0.5, r"$u=e^{-t},\ \ dt=-du/u:\qquad \int_0^\infty|f(t)|\,dt"
                       r"\;=\;\int_0^1|f(-\ln u)|\;du/u$",
             ha="center", va="center", fontsize=11, bbox=dict(boxstyle="round,pad=0.35", fc="white", ec="0.6"))
    ax_u.annotate(r"the whole tail $t\geq 3$ lands in $(0,\,0.05]$", xy=(0.025, 0.03), xytext=(0.25, 0.62),
                  arrowprops=dict(arrowstyle="->", color="0.3", lw=1.0), ha="center", va="center")
    return fig
