r"""Chapter 5's explanatory diagrams: the four reparameterisation maps, and a deep SSM layer."""

from __future__ import annotations

import numpy as np

from ... import reparam as rp
from ..._validation import as_pair, as_real_scalar
from .._common import discard_on_error
from .._style import COLORS, new_figure

from .common import PARAM_STYLES

__all__ = ["reparam_map_figure", "ssm_layer_diagram"]


@discard_on_error
def reparam_map_figure(*, a0: float = 1.0, b0: float = 0.1, v_range: tuple[float, float] = (-4.0, 4.0)):
    r"""Diagram: the four maps :math:`v\mapsto\lambda=f(v)` with the stability boundary :math:`\lambda=0`.

    Rates below the boundary (eigenvalue :math:`-\lambda\ge0`) are unstable; ``direct`` crosses it at
    :math:`v=0`, ``exp`` and ``softplus`` approach it only as :math:`v\to-\infty`, and ``best`` stays in
    :math:`(0,1/b_0]` and approaches it as :math:`|v|\to\infty`.

    Parameters
    ----------
    a0 : float, default 1
        The constant :math:`a_0 > 0` of the "best" map :math:`f(v)=1/(a_0v^2+b_0)`.
    b0 : float, default 0.1
        The constant :math:`b_0 > 0` of the "best" map (its largest rate is :math:`1/b_0`).
    v_range : (float, float), default (-4, 4)
        The range of the free variable :math:`v` (increasing, within ±100).

    Returns
    -------
    matplotlib.figure.Figure
    """
    lo, hi = as_pair("v_range", v_range, increasing=True, minimum=-100.0, maximum=100.0)
    a0 = as_real_scalar("a0", a0, positive=True, minimum=1e-6, maximum=1e6)
    b0 = as_real_scalar("b0", b0, positive=True, minimum=1e-6, maximum=1e6)
    v = np.linspace(lo, hi, 801)
    fig, ax = new_figure(1, 1, width=6.4, height=3.4)
    top = 1.15 / b0
    ax.axhspan(-1.6, 0.0, color=COLORS["vermillion"], alpha=0.10, lw=0)
    ax.axhline(0.0, color=COLORS["vermillion"], lw=1.2)
    ax.text(lo + 0.15, -0.8, r"unstable: $\lambda\leq0$ (eigenvalue $-\lambda\geq0$)", color=COLORS["vermillion"],
            va="center")
    for name in rp.NAMES:
        p = rp.parameterisation(name, a0=a0, b0=b0)
        color, ls = PARAM_STYLES[name]
        ax.plot(v, p.forward(v), color=color, ls=ls, lw=2, label=name)
    ax.axhline(1.0 / b0, color=PARAM_STYLES["best"][0], lw=0.8, ls=":")
    ax.annotate(rf"best: $\lambda\leq1/b_0={1 / b0:g}$, reached at $v=0$ where $f'(0)=0$", xy=(0.0, 1.0 / b0),
                xytext=(lo + 0.15, 0.93 * top), color=PARAM_STYLES["best"][0], va="center",
                arrowprops=dict(arrowstyle="->", color=PARAM_STYLES["best"][0], lw=0.8))
    ax.annotate("direct crosses the boundary", xy=(0.0, 0.0), xytext=(0.45, -0.8), va="center",
                color=PARAM_STYLES["direct"][0], arrowprops=dict(arrowstyle="->", color=PARAM_STYLES["direct"][0],
                                                              lw=0.8))
    ax.text(lo + 0.15, 0.6 * top, "long memory, $\\lambda\\to0^+$:\nexp, softplus as $v\\to-\\infty$,\n"
            "best as $|v|\\to\\infty$", color="0.25", va="center")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-1.6, top)
    ax.set_xlabel(r"free variable $v$")
    ax.set_ylabel(r"rate $\lambda=f(v)$")
    ax.legend(loc="center right")
    return fig


@discard_on_error
def ssm_layer_diagram():
    r"""Diagram: a deep SSM as a stack of layers, each a diagonal linear recurrence followed by pointwise maps.

    Boxes and arrows only: the input sequence enters a linear recurrence
    :math:`h_{k+1}=\bar\Lambda h_k+\bar Bx_k`, :math:`y_k=\mathrm{Re}(Ch_k)+Dx_k`
    (the only part of the layer that remembers anything), then a pointwise nonlinearity and a
    channel-mixing map, with a residual connection around the layer; the stack repeats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Circle, FancyBboxPatch

    fig, ax = new_figure(1, 1, width=6.6, height=3.0)
    ax.set_axis_off()
    ax.set_xlim(0, 10.4)
    ax.set_ylim(0.2, 4.2)
    y = 2.3

    def box(x0, x1, y0, y1, color):
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0.02,rounding_size=0.12",
                                    fc=color, ec="0.3", lw=1.0))

    def arrow(x0, y0, x1, y1, color="0.2", ls="-"):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", mutation_scale=11, lw=1.2, color=color, ls=ls,
                                    shrinkA=0, shrinkB=0))

    ax.text(0.45, y + 0.25, "input", ha="center", va="center")
    ax.text(0.45, y - 0.25, r"$x_k\in\mathbb{R}^H$", ha="center", va="center")
    arrow(0.95, y, 1.15, y)
    box(1.15, 4.55, y - 0.85, y + 0.85, "#d6e8f5")
    ax.text(2.85, y + 0.55, "diagonal linear recurrence", ha="center", va="center")
    ax.text(2.85, y + 0.02, r"$h_{k+1}=\bar\Lambda h_k+\bar B x_k$", ha="center", va="center")
    ax.text(2.85, y - 0.48, r"$y_k=\mathrm{Re}(C h_k)+D x_k$", ha="center", va="center")
    arrow(4.55, y, 4.9, y)
    box(4.9, 6.35, y - 0.5, y + 0.5, "#f9e0c7")
    ax.text(5.625, y, "pointwise\nnonlinearity", ha="center", va="center")
    arrow(6.35, y, 6.7, y)
    box(6.7, 8.15, y - 0.5, y + 0.5, "#dcefd9")
    ax.text(7.425, y, "channel\nmixing", ha="center", va="center")
    arrow(8.15, y, 8.72, y)
    ax.add_patch(Circle((8.87, y), 0.15, fc="white", ec="0.2", lw=1.2))
    ax.text(8.87, y, "+", ha="center", va="center")
    arrow(9.02, y, 9.45, y)
    ax.text(9.9, y, "next\nlayer", ha="center", va="center")
    # residual connection around the layer
    ax.plot([1.05, 1.05, 8.87], [y, 3.75, 3.75], color="0.45", lw=1.0, ls="--")
    arrow(8.87, 3.75, 8.87, y + 0.15, color="0.45", ls="--")
    ax.text(5.0, 3.95, "residual connection", ha="center", va="center", color="0.35")
    # what each part contributes
    ax.text(2.85, 0.75, "all the memory of the layer:\n" r"kernel $\sum_n c_n\bar\lambda_n^{\,k}$, decays "
            r"like $\max_n|\bar\lambda_n|^{k}$", ha="center", va="center", color=COLORS["blue"])
    ax.plot([2.85, 2.85], [1.2, y - 0.85], color=COLORS["blue"], lw=0.8)
    ax.text(7.0, 0.75, "no memory: each time step\nis transformed on its own", ha="center", va="center",
            color="0.3")
    ax.plot([5.625, 5.625, 7.425, 7.425], [y - 0.5, 1.45, 1.45, y - 0.5], color="0.45", lw=0.8)
    ax.plot([7.0, 7.0], [1.2, 1.45], color="0.45", lw=0.8)
    return fig
