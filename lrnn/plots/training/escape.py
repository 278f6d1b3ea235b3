r"""Escape times against the lag: fitted slopes, local slopes, and the reduced model's estimates."""

from __future__ import annotations

import functools

import numpy as np

from ..._validation import as_real_array, as_real_scalar
from ...kernels import Delayed
from ...plateau import reduced_escape_estimates
from .._common import discard_on_error, frame_values
from .._style import COLORS, CYCLE, LINESTYLES, new_figure
from .common import DROP_FRACTION

__all__ = ["escape_figure", "escape_rates_figure", "reduced_estimates", "draw_reduced_estimates"]


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
