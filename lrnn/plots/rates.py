r"""Figures of the chapter on approximation rates and the curse of memory.

Each experiment has a *data* function (the numbers, computed once and cached so
that widgets and scrubbers only redraw) and a *drawing* function that takes that
data; every figure says which norm it measures (:math:`L^1`: the uniform error of
the theorems; :math:`L^2`: the white-noise error).

* :func:`motivation_data` / :func:`draw_motivation` — best errors on the fixed
  grid :math:`\lambda_k = k` for an exponential and a power law, in both norms;
* :func:`jackson_data` / :func:`draw_jackson` — best :math:`L^1` errors of a target
  of finite smoothness next to the Jackson slope :math:`-\alpha`;
* :func:`draw_grids_diagram` — the fixed grid as a "delay line" versus free
  exponents (an explanatory diagram);
* :func:`width_data` / :func:`draw_errors_versus_width` — errors against the width
  for :math:`(1+t)^{-(1+\omega)}`: fixed grid (Markov's exact :math:`L^1` error, the
  Proposition's lower bound, :math:`L^2`) and free exponents (linear program,
  :math:`L^2`, Hankel lower bound);
* :func:`curse_data` / :func:`draw_required_width` — the width the fixed grid needs
  for relative error :math:`\epsilon`, against :math:`\omega`, in both norms;
* :func:`delay_line_data` / :func:`draw_delay_line` — a non-normal family with a
  spectral margin whose kernels converge to a slowly decaying limit;
* ``*_scrubber`` — the kernel-free scrubbers of the page (frames, alt text, and the
  test suite's shorter runs live here).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullLocator
from scipy import special

from .. import l1fit as L1
from .. import rates as R
from ..kernels import Exponential, PowerLaw
from ._scrubber import scrubber
from ._style import COLORS, fast_mode, new_figure

__all__ = [
    "asymptotic_fixed_error",
    "asymptotic_fixed_l1_error",
    "motivation_data",
    "draw_motivation",
    "motivation",
    "jackson_data",
    "draw_jackson",
    "jackson_slopes",
    "jackson_scrubber",
    "draw_grids_diagram",
    "grids_diagram",
    "width_data",
    "draw_errors_versus_width",
    "errors_versus_width",
    "errors_scrubber",
    "curse_data",
    "widths_from_curves",
    "draw_required_width",
    "required_width_versus_omega",
    "curse_scrubber",
    "delay_line_data",
    "draw_delay_line",
    "delay_line",
]


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


#: Frame format of this chapter's scrubbers: 2x PNG frames render in about half the time of SVG frames
#: (many mathtext labels), which keeps the notebook's Run All within its budget.
SCRUBBER_FORMAT = "png"


# ============================================================================ asymptotic laws
def asymptotic_fixed_error(width, omega: float) -> np.ndarray:
    r"""Large-width :math:`L^2` law of the grid :math:`\lambda_k = k`: :math:`(2\ln m + 2\gamma_E + 1)^{-(\omega+1/2)}`.

    The relative :math:`L^2` error of the best fit of :math:`(1+t)^{-(1+\omega)}`
    (derived in the chapter by Laplace's method from the Blaschke formula).
    """
    m = np.asarray(width, dtype=float)
    return (2.0 * np.log(m) + 2.0 * np.euler_gamma + 1.0) ** (-(omega + 0.5))


def asymptotic_fixed_l1_error(width, omega: float, beta: float = 1.0) -> np.ndarray:
    r"""Large-width :math:`L^1` law of the grid :math:`\lambda_k = k\beta`: :math:`(1 + 2\ln(m+1)/\beta)^{-\omega}`.

    The relative :math:`L^1` error of the best fit of :math:`(1+t)^{-(1+\omega)}`:
    the relative tail :math:`\int_T^\infty\rho/\|\rho\|_1` beyond the horizon
    :math:`T = 2\ln(m+1)/\beta` (derived in the chapter from Markov's formula and
    Wallis' product).
    """
    m = np.asarray(width, dtype=float)
    return (1.0 + 2.0 * np.log1p(m) / beta) ** (-omega)


# ============================================================================ motivation
@lru_cache(maxsize=2)
def motivation_data(rate: float = 1.5, omega: float = 0.5) -> dict:
    r"""Best relative errors on the grid :math:`\lambda_k = k` for :math:`e^{-\kappa t}` and :math:`(1+t)^{-(1+\omega)}`.

    :math:`L^2`: Blaschke formula; :math:`L^1`: Markov's formula (exact for both
    targets: for :math:`e^{-\kappa t}` the interpolation error has the sign pattern of
    Markov's theorem at every width; for the power law the certificate is checked).
    The exponential's :math:`L^1` errors are shown up to :math:`m = 10^3`, where the
    alternating sum still has ten correct digits.
    """
    widths = np.unique(np.round(np.logspace(0, 8, 41)))
    exp_target, pow_target = Exponential(rate), PowerLaw(omega)
    exp_l1 = np.full(widths.size, np.nan)
    small = widths <= 1000
    exp_l1[small] = L1.fixed_grid_l1_errors(exp_target, widths[small])
    return dict(rate=rate, omega=omega, widths=widths,
                exp_l2=R.fixed_grid_errors(exp_target, widths), pow_l2=R.fixed_grid_errors(pow_target, widths),
                exp_l1=exp_l1, pow_l1=L1.fixed_grid_best_l1(pow_target, widths))


def draw_motivation(ax, data: dict) -> None:
    """Errors against width on log–log axes: solid L¹ (the theorems' norm), dashed L²."""
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


def motivation():
    """Static figure of :func:`draw_motivation`; returns the figure."""
    fig, ax = new_figure(1, 1, width=6.0, height=3.8)
    draw_motivation(ax, motivation_data())
    return fig


# ============================================================================ Jackson slopes
JACKSON_WIDTHS = (4, 6, 8, 12, 16, 24, 32)


@lru_cache(maxsize=64)
def jackson_data(power: float, rate: float, widths: tuple = JACKSON_WIDTHS) -> dict:
    r"""Best :math:`L^1` errors of :math:`(t-1)_+^{p}e^{-\kappa t}` on two stable grids (cached).

    * the grid of the Jackson construction, :math:`\lambda_k = k\beta'` with
      :math:`\beta' = \kappa/(\alpha+1)`, :math:`\alpha = \lceil p\rceil - 1` (the smoothness);
    * the grid :math:`\lambda_k = k`, which ignores the decay rate.

    Errors are relative, :math:`\|\rho-\hat\rho\|_1/\|\rho\|_1`, of the best :math:`L^1`
    fits (:func:`lrnn.l1fit.best_l1_fit`, accurate to about :math:`10^{-3}` relative).
    Returns the widths, the two error arrays, α, β′ and the slopes of
    :math:`\ln E` against :math:`\ln m` fitted over the last four widths.
    """
    target = R.RampExponential(power, rate, 1.0)
    alpha = int(math.ceil(power) - 1)
    bprime = rate / (alpha + 1)
    ms = np.array(widths)
    proof = np.array([L1.best_l1_fit(target, bprime * np.arange(1.0, m + 1.0)).error for m in ms])
    unit = np.array([L1.best_l1_fit(target, np.arange(1.0, m + 1.0)).error for m in ms])
    fit = lambda e: float(np.polyfit(np.log(ms[-4:]), np.log(e[-4:]), 1)[0])  # noqa: E731
    return dict(power=power, rate=rate, widths=ms, proof=proof, unit=unit, alpha=alpha, bprime=bprime,
                slope_proof=fit(proof), slope_unit=fit(unit))


def draw_jackson(ax, data: dict) -> None:
    r"""Best :math:`L^1` errors against width on log–log axes with a reference slope :math:`-\alpha`."""
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


def jackson_slopes(power: float = 1.5, rate: float = 1.0):
    """Static figure of :func:`draw_jackson`; returns the figure."""
    fig, ax = new_figure(1, 1, width=5.6, height=3.8)
    draw_jackson(ax, jackson_data(float(power), float(rate)))
    return fig


JACKSON_POWERS = (0.5, 1.5, 2.5, 3.5)


def jackson_scrubber():
    r"""Scrubber over the smoothness :math:`p` at :math:`\kappa = 1` (three frames under the test suite)."""
    powers = JACKSON_POWERS[:3] if fast_mode() else JACKSON_POWERS
    return scrubber(lambda ax, p: draw_jackson(ax, jackson_data(p, 1.0)), powers, width=5.6, height=3.8,
                    frame_format=SCRUBBER_FORMAT,
                    alt="Log-log plot of the best L1 error against the width for a target of smoothness p, "
                        "one frame per p from 0.5 to 3.5, with the slope -alpha of the Jackson-type theorem; "
                        "smoother targets give steeper observed slopes on both grids.")


# ============================================================================ diagram: delay line vs free exponents
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
    """
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


def grids_diagram(omega: float = 0.5, width: int = 16):
    """Static figure of :func:`draw_grids_diagram`; returns the figure."""
    fig, axes = new_figure(1, 2, width=6.6, height=2.5)
    draw_grids_diagram(axes, omega, width)
    return fig


# ============================================================================ errors against width
FREE_LP_WIDTHS = (4, 8, 12, 16, 20, 24, 28, 32)


@lru_cache(maxsize=16)
def width_data(omega: float, free_max: int = 32, lp_widths: tuple = FREE_LP_WIDTHS) -> dict:
    r"""Errors against width for :math:`(1+t)^{-(1+\omega)}` (cached).

    Returns a dict with:

    * fixed grid :math:`\lambda_k = k`, widths ``fixed_m`` up to :math:`10^8`:
      ``fixed_l1`` (the best relative :math:`L^1` error: Markov's formula, certified up to
      :math:`m = 64`, :func:`lrnn.l1fit.fixed_grid_best_l1`),
      ``fixed_l1_bound`` (the Proposition's lower bound), ``fixed_l2`` (Blaschke);
    * free exponents :math:`64\cdot2^{-(k-1)}`: ``free_m``/``free_l2`` (widths 1..``free_max``,
      Blaschke), ``lp_m``/``free_l1`` (best relative :math:`L^1` errors from the linear
      program) and ``hankel`` (:math:`\sigma_{m+1}/\|\rho\|_1`: no width-:math:`m` linear
      RNN does better in :math:`L^1`).
    """
    target = PowerLaw(omega)
    fixed_m = np.unique(np.round(np.logspace(0, 8, 33)))
    free_m = np.arange(1, free_max + 1)
    lp_m = np.array(lp_widths)
    sig = R.hankel_singular_values(target, int(lp_m.max()) + 1)
    return dict(omega=omega, fixed_m=fixed_m,
                fixed_l1=L1.fixed_grid_best_l1(target, fixed_m),
                fixed_l1_bound=L1.grid_l1_lower_bound(target, fixed_m),
                fixed_l2=R.fixed_grid_errors(target, fixed_m),
                free_m=free_m, free_l2=np.array([R.best_error(target, R.geometric_rates(int(m))) for m in free_m]),
                lp_m=lp_m, free_l1=np.array([L1.best_l1_fit(target, R.geometric_rates(int(m))).error for m in lp_m]),
                hankel=sig[lp_m] / target.norm(1))


def draw_errors_versus_width(axes, data: dict) -> None:
    """Two panels: the fixed grid (left, widths to 1e8) and free exponents (right), in L¹ and L²."""
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


def errors_versus_width(omega: float = 0.25):
    """Static figure: :func:`draw_errors_versus_width` for one ``omega``; returns the figure."""
    fig, axes = new_figure(2, 1, width=4.2, height=3.6)
    draw_errors_versus_width(axes, width_data(float(omega)))
    return fig


ERRORS_OMEGAS = (0.1, 0.25, 0.5, 1.0)


def errors_scrubber():
    r"""Scrubber over the memory exponent :math:`\omega` (two frames under the test suite)."""
    omegas = (0.25, 1.0) if fast_mode() else ERRORS_OMEGAS
    return scrubber(lambda axes, om: draw_errors_versus_width(axes, width_data(om)), omegas, ncols=2,
                    width=4.2, height=3.6, frame_format=SCRUBBER_FORMAT,
                    alt="Two log-scale panels of best relative errors against the width for the power law with "
                        "exponent omega, one frame per omega from 0.1 to 1: on the fixed grid the L1 error "
                        "stays near one even at a hundred million units when omega is small, while free "
                        "exponents reach small errors with a few dozen units.")


# ============================================================================ the curse: width against ω
CURSE_OMEGAS = (0.1, 0.15, 0.25, 0.4, 0.6, 1.0)
CURSE_EPSILONS = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3)


@lru_cache(maxsize=4)
def curse_data(omegas: tuple = CURSE_OMEGAS) -> dict:
    r"""Fixed-grid error curves from which the required widths are read for any :math:`\epsilon` (cached).

    ``l2_logm`` (:math:`\ln m` up to :math:`10^{300}`) with ``l2_err[i]`` (best relative
    :math:`L^2` errors); ``l1_logL`` (:math:`\ln\ln(m+1)` on a grid up to
    :math:`\ln(m+1)=10^{40}`) with ``l1_err[i]`` (Markov's formula, relative :math:`L^1`).
    """
    logm = np.linspace(0.0, 300 * math.log(10.0), 121)
    logL = np.linspace(math.log(math.log(2.0)), math.log(1e40), 160)
    l2, l1 = [], []
    for om in omegas:
        target = PowerLaw(om)
        l2.append(R.fixed_grid_errors(target, np.exp(logm)))
        l1.append(np.array([L1._fixed_grid_l1_from_log(target, math.exp(x), 1.0) for x in logL]))
    return dict(omegas=np.array(omegas), l2_logm=logm, l2_err=np.array(l2), l1_logL=logL, l1_err=np.array(l1))


def _interp_monotone(x_grid, err, epsilon):
    """x where the decreasing curve err(x) crosses ε (log-linear interpolation); NaN if not reached."""
    ok = err <= epsilon
    if not ok.any():
        return np.nan
    j = int(np.argmax(ok))
    if j == 0:
        return float(x_grid[0])
    e0, e1 = math.log(err[j - 1]), math.log(err[j])
    return float(x_grid[j - 1] + (math.log(epsilon) - e0) * (x_grid[j] - x_grid[j - 1]) / (e1 - e0))


def widths_from_curves(data: dict, epsilon: float) -> dict:
    r"""Widths the fixed grid needs for relative error :math:`\epsilon`, read from :func:`curse_data`.

    Returns ``log10_l2`` (:math:`L^2`), ``log10_l1`` (:math:`L^1`, Markov's formula) and
    ``log10_bound`` (the Proposition's lower bound in :math:`L^1`), each :math:`\log_{10} m`
    per :math:`\omega` (NaN: beyond the curves).
    """
    l2, l1, bound = [], [], []
    for i, om in enumerate(data["omegas"]):
        l2.append(_interp_monotone(data["l2_logm"], data["l2_err"][i], epsilon) / math.log(10.0))
        xl = _interp_monotone(data["l1_logL"], data["l1_err"][i], epsilon)
        L = math.exp(xl) if np.isfinite(xl) else np.nan
        l1.append((L + math.log1p(-math.exp(-L))) / math.log(10.0) if np.isfinite(L) else np.nan)
        bound.append(L1.grid_l1_width_bound(PowerLaw(float(om)), epsilon))
    return dict(log10_l2=np.array(l2), log10_l1=np.array(l1), log10_bound=np.array(bound))


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
    """
    om = data["omegas"]
    w = widths_from_curves(data, epsilon)
    o = np.linspace(om.min(), om.max(), 200)
    ax.plot(om, w["log10_l1"], "s-", color=COLORS["vermillion"], label=r"$L^1$: best error (Markov)")
    ax.plot(om, w["log10_bound"], "v--", color=COLORS["green"], label=r"$L^1$: Proposition (lower bound)")
    law_l1 = (epsilon ** (-1.0 / o) - 1.0) / (2.0 * math.log(10.0))
    ax.plot(o, law_l1, ":", color=COLORS["vermillion"], label=r"$L^1$ law: $\ln m\approx(\epsilon^{-1/\omega}-1)/2$")
    ax.plot(om, w["log10_l2"], "o-", color=COLORS["blue"], label=r"$L^2$: best error (Blaschke)")
    _power_tower_axis(ax)
    ax.set_xlabel(r"memory exponent $\omega$ (small = long memory)")
    ax.set_ylabel(r"width $m$ needed")
    ax.set_title(rf"fixed grid $\lambda_k=k$, relative error $\epsilon={epsilon:g}$")
    ax.set_xlim(om.min() - 0.03, om.max() + 0.03)
    ax.legend(loc="upper right")


def required_width_versus_omega(epsilon: float = 1e-2):
    """Static figure of :func:`draw_required_width`; returns the figure."""
    fig, ax = new_figure(1, 1, width=6.0, height=4.0)
    draw_required_width(ax, curse_data(), epsilon)
    return fig


def curse_scrubber():
    r"""Scrubber over the accuracy :math:`\epsilon` (three frames under the test suite)."""
    epsilons = (1e-1, 1e-2, 1e-3) if fast_mode() else CURSE_EPSILONS
    data = curse_data()
    return scrubber(lambda ax, e: draw_required_width(ax, data, e), epsilons, width=6.0, height=4.0,
                    frame_format=SCRUBBER_FORMAT,
                    alt="Width the fixed stable grid needs for relative error epsilon against the memory exponent "
                        "omega, one frame per epsilon from 0.1 to 0.001, on an axis of log10 of the width: the "
                        "L1 width grows doubly exponentially as omega shrinks or epsilon falls, far above the "
                        "L2 width.")


# ============================================================================ Bernstein: a non-normal family
def _delay_line(m: int, a: float, g: float, beta: float):
    """W = −aI + g N (N the down-shift), U = e₁, c_j = ((a − β/2)/g)^j, j = 0..m−1."""
    W = -a * np.eye(m) + g * np.eye(m, k=-1)
    U = np.zeros(m)
    U[0] = 1.0
    c = ((a - beta / 2.0) / g) ** np.arange(m)
    return W, U, c


@lru_cache(maxsize=4)
def delay_line_data(a: float = 2.0, g: float = 3.0, beta: float = 1.0, widths: tuple = (10, 20, 40, 80)) -> dict:
    r"""The family :math:`W_m = -aI + gN_m`, :math:`U = e_1`, :math:`c_j = ((a-\beta/2)/g)^j`.

    Its kernels are :math:`e^{-at}\sum_{j<m}((a-\beta/2)t)^j/j! = e^{-\beta t/2}Q(m, (a-\beta/2)t)`
    (:math:`Q` the regularised upper incomplete Gamma function) and converge uniformly
    to :math:`e^{-\beta t/2}`. :math:`e^{W_mt} = e^{-at}\sum_{j<m}(gt)^jN^j/j!` is the lower
    triangular Toeplitz matrix with first column :math:`e^{-at}(gt)^j/j!`; its spectral norm
    shows the transient growth that no spectral margin controls. Returns ``t``,
    ``kernels``, ``sup_error`` (per width, on a fine grid), ``norms`` (first three widths)
    and the norms of the parameters.
    """
    from scipy import linalg

    t = np.linspace(0.0, 30.0, 601)
    b = a - beta / 2.0
    kernels = np.array([np.exp(-beta * t / 2.0) * special.gammaincc(m, b * t) for m in widths])
    tf = np.linspace(0.0, 200.0, 40001)
    sup_error = np.array([np.max(np.exp(-beta * tf / 2.0) * special.gammainc(m, b * tf)) for m in widths])
    tn = np.linspace(0.0, 12.0, 61)
    norms, wnorm, cnorm = [], [], []
    with L1._single_thread_lapack():
        for m in widths[:3]:
            W, U, c = _delay_line(m, a, g, beta)
            j = np.arange(m)
            cols = [np.exp(-a * s + j * np.log(g * s) - special.gammaln(j + 1.0)) if s > 0 else (j == 0) * 1.0
                    for s in tn]
            norms.append([np.linalg.norm(linalg.toeplitz(col, np.zeros(m)), 2) for col in cols])
            wnorm.append(np.linalg.norm(W, 2))
            cnorm.append(np.linalg.norm(c))
    return dict(a=a, g=g, beta=beta, widths=np.array(widths), t=t, kernels=kernels, sup_error=sup_error,
                tn=tn, norms=np.array(norms), W_norm=np.array(wnorm), c_norm=np.array(cnorm))


def draw_delay_line(axes, data: dict) -> None:
    """Left: ‖e^{W_m t}‖₂ against the spectral bound e^{−at}; right: the kernels and their limit."""
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


def delay_line():
    """Static figure of :func:`draw_delay_line`; returns the figure."""
    fig, axes = new_figure(2, 1, width=4.2, height=3.4)
    draw_delay_line(axes, delay_line_data())
    return fig
