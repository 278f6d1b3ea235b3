r"""The landing page's opening figure: the book's story in one picture.

Three panels, each computed from the closed forms the chapters derive:

1. **memory** — two kernels with the same value at :math:`t=0` and very different tails:
   the exponential :math:`e^{-\kappa t}` (:math:`\kappa = 1.5`) and the power law
   :math:`(1+t)^{-(1+\omega)}` (:math:`\omega = 1/2`);
2. **many units** — the best relative :math:`L^2` error of a width-:math:`m` linear RNN
   whose rates sit on the stable grid :math:`\lambda_k = k` (Blaschke formula,
   :func:`lrnn.rates.fixed_grid_errors`), with the width each target needs for
   :math:`\epsilon = 10^{-2}` (:func:`lrnn.rates.required_width`);
3. **long plateaus** — the time gradient flow needs to leave the plateau when the
   memory sits at a lag :math:`\ell`, target :math:`e^{-t} + e^{-(t-\ell)^2}` (the
   slow-manifold estimate and the rigorous lower bound of
   :func:`lrnn.training.reduced_escape_estimates`, rate started at :math:`w_0 = 1`,
   escape = a drop of 5 % of the plateau level).

:func:`story_data` computes the numbers (about 2 s, cached), :func:`draw_story` draws
them and :func:`story` returns the figure. The book's Sphinx extension
``_ext/book_figures.py`` renders it as SVG (web) and PDF (print) at build time.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.patches import ConnectionPatch

from .. import rates as R
from .. import training as T
from ..kernels import Delayed, Exponential, PowerLaw
from ._style import COLORS, new_figure

__all__ = ["SHORT_RATE", "LONG_OMEGA", "EPSILON", "story_data", "draw_story", "story"]

#: Decay rate :math:`\kappa` of the short (exponential) memory.
SHORT_RATE = 1.5
#: Exponent :math:`\omega` of the long (power-law) memory :math:`(1+t)^{-(1+\omega)}`.
LONG_OMEGA = 0.5
#: The accuracy of panel 2.
EPSILON = 1e-2

_SHORT = COLORS["orange"]
_LONG = COLORS["blue"]


@lru_cache(maxsize=1)
def story_data() -> dict:
    r"""The numbers of the opening figure (computed once per process).

    Returns
    -------
    dict
        ``t``, ``short``, ``long`` — the two kernels on a log grid of times;
        ``widths``, ``err_short``, ``err_long`` — best relative :math:`L^2` errors on the grid
        :math:`\lambda_k = k`; ``need_short``, ``need_long`` — the smallest widths with error
        :math:`\le` :data:`EPSILON`; ``lags``, ``tau``, ``tau_lower`` — escape times
        (slow-manifold estimate, rigorous lower bound) against the lag :math:`\ell`;
        ``growth`` — the least-squares slope of :math:`\log\tau` against :math:`\ell`.
    """
    short, long = Exponential(SHORT_RATE), PowerLaw(LONG_OMEGA)
    t = np.geomspace(1e-2, 1e3, 300)
    widths = np.unique(np.round(np.logspace(0, 8, 41)))
    err_short = R.fixed_grid_errors(short, widths)
    err_long = R.fixed_grid_errors(long, widths)
    need_short = R.required_width(short, EPSILON, max_width=1e300, model_limit=0).width
    need_long = R.required_width(long, EPSILON, max_width=1e300, model_limit=0).width
    lags = np.arange(4.0, 11.0)
    tau, tau_lower = [], []
    for lag in lags:
        g = Delayed(float(lag))
        est = T.reduced_escape_estimates(g, 1.0, 0.05 * 0.5 * g.norm(2) ** 2)
        tau.append(est["slaved"])
        tau_lower.append(est["lower"])
    tau, tau_lower = np.array(tau), np.array(tau_lower)
    growth = float(np.polyfit(lags, np.log(tau), 1)[0])
    return dict(t=t, short=short(t), long=long(t), widths=widths, err_short=err_short, err_long=err_long,
                need_short=need_short, need_long=need_long, lags=lags, tau=tau, tau_lower=tau_lower,
                growth=growth)


def _power_of_ten(x: float) -> str:
    """``x`` as mathtext, e.g. ``1.8\\times10^{21}``."""
    exponent = int(np.floor(np.log10(x)))
    mantissa = x / 10.0**exponent
    return rf"{mantissa:.1f}\times10^{{{exponent}}}" if round(mantissa, 1) != 1.0 else rf"10^{{{exponent}}}"


def draw_story(axes, data: dict) -> None:
    """Draw the three panels of the opening figure on ``axes`` (three Axes in a row)."""
    ax_m, ax_w, ax_p = axes

    # 1. two memories
    ax_m.loglog(data["t"], data["short"], color=_SHORT, ls="--", label=rf"$e^{{-{SHORT_RATE:g}t}}$")
    ax_m.loglog(data["t"], data["long"], color=_LONG, label=rf"$(1+t)^{{-{1 + LONG_OMEGA:g}}}$")
    ax_m.set_ylim(1e-8, 3)
    ax_m.set_xlabel("time lag $t$")
    ax_m.set_ylabel(r"memory kernel $\rho(t)$")
    ax_m.set_title("1. memory decays\nfast, or slowly")
    ax_m.legend(loc="lower left")

    # 2. units needed on a stable grid
    ax_w.loglog(data["widths"], data["err_short"], color=_SHORT, ls="--")
    ax_w.loglog(data["widths"], data["err_long"], color=_LONG)
    ax_w.axhline(EPSILON, color="0.35", lw=0.9, ls=":")
    ax_w.text(3e5, EPSILON * 0.7, rf"$\epsilon = {_power_of_ten(EPSILON)}$", ha="center", va="top", fontsize=8,
              color="0.25")
    ax_w.plot([data["need_short"]], [EPSILON], "o", color=_SHORT, ms=5)
    ax_w.annotate(f"{data['need_short']} units", (data["need_short"], EPSILON), xytext=(12, -22),
                  textcoords="offset points", fontsize=8, color=_SHORT,
                  arrowprops=dict(arrowstyle="-", color=_SHORT, lw=0.8))
    ax_w.text(data["widths"][-1], EPSILON / 30, "power law:\n" + rf"${_power_of_ten(float(data['need_long']))}$ units",
              ha="right", va="top", fontsize=8, color=_LONG)
    ax_w.set_ylim(1e-6, 1.5)
    ax_w.set_xlabel("hidden units $m$")
    ax_w.set_ylabel(r"best relative $L^2$ error")
    ax_w.set_title("2. slow memory needs\nmany units")

    # 3. escape time from the plateau against the lag of the memory
    lags, tau, low = data["lags"], data["tau"], data["tau_lower"]
    ax_p.semilogy(lags, tau, "o-", color=_LONG, ms=4)
    ax_p.semilogy(lags, low, "s--", color=COLORS["vermillion"], ms=3.5, lw=1.2)
    ax_p.text(lags[2] - 0.15, tau[2] * 4, "estimate", ha="right", va="bottom", fontsize=8, color=_LONG)
    ax_p.text(lags[4] + 0.15, low[4] / 4, "proved\nlower bound", ha="left", va="top", fontsize=8,
              color=COLORS["vermillion"])
    ax_p.set_xlabel(r"lag $\ell$ of the memory")
    ax_p.set_ylabel(r"plateau length $\tau$")
    ax_p.set_title("3. ...and long\ntraining plateaus")
    ax_p.text(0.05, 0.95, rf"$\tau \approx e^{{{data['growth']:.1f}\,\ell}}$", transform=ax_p.transAxes,
              ha="left", va="top", fontsize=9, color=_LONG)

    # the story's arrows: memory → units, memory → plateaus
    for a, b in ((ax_m, ax_w), (ax_w, ax_p)):
        a.figure.add_artist(ConnectionPatch((1.02, 1.16), (-0.02, 1.16), coordsA="axes fraction",
                                            coordsB="axes fraction", axesA=a, axesB=b, arrowstyle="-|>",
                                            color="0.45", lw=1.0, mutation_scale=10, clip_on=False))


def story():
    """The landing page's opening figure (three panels in a row, fitted to the page)."""
    fig, axes = new_figure(3, 1, width=3.0, height=3.0)
    draw_story(axes, story_data())
    return fig
