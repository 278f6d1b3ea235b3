r"""Figures of the training-dynamics chapter: the plateau mechanism, plateaus, escape times, optimisers.

Each function computes what it shows from :mod:`lrnn.training` (closed-form loss,
stiff gradient flow, exact escape times) and draws it; :mod:`lrnn.widgets.training`
wraps the same drawing code. Notation as in the book: rates :math:`\lambda_i`,
weights :math:`a_i`, the target's short-memory rate :math:`\kappa`, the lag
:math:`\ell` of the memory, the plateau level :math:`E_\ell=\tfrac12\|g_\ell\|_2^2`.

The gradient flows of the plateau problem are cached (:func:`plateau_flow`), so the
static figure, the scrubber and the live widget integrate each lag once.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib import ticker

from .. import training as tr
from .._validation import as_choice, as_real_array, as_real_scalar, as_size
from ..kernels import Delayed
from ..loss import laplace_pair
from ..plateau import escape_time, plateau_problem, reduced_escape_estimates
from ._common import discard_on_error, frame_values
from ._style import COLORS, CYCLE, LINESTYLES, fast_mode, new_figure

__all__ = ["mechanism_diagram", "plateau_flow", "plateau_artists", "draw_plateau", "plateau_figure", "plateau_scrubber",
           "escape_figure", "escape_rates_figure", "draw_reduced_estimates", "reduced_estimates",
           "optimizer_run", "draw_optimizer_run", "draw_optimizer_runs", "optimizer_figure", "sampled_figure",
           "PLATEAU_LIMITS", "DROP_FRACTION"]

#: The escape criterion of the chapter: a drop of 5 % of the plateau level.
DROP_FRACTION = 0.05
#: Fixed axis limits of the plateau panels (flow time, J/E, rates), the same for every lag.
PLATEAU_LIMITS = {"time": (1e-3, 1e7), "loss": (0.5, 1.08), "rates": (0.04, 8.0)}


# ----------------------------------------------------------------------------- the diagram
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


# ----------------------------------------------------------------------------- plateau figure
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

    from ._scrubber import scrubber

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


# ----------------------------------------------------------------------------- escape times
def _two_axes(axes):
    axes = list(np.ravel(axes))
    if len(axes) != 2:
        raise ValueError(f"axes must provide two Axes, got {len(axes)}")
    return axes


def _as_taus(taus, lags: np.ndarray) -> dict:
    """``{label: escape times}`` as float arrays of the shape of ``lags`` (``inf`` or NaN: no escape)."""
    if not isinstance(taus, dict) or not taus:
        raise TypeError("taus must be a non-empty dict {label: escape times}")
    out = {}
    for label, tau in taus.items():
        name = f"taus[{label!r}]"
        raw = None if isinstance(tau, (str, bytes)) or tau is None else np.asarray(tau)
        if raw is None or raw.dtype.kind not in "iuf":
            as_real_array(name, tau, ndim=1)          # raises, naming the entry
        tau = raw.astype(float)
        if tau.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {tau.shape}")
        if tau.shape != lags.shape:
            raise ValueError(f"taus[{label!r}] must have the shape of lags {lags.shape}, got {tau.shape}")
        out[label] = tau
    return out


def _fit_series(ax, lags, taus: dict):
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
        ax.semilogy(lags[ok], tau[ok], "os^dv"[i % 5], color=CYCLE[i], ms=4.5, label=f"{label}: slope {beta:.2f}")
        ax.semilogy(lags, np.exp(alpha + beta * lags), color=CYCLE[i], ls=LINESTYLES[i], lw=1.1)
    return slopes


@discard_on_error
def escape_figure(lags, taus: dict, *, ax=None):
    r"""Escape time against lag on a semi-log plot, with a least-squares line :math:`\log\tau=c_0+c_1\ell` per series.

    Parameters
    ----------
    lags : array_like
        The lags :math:`\ell`.
    taus : dict
        ``{label: escape times}`` (one array per series, same length as ``lags``;
        non-finite values are skipped in the fit).
    ax : matplotlib Axes, optional
        Draw there instead of on a new figure.

    Returns
    -------
    (Figure, dict)
        The figure and ``{label: fitted slope c₁}``.
    """
    lags = as_real_array("lags", lags, ndim=1, nonempty=True)
    taus = _as_taus(taus, lags)
    if ax is None:
        fig, ax = new_figure(1, 1, width=5.2, height=3.6)
    else:
        fig = ax.figure
    slopes = _fit_series(ax, lags, taus)
    ax.set_xlabel(r"lag $\ell$ of the memory")
    ax.set_ylabel(r"escape time $\tau$")
    ax.legend(loc="upper left", fontsize=8)
    return fig, slopes


@discard_on_error
def escape_rates_figure(lags, taus: dict, *, limit: float, limit_label: str = r"$2\lambda_0$"):
    r"""Two panels: escape time against lag (semi-log, fitted lines) and its local slopes against lag.

    The local slope between consecutive lags is :math:`(\log\tau_{k+1}-\log\tau_k)/(\ell_{k+1}-\ell_k)`,
    drawn at the midpoint; the dotted line is the predicted limit ``limit``.

    Parameters
    ----------
    lags : array_like, shape (n,)
        The lags :math:`\ell` (at least two, increasing).
    taus : dict
        ``{label: escape times}`` (one array of shape (n,) per series; ``inf`` for no escape).
    limit : float
        The predicted limit of the local slope (> 0).
    limit_label : str, default "$2\lambda_0$"
        How the limit is named on the figure.

    Returns
    -------
    (Figure, dict, dict)
        The figure, ``{label: fitted slope}`` and ``{label: local slopes}``.
    """
    lags = as_real_array("lags", lags, ndim=1)
    if lags.size < 2 or np.any(np.diff(lags) <= 0):
        raise ValueError(f"lags must be at least two increasing lags, got {lags}")
    limit = as_real_scalar("limit", limit, positive=True)
    if not isinstance(limit_label, str):
        raise TypeError(f"limit_label must be a string, got {type(limit_label).__name__}")
    taus = _as_taus(taus, lags)
    fig, (ax_tau, ax_slope) = new_figure(2, 1, width=3.4, height=3.0)
    slopes = _fit_series(ax_tau, lags, taus)
    ax_tau.set_xlabel(r"lag $\ell$ of the memory")
    ax_tau.set_ylabel(r"escape time $\tau$")
    ax_tau.legend(loc="upper left", fontsize=7.5)
    local = {}
    mid = 0.5 * (lags[1:] + lags[:-1])
    for i, (label, tau) in enumerate(taus.items()):
        with np.errstate(divide="ignore", invalid="ignore"):
            loc = np.diff(np.log(np.asarray(tau, dtype=float))) / np.diff(lags)
        local[label] = loc
        ok = np.isfinite(loc)
        ax_slope.plot(mid[ok], loc[ok], marker="os^dv"[i % 5], color=CYCLE[i], ls=LINESTYLES[i], lw=1.2, ms=4)
    ax_slope.axhline(limit, color=COLORS["black"], ls=":", lw=1.2)
    ax_slope.text(mid[-1], limit * 1.03, f"limit {limit_label}$={limit:g}$", fontsize=8, va="bottom", ha="right")
    ax_slope.set_xlabel(r"lag $\ell$")
    ax_slope.set_ylabel(r"local slope $\Delta\log\tau/\Delta\ell$")
    ax_slope.set_ylim(0, limit * 1.35)
    return fig, slopes, local


@functools.lru_cache(maxsize=128)
def _reduced_estimates(start_rate: float, lags: tuple) -> tuple[np.ndarray, np.ndarray]:
    slow, low = [], []
    for lag in lags:
        g = Delayed(lag)
        est = reduced_escape_estimates(g, start_rate, DROP_FRACTION * 0.5 * g.norm(2) ** 2)
        slow.append(est["slaved"])
        low.append(est["lower"])
    return np.array(slow), np.array(low)


def reduced_estimates(start_rate: float, lags: tuple) -> tuple[np.ndarray, np.ndarray]:
    r"""Slow-manifold escape times :math:`\tau_s` and the rigorous lower bounds of the reduced model (cached).

    The reduced model: unit 1 frozen on :math:`e^{-t}`, the free unit started at
    :math:`(a,\lambda)=(0,\lambda_0)` against the bump at each lag, escape drop
    :data:`DROP_FRACTION` of :math:`E_\ell` (:func:`lrnn.plateau.reduced_escape_estimates`).

    Parameters
    ----------
    start_rate : float
        The starting rate λ₀ > 0 of the free unit.
    lags : sequence of float
        The lags ℓ > 0 (at most 64).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The estimates :math:`\tau_s` and the lower bounds, one per lag.
    """
    start_rate = as_real_scalar("start_rate", start_rate, positive=True)
    return _reduced_estimates(start_rate, tuple(frame_values("lags", lags, positive=True)))


reduced_estimates.cache_clear = _reduced_estimates.cache_clear


def draw_reduced_estimates(ax, start_rate: float, lags=tuple(np.arange(4.0, 15.0))) -> dict:
    r"""Escape times of the reduced model against lag for one starting rate :math:`\lambda_0`.

    Draws the slow-manifold estimate :math:`\tau_s` and the rigorous lower bound on a semi-log
    axis, and a line of the predicted asymptotic slope :math:`2\lambda_0` through the last estimate.
    The axis limits are fixed for :math:`\lambda_0\in[0.5,1.5]`.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    start_rate : float
        The starting rate λ₀ > 0 of the free unit.
    lags : sequence of float, default 4, 5, …, 14
        The lags ℓ > 0 (at least two, increasing; at most 64).

    Returns
    -------
    dict
        The artists (``"slow"``, ``"lower"``, ``"limit"``, ``"title"``), so that a live widget can
        update them.
    """
    start_rate = as_real_scalar("start_rate", start_rate, positive=True)
    lags = np.array(frame_values("lags", lags, positive=True))
    if lags.size < 2 or np.any(np.diff(lags) <= 0):
        raise ValueError(f"lags must be at least two increasing lags, got {lags}")
    slow, low = reduced_estimates(start_rate, tuple(lags.tolist()))
    (l_slow,) = ax.semilogy(lags, slow, "o-", color=COLORS["blue"], lw=1.6, ms=4,
                            label=r"slow-manifold estimate $\tau_s$")
    (l_low,) = ax.semilogy(lags, low, "s--", color=COLORS["green"], lw=1.2, ms=3.5, label="rigorous lower bound")
    (l_lim,) = ax.semilogy(lags, slow[-1] * np.exp(2 * start_rate * (lags - lags[-1])), ":", color=COLORS["black"],
                           lw=1.3, label=r"slope $2\lambda_0$")
    with np.errstate(divide="ignore"):
        loc = np.diff(np.log(slow))
    title = ax.set_title(rf"$\lambda_0={start_rate:.2g}$: local slope {loc[-1]:.2f} at $\ell={lags[-1]:g}$, "
                         rf"limit $2\lambda_0={2 * start_rate:.2g}$", fontsize=9)
    ax.set_xlabel(r"lag $\ell$ of the memory")
    ax.set_ylabel(r"escape time $\tau$")
    ax.set_ylim(1e-2, 1e17)
    ax.legend(loc="upper left", fontsize=8)
    return {"slow": l_slow, "lower": l_low, "limit": l_lim, "title": title}


# ----------------------------------------------------------------------------- optimisers
@functools.lru_cache(maxsize=256)
def _optimizer_run(lr: float, optimizer: str, width: int, lag: float, steps: int, momentum: float):
    target, init, E = plateau_problem(lag, width=width)
    run = tr.train(target, init, steps, lr, optimizer, momentum=momentum)
    ok = np.isfinite(run.loss)
    k = np.arange(run.loss.size)
    tau = escape_time(run.loss[ok], k[ok], drop=DROP_FRACTION * E, level=E)
    return run, tau, E


def optimizer_run(lr: float, optimizer: str = "gd", width: int = 2, lag: float = 7.0, steps: int = 4000,
                  momentum: float = 0.9):
    r"""One run of :func:`lrnn.train` on :func:`lrnn.training.plateau_problem`, with its escape step (cached).

    Runs are cached by their settings (however the arguments are passed), so a figure, the live
    widget and a later cell share them; do not modify the returned arrays.

    Parameters
    ----------
    lr : float
        The learning rate η > 0.
    optimizer : {"gd", "momentum", "adam"}, default "gd"
        The optimiser.
    width : int, default 2
        The width m of the model (2 to 64).
    lag : float, default 7
        The lag ℓ > 0 of the memory.
    steps : int, default 4000
        Training steps (at most 10⁶).
    momentum : float, default 0.9
        The heavy-ball coefficient μ ∈ [0, 1) (used by ``"momentum"`` only).

    Returns
    -------
    (lrnn.training.TrainingRun, float, float)
        The run, the escape step (``inf`` if none within ``steps``) and :math:`E_\ell`.
    """
    lr = as_real_scalar("lr", lr, positive=True)
    optimizer = as_choice("optimizer", optimizer, ("gd", "momentum", "adam"))
    width = as_size("width", width, limit=64, why="the plateau problem's widths", minimum=2)
    lag = as_real_scalar("lag", lag, positive=True)
    steps = as_size("steps", steps, limit=10**6, why="training steps of one cached run")
    momentum = as_real_scalar("momentum", momentum, minimum=0.0, below=1.0)
    return _optimizer_run(lr, optimizer, width, lag, steps, momentum)


optimizer_run.cache_clear = _optimizer_run.cache_clear


def _optimizer_label(lr: float, optimizer: str, momentum: float) -> str:
    """A legend label such as "heavy ball, η=0.005, μ=0.9"."""
    name = {"gd": "GD", "momentum": "heavy ball", "adam": "Adam"}[optimizer]
    extra = rf", $\mu={momentum:g}$" if optimizer == "momentum" else ""
    return rf"{name}, $\eta={lr:g}${extra}"


def draw_optimizer_runs(ax, settings, *, width: int = 2, lag: float = 7.0, steps: int = 4000) -> list[float]:
    r"""Loss against step for several optimiser settings on the plateau problem; returns the escape steps.

    Each run is drawn as :math:`J_k/E_\ell` on a log step axis with its escape step marked (dashed).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    settings : sequence of tuple
        ``(lr, optimizer)`` or ``(lr, optimizer, momentum)`` per run (at most 7), see :func:`optimizer_run`.
    width : int, default 2
        The width m of the model.
    lag : float, default 7
        The lag ℓ of the memory.
    steps : int, default 4000
        Training steps.

    Returns
    -------
    list of float
        The escape step of each setting (``inf`` where there is none).
    """
    if isinstance(settings, (str, bytes)) or not hasattr(settings, "__len__") or not 1 <= len(settings) <= 7:
        raise ValueError("settings must be 1 to 7 tuples (lr, optimizer) or (lr, optimizer, momentum)")
    taus = []
    for i, setting in enumerate(settings):
        if not isinstance(setting, (tuple, list)) or len(setting) not in (2, 3):
            raise ValueError(f"settings[{i}] must be (lr, optimizer) or (lr, optimizer, momentum), got {setting!r}")
        lr, optimizer, *rest = setting
        mu = rest[0] if rest else 0.9
        run, tau, E = optimizer_run(lr, optimizer, width, lag, steps, mu)
        k = np.arange(run.loss.size)
        ok = np.isfinite(run.loss)
        label = _optimizer_label(lr, optimizer, mu)
        label += f": escape at step {tau:.0f}" if np.isfinite(tau) else ": no escape"
        ax.semilogx(k[ok][1:], run.loss[ok][1:] / E, color=CYCLE[i], ls=LINESTYLES[i], lw=1.8, label=label)
        if np.isfinite(tau):
            ax.axvline(tau, color=CYCLE[i], ls="--", lw=0.9)
        taus.append(tau)
    ax.axhline(1.0 - DROP_FRACTION, color=COLORS["black"], ls=":", lw=1)
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$J_k\,/\,E_\ell$")
    ax.set_xlim(1, steps)
    ax.set_ylim(PLATEAU_LIMITS["loss"])
    ax.legend(loc="lower left", fontsize=8)
    return taus


def draw_optimizer_run(ax, lr: float = 0.05, optimizer: str = "gd", width: int = 2, *, lag: float = 7.0,
                       steps: int = 4000) -> float:
    """One setting of :func:`draw_optimizer_runs` (kept for earlier callers).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    lr : float, default 0.05
        The learning rate η > 0.
    optimizer : {"gd", "momentum", "adam"}, default "gd"
        The optimiser.
    width : int, default 2
        The width m of the model.
    lag : float, default 7
        The lag ℓ of the memory.
    steps : int, default 4000
        Training steps.

    Returns
    -------
    float
        The escape step (``inf`` if none).
    """
    return draw_optimizer_runs(ax, [(lr, optimizer)], width=width, lag=lag, steps=steps)[0]


@discard_on_error
def optimizer_figure(settings=((0.05, "gd"), (0.005, "momentum", 0.9), (0.01, "adam")), *, width: int = 2,
                     lag: float = 7.0, steps: int = 4000):
    """The static figure of :func:`draw_optimizer_runs`.

    Parameters
    ----------
    settings : sequence of tuple, default GD (η = 0.05), heavy ball (η = 0.005, μ = 0.9), Adam (η = 0.01)
        ``(lr, optimizer)`` or ``(lr, optimizer, momentum)`` per run.
    width : int, default 2
        The width m of the model.
    lag : float, default 7
        The lag ℓ of the memory.
    steps : int, default 4000
        Training steps.

    Returns
    -------
    (Figure, list of float)
        The figure and the escape step of each setting (``inf`` where there is none).
    """
    fig, ax = new_figure(1, 1, width=6.0, height=3.2)
    taus = draw_optimizer_runs(ax, settings, width=width, lag=lag, steps=steps)
    return fig, taus


# ----------------------------------------------------------------------------- sampled data
@discard_on_error
def sampled_figure(runs: dict):
    r"""Sampled-data training: the empirical loss (solid) and the exact loss :math:`J` of the same iterates (dashed).

    Parameters
    ----------
    runs : dict
        ``{lag: (SampledRun, E_ℓ)}`` from :func:`lrnn.training.train_sampled`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D

    if not isinstance(runs, dict) or not runs:
        raise TypeError("runs must be a non-empty dict {lag: (SampledRun, E)}")
    fig, ax = new_figure(1, 1, width=6.0, height=3.2)
    handles = []
    for i, (lag, (run, E)) in enumerate(runs.items()):
        k = np.arange(1, run.loss.size)
        ax.semilogx(k, run.loss[1:] / E, color=CYCLE[i], lw=1.5)
        ax.semilogx(k, run.exact_loss[1:] / E, color=CYCLE[i], ls="--", lw=1.5)
        handles.append(Line2D([], [], color=CYCLE[i], lw=2, label=rf"$\ell={lag:g}$"))
    batch = next(iter(runs.values()))[0].meta.get("batch", "the")
    handles += [Line2D([], [], color="0.3", lw=1.5, label=f"loss on the {batch} sampled sequences"),
                Line2D([], [], color="0.3", lw=1.5, ls="--", label=r"exact $J$ of the same iterate")]
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"loss $/\,E_\ell$")
    ax.set_ylim(0.5, 1.1)
    ax.legend(handles=handles, loc="lower left", fontsize=8, ncols=2)
    return fig
