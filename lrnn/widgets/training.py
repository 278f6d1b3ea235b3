"""Live experiments of the training-dynamics chapter (wrapping :mod:`lrnn.plots.training`)."""

from __future__ import annotations

import numpy as np

from ..plots import training as tp
from ..plots._style import new_figure
from ._base import live

__all__ = ["plateau_widget", "optimizer_widget", "escape_widget"]


def _live(draw, **controls):
    """:func:`lrnn.widgets.live`, restoring pyplot's interactive mode afterwards.

    Building an ``ipywidgets.interactive`` runs ``draw`` once and leaves pyplot in
    non-interactive mode, after which the inline backend no longer shows the
    figures of later cells; this wrapper switches it back on if it was on.
    """
    import matplotlib.pyplot as plt

    was_interactive = plt.isinteractive()
    ui = live(draw, **controls)
    if was_interactive:
        plt.ion()
    return ui


def plateau_widget():
    """Lag slider → loss curve with its plateau and the trajectories of the rates (gradient flow)."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def draw(lag=7.0):
        fig, axes = new_figure(2, 1, width=4.4, height=3.3)
        tp.draw_plateau(axes, lag)
        plt.show()

    return _live(draw, lag=widgets.FloatSlider(value=7.0, min=4.0, max=10.0, step=0.5, continuous_update=False,
                                              description="lag ℓ"))


def optimizer_widget():
    """Learning rate / optimiser / width → loss against steps and the escape step."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    def draw(lr=0.05, optimizer="gd", width=2, lag=7.0):
        fig, ax = new_figure(1, 1, width=5.2, height=3.4)
        tp.draw_optimizer_run(ax, lr, optimizer, width, lag=lag)
        plt.show()

    return _live(
        draw,
        lr=widgets.FloatLogSlider(value=0.05, base=10, min=-3, max=0, step=0.25, continuous_update=False,
                                  description="η"),
        optimizer=widgets.Dropdown(options=["gd", "adam"], value="gd", description="optimiser"),
        width=widgets.IntSlider(value=2, min=2, max=4, continuous_update=False, description="width m"),
        lag=widgets.FloatSlider(value=7.0, min=4.0, max=8.0, step=0.5, continuous_update=False, description="lag ℓ"),
    )


def escape_widget(lags=(4.0, 5.0, 6.0, 7.0, 8.0)):
    """Initial rate of the free unit → escape time against lag in the reduced model, with the fitted exponential."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from .. import training as tr
    from ..kernels import Delayed, Exponential
    from ..rnn import LinearRNN

    lags = np.asarray(lags, dtype=float)

    def draw(w0=1.0):
        taus, pred = [], []
        for lag in lags:
            g = Delayed(lag)
            drop = 0.05 * 0.5 * g.norm(2) ** 2
            fl = tr.gradient_flow(Exponential(1.0) + g, LinearRNN.diagonal([1.0, w0], [1.0, 0.0]), 1e15,
                                  freeze=(0,), n_points=150)
            taus.append(tr.escape_time(fl.loss, fl.times, drop=drop))
            pred.append(tr.reduced_escape_estimates(g, w0, drop)["slaved"])
        fig, ax = new_figure(1, 1, width=5.2, height=3.6)
        tp.escape_figure(lags, {"gradient flow": np.array(taus), "slow-manifold estimate": np.array(pred)}, ax=ax)
        ax.set_title(f"reduced model, $w_0={w0:g}$; theory: slope $\\to 2w_0={2 * w0:g}$", fontsize=9)
        plt.show()

    return _live(draw, w0=widgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.25, continuous_update=False,
                                             description="w₀"))
