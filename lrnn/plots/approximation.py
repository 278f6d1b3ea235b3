r"""Figures of Chapter 2: universal approximation of linear functionals by linear RNNs.

Each experiment has a *drawing* function ``draw_*(axes, ...)`` that draws on
given axes (used by the kernel-free scrubbers) and a *figure* function that
makes a new figure and calls it (used by the static figures and the live
widgets of :mod:`lrnn.widgets.approximation`). The numerical helpers are public
so that the chapter can check the figures' numbers independently:

* :func:`target_kernel` — the named target kernels of the chapter;
* :func:`width_fit` — the width-m fit a widget shows (free rates for
  exponential sums, where they are found in closed form; log-spaced rates
  otherwise, so that every update stays well under 100 ms);
* :func:`sequence_rates` / :func:`muntz_errors` — the exponent sequences of the
  Müntz–Szász experiment and the exact best errors for :math:`e^{-\gamma t}`;
* :func:`narrow_bump` — unit-mass Gaussian bumps that converge to the point
  evaluation :math:`x\mapsto x(t-\ell)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from .. import kernels as _kernels
from .._validation import as_real_scalar
from ..approximation import best_error, fit, log_spaced_rates
from ..rnn import LinearRNN
from ._style import COLORS, CYCLE, LINESTYLES, new_figure

__all__ = [
    "TARGETS",
    "SEQUENCES",
    "target_kernel",
    "width_fit",
    "draw_width_fit",
    "width_fit_figure",
    "sequence_rates",
    "muntz_errors",
    "draw_muntz",
    "muntz_figure",
    "draw_error_curves",
    "error_curves_figure",
    "draw_rates",
    "rates_figure",
    "narrow_bump",
    "draw_delta",
    "delta_figure",
]

#: Target kernels of :func:`target_kernel`, in the order of the widgets.
TARGETS = ("oscillatory", "delayed", "airy", "power law", "exponential")
#: Exponent sequences of :func:`sequence_rates`.
SEQUENCES = ("k", "k^2", "2^k", "log-spaced")

_TIME = {"oscillatory": 8.0, "delayed": 12.0, "airy": 12.0, "power law": 20.0, "exponential": 6.0}
# Fixed log-spaced rates per target for the widget views (reciprocal time scales of the kernel).
_RANGE = {"delayed": (0.02, 20.0), "airy": (0.05, 20.0), "power law": (1e-3, 10.0)}


def target_kernel(name: str) -> _kernels.Kernel:
    r"""The chapter's target kernels.

    ``"exponential"``: :math:`e^{-1.5t}`; ``"oscillatory"``: :math:`e^{-t}\cos t`;
    ``"delayed"``: :math:`e^{-(t-4)^2}`; ``"airy"``: :math:`\mathrm{Ai}(t-4)`;
    ``"power law"``: :math:`(1+t)^{-1.5}`.
    """
    table = {
        "exponential": lambda: _kernels.Exponential(1.5),
        "oscillatory": lambda: _kernels.DampedOscillation(1.0, 1.0),
        "delayed": lambda: _kernels.Delayed(4.0, 1.0),
        "airy": lambda: _kernels.Airy(4.0),
        "power law": lambda: _kernels.PowerLaw(0.5),
    }
    if name not in table:
        raise ValueError(f"name must be one of {sorted(table)}, got {name!r}")
    return table[name]()


def width_fit(name: str, m: int) -> LinearRNN:
    """The fit shown by the width widget: free rates for exponential sums, else fixed log-spaced rates."""
    rho = target_kernel(name)
    if name in _RANGE:
        lo, hi = _RANGE[name]
        return fit(rho, m, log_spaced_rates(lo, hi, m) if m > 1 else [np.sqrt(lo * hi)])
    return fit(rho, m)


@lru_cache(maxsize=32)
def _width_errors(name: str, widths: tuple[int, ...]) -> dict:
    """Relative L² errors of :func:`width_fit` for each width (cached: the curve does not move with m)."""
    rho = target_kernel(name)
    return {k: best_error(rho, -np.diag(width_fit(name, k).W)) for k in widths}


def draw_width_fit(axes, name: str, m: int, widths: Sequence[int] = (1, 2, 4, 8, 16, 32)) -> dict:
    """Left: the target kernel and its width-m fit; right: relative L² error against m (current m marked).

    Returns the numbers drawn: ``{"error": ..., "errors": {m: ...}}``.
    """
    ax_k, ax_e = axes
    rho = target_kernel(name)
    t = np.linspace(0.0, _TIME[name], 600)
    model = width_fit(name, m)
    ax_k.plot(t, rho(t), color=COLORS["black"], lw=2.2, label=r"target $\rho$")
    ax_k.plot(t, model.kernel(t), color=COLORS["vermillion"], ls="--", lw=1.8, label=rf"fit, $m={m}$")
    ax_k.set_xlabel("$t$")
    ax_k.set_ylabel(r"kernel $\rho(t)$")
    ax_k.legend(loc="upper right")
    rule = "free rates" if name not in _RANGE else "log-spaced rates"
    ax_k.set_title(f"{name}: {rule}")
    errs = _width_errors(name, tuple(int(k) for k in widths))
    err = best_error(rho, -np.diag(model.W))
    ks = sorted(errs)
    ax_e.loglog(ks, [max(errs[k], 1e-17) for k in ks], "o-", color=COLORS["blue"])
    ax_e.loglog([m], [max(err, 1e-17)], "s", ms=11, mfc="none", mec=COLORS["vermillion"], mew=2)
    ax_e.set_xlabel("width $m$")
    ax_e.set_ylabel(r"$\|\rho-\hat\rho_m\|_2/\|\rho\|_2$")
    ax_e.set_title(f"error at m={m}: {err:.2e}")
    return {"error": err, "errors": errs}


def width_fit_figure(name: str = "airy", m: int = 8):
    """Figure of :func:`draw_width_fit`."""
    fig, axes = new_figure(2, 1, width=4.4, height=3.3)
    draw_width_fit(axes, name, m)
    return fig


# ----------------------------------------------------------------------------- Müntz–Szász
def sequence_rates(name: str, m: int) -> np.ndarray:
    r"""The first m exponents of a named sequence.

    ``"k"``: :math:`\lambda_k=k` (:math:`\sum1/\lambda_k=\infty`); ``"k^2"``:
    :math:`k^2`; ``"2^k"``: :math:`2^{k-1}` (both :math:`\sum1/\lambda_k<\infty`);
    ``"log-spaced"``: m rates evenly spaced in :math:`\log\lambda` on
    :math:`[1/m, m]` — a new grid for every m, not a sequence.
    """
    if name not in SEQUENCES:
        raise ValueError(f"name must be one of {list(SEQUENCES)}, got {name!r}")
    k = np.arange(1.0, m + 1)
    if name == "k":
        return k
    if name == "k^2":
        return k**2
    if name == "2^k":
        return 2.0 ** (k - 1)
    return log_spaced_rates(1.0 / m, float(m), m) if m > 1 else np.array([1.0])


def muntz_errors(name: str, widths: Sequence[int], gamma: float = 0.37) -> np.ndarray:
    r"""Exact best relative :math:`L^2` errors :math:`\prod_k|\gamma-\lambda_k|/(\gamma+\lambda_k)` for each width."""
    g = as_real_scalar("gamma", gamma, positive=True)
    target = _kernels.Exponential(g)
    return np.array([best_error(target, sequence_rates(name, int(m))) for m in widths])


def draw_muntz(ax, names: Sequence[str] = SEQUENCES, gamma: float = 0.37, m_max: int = 64) -> dict:
    """Best relative L² error for :math:`e^{-\\gamma t}` against m, one curve per exponent sequence."""
    widths = np.unique(np.round(np.geomspace(1, m_max, 24)).astype(int))
    out = {}
    for i, name in enumerate(names):
        errs = muntz_errors(name, widths, gamma)
        out[name] = errs
        ax.loglog(widths, np.maximum(errs, 1e-17), color=CYCLE[SEQUENCES.index(name)],
                  ls=LINESTYLES[SEQUENCES.index(name)], lw=2, label=rf"$\lambda_k={name}$" if name != "log-spaced"
                  else "log-spaced on $[1/m,m]$")
    ax.set_xlabel("width $m$")
    ax.set_ylabel(r"best $\|\rho-\hat\rho_m\|_2/\|\rho\|_2$")
    ax.set_title(rf"target $e^{{-{gamma:g}t}}$")
    ax.legend(loc="lower left")
    return out


def muntz_figure(names: Sequence[str] = SEQUENCES, gamma: float = 0.37, m_max: int = 64):
    """Figure of :func:`draw_muntz`."""
    fig, ax = new_figure(1, 1, width=5.4, height=3.6)
    draw_muntz(ax, names, gamma, m_max)
    return fig


# ----------------------------------------------------------------------------- error curves
def draw_error_curves(axes, errors: Mapping[str, Mapping[int, tuple[float, float]]]) -> None:
    """Relative L² (left) and L¹ (right) errors against m; ``errors[name][m] = (l2, l1)``."""
    for i, (name, row) in enumerate(errors.items()):
        ms = sorted(row)
        for j, ax in enumerate(axes):
            ax.loglog(ms, [max(row[m][j], 1e-17) for m in ms], marker="o", color=CYCLE[i % len(CYCLE)],
                      ls=LINESTYLES[i % len(LINESTYLES)], label=name)
    axes[0].set_ylabel(r"$\|\rho-\hat\rho_m\|_2/\|\rho\|_2$")
    axes[1].set_ylabel(r"$\|\rho-\hat\rho_m\|_1/\|\rho\|_1$")
    for ax in axes:
        ax.set_xlabel("width $m$")
    axes[0].legend(loc="lower left", fontsize=8)


def error_curves_figure(errors: Mapping[str, Mapping[int, tuple[float, float]]]):
    """Figure of :func:`draw_error_curves`."""
    fig, axes = new_figure(2, 1, width=4.4, height=3.4)
    draw_error_curves(axes, errors)
    return fig


def draw_rates(ax, models: Mapping[str, LinearRNN]) -> None:
    """The fitted decay rates λ_k (one row per target) on a log axis."""
    names = list(models)
    for i, name in enumerate(names):
        lam = np.sort(-np.diag(models[name].W))
        ax.semilogx(lam, np.full(lam.size, i), "|", ms=16, mew=2, color=CYCLE[i % len(CYCLE)])
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.set_xlabel(r"fitted rate $\lambda_k$ (eigenvalue $-\lambda_k$ of $W$)")
    ax.set_ylim(-0.6, len(names) - 0.4)


def rates_figure(models: Mapping[str, LinearRNN]):
    """Figure of :func:`draw_rates`."""
    fig, ax = new_figure(1, 1, width=6.4, height=2.8)
    draw_rates(ax, models)
    return fig


# ----------------------------------------------------------------------------- point evaluation
def narrow_bump(width: float, lag: float = 1.0) -> _kernels.Kernel:
    r"""Unit-mass Gaussian bump :math:`\frac{1}{\sigma\sqrt\pi}e^{-((t-\ell)/\sigma)^2}` (→ δ at ℓ as σ → 0)."""
    s = as_real_scalar("width", width, positive=True)
    ell = as_real_scalar("lag", lag, positive=True)
    return _kernels.Delayed(ell, s, weight=1.0 / (s * np.sqrt(np.pi)))


def draw_delta(ax, widths: Sequence[float], errors: Mapping[int, Sequence[float]]) -> None:
    """L¹ error of width-m fits to unit-mass bumps against the bump width σ (one curve per m)."""
    for i, (m, errs) in enumerate(sorted(errors.items())):
        ax.semilogx(widths, errs, marker="o", color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)],
                    label=f"$m={m}$")
    ax.axhline(1.0, color=COLORS["black"], lw=1, ls=":")
    ax.set_xlabel(r"bump width $\sigma$ (unit mass at lag $\ell=1$)")
    ax.set_ylabel(r"$\|\rho_\sigma-\hat\rho\|_1$")
    ax.invert_xaxis()
    ax.legend(loc="lower right")


def delta_figure(widths: Sequence[float], errors: Mapping[int, Sequence[float]]):
    """Figure of :func:`draw_delta`."""
    fig, ax = new_figure(1, 1, width=5.2, height=3.4)
    draw_delta(ax, widths, errors)
    return fig
