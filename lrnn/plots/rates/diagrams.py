r"""Chapter 3's explanatory diagram: the fixed grid as a delay line, free exponents as a ladder of time scales."""

from __future__ import annotations

import math

import numpy as np

from ... import rates as R
from ..._validation import as_real_scalar, as_size
from .._common import discard_on_error
from .._style import COLORS, new_figure
from .figures import _decades

__all__ = ["draw_grids_diagram", "grids_diagram"]


def draw_grids_diagram(axes, omega: float = 0.5, width: int = 16, beta: float = 1.0, rate_max: float = 64.0) -> None:
    r"""The fixed grid as a delay line, free exponents as a geometric ladder of time scales.

    Both panels show the memory per unit of log-time, :math:`t\rho(t)`, of
    :math:`\rho(t)=(1+t)^{-(1+\omega)}` (the :math:`L^1` mass lives under this curve on a
    log axis). Top: the grid :math:`\lambda_k = k\beta`; the ticks are Markov's points
    :math:`t_j=-\tfrac2\beta\ln\sin\frac{j\pi}{2(m+1)}`, where the best :math:`L^1` residual
    changes sign; they end near :math:`\tfrac2\beta\ln\frac{2(m+1)}{\pi}`, and everything
    beyond the horizon :math:`T_m=2\ln(m+1)/\beta` is lost (shaded: its mass is the
    error law :math:`(1+T_m)^{-\omega}`). Bottom: geometric rates
    :math:`\lambda_k = \lambda_{\max}2^{-(k-1)}`; the ticks are the time scales
    :math:`1/\lambda_k`, which march out to :math:`1/\lambda_{\min}`.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (one above the other).
    omega : float, default 0.5
        The exponent ω > 0 of the power law.
    width : int, default 16
        The width m (at most 1000: the ladder's rates then stay above 1e-298).
    beta : float, default 1
        The grid spacing β > 0 (ticks at Markov's points for the grid kβ).
    rate_max : float, default 64
        The fastest free rate (the ladder halves from it).
    """
    omega = as_real_scalar("omega", omega, positive=True)
    width = as_size("width", width, limit=1000, why="the free ladder 64·2^-(k-1) stays a positive float64")
    beta = as_real_scalar("beta", beta, positive=True, minimum=1e-6)
    rate_max = as_real_scalar("rate_max", rate_max, positive=True, minimum=1e-6, maximum=1e6)
    ax1, ax2 = axes
    t = np.logspace(-2.5, 7, 800)
    mass = t * (1.0 + t) ** (-(1.0 + omega))
    top = float(mass.max()) * 1.25
    # --- fixed grid
    j = np.arange(1, width + 1)
    tj = -(2.0 / beta) * np.log(np.sin(j * np.pi / (2.0 * (width + 1))))
    horizon = 2.0 * math.log1p(width) / beta
    lost = (1.0 + horizon) ** (-omega)
    for ax in (ax1, ax2):
        ax.plot(t, mass, color=COLORS["black"], lw=1.2)
        ax.set_xscale("log")
        ax.set_xlim(t[0], t[-1])
        _decades(ax, "x", 2)
        ax.set_ylim(0, top)
        ax.set_yticks([])
        ax.grid(False)
    keep = t <= horizon
    ax1.fill_between(t[keep], 0, mass[keep], color=COLORS["blue"], alpha=0.35, lw=0)
    ax1.fill_between(t[~keep], 0, mass[~keep], color=COLORS["vermillion"], alpha=0.35, lw=0)
    ax1.vlines(tj, 0, 0.12 * top, color=COLORS["blue"], lw=1.0)
    ax1.axvline(horizon, color=COLORS["blue"], ls="--", lw=1.2)
    ax1.annotate(rf"horizon $2\ln(m+1)/\beta = {horizon:.1f}$", (horizon, 0.93 * top), xytext=(6, 0),
                 textcoords="offset points", va="top", color=COLORS["blue"])
    big = 2.0 * math.log1p(1e8) / beta
    ax1.annotate("", xy=(big, 0.55 * top), xytext=(horizon, 0.55 * top),
                 arrowprops=dict(arrowstyle="->", color=COLORS["blue"], lw=1.0))
    ax1.annotate(rf"$m=10^8$: {big:.0f}", (big, 0.55 * top), xytext=(4, 0), textcoords="offset points",
                 va="center", color=COLORS["blue"])
    ax1.annotate(f"lost tail: {100 * lost:.0f}% of the memory", (3e4, 0.3 * top), ha="center",
                 color=COLORS["vermillion"])
    ax1.set_title(rf"fixed grid $\lambda_k = k\beta$, $m={width}$: margin $\beta$ for every width; "
                  "ticks: Markov's points", loc="left")
    # --- free geometric exponents
    lam = R.geometric_rates(width, 2.0, rate_max)
    scales = 1.0 / lam
    seen = t <= scales.max()
    ax2.fill_between(t[seen], 0, mass[seen], color=COLORS["green"], alpha=0.3, lw=0)
    ax2.fill_between(t[~seen], 0, mass[~seen], color=COLORS["vermillion"], alpha=0.35, lw=0)
    ax2.annotate(f"tail beyond $1/\\lambda_{{\\min}}$: {100 * (1.0 + scales.max()) ** (-omega):.0f}% of the memory",
                 (1e5, 0.3 * top), ha="center", color=COLORS["vermillion"])
    ax2.vlines(scales, 0, 0.12 * top, color=COLORS["green"], lw=1.0)
    ax2.axvline(scales.max(), color=COLORS["green"], ls="--", lw=1.2)
    ax2.annotate(rf"slowest time scale $1/\lambda_{{\min}} = {scales.max():.0f}$", (scales.max(), 0.93 * top),
                 xytext=(6, 0), textcoords="offset points", va="top", color=COLORS["green"])
    ax2.annotate("", xy=(2e6, 0.5 * top), xytext=(scales.max(), 0.5 * top),
                 arrowprops=dict(arrowstyle="->", color=COLORS["green"], lw=1.0))
    ax2.annotate(r"$\lambda_{\min}\to0$: the spectrum" "\nreaches the stability boundary", (2.5e4, 0.62 * top),
                 ha="center", va="bottom", color=COLORS["green"])
    ax2.set_title(rf"free exponents $\lambda_k = {rate_max:g}\cdot2^{{-(k-1)}}$, $m={width}$; "
                  r"ticks: time scales $1/\lambda_k$", loc="left")
    ax2.set_xlabel(r"time $t$ (log scale)")
    for ax in (ax1, ax2):
        ax.set_ylabel(r"$t\rho(t)$")


@discard_on_error
def grids_diagram(omega: float = 0.5, width: int = 16):
    """Static figure of :func:`draw_grids_diagram`.

    Parameters
    ----------
    omega : float, default 0.5
        The exponent ω > 0 of the power law.
    width : int, default 16
        The width m.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(1, 2, width=6.6, height=2.5)
    draw_grids_diagram(axes, omega, width)
    return fig
