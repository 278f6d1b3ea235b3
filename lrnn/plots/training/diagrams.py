r"""Chapter 4's explanatory diagram: the plateau mechanism in three panels."""

from __future__ import annotations

import numpy as np

from ..._validation import as_real_scalar
from ...kernels import Delayed
from ...loss import laplace_pair
from .._common import discard_on_error
from .._style import COLORS, new_figure

__all__ = ["mechanism_diagram"]


def _captured_energy(lag: float, rates: np.ndarray) -> np.ndarray:
    r""":math:`\mathcal E(\lambda)=\lambda L_g(\lambda)^2` for the bump at ``lag``."""
    L, _ = laplace_pair(Delayed(lag), rates)
    return rates * L**2


@discard_on_error
def mechanism_diagram(lag: float = 6.0, longer_lag: float = 9.0, start_rate: float = 1.0):
    r"""The plateau mechanism in three panels (a diagram: schematic where marked).

    (a) What a unit :math:`e^{-\lambda t}` at the short-memory rate sees of a memory at lag
    :math:`\ell`: on a log scale its kernel reaches the bump only at height :math:`e^{-\lambda\ell}`,
    while a slow unit (:math:`\lambda=1/\ell`) reaches it. (b) The loss along the rate when the
    weight is at its best value, :math:`J^*(\lambda)/E_\ell=1-\mathcal E(\lambda)/E_\ell` (computed):
    flat at the start, so the pull towards :math:`1/\ell` is exponentially weak; flatter and wider
    for a longer lag. (c) Schematic training curves: the plateau at :math:`E_\ell` and the escape
    after :math:`\tau\propto e^{2\lambda_0\ell}`, longer for a longer memory.

    Parameters
    ----------
    lag : float, default 6
        The lag ℓ of the memory, in (0, 50].
    longer_lag : float, default 9
        A longer lag for comparison in panel (b), in (0, 50].
    start_rate : float, default 1
        The starting rate λ₀ > 0 of the free unit.

    Returns
    -------
    matplotlib.figure.Figure
    """
    lag = as_real_scalar("lag", lag, positive=True, maximum=50.0)
    longer_lag = as_real_scalar("longer_lag", longer_lag, positive=True, maximum=50.0)
    lam0 = as_real_scalar("start_rate", start_rate, positive=True, maximum=1e3)
    fig, (ax_k, ax_j, ax_t) = new_figure(3, 1, width=2.45, height=2.6)

    # (a) the unit's kernel against the memory, log scale
    t = np.linspace(0.0, lag + 3.5, 400)
    bump = np.exp(-((t - lag) ** 2))
    ax_k.fill_between(t, 1e-6, np.maximum(bump, 1e-6), color=COLORS["sky"], alpha=0.25, lw=0)
    ax_k.semilogy(t, np.maximum(bump, 1e-6), color=COLORS["blue"], lw=1.4, label=r"memory at lag $\ell$")
    ax_k.semilogy(t, np.exp(-lam0 * t), color=COLORS["vermillion"], lw=1.6, label=r"unit at rate $\lambda_0$")
    ax_k.semilogy(t, np.exp(-t / lag), color=COLORS["green"], lw=1.4, ls="--", label=r"slow unit, $\lambda=1/\ell$")
    hit = np.exp(-lam0 * lag)
    ax_k.plot([lag], [hit], "o", color=COLORS["vermillion"], ms=5)
    ax_k.text(lag + 0.35, hit * 2.2, r"$e^{-\lambda_0\ell}$", fontsize=9, color=COLORS["vermillion"])
    ax_k.set_ylim(1e-4, 4.0)
    ax_k.set_xlim(0, lag + 3.5)
    ax_k.set_xticks([0, lag])
    ax_k.set_xticklabels(["0", r"$\ell$"])
    ax_k.set_xlabel("time since the input, $t$")
    ax_k.set_ylabel("kernel (log scale)")
    ax_k.legend(loc="lower left", fontsize=7.5, handlelength=1.6, frameon=True, framealpha=0.92, edgecolor="none")
    ax_k.set_title("(a) what a unit sees", fontsize=9)

    # (b) the loss along the rate, weight at its best: J*(λ)/E = 1 - E(λ)/E
    lam = np.geomspace(0.03, 3.0, 400)
    for ell, colour, style, width in ((lag, COLORS["blue"], "-", 1.8), (longer_lag, "0.55", "--", 1.4)):
        E = 0.5 * Delayed(ell).norm(2) ** 2
        ax_j.semilogx(lam, 1.0 - _captured_energy(ell, lam) / E, color=colour, ls=style, lw=width,
                      label=rf"$\ell={ell:g}$")
    E6 = 0.5 * Delayed(lag).norm(2) ** 2
    j0 = 1.0 - _captured_energy(lag, np.array([lam0]))[0] / E6
    ax_j.plot([lam0], [j0], "o", color=COLORS["vermillion"], ms=7, zorder=5)
    ax_j.annotate("", xy=(0.42, j0 + 0.005), xytext=(lam0 * 0.9, j0 + 0.005),
                  arrowprops=dict(arrowstyle="->", color=COLORS["vermillion"], lw=1.4))
    ax_j.text(0.62, j0 + 0.035, r"pull $\propto e^{-2\lambda\ell}$", color=COLORS["vermillion"], fontsize=8,
              ha="center")
    ax_j.axvline(1.0 / lag, color=COLORS["black"], ls=":", lw=0.9)
    ax_j.text(1.0 / lag * 1.08, 0.64, r"$1/\ell$", fontsize=9)
    ax_j.text(0.035, 0.56, "memory\nlearned", fontsize=8, color=COLORS["blue"])
    ax_j.set_ylim(0.5, 1.12)
    ax_j.set_xlabel(r"rate $\lambda$ of the free unit")
    ax_j.set_ylabel(r"best loss $J^*(\lambda)\,/\,E_\ell$")
    ax_j.legend(loc="lower right", fontsize=8, handlelength=1.6)
    ax_j.set_title("(b) the loss along the rate", fontsize=9)

    # (c) schematic training curves: plateau, then escape
    x = np.linspace(-1.0, 9.0, 400)                       # log10 of time, schematic
    ax_t.axhline(1.0, color="0.75", ls=":", lw=0.9)
    for centre, colour, style in ((2.5, COLORS["blue"], "-"), (6.0, "0.55", "--")):
        ax_t.plot(x, 1.0 - 0.3 / (1.0 + np.exp(-(x - centre) * 3.0)), color=colour, ls=style, lw=1.8)
    ax_t.annotate("", xy=(2.5, 1.035), xytext=(-1.0, 1.035), arrowprops=dict(arrowstyle="<->", lw=0.9))
    ax_t.text(0.75, 1.055, r"$\tau\propto e^{2\lambda_0\ell}$", ha="center", fontsize=8)
    ax_t.annotate("", xy=(5.6, 0.84), xytext=(3.0, 0.84), arrowprops=dict(arrowstyle="->", color="0.4", lw=1.0))
    ax_t.text(4.3, 0.865, "longer\nmemory", ha="center", fontsize=8, color="0.3")
    ax_t.text(7.6, 1.015, r"plateau at $E_\ell$", ha="center", fontsize=8, color="0.3")
    ax_t.text(4.0, 0.6, "escape: the memory\nstarts being learned", ha="center", fontsize=8, color=COLORS["blue"])
    ax_t.set_xlim(-1.0, 9.0)
    ax_t.set_ylim(0.55, 1.12)
    ax_t.set_xticks([])
    ax_t.set_yticks([])
    ax_t.set_xlabel("training time (log scale)")
    ax_t.set_ylabel("loss")
    ax_t.set_title("(c) the training curve (sketch)", fontsize=9)
    return fig
