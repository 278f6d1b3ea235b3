"""Live experiments of the training-dynamics chapter (wrapping :mod:`lrnn.plots.training`).

Every widget draws its figure once and, when a control moves, redraws only the artists
that change (matplotlib blitting on an Agg canvas) and sends the new image as a PNG to an
``ipywidgets.Image``: an update costs the computation (cached per setting, most of it
precomputed) plus a few tens of milliseconds of drawing, instead of rebuilding and
re-rendering the whole figure (:class:`lrnn.widgets._base.FastFigure`, the book's shared
renderer). Each returned box has ``update(...)`` (draw a setting and return its PNG bytes, without
showing them) and ``redraw()`` (one update with the controls' values; returns the CPU seconds it took).
``benchmarks/bench_training.py`` measures the updates.
"""

from __future__ import annotations

import numpy as np

from ..plots import training as tp
from ._base import FastFigure, live_figure

__all__ = ["plateau_widget", "optimizer_widget", "escape_widget", "FastFigure"]


# ----------------------------------------------------------------------------- plateau
def plateau_widget(lags=tuple(np.arange(4.0, 13.0))):
    """Lag slider → the loss curve with its plateau and the trajectories of the rates (gradient flow).

    The flows (default lags 4, 5, …, 12) come from :func:`lrnn.plots.training.plateau_flow`, which
    caches them: the lags already drawn by the chapter's figure and scrubber cost nothing, the others
    are integrated once, on their first visit (about 0.1 s); moving the slider then only swaps the curves.

    Parameters
    ----------
    lags : sequence of float, default 4, 5, …, 12
        The slider's lags ℓ > 0 (at most 64).

    Returns
    -------
    ipywidgets.VBox
        The slider above the image; ``update(lag)`` returns the PNG of a lag, ``redraw()`` the CPU
        seconds of one update.
    """
    import ipywidgets as widgets

    from ..plots._common import frame_values

    lags = frame_values("lags", lags, positive=True)

    fast = FastFigure(2, 1, width=3.4, height=2.9)
    ax_loss, ax_rate = fast.axes
    start = 7.0 if 7.0 in lags else lags[len(lags) // 2]
    art = tp.plateau_artists((ax_loss, ax_rate), start)
    ax_loss.legend_.remove()
    label = ax_loss.text(0.03, 0.05, "", transform=ax_loss.transAxes, fontsize=9)
    fast.freeze([art["loss"], *art["rates"], art["inverse_lag"], art["escape"], art["escape_rates"], label])

    def draw(lag):
        fl, E = tp.plateau_flow(lag)
        art["loss"].set_data(fl.times[1:], fl.loss[1:] / E)
        for i, line in enumerate(art["rates"]):
            line.set_data(fl.times[1:], fl.rates[1:, i])
        art["inverse_lag"].set_ydata([1.0 / lag, 1.0 / lag])
        tau = fl.escape
        for line in (art["escape"], art["escape_rates"]):
            line.set_visible(bool(np.isfinite(tau)))
            if np.isfinite(tau):
                line.set_xdata([tau, tau])
        label.set_text(rf"$\ell={lag:g}$: escape at $\tau={tau:.3g}$" if np.isfinite(tau)
                       else rf"$\ell={lag:g}$: no escape by $t=10^7$")

    def show(lag):
        draw(lag)
        return fast.png()

    slider = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in lags], value=start, description="lag ℓ",
                                     continuous_update=False)
    ui = live_figure(fast, draw, {"lag": slider})
    ui.update = show
    return ui


# ----------------------------------------------------------------------------- optimisers
def optimizer_widget(steps: int = 4000):
    r"""Learning rate, optimiser (GD, heavy ball, Adam), momentum, width and lag → loss against step.

    Each setting runs :func:`lrnn.train` once (``steps`` steps; cached, so revisiting is free).

    Parameters
    ----------
    steps : int, default 4000
        Steps of every run (at most 10⁵: one run is computed on each new setting).

    Returns
    -------
    ipywidgets.VBox
        The controls above the image; ``update(lr=..., optimizer=..., momentum=..., width=..., lag=...)``
        returns the PNG of a setting, ``redraw()`` the CPU seconds of one update.
    """
    import ipywidgets as widgets

    from .._validation import as_size

    steps = as_size("steps", steps, limit=100_000, why="one run per new setting of a live widget")

    fast = FastFigure(1, 1, width=6.0, height=3.2)
    ax = fast.axes
    (curve,) = ax.semilogx([1, steps], [1, 1], color=tp.COLORS["blue"], lw=2)
    escape = ax.axvline(1.0, color=tp.COLORS["vermillion"], ls="--", lw=1.2)
    ax.axhline(1.0 - tp.DROP_FRACTION, color=tp.COLORS["black"], ls=":", lw=1)
    status = ax.text(0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=9)
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$J_k\,/\,E_\ell$")
    ax.set_xlim(1, steps)
    ax.set_ylim(*tp.PLATEAU_LIMITS["loss"])
    fast.freeze([curve, escape, status])
    controls = dict(
        lr=widgets.FloatLogSlider(value=0.05, base=10, min=-3, max=0, step=0.25, continuous_update=False,
                                  description="η"),
        optimizer=widgets.Dropdown(options=[("gradient descent", "gd"), ("heavy ball", "momentum"),
                                            ("Adam", "adam")], value="gd", description="optimiser"),
        momentum=widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, continuous_update=False,
                                     description="μ (heavy ball)"),
        width=widgets.IntSlider(value=2, min=2, max=4, continuous_update=False, description="width m"),
        lag=widgets.FloatSlider(value=7.0, min=4.0, max=10.0, step=0.5, continuous_update=False,
                                description="lag ℓ"),
    )

    def draw(lr=0.05, optimizer="gd", momentum=0.9, width=2, lag=7.0):
        run, tau, E = tp.optimizer_run(float(lr), optimizer, int(width), float(lag), int(steps), float(momentum))
        k = np.arange(run.loss.size)
        ok = np.isfinite(run.loss)
        curve.set_data(k[ok][1:], run.loss[ok][1:] / E)
        escape.set_visible(bool(np.isfinite(tau)))
        setting = tp._optimizer_label(lr, optimizer, momentum) + rf", $m={width}$, $\ell={lag:g}$"
        if np.isfinite(tau):
            escape.set_xdata([tau, tau])
            status.set_text(f"{setting}\nescape after {tau:.0f} steps")
        elif run.crossed_at is not None:
            status.set_text(f"{setting}\nleft the stable region at step {run.crossed_at}")
        else:
            status.set_text(f"{setting}\nno escape within {steps} steps")

    def show(lr=0.05, optimizer="gd", momentum=0.9, width=2, lag=7.0):
        draw(lr, optimizer, momentum, width, lag)
        return fast.png()

    header = [widgets.HBox([controls["lr"], controls["optimizer"]]),
              widgets.HBox([controls["momentum"], controls["width"]]), controls["lag"]]
    ui = live_figure(fast, draw, controls, header=header)
    ui.update = show
    return ui


# ----------------------------------------------------------------------------- escape times
def escape_widget(lags=tuple(np.arange(4.0, 15.0))):
    r"""Initial rate :math:`\lambda_0` of the free unit → escape times of the reduced model against the lag.

    Shows the slow-manifold estimate :math:`\tau_s` (within 2 % of the integrated flow once the
    plateau lasts more than about 100 time units; tested in ``tests/test_training.py``), the rigorous
    lower bound, and a line of the predicted asymptotic slope :math:`2\lambda_0`.

    Parameters
    ----------
    lags : sequence of float, default 4, 5, …, 14
        The lags ℓ > 0 of the curves (2 to 64, increasing).

    Returns
    -------
    ipywidgets.VBox
        The slider above the image; ``update(w0)`` returns the PNG for a starting rate, ``redraw()`` the
        CPU seconds of one update.
    """
    import ipywidgets as widgets

    from ..plots._common import frame_values

    lags = frame_values("lags", lags, positive=True)
    if len(lags) < 2 or any(b <= a for a, b in zip(lags[:-1], lags[1:])):
        raise ValueError(f"lags must be at least two increasing lags, got {lags}")

    lags = np.asarray(lags, dtype=float)
    fast = FastFigure(1, 1, width=6.0, height=3.4)
    artists = tp.draw_reduced_estimates(fast.axes, 1.0, tuple(lags.tolist()))
    fast.freeze(list(artists.values()))

    def draw(w0):
        slow, low = tp.reduced_estimates(float(w0), tuple(lags.tolist()))
        artists["slow"].set_ydata(slow)
        artists["lower"].set_ydata(low)
        artists["limit"].set_ydata(slow[-1] * np.exp(2 * w0 * (lags - lags[-1])))
        with np.errstate(divide="ignore"):
            loc = np.diff(np.log(slow))
        artists["title"].set_text(rf"$\lambda_0={w0:.2g}$: local slope {loc[-1]:.2f} at $\ell={lags[-1]:g}$, "
                                  rf"limit $2\lambda_0={2 * w0:.2g}$")

    def show(w0):
        draw(w0)
        return fast.png()

    slider = widgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.1, continuous_update=False, description="λ₀")
    ui = live_figure(fast, draw, {"w0": slider})
    ui.update = show
    return ui
