"""Chapter 2's static figures of computed results: error curves, fitted rates, and fits to ever narrower bumps.

The chapter computes the numbers (fits and their errors) and passes them in; these
functions only draw them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.ticker import NullLocator

from ..._validation import as_pair, as_real_array, as_size
from ...rnn import LinearRNN, diagonal_parameters
from .._common import COLUMN, discard_on_error, light_log_axis
from .._style import COLORS, CYCLE, LINESTYLES, new_figure

__all__ = ["draw_error_curves", "error_curves_figure", "draw_rates", "rates_figure", "draw_delta", "delta_figure"]


def _as_errors(errors) -> dict:
    """``{name: {m: (l2, l1)}}`` with integer widths and finite, non-negative errors."""
    if not isinstance(errors, Mapping) or not errors:
        raise TypeError(f"errors must be a non-empty mapping {{name: {{m: (l2, l1)}}}}, got {type(errors).__name__}")
    out = {}
    for name, row in errors.items():
        if not isinstance(row, Mapping) or not row:
            raise TypeError(f"errors[{name!r}] must be a non-empty mapping {{m: (l2, l1)}}")
        out[name] = {}
        for m, pair in row.items():
            m = as_size(f"errors[{name!r}] width", m, limit=2**20, why="a width")
            l2, l1 = as_pair(f"errors[{name!r}][{m}]", pair, nonnegative=True)
            out[name][m] = (l2, l1)
    return out


def draw_error_curves(axes, errors: Mapping[str, Mapping[int, tuple[float, float]]]) -> None:
    """Relative L² (left) and L¹ (right) errors against the width m, one curve per target.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (L², L¹).
    errors : mapping of str to mapping of int to (float, float)
        ``errors[name][m] = (l2, l1)``: the relative errors of the width-m fit to the target ``name``.
    """
    errors = _as_errors(errors)
    if len(np.ravel(axes)) != 2:
        raise ValueError(f"axes must provide two Axes (L², L¹), got {len(np.ravel(axes))}")
    for i, (name, row) in enumerate(errors.items()):
        ms = sorted(row)
        for j, ax in enumerate(axes):
            ax.loglog(ms, [max(row[m][j], 1e-17) for m in ms], marker="o", color=CYCLE[i % len(CYCLE)],
                      ls=LINESTYLES[i % len(LINESTYLES)], label=name)
    for ax in axes:
        light_log_axis(ax.yaxis, every=2)
        ax.set_xticks([1, 2, 4, 8, 16], ["1", "2", "4", "8", "16"])
        ax.xaxis.set_minor_locator(NullLocator())
    axes[0].set_ylabel(r"$\|\rho-\hat\rho_m\|_2/\|\rho\|_2$")
    axes[1].set_ylabel(r"$\|\rho-\hat\rho_m\|_1/\|\rho\|_1$")
    axes[0].set_title("$L^2$ (what the fit minimises)")
    axes[1].set_title("$L^1$ (the error of the theorem)")
    for ax in axes:
        ax.set_xlabel("width $m$")
    axes[0].legend(loc="lower left")


@discard_on_error
def error_curves_figure(errors: Mapping[str, Mapping[int, tuple[float, float]]]):
    """Figure of :func:`draw_error_curves` (two panels sharing the error axis).

    Parameters
    ----------
    errors : mapping of str to mapping of int to (float, float)
        ``errors[name][m] = (l2, l1)``, as for :func:`draw_error_curves`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(2, 1, width=COLUMN / 2, height=3.1, sharey=True)
    draw_error_curves(axes, errors)
    axes[1].yaxis.set_tick_params(labelleft=True)
    return fig


def draw_rates(ax, models: Mapping[str, LinearRNN]) -> None:
    r"""The fitted decay rates λ_k (one row per target) on a log axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    models : mapping of str to LinearRNN
        Diagonal models by target name; their rates :math:`\lambda_k = -W_{kk}` are drawn.
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError(f"models must be a non-empty mapping {{name: LinearRNN}}, got {type(models).__name__}")
    names = list(models)
    for i, name in enumerate(names):
        lam = np.sort(diagonal_parameters(models[name], f"models[{name!r}]")[0])
        ax.semilogx(lam, np.full(lam.size, i), "|", ms=16, mew=2, color=CYCLE[i % len(CYCLE)])
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.set_xlabel(r"fitted rate $\lambda_k$ (eigenvalue $-\lambda_k$ of $W$)")
    ax.set_ylim(-0.6, len(names) - 0.4)


@discard_on_error
def rates_figure(models: Mapping[str, LinearRNN]):
    """Figure of :func:`draw_rates`.

    Parameters
    ----------
    models : mapping of str to LinearRNN
        Diagonal models by target name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(1, 1, width=COLUMN, height=2.4)
    draw_rates(ax, models)
    return fig


def draw_delta(ax, widths: Sequence[float], errors: Mapping[int, Sequence[float]]) -> None:
    """L¹ error of width-m fits to unit-mass bumps against the bump width ς (one curve per m).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    widths : sequence of float
        The bump widths ς (positive).
    errors : mapping of int to sequence of float
        ``errors[m]``: the L¹ errors of the width-m fits, one per bump width.
    """
    widths = as_real_array("widths", widths, ndim=1, nonempty=True)
    if np.any(widths <= 0):
        raise ValueError(f"widths must be positive bump widths, got minimum {widths.min():g}")
    if not isinstance(errors, Mapping) or not errors:
        raise TypeError(f"errors must be a non-empty mapping {{m: errors}}, got {type(errors).__name__}")
    rows = {m: as_real_array(f"errors[{m!r}]", e, shape=(widths.size,)) for m, e in errors.items()}
    for i, (m, errs) in enumerate(sorted(rows.items())):
        ax.semilogx(widths, errs, marker="o", color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)],
                    label=f"$m={m}$")
    ax.axhline(1.0, color=COLORS["black"], lw=1, ls=":")
    ax.text(min(widths), 1.02, r"$\|\rho_\varsigma\|_1 = 1$ ", va="bottom", ha="right")
    ax.set_xlabel(r"bump width $\varsigma$ (unit mass at lag $\ell=1$)")
    ax.set_ylabel(r"$\|\rho_\varsigma-\hat\rho\|_1$")
    ax.set_ylim(0.0, None)
    ax.invert_xaxis()
    ax.legend(loc="upper left")


@discard_on_error
def delta_figure(widths: Sequence[float], errors: Mapping[int, Sequence[float]]):
    """Figure of :func:`draw_delta`.

    Parameters
    ----------
    widths : sequence of float
        The bump widths ς (positive).
    errors : mapping of int to sequence of float
        ``errors[m]``: the L¹ errors of the width-m fits, one per bump width.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(1, 1, width=0.75 * COLUMN, height=3.1)
    draw_delta(ax, widths, errors)
    return fig
