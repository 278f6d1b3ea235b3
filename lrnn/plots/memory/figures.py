r"""Chapter 1's static checks as figures: the operator norm attained by mollified sign inputs, and the three views."""

from __future__ import annotations

import numpy as np

from ... import kernels as _kernels
from ..._validation import as_real_array, as_real_scalar, as_size
from ...signals import smooth_random, time_grid
from ...views import mollified_sign, modal_rnn, norm_attainment, three_views
from .._common import COLUMN, discard_on_error, legend_above
from .._style import COLORS, CYCLE, LINESTYLES, new_figure

__all__ = ["draw_norm_attainment", "norm_attainment_figure", "three_views_figure"]


def draw_norm_attainment(axes, kernel=None, widths=(1.0, 0.3, 0.1, 0.03, 0.01), t: float = 20.0,
                         dt: float = 0.005, show: int = 2) -> np.ndarray:
    r"""Draw the maximising inputs (left) and their outputs against :math:`\varsigma` (right).

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (inputs, outputs).
    kernel : Kernel, optional
        Default ``Airy(lag=5)``.
    widths : sequence of float
        Mollifier widths, see :func:`norm_attainment`.
    t, dt : float
        Output time and sampling step.
    show : int, default 2
        How many of the inputs (the first ``show`` widths, 0 to 6) to draw on the left.

    Returns
    -------
    numpy.ndarray
        The outputs :math:`H_t(x_\varsigma)` (from :func:`norm_attainment`).
    """
    kernel = _kernels.Airy(lag=5.0) if kernel is None else _kernels.require_kernel(kernel, "kernel")
    widths = as_real_array("widths", widths, ndim=1)
    values = norm_attainment(kernel, widths, t, dt)
    l1 = kernel.norm(1)
    ax_x, ax_v = np.ravel(axes)[:2]
    s = np.linspace(0.0, t, 1201)
    rho = np.asarray(kernel(s), dtype=float)
    peak = float(np.max(np.abs(rho)))
    ax_x.axhline(0.0, color="0.6", lw=0.8)
    ax_x.plot(s, rho / peak if peak > 0 else rho, color=COLORS["black"], lw=1.2, label=r"kernel $\rho(s)/\max|\rho|$")
    show = as_size("show", show, limit=len(CYCLE) - 1, why="inputs drawn in distinct colours", minimum=0)
    for i, eps in enumerate(widths[:show]):
        ax_x.plot(s, mollified_sign(kernel, s, float(eps), horizon=t), color=CYCLE[(i + 1) % len(CYCLE)],
                  ls=LINESTYLES[(i + 1) % len(LINESTYLES)], lw=1.8,
                  label=rf"input $x_\varsigma(t-s)$, $\varsigma={eps:g}$")
    ax_x.set_xlabel("lag $s$")
    ax_x.set_ylabel("value")
    ax_x.set_ylim(-1.25, 1.25)
    ax_x.set_xlim(0.0, min(t, 12.0))
    legend_above(ax_x)
    pos = widths > 0
    ax_v.semilogx(widths[pos], values[pos], "o-", color=COLORS["vermillion"], label=r"output $H_t(x_\varsigma)$")
    ax_v.axhline(l1, color=COLORS["blue"], ls="--", label=r"norm $\|\rho\|_{L^1}$")
    step_out = float(kernel.step_response(t))
    ax_v.axhline(step_out, color=COLORS["green"], ls=":", lw=1.8, label=r"step input: $\int_0^t\rho$")
    ax_v.set_xlabel(r"mollifier width $\varsigma$")
    ax_v.set_ylabel(r"output at $t$, $\|x\|_\infty\leq 1$")
    legend_above(ax_v)
    return values


@discard_on_error
def norm_attainment_figure(kernel=None, widths=(1.0, 0.3, 0.1, 0.03, 0.01), t: float = 20.0, dt: float = 0.005):
    """Figure of :func:`draw_norm_attainment`.

    Parameters
    ----------
    kernel : Kernel, optional
        Default ``Airy(lag=5)``.
    widths : sequence of float, default (1, 0.3, 0.1, 0.03, 0.01)
        Mollifier widths ς ≥ 0, see :func:`lrnn.views.norm_attainment`.
    t : float, default 20
        Output time.
    dt : float, default 0.005
        Sampling step.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(ncols=2, width=COLUMN / 2, height=3.3)
    draw_norm_attainment(axes, kernel, widths, t, dt)
    return fig





@discard_on_error
def three_views_figure(model: LinearRNN | None = None, x=None, dt: float = 0.1):
    r"""The three views of :func:`three_views` overlaid (left) and their differences (right, log scale).

    Parameters
    ----------
    model : LinearRNN, optional
        Scalar input, W diagonalisable; default
        ``modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0))``.
    x : array_like, shape (T,), optional
        Input samples; default 200 samples of a smooth random input (seed 1).
    dt : float, default 0.1
        Cell width.

    Returns
    -------
    matplotlib.figure.Figure
    """
    model = modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0)) if model is None else model
    dt = as_real_scalar("dt", dt, positive=True)
    x = smooth_random(200, dt, correlation_time=1.0, seed=1) if x is None else x
    views = three_views(model, x, dt)
    fig, (ax, ax_d) = new_figure(ncols=2, width=COLUMN / 2, height=3.1)
    t = time_grid(len(views["recurrent"]), dt)
    for i, (name, y) in enumerate(views.items()):
        ax.plot(t, y, color=CYCLE[i], ls=LINESTYLES[i], lw=2.6 - 0.8 * i, label=name)
    ax.set_xlabel("time $t$")
    ax.set_ylabel(r"$\hat y(t)$")
    legend_above(ax, ncol=3)
    scale = max(float(np.max(np.abs(views["convolution"]))), np.finfo(float).tiny)   # a zero output: scale 1e-308
    for i, name in enumerate(("recurrent", "modal")):
        with np.errstate(over="ignore"):
            d = np.abs(views[name] - views["convolution"]) / scale
        ax_d.semilogy(t, np.maximum(d, 1e-18), color=CYCLE[2 * i], ls=LINESTYLES[i], lw=1.2,
                      label=f"{name} − convolution")
    ax_d.set_ylim(1e-18, 1e-10)
    ax_d.set_xlabel("time $t$")
    ax_d.set_ylabel(r"$|$difference$|$ / max$|\hat y|$")
    legend_above(ax_d)
    return fig

