"""Live experiments of the training-dynamics chapter (wrapping :mod:`lrnn.plots.training`).

Every widget draws its figure once and, when a control moves, redraws only the artists
that change (matplotlib blitting on an Agg canvas) and sends the new image as a PNG to an
``ipywidgets.Image``: an update costs the computation (cached per setting, most of it
precomputed) plus a few tens of milliseconds of drawing, instead of rebuilding and
re-rendering the whole figure. ``benchmarks/bench_training.py`` measures the updates.
"""

from __future__ import annotations

import io

import numpy as np

from ..plots import training as tp
from ..plots._style import figure_size, style_axes

__all__ = ["plateau_widget", "optimizer_widget", "escape_widget", "FastFigure"]


class FastFigure:
    """A figure rendered once, then updated by redrawing only its changing ("animated") artists.

    Parameters
    ----------
    ncols, nrows, width, height
        Panels and the design size of one panel in inches, as in :func:`lrnn.plots.new_figure`.

    Notes
    -----
    Build the picture on :attr:`axes`, call :meth:`freeze` with the artists that will change, then
    after each change call :meth:`png`: it restores the saved background (axes, ticks, labels,
    legends), draws the changing artists, and encodes the canvas as PNG. The figure is not
    registered with pyplot, so it never shows up as a stray inline figure.
    """

    def __init__(self, ncols: int = 1, nrows: int = 1, width: float = 4.2, height: float = 3.2):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=figure_size(ncols, nrows, width, height), layout="constrained",
                             facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        axes = self.figure.subplots(nrows, ncols, squeeze=False)
        for ax in axes.ravel():
            style_axes(ax)
        self.axes = axes[0, 0] if axes.size == 1 else (axes[0] if nrows == 1 else axes)
        self.dynamic: list = []
        self._background = None

    def freeze(self, dynamic) -> None:
        """Render the static part once (layout fixed from now on); ``dynamic`` artists are redrawn by :meth:`png`."""
        self.dynamic = list(dynamic)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.canvas.draw()
        self.figure.set_layout_engine("none")
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)

    def png(self) -> bytes:
        """The current picture as PNG bytes (static background + the dynamic artists)."""
        from PIL import Image

        if self._background is None:
            raise RuntimeError("call freeze() before png()")
        self.canvas.restore_region(self._background)
        for artist in self.dynamic:
            self.figure.draw_artist(artist)
        buf = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
        return buf.getvalue()


def _image(fast: FastFigure):
    import ipywidgets as widgets

    return widgets.Image(value=fast.png(), format="png")


# ----------------------------------------------------------------------------- plateau
def plateau_widget(lags=tuple(np.arange(4.0, 13.0))):
    """Lag slider → the loss curve with its plateau and the trajectories of the rates (gradient flow).

    The flows (default lags 4, 5, …, 12) come from :func:`lrnn.plots.training.plateau_flow`, which
    caches them: the lags already drawn by the chapter's figure and scrubber cost nothing, the others
    are integrated once, on their first visit (about 0.1 s); moving the slider then only swaps the curves.
    """
    import ipywidgets as widgets

    lags = [float(v) for v in lags]
    fast = FastFigure(2, 1, width=3.4, height=2.9)
    ax_loss, ax_rate = fast.axes
    start = 7.0 if 7.0 in lags else lags[len(lags) // 2]
    art = tp.plateau_artists((ax_loss, ax_rate), start)
    ax_loss.legend_.remove()
    label = ax_loss.text(0.03, 0.05, "", transform=ax_loss.transAxes, fontsize=9)
    fast.freeze([art["loss"], *art["rates"], art["inverse_lag"], art["escape"], art["escape_rates"], label])

    def show(lag):
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
        return fast.png()

    image = widgets.Image(value=show(start), format="png")
    slider = widgets.SelectionSlider(options=[(f"{v:g}", v) for v in lags], value=start, description="lag ℓ",
                                     continuous_update=False)
    slider.observe(lambda change: setattr(image, "value", show(change["new"])), names="value")
    ui = widgets.VBox([slider, image])
    ui.update = show
    return ui


# ----------------------------------------------------------------------------- optimisers
def optimizer_widget(steps: int = 4000):
    r"""Learning rate, optimiser (GD, heavy ball, Adam), momentum, width and lag → loss against step.

    Each setting runs :func:`lrnn.train` once (``steps`` steps; cached, so revisiting is free).
    """
    import ipywidgets as widgets

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

    def show(lr=0.05, optimizer="gd", momentum=0.9, width=2, lag=7.0):
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
        return fast.png()

    image = widgets.Image(value=show(), format="png")

    def update(_change=None):
        image.value = show(**{name: c.value for name, c in controls.items()})

    for c in controls.values():
        c.observe(update, names="value")
    ui = widgets.VBox([widgets.HBox([controls["lr"], controls["optimizer"]]),
                       widgets.HBox([controls["momentum"], controls["width"]]), controls["lag"], image])
    ui.update = show
    return ui


# ----------------------------------------------------------------------------- escape times
def escape_widget(lags=tuple(np.arange(4.0, 15.0))):
    r"""Initial rate :math:`\lambda_0` of the free unit → escape times of the reduced model against the lag.

    Shows the slow-manifold estimate :math:`\tau_s` (within 2 % of the integrated flow once the
    plateau lasts more than about 100 time units; tested in ``tests/test_training.py``), the rigorous
    lower bound, and a line of the predicted asymptotic slope :math:`2\lambda_0`.
    """
    import ipywidgets as widgets

    lags = np.asarray(lags, dtype=float)
    fast = FastFigure(1, 1, width=6.0, height=3.4)
    artists = tp.draw_reduced_estimates(fast.axes, 1.0, tuple(lags.tolist()))
    fast.freeze(list(artists.values()))

    def show(w0):
        slow, low = tp.reduced_estimates(float(w0), tuple(lags.tolist()))
        artists["slow"].set_ydata(slow)
        artists["lower"].set_ydata(low)
        artists["limit"].set_ydata(slow[-1] * np.exp(2 * w0 * (lags - lags[-1])))
        with np.errstate(divide="ignore"):
            loc = np.diff(np.log(slow))
        artists["title"].set_text(rf"$\lambda_0={w0:.2g}$: local slope {loc[-1]:.2f} at $\ell={lags[-1]:g}$, "
                                  rf"limit $2\lambda_0={2 * w0:.2g}$")
        return fast.png()

    image = widgets.Image(value=show(1.0), format="png")
    slider = widgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.1, continuous_update=False, description="λ₀")
    slider.observe(lambda change: setattr(image, "value", show(change["new"])), names="value")
    ui = widgets.VBox([slider, image])
    ui.update = show
    return ui
