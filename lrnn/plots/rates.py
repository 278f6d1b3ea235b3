r"""Figures of the chapter on approximation rates and the curse of memory.

Each experiment has a *data* function (the numbers, computed once and cached
so that widgets only redraw) and a *drawing* function that takes that data:

* :func:`width_data` / :func:`draw_errors_versus_width` — errors against the
  width for the power law :math:`(1+t)^{-(1+\omega)}`: fixed stable grid, free
  (geometric) exponents, and the Hankel lower bound;
* :func:`curse_data` / :func:`draw_required_width` — the width needed for a
  relative error :math:`\epsilon`, against :math:`\omega`;
* :func:`jackson_data` / :func:`draw_jackson` — observed rates for a target of
  finite smoothness next to the Jackson prediction.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import rates as R
from ..kernels import PowerLaw
from ._style import COLORS, new_figure

__all__ = [
    "asymptotic_fixed_error",
    "width_data",
    "draw_errors_versus_width",
    "errors_versus_width",
    "curse_data",
    "widths_from_curves",
    "draw_required_width",
    "required_width_versus_omega",
    "jackson_data",
    "draw_jackson",
    "jackson_slopes",
]


def asymptotic_fixed_error(width, omega: float) -> np.ndarray:
    r"""Large-width law of the fixed grid :math:`\lambda_k = k`: :math:`(2\ln m + 2\gamma_E + 1)^{-(\omega+1/2)}`.

    The relative :math:`L^2` error of the best fit of :math:`(1+t)^{-(1+\omega)}`
    (derived in the chapter by Laplace's method from the Blaschke formula).
    """
    m = np.asarray(width, dtype=float)
    return (2.0 * np.log(m) + 2.0 * np.euler_gamma + 1.0) ** (-(omega + 0.5))


@lru_cache(maxsize=32)
def width_data(omega: float, max_free: int = 24, l1_widths: tuple = (1, 2, 3, 4, 6, 8, 10, 13, 16, 20, 24),
               fixed_l1_max: int = 16) -> dict:
    """Errors against width for the power law with exponent ``omega`` (cached).

    Returns a dict with arrays: ``fixed_m``, ``fixed_l2`` (fixed grid λ_k = k, relative L²,
    widths up to 1e8); ``free_m``, ``free_l2`` (geometric grid ratio 2 from 64, relative L²);
    ``l1_m``, ``free_l1``, ``fixed_l1`` (relative L¹ errors of those L²-best fits; NaN for
    fixed-grid widths above ``fixed_l1_max``); ``hankel`` (σ_{m+1}/‖ρ‖₁ for ``l1_m``).
    """
    target = PowerLaw(omega)
    fixed_m = np.unique(np.round(np.logspace(0, 8, 33)))
    fixed_l2 = R.fixed_grid_errors(target, fixed_m)
    free_m = np.arange(1, max_free + 1)
    free_l2 = np.array([R.best_error(target, R.geometric_rates(int(m))) for m in free_m])
    l1_m = np.array(l1_widths)
    free_l1, fixed_l1 = [], []
    for m in l1_m:
        lam = R.geometric_rates(int(m))
        a, _ = R.exact_fit(target, lam)
        free_l1.append(R.l1_error(target, lam, a))
        if m <= fixed_l1_max:
            lam = np.arange(1.0, m + 1.0)
            a, _ = R.exact_fit(target, lam)
            fixed_l1.append(R.l1_error(target, lam, a))
        else:
            fixed_l1.append(np.nan)
    sig = R.hankel_singular_values(target, int(l1_m.max()) + 1)
    hankel = sig[l1_m] / target.norm(1)
    return dict(omega=omega, fixed_m=fixed_m, fixed_l2=fixed_l2, free_m=free_m, free_l2=free_l2,
                l1_m=l1_m, free_l1=np.array(free_l1), fixed_l1=np.array(fixed_l1), hankel=hankel)


def draw_errors_versus_width(axes, data: dict) -> None:
    """Draw :func:`width_data` on two axes: relative L² errors (left), L¹ errors and Hankel bound (right)."""
    ax1, ax2 = axes
    om = data["omega"]
    m_line = np.logspace(0, 8, 200)
    ax1.loglog(data["fixed_m"], data["fixed_l2"], "o-", ms=3, color=COLORS["blue"],
               label=r"fixed stable grid $\lambda_k=k$")
    ax1.loglog(m_line, asymptotic_fixed_error(m_line, om), ":", color=COLORS["black"],
               label=r"$(2\ln m+2\gamma_E+1)^{-(\omega+1/2)}$")
    ax1.loglog(data["free_m"], data["free_l2"], "s-", ms=3, color=COLORS["vermillion"],
               label=r"free exponents $64\cdot2^{-(k-1)}$")
    ax1.set_xlabel("width $m$")
    ax1.set_ylabel(r"relative $L^2$ error")
    ax1.set_title(rf"$\rho(t)=(1+t)^{{-(1+\omega)}}$, $\omega={om:g}$")
    ax1.set_ylim(1e-6, 1.5)
    ax1.legend(fontsize=8, loc="lower left")
    m = data["l1_m"]
    ax2.semilogy(m, data["fixed_l1"], "o-", ms=3, color=COLORS["blue"], label="fixed grid (its $L^2$-best fit)")
    ax2.semilogy(m, data["free_l1"], "s-", ms=3, color=COLORS["vermillion"], label="free exponents ($L^2$-best fit)")
    ax2.semilogy(m, data["hankel"], "^--", ms=4, color=COLORS["green"],
                 label=r"lower bound $\sigma_{m+1}/\|\rho\|_1$, any width-$m$ RNN")
    ax2.set_xlabel("width $m$")
    ax2.set_ylabel(r"relative $L^1$ error $\|\rho-\hat\rho\|_1/\|\rho\|_1$")
    ax2.set_ylim(1e-9, 2)
    ax2.legend(fontsize=8, loc="lower left")


def errors_versus_width(omega: float = 0.25):
    """Static figure: :func:`draw_errors_versus_width` for one ``omega``; returns the figure."""
    fig, axes = new_figure(2, 1, width=4.6, height=3.6)
    draw_errors_versus_width(axes, width_data(float(omega)))
    return fig


# ----------------------------------------------------------------------------- the curse: width against ω
@lru_cache(maxsize=16)
def curse_data(omegas: tuple = (0.1, 0.15, 0.25, 0.4, 0.6, 1.0), max_free: int = 40) -> dict:
    """Error-versus-width curves from which the required width is read for any ε (cached).

    ``fixed_logm`` (ln m on a grid up to 1e300) with ``fixed_err[i]`` per ω (fixed grid
    λ_k = k), and ``free_err[i]`` for widths 1..max_free (geometric grid, ratio 2 from 64).
    """
    logm = np.linspace(0.0, 300 * math.log(10.0), 121)
    fixed, free = [], []
    for om in omegas:
        target = PowerLaw(om)
        fixed.append(R.fixed_grid_errors(target, np.exp(logm)))
        free.append(np.array([R.best_error(target, R.geometric_rates(m)) for m in range(1, max_free + 1)]))
    return dict(omegas=np.array(omegas), fixed_logm=logm, fixed_err=np.array(fixed),
                free_m=np.arange(1, max_free + 1), free_err=np.array(free))


def widths_from_curves(data: dict, epsilon: float) -> tuple[np.ndarray, np.ndarray]:
    """Required widths (fixed, free) for error ε, read from :func:`curse_data` (NaN: not reached).

    Fixed grid: log-linear interpolation of ln m against ln(error) (monotone curves);
    free exponents: the first width whose error is ≤ ε.
    """
    fixed, free = [], []
    for e_fix, e_free in zip(data["fixed_err"], data["free_err"]):
        ok = e_fix <= epsilon
        if not ok.any():
            fixed.append(np.nan)
        elif ok[0]:
            fixed.append(1.0)
        else:
            j = int(np.argmax(ok))
            x0, x1 = math.log(e_fix[j - 1]), math.log(e_fix[j])
            y0, y1 = data["fixed_logm"][j - 1], data["fixed_logm"][j]
            fixed.append(math.exp(y0 + (math.log(epsilon) - x0) * (y1 - y0) / (x1 - x0)) if x1 != x0 else math.exp(y1))
        hit = np.flatnonzero(e_free <= epsilon)
        free.append(float(data["free_m"][hit[0]]) if hit.size else np.nan)
    return np.array(fixed), np.array(free)


def draw_required_width(ax, data: dict, epsilon: float) -> None:
    r"""Required width against ω for error ε: fixed stable grid versus free exponents.

    The vertical axis is :math:`\log_{10} m` (widths up to :math:`10^{300}` appear).
    """
    om = data["omegas"]
    fixed, free = widths_from_curves(data, epsilon)
    o = np.linspace(om.min(), om.max(), 200)
    pred = np.log10(np.e) * 0.5 * (epsilon ** (-1.0 / (o + 0.5)) - 1.0 - 2.0 * np.euler_gamma)
    ax.plot(om, np.log10(fixed), "o", color=COLORS["blue"], label=r"fixed stable grid $\lambda_k=k$")
    ax.plot(o, np.maximum(pred, 0.0), ":", color=COLORS["blue"],
            label=r"$m=\exp\{(\epsilon^{-1/(\omega+1/2)}-1-2\gamma_E)/2\}$")
    ax.plot(om, np.log10(free), "s-", color=COLORS["vermillion"], label=r"free exponents ($\lambda_{\min}\to0$)")
    for o_i, m_i in zip(om, free):
        if np.isfinite(m_i):
            ax.annotate(f"{int(m_i)}", (o_i, math.log10(m_i)), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7, color=COLORS["vermillion"])
    ax.set_xlabel(r"memory exponent $\omega$ (small = long memory)")
    ax.set_ylabel(r"$\log_{10}$ of the width $m$ needed")
    ax.set_title(rf"relative $L^2$ error $\epsilon={epsilon:.0e}$")
    ax.set_ylim(0, 300)
    ax.legend(fontsize=8, loc="upper right")


def required_width_versus_omega(epsilon: float = 1e-2):
    """Static figure of :func:`draw_required_width`; returns the figure."""
    fig, ax = new_figure(1, 1, width=6.0, height=3.8)
    draw_required_width(ax, curse_data(), epsilon)
    return fig


# ----------------------------------------------------------------------------- Jackson slopes
@lru_cache(maxsize=64)
def jackson_data(power: float, rate: float, widths: tuple = (4, 6, 8, 12, 16, 24, 32)) -> dict:
    r"""Best :math:`L^2` errors of :math:`(t-1)_+^{p}e^{-\gamma t}` on two stable grids (cached).

    * the grid of the Jackson construction, :math:`\lambda_k = k\beta'` with
      :math:`\beta' = \gamma/(\alpha+1)`, :math:`\alpha = \lceil p\rceil - 1` (the smoothness);
    * the grid :math:`\lambda_k = k` that ignores the decay rate.

    Returns widths, the two error arrays, α, β′ and the slopes fitted over the last four widths.
    """
    target = R.RampExponential(power, rate, 1.0)
    alpha = int(math.ceil(power) - 1)
    bprime = rate / (alpha + 1)
    ms = np.array(widths)
    proof = np.array([R.exact_fit(target, bprime * np.arange(1.0, m + 1.0))[1] for m in ms])
    unit = np.array([R.exact_fit(target, np.arange(1.0, m + 1.0))[1] for m in ms])
    fit = lambda e: float(np.polyfit(np.log(ms[-4:]), np.log(e[-4:]), 1)[0])  # noqa: E731
    return dict(power=power, rate=rate, widths=ms, proof=proof, unit=unit, alpha=alpha, bprime=bprime,
                slope_proof=fit(proof), slope_unit=fit(unit))


def draw_jackson(ax, data: dict) -> None:
    """Errors against width on log–log axes with the Jackson slope −α for reference."""
    ms = data["widths"]
    a = data["alpha"]
    ax.loglog(ms, data["proof"], "o-", color=COLORS["blue"],
              label=rf"grid $k\beta'$, $\beta'=\gamma/(\alpha+1)$: slope {data['slope_proof']:.2f}")
    ax.loglog(ms, data["unit"], "s-", color=COLORS["orange"], label=rf"grid $k$: slope {data['slope_unit']:.2f}")
    if a >= 1:
        ref = data["proof"][0] * (ms / ms[0]) ** (-float(a))
        ax.loglog(ms, ref, "--", color=COLORS["black"], label=rf"Jackson: slope $-\alpha={-a}$ (upper bound)")
    else:
        ax.plot([], [], " ", label=r"$\alpha=0$: outside the theorem ($\alpha\geq1$)")
    ax.set_xlabel("width $m$")
    ax.set_ylabel(r"relative $L^2$ error")
    rate = "" if data["rate"] == 1 else f"{data['rate']:g}"
    ax.set_title(rf"$\rho(t)=(t-1)_+^{{{data['power']:g}}}e^{{-{rate}t}}$, $\alpha={a}$")
    ax.legend(fontsize=8, loc="lower left")


def jackson_slopes(power: float = 1.5, rate: float = 1.0):
    """Static figure of :func:`draw_jackson`; returns the figure."""
    fig, ax = new_figure(1, 1, width=5.6, height=3.8)
    draw_jackson(ax, jackson_data(float(power), float(rate)))
    return fig
