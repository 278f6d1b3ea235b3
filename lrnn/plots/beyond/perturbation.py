r"""The perturbation error :math:`E_m(\delta)` of best fits: curves, figure and scrubber."""

from __future__ import annotations

import numpy as np

from ... import memory as mem
from ..._validation import as_bool, as_real_array, as_real_scalar, as_size
from ...approximation import fit
from ...distance import distance
from ...kernels import require_kernel
from .._common import discard_on_error, log_ticks
from .._style import COLORS, CYCLE, LINESTYLES, new_figure

from .common import _top_legend

__all__ = ["perturbation_curves", "draw_perturbation", "perturbation_figure", "perturbation_scrubber"]


def perturbation_curves(target, widths, deltas, *, n_samples: int = 32) -> dict:
    r"""Fit width-m models (free rates, :func:`lrnn.fit`) and compute :math:`E_m(\delta)` for each width.

    Parameters
    ----------
    target : Kernel
        The target kernel.
    widths : sequence of int
        The widths m (1 to 32 each, at most 16 of them).
    deltas : array_like, shape (k,)
        Perturbation sizes δ ≥ 0 (at most 10³).
    n_samples : int, default 32
        Random perturbations per δ (:func:`lrnn.memory.perturbation_error`).

    Returns
    -------
    dict
        ``{m: {"E": E_m(deltas), "min_rate": λ_min, "error": relative L² error at δ = 0}}``.
    """
    target = require_kernel(target, "target")
    deltas = _as_deltas(deltas)
    widths = _as_widths(widths)
    out = {}
    for m in widths:
        model = fit(target, int(m))
        r = -np.diag(np.asarray(model.W))
        with np.errstate(over="ignore"):    # the half-line quadrature evaluates the kernels at t = inf
            error = float(distance(target, model, 2) / target.norm(2))
        out[int(m)] = {"E": mem.perturbation_error(target, model, deltas, n_samples=n_samples),
                       "min_rate": float(r.min()), "error": error}
    return out


_E_FLOOR, _E_TOP = 1e-9, 1.0


def _as_deltas(deltas, positive: bool = False) -> np.ndarray:
    """Perturbation sizes: 1 to 10³ non-negative (or positive), increasing numbers."""
    deltas = as_real_array("deltas", deltas, ndim=1, nonempty=True)
    if deltas.size > 1000:
        raise ValueError(f"deltas must contain at most 1000 perturbation sizes, got {deltas.size}")
    if np.any(deltas <= 0 if positive else deltas < 0):
        raise ValueError(f"deltas must be {'positive' if positive else 'non-negative'}, got minimum {deltas.min():g}")
    if np.any(np.diff(deltas) <= 0):
        raise ValueError("deltas must be increasing")
    return deltas


def _as_widths(widths) -> list[int]:
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or not 1 <= len(widths) <= 16:
        raise ValueError("widths must be 1 to 16 integer widths")
    return [as_size("widths", m, limit=32, why="one free fit per width") for m in widths]


def _as_curves(curves, size: int, name: str = "curves") -> dict:
    """``{m: {"E": array of shape (size,), "min_rate": float, ...}}`` as returned by perturbation_curves."""
    if not isinstance(curves, dict):
        raise TypeError(f"{name} must be a dict {{m: {{'E': ..., 'min_rate': ...}}}}, got {type(curves).__name__}")
    for m, c in curves.items():
        if not isinstance(c, dict) or "E" not in c or "min_rate" not in c:
            raise TypeError(f"{name}[{m!r}] must be a dict with entries 'E' and 'min_rate'")
        E = np.asarray(c["E"])
        if E.shape != (size,) or E.dtype.kind not in "f":
            raise ValueError(f"{name}[{m!r}]['E'] must be {size} floats (one per delta), got shape {E.shape}")
    return curves


def draw_perturbation(ax, deltas, curves: dict, *, title: str = "", delta_marker: float | None = None,
                      legend: bool = True, beta_marker: float | None = None) -> dict:
    r""":math:`E_m(\delta)` against :math:`\delta` (log–log), one curve per width; an unstable model is drawn at the top.

    Thin vertical lines mark :math:`\delta=\lambda_{\min}(m)` when it lies in the range.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    deltas : array_like, shape (k,)
        Perturbation sizes δ > 0, increasing.
    curves : dict
        ``{m: {"E": ..., "min_rate": ...}}`` from :func:`perturbation_curves` for the same ``deltas``.
    title : str, default ""
        The panel's title.
    delta_marker : float, optional
        A δ to mark with a dotted line (hidden when None).
    legend : bool, default True
        Draw a legend.
    beta_marker : float, optional
        The former name of ``delta_marker``.

    Returns
    -------
    dict
        The artists ``{"curves": {m: Line2D}, "thresholds": {m: Line2D}, "marker": Line2D}`` for in-place
        updates.
    """
    deltas = _as_deltas(deltas, positive=True)
    if delta_marker is None:
        delta_marker = beta_marker
    if delta_marker is not None:
        delta_marker = as_real_scalar("delta_marker", delta_marker, positive=True)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    legend = as_bool("legend", legend)
    curves = _as_curves(curves, deltas.size)
    artists = {"curves": {}, "thresholds": {}}
    for i, (m, c) in enumerate(sorted(curves.items())):
        color, ls = CYCLE[i % len(CYCLE)], LINESTYLES[i % len(LINESTYLES)]
        E = np.where(np.isfinite(c["E"]), c["E"], _E_TOP)
        artists["curves"][m], = ax.loglog(deltas, np.clip(E, _E_FLOOR, _E_TOP), color=color, ls=ls,
                                          label=f"$m={m}$")
        x = c["min_rate"] if np.isfinite(c["min_rate"]) and c["min_rate"] < deltas[-1] else np.nan
        artists["thresholds"][m] = ax.axvline(x if np.isfinite(x) else deltas[0], color=color, lw=0.7,
                                              alpha=0.7 if np.isfinite(x) else 0.0)
    artists["marker"] = ax.axvline(delta_marker if delta_marker is not None else deltas[0], color=COLORS["black"],
                                   ls=":", lw=1.2, alpha=1.0 if delta_marker is not None else 0.0)
    log_ticks(ax)
    ax.set_xlim(deltas[0], deltas[-1])
    ax.set_ylim(_E_FLOOR, 2 * _E_TOP)
    ax.set_xlabel(r"perturbation size $\delta$")
    ax.set_ylabel(r"$E_m(\delta)$, relative $L^2$")
    ax.set_title(title)
    if legend:
        ax.legend(loc="lower right", ncol=2)
    return artists


@discard_on_error
def perturbation_figure(targets: dict, widths=(2, 4, 6, 8), deltas=None, *, betas=None):
    """Panels of :func:`draw_perturbation` (e.g. exponential versus power-law memory), one shared legend.

    Parameters
    ----------
    targets : dict of str to Kernel
        Labelled targets, one panel each (1 to 3).
    widths : sequence of int, default (2, 4, 6, 8)
        The widths m of the best fits.
    deltas : array_like, optional
        Perturbation sizes δ > 0, increasing (default 60 values log-spaced in [1e-6, 0.5]).
    betas : array_like, optional
        The former name of ``deltas``.

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The figure and ``data[label]`` from :func:`perturbation_curves`.
    """
    if deltas is None:
        deltas = betas
    deltas = np.geomspace(1e-6, 0.5, 60) if deltas is None else _as_deltas(deltas, positive=True)
    if not isinstance(targets, dict) or not 1 <= len(targets) <= 3:
        raise TypeError("targets must be a dict of 1 to 3 labelled kernels (one panel each)")
    widths = _as_widths(widths)
    fig, axes = new_figure(len(targets), 1, width=3.4, height=3.0, sharey=True)
    data = {}
    for ax, (label, target) in zip(np.atleast_1d(axes), targets.items()):
        data[label] = perturbation_curves(target, widths, deltas)
        draw_perturbation(ax, deltas, data[label], title=label, legend=False)
    ax0 = np.atleast_1d(axes)[0]
    _top_legend(fig, *ax0.get_legend_handles_labels(), ncol=len(widths))
    for ax in np.atleast_1d(axes)[1:]:
        ax.set_ylabel("")
    return fig, data


def perturbation_scrubber(data: dict, deltas):
    r"""Kernel-free scrubber over the width: frame k shows :math:`E_m(\delta)` of the first k widths.

    The axes are fixed across frames.

    Parameters
    ----------
    data : dict
        The data of :func:`perturbation_figure` (``{label: {m: curves}}``, one to three targets).
    deltas : array_like, shape (k,)
        The perturbation sizes of ``data``.

    Returns
    -------
    IPython.display.HTML
    """
    import matplotlib.pyplot as plt

    from .._scrubber import scrubber

    deltas = _as_deltas(deltas, positive=True)
    if not isinstance(data, dict) or not 1 <= len(data) <= 3:
        raise TypeError("data must be the dict returned by perturbation_figure (1 to 3 targets)")
    labels = list(data)
    for label in labels:
        _as_curves(data[label], deltas.size, f"data[{label!r}]")
    widths = sorted(data[labels[0]])
    was = plt.isinteractive()

    def draw(axes, k):
        for i, (ax, lab) in enumerate(zip(np.atleast_1d(axes), labels)):
            draw_perturbation(ax, deltas, {m: data[lab][m] for m in widths[:k]}, title=lab,
                              legend=(i == len(labels) - 1))
            if i:
                ax.set_ylabel("")

    html = scrubber(draw, list(range(1, len(widths) + 1)), ncols=len(labels), width=3.4, height=3.0,
                    alt="Perturbation error E_m(δ) against the perturbation size δ, log-log, for best fits of "
                        "growing width m, one width added per frame. Left, exponentially decaying memory: the "
                        "curves rise smoothly from zero and coincide for moderate δ. Right, power-law memory: "
                        "each curve jumps to the top (unstable) at δ = λ_min(m), and the jump moves towards "
                        "δ = 0 as m grows.")
    if was:
        plt.ion()
    return html
