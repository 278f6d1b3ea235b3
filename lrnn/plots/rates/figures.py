r"""Chapter 3's figures: each draws the data of :mod:`lrnn.plots.rates.data` (computed once, cached).

Every figure says which norm it measures (:math:`L^1`: the uniform error of the
theorems; :math:`L^2`: the white-noise error).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullLocator

from ..._validation import as_real_scalar
from .._common import discard_on_error
from .._style import COLORS, new_figure
from .data import asymptotic_fixed_l1_error, curse_data, delay_line_data, jackson_data, motivation_data, width_data
from .data import widths_from_curves

__all__ = ["draw_motivation", "motivation", "draw_jackson", "jackson_slopes", "draw_errors_versus_width",
           "errors_versus_width", "draw_required_width", "required_width_versus_omega", "draw_delay_line",
           "delay_line"]


def _decades(ax, which: str = "y", step: int = 1) -> None:
    """Major ticks every ``step`` decades and no minor ticks on a log axis (few tick labels to lay out)."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(LogLocator(base=10.0 ** step, numticks=30))
    axis.set_minor_locator(NullLocator())


def _plain_ticks(ax, ticks, which: str = "x") -> None:
    """Fixed ticks with plain integer labels on a log axis."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_locator(FixedLocator(list(ticks)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_locator(NullLocator())




def draw_motivation(ax, data: dict) -> None:
    """Errors against width on log–log axes: solid L¹ (the theorems' norm), dashed L².

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    data : dict
        From :func:`lrnn.plots.rates.motivation_data`.
    """
    w = data["widths"]
    k, om = data["rate"], data["omega"]
    exp_label = rf"$e^{{-{k:g}t}}$"
    pow_label = rf"$(1+t)^{{-{1 + om:g}}}$"
    ax.loglog(w, data["exp_l1"], "-", color=COLORS["orange"], label=exp_label + r", $L^1$")
    ax.loglog(w, data["exp_l2"], "--", color=COLORS["orange"], label=exp_label + r", $L^2$")
    ax.loglog(w, data["pow_l1"], "-", color=COLORS["blue"], label=pow_label + r", $L^1$")
    ax.loglog(w, data["pow_l2"], "--", color=COLORS["blue"], label=pow_label + r", $L^2$")
    ax.set_ylim(1e-30, 3)
    ax.set_xlim(1, 1e8)
    _decades(ax, "y", 5)
    _decades(ax, "x", 1)
    ax.set_xlabel(r"width $m$ (rates $\lambda_k=k$)")
    ax.set_ylabel("best relative error")
    ax.legend(loc="lower left", ncols=2)


@discard_on_error
def motivation():
    """Static figure of :func:`draw_motivation` (κ = 1.5, ω = 0.5).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(1, 1, width=6.0, height=3.8)
    draw_motivation(ax, motivation_data())
    return fig


def draw_jackson(ax, data: dict) -> None:
    r"""Best :math:`L^1` errors against width on log–log axes with a reference slope :math:`-\alpha`.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    data : dict
        From :func:`lrnn.plots.rates.jackson_data`.
    """
    ms = data["widths"]
    a = data["alpha"]
    ax.loglog(ms, data["proof"], "o-", color=COLORS["blue"],
              label=rf"grid $k\beta'$, $\beta'=\kappa/(\alpha+1)$: slope {data['slope_proof']:.1f}")
    ax.loglog(ms, data["unit"], "s-", color=COLORS["orange"], label=rf"grid $k$: slope {data['slope_unit']:.1f}")
    if a >= 1:
        ref = 2.0 * data["proof"][0] * (ms / ms[0]) ** (-float(a))
        ax.loglog(ms, ref, "--", color=COLORS["black"], label=rf"slope $-\alpha={-a}$ (the theorem's rate)")
    else:
        ax.plot([], [], " ", label=r"$\alpha=0$: outside the theorem ($\alpha\geq1$)")
    ax.set_xlabel("width $m$")
    ax.set_ylabel(r"best relative $L^1$ error")
    ax.set_ylim(1e-7, 2)
    _plain_ticks(ax, ms, "x")
    _decades(ax, "y", 1)
    rate = "" if data["rate"] == 1 else f"{data['rate']:g}"
    ax.set_title(rf"$\rho(t)=(t-1)_+^{{{data['power']:g}}}e^{{-{rate}t}}$, $\alpha={a}$")
    ax.legend(loc="lower left")


@discard_on_error
def jackson_slopes(power: float = 1.5, rate: float = 1.0):
    r"""Static figure of :func:`draw_jackson`.

    Parameters
    ----------
    power : float, default 1.5
        The smoothness exponent :math:`p > 0`.
    rate : float, default 1
        The decay rate :math:`\kappa > 0`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = jackson_data(power, rate)
    fig, ax = new_figure(1, 1, width=5.6, height=3.8)
    draw_jackson(ax, data)
    return fig


def draw_errors_versus_width(axes, data: dict) -> None:
    """Two panels: the fixed grid (left, widths to 1e8) and free exponents (right), in L¹ and L².

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw.
    data : dict
        From :func:`lrnn.plots.rates.width_data`.
    """
    ax1, ax2 = axes
    om = data["omega"]
    m = data["fixed_m"]
    ax1.loglog(m, data["fixed_l1"], "o-", ms=3, color=COLORS["blue"], label=r"best $L^1$ (Markov)")
    ax1.loglog(m, asymptotic_fixed_l1_error(m, om), ":", color=COLORS["black"], label=r"$(1+2\ln(m+1))^{-\omega}$")
    ax1.loglog(m, np.where(data["fixed_l1_bound"] > 0, data["fixed_l1_bound"], np.nan), "-.",
               color=COLORS["green"], label=r"Proposition: lower bound, $L^1$")
    ax1.loglog(m, data["fixed_l2"], "--", color=COLORS["blue"], label=r"best $L^2$")
    ax1.set_xlabel(r"width $m$, rates $\lambda_k=k$")
    ax1.set_ylabel("best relative error")
    ax1.set_title(rf"fixed grid, $\omega={om:g}$")
    ax1.set_xlim(1, 1e8)
    ax1.set_ylim(1e-3, 1.5)
    _decades(ax1, "x", 2)
    _decades(ax1, "y", 1)
    ax1.legend(loc="lower left")
    ax2.semilogy(data["lp_m"], data["free_l1"], "s-", ms=4, color=COLORS["vermillion"],
                 label=r"best $L^1$ (linear program)")
    ax2.semilogy(data["free_m"], data["free_l2"], "--", color=COLORS["vermillion"], label=r"best $L^2$")
    ax2.semilogy(data["lp_m"], data["hankel"], "^:", ms=4, color=COLORS["green"],
                 label=r"$\sigma_{m+1}/\|\rho\|_1$: any width-$m$ RNN, $L^1$")
    ax2.set_xlabel(r"width $m$, rates $64\cdot 2^{-(k-1)}$")
    ax2.set_title(rf"free exponents, $\omega={om:g}$")
    ax2.set_xlim(0, data["free_m"].max() + 1)
    ax2.set_ylim(1e-9, 1.5)
    _decades(ax2, "y", 2)
    ax2.legend(loc="lower left")


@discard_on_error
def errors_versus_width(omega: float = 0.25):
    """Static figure: :func:`draw_errors_versus_width` for one ``omega``.

    Parameters
    ----------
    omega : float, default 0.25
        The exponent ω > 0 of the power law.

    Returns
    -------
    matplotlib.figure.Figure
    """
    data = width_data(omega)
    fig, axes = new_figure(2, 1, width=4.2, height=3.6)
    draw_errors_versus_width(axes, data)
    return fig


def _power_tower_axis(ax) -> None:
    """y axis showing log10 m on a log scale, labelled as widths 10^(10^k)."""
    ax.set_yscale("log")
    ax.set_ylim(0.3, 3e40)
    ticks = [1.0, 1e3, 1e10, 1e20, 1e30, 1e40]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _: rf"$10^{{{v:.0f}}}$" if v < 1e3 else rf"$10^{{10^{{{math.log10(v):.0f}}}}}$"))


def draw_required_width(ax, data: dict, epsilon: float) -> None:
    r"""Width needed on the fixed grid :math:`\lambda_k = k` for relative error :math:`\epsilon`, against ω.

    The axis is :math:`\log_{10} m` on a log scale (ticks labelled as widths), so that
    :math:`L^2` widths (:math:`\le10^{300}`) and :math:`L^1` widths (up to :math:`10^{10^{40}}`)
    fit on one picture.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    data : dict
        From :func:`lrnn.plots.rates.curse_data`.
    epsilon : float
        The relative error, :math:`10^{-12} \le \epsilon < 1`.
    """
    w = widths_from_curves(data, epsilon)        # checks data and epsilon
    om = data["omegas"]
    o = np.linspace(om.min(), om.max(), 200)
    with np.errstate(over="ignore"):
        law_l1 = (epsilon ** (-1.0 / o) - 1.0) / (2.0 * math.log(10.0))

    def on_axis(v):                              # values above the axis (≥ 1e41) are not drawn
        v = np.asarray(v, dtype=float)
        return np.where((v > 0) & (v < 1e41), v, np.nan)

    ax.plot(om, on_axis(w["log10_l1"]), "s-", color=COLORS["vermillion"], label=r"$L^1$: best error (Markov)")
    ax.plot(om, on_axis(w["log10_bound"]), "v--", color=COLORS["green"], label=r"$L^1$: Proposition (lower bound)")
    ax.plot(o, on_axis(law_l1), ":", color=COLORS["vermillion"],
            label=r"$L^1$ law: $\ln m\approx(\epsilon^{-1/\omega}-1)/2$")
    ax.plot(om, on_axis(w["log10_l2"]), "o-", color=COLORS["blue"], label=r"$L^2$: best error (Blaschke)")
    _power_tower_axis(ax)
    ax.set_xlabel(r"memory exponent $\omega$ (small = long memory)")
    ax.set_ylabel(r"width $m$ needed")
    ax.set_title(rf"fixed grid $\lambda_k=k$, relative error $\epsilon={epsilon:g}$")
    ax.set_xlim(om.min() - 0.03, om.max() + 0.03)
    ax.legend(loc="upper right")


@discard_on_error
def required_width_versus_omega(epsilon: float = 1e-2):
    r"""Static figure of :func:`draw_required_width`.

    Parameters
    ----------
    epsilon : float, default 0.01
        The relative error, :math:`10^{-12} \le \epsilon < 1`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    epsilon = as_real_scalar("epsilon", epsilon, minimum=1e-12, below=1.0)
    fig, ax = new_figure(1, 1, width=6.0, height=4.0)
    draw_required_width(ax, curse_data(), epsilon)
    return fig


def draw_delay_line(axes, data: dict) -> None:
    """Left: ‖e^{W_m t}‖₂ against the spectral bound e^{−at}; right: the kernels and their limit.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw.
    data : dict
        From :func:`lrnn.plots.rates.delay_line_data`.
    """
    ax1, ax2 = axes
    a, beta = data["a"], data["beta"]
    styles = ["-", "--", "-."]
    for i, m in enumerate(data["widths"][:3]):
        ax1.semilogy(data["tn"], data["norms"][i], styles[i], color=COLORS["vermillion"], label=rf"$m={m}$")
    ax1.semilogy(data["tn"], np.exp(-a * data["tn"]), ":", color=COLORS["black"],
                 label=rf"$e^{{-{a:g}t}}$: spectral abscissa $-{a:g}$")
    ax1.semilogy(data["tn"], np.exp((data["g"] - a) * data["tn"]), ":", color=COLORS["vermillion"],
                 label=rf"$e^{{({data['g']:g}-{a:g})t}}$: the limit $m\to\infty$")
    ax1.set_ylim(1e-6, 1e20)
    _decades(ax1, "y", 5)
    ax1.set_xlabel("time $t$")
    ax1.set_title(r"transient growth: $\|e^{W_m t}\|_2$")
    ax1.legend(loc="upper left")
    t = data["t"]
    for i, m in enumerate(data["widths"][:3]):
        ax2.semilogy(t, data["kernels"][i], styles[i], color=COLORS["blue"], label=rf"kernel, $m={m}$")
    ax2.semilogy(t, np.exp(-beta * t / 2.0), ":", color=COLORS["black"], label=rf"limit $e^{{-t/2}}$")
    ax2.semilogy(t, np.exp(-beta * t), "-", lw=0.8, color=COLORS["green"], label=r"$e^{-\beta t}$, $\beta=1$")
    ax2.set_ylim(1e-8, 2)
    _decades(ax2, "y", 2)
    ax2.set_xlabel("time $t$")
    ax2.set_title(r"kernels $c_m^\top e^{W_m t}U$")
    ax2.legend(loc="upper right")


@discard_on_error
def delay_line():
    """Static figure of :func:`draw_delay_line` (a = 2, g = 3, β = 1).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(2, 1, width=4.2, height=3.4)
    draw_delay_line(axes, delay_line_data())
    return fig
