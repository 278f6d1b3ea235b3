r"""Optimisers on the plateau problem (GD, heavy ball, Adam) and sampled-data training."""

from __future__ import annotations

import functools

import numpy as np

from ... import training as tr
from ..._validation import as_choice, as_real_scalar, as_size
from ...plateau import escape_time, plateau_problem
from .._common import discard_on_error
from .._style import COLORS, CYCLE, LINESTYLES, new_figure
from .common import DROP_FRACTION, PLATEAU_LIMITS

__all__ = ["optimizer_run", "draw_optimizer_runs", "draw_optimizer_run", "optimizer_figure", "sampled_figure"]


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
