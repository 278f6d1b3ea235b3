"""Figures of the training-dynamics chapter: plateaus, escape times, optimisers.

Each function computes what it shows from :mod:`lrnn.training` (closed-form
loss, stiff gradient flow) and draws it; :mod:`lrnn.widgets.training` wraps them.
"""

from __future__ import annotations

import numpy as np

from .. import training as tr
from .._validation import as_real_array, as_real_scalar
from ._style import COLORS, CYCLE, LINESTYLES, new_figure

__all__ = ["draw_plateau", "plateau_figure", "plateau_scrubber", "escape_figure", "draw_optimizer_run", "optimizer_figure"]


def draw_plateau(axes, lag: float, *, t_max: float = 1e7, drop_fraction: float = 0.05, reference_lags=()) -> float:
    r"""Loss curve and rate trajectories of the gradient flow on the plateau problem at one lag.

    Left: :math:`J(t)/E` (with :math:`E=\tfrac12\|g\|^2` the plateau level) against
    flow time, log axes, escape time marked; faint curves for ``reference_lags``.
    Right: the rates :math:`w_i(t)` (log axes). Returns the escape time.
    """
    lag = as_real_scalar("lag", lag, positive=True)
    ax_loss, ax_rate = axes
    for j, ref in enumerate(reference_lags):
        target, init, E = tr.plateau_problem(ref)
        fl = tr.gradient_flow(target, init, t_max, n_points=200)
        ax_loss.semilogx(fl.times[1:], fl.loss[1:] / E, color="0.75", lw=1)
    target, init, E = tr.plateau_problem(lag)
    fl = tr.gradient_flow(target, init, t_max, n_points=300)
    tau = tr.escape_time(fl.loss, fl.times, drop=drop_fraction * E, level=E)
    ax_loss.semilogx(fl.times[1:], fl.loss[1:] / E, color=COLORS["blue"], lw=2, label=rf"$\ell={lag:g}$")
    ax_loss.axhline(1.0 - drop_fraction, color=COLORS["black"], ls=":", lw=1)
    if np.isfinite(tau):
        ax_loss.axvline(tau, color=COLORS["vermillion"], ls="--", lw=1.2, label=rf"escape $\tau={tau:.3g}$")
    ax_loss.set_xlabel("flow time $t$")
    ax_loss.set_ylabel(r"$J(t)\,/\,E$ with $E=\|g\|^2/2$")
    ax_loss.set_ylim(0.5, 1.1)
    ax_loss.legend(loc="upper right")
    for i in range(fl.rates.shape[1]):
        ax_rate.loglog(fl.times[1:], fl.rates[1:, i], color=CYCLE[i], ls=LINESTYLES[i], lw=2, label=f"$w_{i + 1}(t)$")
    ax_rate.axhline(1.0 / lag, color=COLORS["black"], ls=":", lw=1, label=r"$1/\ell$")
    if np.isfinite(tau):
        ax_rate.axvline(tau, color=COLORS["vermillion"], ls="--", lw=1.2)
    ax_rate.set_xlabel("flow time $t$")
    ax_rate.set_ylabel("rates $w_i$")
    ax_rate.legend(loc="lower left")
    return tau


def plateau_figure(lag: float = 7.0, *, reference_lags=(4.0, 5.0, 6.0, 8.0), t_max: float = 1e7):
    """The static figure: :func:`draw_plateau` on a new pair of axes. Returns the figure."""
    fig, axes = new_figure(2, 1, width=4.4, height=3.3)
    draw_plateau(axes, lag, t_max=t_max, reference_lags=reference_lags)
    return fig


def plateau_scrubber(lags=(4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)):
    """Kernel-free scrubber over the lag: one frame of :func:`draw_plateau` per lag.

    Wraps :func:`lrnn.plots.scrubber` and afterwards restores pyplot's interactive
    mode (rendering the animation leaves it off, and then the inline backend no
    longer shows the figures of later cells).
    """
    import matplotlib.pyplot as plt

    from ._scrubber import scrubber

    lags = [float(v) for v in as_real_array("lags", lags, ndim=1)]
    was_interactive = plt.isinteractive()
    html = scrubber(lambda axes, lag: draw_plateau(axes, lag), lags, ncols=2, width=4.4, height=3.3,
                    alt="Loss curve and rate trajectories for one memory lag per frame; the plateau before the "
                        "loss drops lengthens as the lag grows.")
    if was_interactive:
        plt.ion()
    return html


def escape_figure(lags, taus: dict, *, ax=None):
    r"""Escape time against lag on a semi-log plot, with a least-squares line :math:`\log\tau=\alpha+\beta\ell` per series.

    Parameters
    ----------
    lags : array_like
        The lags :math:`\ell`.
    taus : dict
        ``{label: escape times}`` (one array per series, same length as ``lags``;
        non-finite values are skipped in the fit).

    Returns
    -------
    (Figure, dict)
        The figure and ``{label: slope β}``.
    """
    lags = as_real_array("lags", lags, ndim=1)
    if not isinstance(taus, dict) or not taus:
        raise TypeError("taus must be a non-empty dict {label: escape times}")
    if ax is None:
        fig, ax = new_figure(1, 1, width=5.2, height=3.6)
    else:
        fig = ax.figure
    slopes = {}
    for i, (label, tau) in enumerate(taus.items()):
        tau = np.asarray(tau, dtype=float)
        if tau.shape != lags.shape:
            raise ValueError(f"taus[{label!r}] must have the shape of lags {lags.shape}, got {tau.shape}")
        ok = np.isfinite(tau) & (tau > 0)
        if ok.sum() < 2:  # nothing to fit
            slopes[label] = float("nan")
            ax.semilogy(lags[ok], tau[ok], "o", color=CYCLE[i], label=f"{label}: too few escapes to fit")
            continue
        beta, alpha = np.polyfit(lags[ok], np.log(tau[ok]), 1)
        slopes[label] = float(beta)
        ax.semilogy(lags[ok], tau[ok], "o", color=CYCLE[i], label=f"{label}: slope {beta:.2f}")
        ax.semilogy(lags, np.exp(alpha + beta * lags), color=CYCLE[i], ls=LINESTYLES[i], lw=1.2)
    ax.set_xlabel(r"lag $\ell$ of the memory")
    ax.set_ylabel(r"escape time $\tau$")
    ax.legend(loc="upper left", fontsize=8)
    return fig, slopes


def draw_optimizer_run(ax, lr: float = 0.05, optimizer: str = "gd", width: int = 2, *, lag: float = 7.0,
                       steps: int = 4000, drop_fraction: float = 0.05) -> float:
    """Loss against step for one optimiser setting on the plateau problem; returns the escape step."""
    target, init, E = tr.plateau_problem(lag, width=width)
    run = tr.train(target, init, steps, lr, optimizer)
    k = np.arange(run.loss.size)
    ok = np.isfinite(run.loss)
    tau = tr.escape_time(run.loss[ok], k[ok], drop=drop_fraction * E, level=E)
    ax.semilogx(k[ok][1:], run.loss[ok][1:] / E, color=COLORS["blue"], lw=2,
              label=f"{optimizer.upper()}, $\\eta={lr:g}$, $m={width}$")
    ax.axhline(1.0 - drop_fraction, color=COLORS["black"], ls=":", lw=1)
    if np.isfinite(tau):
        ax.axvline(tau, color=COLORS["vermillion"], ls="--", lw=1.2, label=f"escape after {tau:.0f} steps")
    else:
        ax.set_title("no escape within the step budget" if run.crossed_at is None
                     else f"left the stable region at step {run.crossed_at}", fontsize=9)
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$J_k\,/\,E$ with $E=\|g\|^2/2$")
    ax.set_ylim(0.5, 1.1)
    ax.legend(loc="upper right", fontsize=8)
    return tau


def optimizer_figure(lr: float = 0.05, optimizer: str = "gd", width: int = 2, *, lag: float = 7.0, steps: int = 4000):
    """The static figure of :func:`draw_optimizer_run`. Returns the figure."""
    fig, ax = new_figure(1, 1, width=5.2, height=3.4)
    draw_optimizer_run(ax, lr, optimizer, width, lag=lag, steps=steps)
    return fig
