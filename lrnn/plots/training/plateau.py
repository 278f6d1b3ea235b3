r"""The plateau of gradient flow on the plateau problem: the cached flows, the figure and its scrubber."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib import ticker

from ... import training as tr
from ..._validation import as_real_scalar, as_size
from ...plateau import plateau_problem
from .._common import discard_on_error, frame_values
from .._style import COLORS, CYCLE, LINESTYLES, fast_mode, new_figure
from .common import DROP_FRACTION, PLATEAU_LIMITS

__all__ = ["plateau_flow", "plateau_artists", "draw_plateau", "plateau_figure", "plateau_scrubber"]


@functools.lru_cache(maxsize=64)
def _plateau_flow(lag: float, t_max: float, n_points: int):
    target, init, E = plateau_problem(lag)
    flow = tr.gradient_flow(target, init, t_max, n_points=n_points, drop=DROP_FRACTION * E, level=E)
    return flow, E


def plateau_flow(lag: float, t_max: float = 1e7, n_points: int = 300):
    r"""The gradient flow of :func:`lrnn.plateau.plateau_problem` at ``lag``, with its exact escape time (cached).

    The escape criterion is the chapter's: a drop of :data:`DROP_FRACTION` of the plateau level
    :math:`E_\ell` below :math:`E_\ell`. The result is shared by every caller: do not modify its arrays.

    Parameters
    ----------
    lag : float
        The lag ℓ > 0 of the memory (the flow takes longer as it grows: lags beyond about 15 do not
        escape by :math:`t = 10^7`).
    t_max : float, default 1e7
        The end of the flow (> 0).
    n_points : int, default 300
        Points of the returned trajectory (2 to 10⁵).

    Returns
    -------
    (lrnn.training.FlowRun, float)
        The flow (``escape`` set) and :math:`E_\ell`.
    """
    lag = as_real_scalar("lag", lag, positive=True)
    t_max = as_real_scalar("t_max", t_max, positive=True)
    n_points = as_size("n_points", n_points, limit=100_000, why="points of one trajectory", minimum=2)
    return _plateau_flow(lag, t_max, n_points)


plateau_flow.cache_clear = _plateau_flow.cache_clear


def _two_axes(axes):
    axes = list(np.ravel(axes))
    if len(axes) != 2:
        raise ValueError(f"axes must provide two Axes, got {len(axes)}")
    return axes


def plateau_artists(axes, lag: float, *, reference_lags=()) -> dict:
    r"""Draw :func:`draw_plateau` and return its artists by name.

    ``"loss"``, ``"escape"`` (left panel), ``"rates"`` (a list), ``"inverse_lag"``, ``"escape_rates"``
    (right panel), and ``"tau"``, the escape time. The escape lines are drawn (hidden) even when
    there is no escape, so that a live widget can move them.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (loss, rates).
    lag : float
        The lag ℓ > 0.
    reference_lags : sequence of float, default ()
        Lags whose loss curves are drawn faintly for comparison (at most 64).

    Returns
    -------
    dict
    """
    lag = as_real_scalar("lag", lag, positive=True)
    refs = frame_values("reference_lags", reference_lags, positive=True) if len(reference_lags) else []
    ax_loss, ax_rate = _two_axes(axes)
    for ref in refs:
        fl, E = plateau_flow(ref)
        ax_loss.semilogx(fl.times[1:], fl.loss[1:] / E, color="0.72", lw=1)
    fl, E = plateau_flow(lag)
    tau = fl.escape
    finite = bool(np.isfinite(tau))
    (loss,) = ax_loss.semilogx(fl.times[1:], fl.loss[1:] / E, color=COLORS["blue"], lw=2, label=rf"$\ell={lag:g}$")
    ax_loss.axhline(1.0 - DROP_FRACTION, color=COLORS["black"], ls=":", lw=1)
    escape = ax_loss.axvline(tau if finite else 1.0, color=COLORS["vermillion"], ls="--", lw=1.2,
                             label=rf"escape $\tau={tau:.3g}$" if finite else None, visible=finite)
    ax_loss.set_xlabel("flow time $t$")
    ax_loss.set_ylabel(r"$J(t)\,/\,E_\ell$")
    ax_loss.set_xlim(*PLATEAU_LIMITS["time"])
    ax_loss.set_ylim(*PLATEAU_LIMITS["loss"])
    ax_loss.legend(loc="lower left")
    rates = []
    for i in range(fl.rates.shape[1]):
        (line,) = ax_rate.loglog(fl.times[1:], fl.rates[1:, i], color=CYCLE[i], ls=LINESTYLES[i], lw=2,
                                 label=rf"$\lambda_{i + 1}(t)$")
        rates.append(line)
    inverse_lag = ax_rate.axhline(1.0 / lag, color=COLORS["black"], ls=":", lw=1, label=r"$1/\ell$")
    escape_rates = ax_rate.axvline(tau if finite else 1.0, color=COLORS["vermillion"], ls="--", lw=1.2,
                                   visible=finite)
    ax_rate.set_xlabel("flow time $t$")
    ax_rate.set_ylabel(r"rates $\lambda_i$")
    ax_rate.set_xlim(*PLATEAU_LIMITS["time"])
    ax_rate.set_ylim(*PLATEAU_LIMITS["rates"])
    ax_rate.legend(loc="lower left")
    for ax in (ax_loss, ax_rate):                       # a label every other decade, no minor ticks on time
        ax.xaxis.set_major_locator(ticker.LogLocator(numticks=6))
        ax.xaxis.set_minor_locator(ticker.NullLocator())
    return {"loss": loss, "escape": escape, "rates": rates, "inverse_lag": inverse_lag,
            "escape_rates": escape_rates, "tau": tau}


def draw_plateau(axes, lag: float, *, reference_lags=()) -> float:
    r"""Loss curve and rate trajectories of the gradient flow on the plateau problem at one lag.

    Left: :math:`J(t)/E_\ell` against flow time (log axis), the escape threshold and the escape
    time; faint curves for ``reference_lags``. Right: the rates :math:`\lambda_i(t)` (log axes) and
    :math:`1/\ell`. The axis limits are :data:`PLATEAU_LIMITS` for every lag.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (loss, rates).
    lag : float
        The lag ℓ > 0.
    reference_lags : sequence of float, default ()
        Lags whose loss curves are drawn faintly for comparison.

    Returns
    -------
    float
        The escape time (``inf`` if none by :math:`t = 10^7`).
    """
    return plateau_artists(axes, lag, reference_lags=reference_lags)["tau"]


@discard_on_error
def plateau_figure(lag: float = 7.0, *, reference_lags=(4.0, 5.0, 6.0, 8.0)):
    """The static figure: :func:`draw_plateau` on a new pair of axes.

    Parameters
    ----------
    lag : float, default 7
        The lag ℓ > 0.
    reference_lags : sequence of float, default (4, 5, 6, 8)
        Lags drawn faintly for comparison.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(2, 1, width=3.4, height=2.9)
    draw_plateau(axes, lag, reference_lags=reference_lags)
    return fig


def plateau_scrubber(lags=None):
    """Kernel-free scrubber over the lag: one frame of :func:`draw_plateau` per lag.

    Default lags 4, 5, …, 10 (4, 5, 6 under the test suite's :func:`~lrnn.plots.fast_mode`).
    Wraps :func:`lrnn.plots.scrubber` and afterwards restores pyplot's interactive mode
    (rendering the animation leaves it off, and then the inline backend no longer shows
    the figures of later cells).

    Parameters
    ----------
    lags : sequence of float, optional
        The lags ℓ > 0 of the frames (at most 64).

    Returns
    -------
    IPython.display.HTML
    """
    import matplotlib.pyplot as plt

    from .._scrubber import scrubber

    if lags is None:
        lags = (4.0, 5.0, 6.0) if fast_mode() else (4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)
    lags = frame_values("lags", lags, positive=True)
    was_interactive = plt.isinteractive()
    html = scrubber(lambda axes, lag: draw_plateau(axes, lag), lags, ncols=2, width=3.4, height=2.9,
                    alt="Two panels per frame, one frame per memory lag from "
                        f"{lags[0]:g} to {lags[-1]:g}: left, the loss relative to the plateau level against "
                        "flow time on a log axis, flat until the escape time and then dropping; right, the two "
                        "rates, one of which leaves the short-memory scale for one over the lag at the escape. "
                        "The plateau lengthens with every step of the lag.")
    if was_interactive:
        plt.ion()
    return html
