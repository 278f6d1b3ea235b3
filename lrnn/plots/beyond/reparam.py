r"""Stable reparameterisations: the gradient-to-weight ratio and reparameterised training runs."""

from __future__ import annotations

import numpy as np

from ... import reparam as rp
from ..._validation import as_bool, as_choice, as_pair, as_real_array, as_real_scalar, as_size
from .._common import discard_on_error, frame_values, log_ticks
from .._style import CYCLE, fast_mode, new_figure

from .common import PARAM_STYLES, SCRUBBER_LEARNING_RATES, _top_legend

__all__ = ["ratio_figure", "reparam_runs", "loss_curve", "draw_reparam_runs", "reparam_figure", "reparam_scrubber"]


def _as_param_names(names) -> list[str]:
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise TypeError(f"names must be a sequence of parameterisation names from {list(rp.NAMES)}")
    out = [as_choice("names", n, rp.NAMES) for n in names]
    if not out:
        raise ValueError("names must contain at least one parameterisation")
    return out


def _as_runs(data, lrs=None) -> dict:
    """``{lr: {name: run}}`` (with an entry for every lr of ``lrs``)."""
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise TypeError("data must be a dict {lr: {name: run}} as returned by reparam_runs")
    for lr in lrs or ():
        if lr not in data:
            raise ValueError(f"data has no runs for the learning rate {lr:g}")
    return data


@discard_on_error
def ratio_figure(rates=None, *, a0: float = 1.0, b0: float = 0.1, alpha: float | None = None,
                 beta: float | None = None):
    r"""The gradient-to-weight ratio :math:`|f'(v)|/(f(v)^2|v|)` against the rate :math:`\lambda=f(v)`.

    Parameters
    ----------
    rates : array_like, optional
        Rates λ > 0 (default 200 values log-spaced in [1e-3, 5]; at most 10⁵).
    a0 : float, default 1
        The constant :math:`a_0 > 0` of the "best" map.
    b0 : float, default 0.1
        The constant :math:`b_0 > 0` of the "best" map.
    alpha : float, optional
        The former name of ``a0``.
    beta : float, optional
        The former name of ``b0``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    a0 = a0 if alpha is None else alpha
    b0 = b0 if beta is None else beta
    a0 = as_real_scalar("a0", a0, positive=True, minimum=1e-6, maximum=1e6)
    b0 = as_real_scalar("b0", b0, positive=True, minimum=1e-6, maximum=1e6)
    r = np.geomspace(1e-3, 5.0, 200) if rates is None else as_real_array("rates", rates, ndim=1, nonempty=True)
    if r.size > 100_000 or np.any(r <= 0) or np.any(r > 1e100):
        raise ValueError("rates must be at most 10⁵ positive rates below 1e100")
    fig, ax = new_figure(1, 1, width=5.0, height=3.3)
    for name in rp.NAMES:
        p = rp.parameterisation(name, a0=a0, b0=b0)
        ok = (r < p.max_rate) & (np.abs(p.inverse(np.minimum(r, p.max_rate))) > 1e-12)
        v = p.inverse(r[ok])
        color, ls = PARAM_STYLES[name]
        ax.loglog(r[ok], rp.gradient_weight_ratio(p, v), color=color, ls=ls, lw=2, label=name)
    log_ticks(ax)
    ax.set_xlabel(r"rate $\lambda=f(v)$ (eigenvalue $-\lambda$)")
    ax.set_ylabel(r"$|f'(v)|\,/\,(f(v)^2|v|)$")
    ax.legend(loc="upper right")
    return fig


def reparam_runs(target, init, lrs, steps: int = 2000, names=rp.NAMES, optimizer: str = "gd") -> dict:
    """Every (learning rate, parameterisation) run at once (:func:`lrnn.reparam.train_reparameterised_many`).

    Parameters
    ----------
    target : Kernel
        The target kernel.
    init : LinearRNN
        The diagonal model every run starts from.
    lrs : sequence of float
        Learning rates η > 0 (at most 64).
    steps : int, default 2000
        Steps of every run.
    names : sequence of str, default all of :data:`lrnn.reparam.NAMES`
        The parameterisations.
    optimizer : {"gd", "adam"}, default "gd"
        The optimiser.

    Returns
    -------
    dict
        ``{lr: {name: ReparamRun}}``.
    """
    lrs = frame_values("lrs", lrs, positive=True)
    names = _as_param_names(names)
    params = {n: rp.parameterisation(n) for n in names}
    runs = rp.train_reparameterised_many(target, init, [params[n] for _ in lrs for n in names],
                                         [lr for lr in lrs for _ in names], steps, optimizer)
    out, k = {}, 0
    for lr in lrs:
        out[lr] = {}
        for n in names:
            out[lr][n] = runs[k]
            k += 1
    return out


def loss_curve(run, max_bins: int = 300):
    """``(k + 1, J_k)`` over the steps k before the run stopped, thinned for log-log plots of a :class:`ReparamRun`.

    The steps are grouped into at most ``max_bins`` log-spaced bins; each bin contributes its smallest and its
    largest loss (in step order), so an oscillating loss keeps its full band while a smooth one is drawn with a
    few hundred points. The last point is always the last finite loss.

    Parameters
    ----------
    run : lrnn.reparam.ReparamRun
        A run (anything with a 1-D array ``loss``).
    max_bins : int, default 300
        The largest number of bins (1 to 10⁶).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The steps plus one and the losses drawn.
    """
    loss = getattr(run, "loss", None)
    if not isinstance(loss, np.ndarray) or loss.ndim != 1 or loss.dtype.kind != "f":
        raise TypeError(f"run must be a training run with a 1-D float array loss, got {type(run).__name__}")
    max_bins = as_size("max_bins", max_bins, limit=10**6, why="points of a drawn curve")
    ok = np.isfinite(run.loss)
    J = run.loss[ok]
    n = J.size
    if n <= 2 * max_bins:
        return np.arange(1, n + 1), J
    edges = np.unique(np.round(np.geomspace(1, n + 1, max_bins + 1)).astype(int)) - 1
    edges = edges[edges < n]
    lo, hi = np.minimum.reduceat(J, edges), np.maximum.reduceat(J, edges)
    i_lo = np.array([e + int(np.argmin(J[e:f])) for e, f in zip(edges, np.r_[edges[1:], n])])
    i_hi = np.array([e + int(np.argmax(J[e:f])) for e, f in zip(edges, np.r_[edges[1:], n])])
    first = np.minimum(i_lo, i_hi)
    second = np.maximum(i_lo, i_hi)
    k = np.column_stack([first, second]).ravel()
    vals = np.column_stack([np.where(first == i_lo, lo, hi), np.where(first == i_lo, hi, lo)]).ravel()
    k, idx = np.unique(k, return_index=True)
    vals = vals[idx]
    if k[-1] != n - 1:
        k, vals = np.r_[k, n - 1], np.r_[vals, J[-1]]
    return k + 1, vals


def draw_reparam_runs(ax, target, init, lr: float, steps: int, names=rp.NAMES, optimizer: str = "gd", *,
                      runs: dict | None = None, legend: bool = True, ylim: tuple[float, float] | None = None) -> dict:
    """Loss against step for each parameterisation at one learning rate; a cross marks a run that stopped.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    target : Kernel
        The target kernel.
    init : LinearRNN
        The diagonal model every run starts from.
    lr : float
        The learning rate η > 0.
    steps : int
        Steps of every run.
    names : sequence of str, default all of :data:`lrnn.reparam.NAMES`
        The parameterisations.
    optimizer : {"gd", "adam"}, default "gd"
        The optimiser.
    runs : dict, optional
        ``{name: ReparamRun}`` already computed (skips the training).
    legend : bool, default True
        Draw a legend.
    ylim : (float, float), optional
        Fixed limits of the loss axis.

    Returns
    -------
    dict
        ``{name: ReparamRun}``.
    """
    lr = as_real_scalar("lr", lr, positive=True)
    names = _as_param_names(names)
    legend = as_bool("legend", legend)
    if ylim is not None:
        ylim = as_pair("ylim", ylim, positive=True, increasing=True)
    if runs is None:
        runs = reparam_runs(target, init, [lr], steps, names, optimizer)[float(lr)]
    for name in names:
        run = runs[name]
        color, ls = PARAM_STYLES.get(name, (CYCLE[0], "-"))
        k, J = loss_curve(run)
        ax.loglog(k, J, color=color, ls=ls, label=name)
        if not run.stable:
            ax.plot(k[-1:], J[-1:], "x", color=color, ms=9, mew=2)
    log_ticks(ax)
    ax.set_xlabel("step $k+1$")
    ax.set_ylabel(r"loss $J_k$")
    ax.set_title(rf"{optimizer.upper()}, $\eta={lr:g}$")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend:
        ax.legend(loc="lower left")
    return runs


def _loss_range(data: dict) -> tuple[float, float]:
    finite = np.concatenate([r.loss[np.isfinite(r.loss)] for runs in data.values() for r in runs.values()])
    return 0.5 * float(finite.min()), 2.0 * float(finite.max())


@discard_on_error
def reparam_figure(target, init, lrs=(0.005, 0.03, 0.3), steps: int = 2000, *, data: dict | None = None):
    """One panel of :func:`draw_reparam_runs` per learning rate, one shared legend.

    Parameters
    ----------
    target : Kernel
        The target kernel.
    init : LinearRNN
        The diagonal model every run starts from.
    lrs : sequence of float, default (0.005, 0.03, 0.3)
        The learning rates, one panel each (1 to 3).
    steps : int, default 2000
        Steps of every run.
    data : dict, optional
        ``{lr: {name: ReparamRun}}`` already computed (:func:`reparam_runs`).

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The figure and ``{lr: {name: ReparamRun}}``.
    """
    lrs = frame_values("lrs", lrs, positive=True)
    if len(lrs) > 3:
        raise ValueError(f"lrs must contain 1 to 3 learning rates (one panel each), got {len(lrs)}")
    data = reparam_runs(target, init, lrs, steps) if data is None else _as_runs(data, lrs)
    fig, axes = new_figure(len(lrs), 1, width=2.3, height=3.0, sharey=True)
    ylim = _loss_range(data)
    for i, (ax, lr) in enumerate(zip(np.atleast_1d(axes), lrs)):
        draw_reparam_runs(ax, target, init, lr, steps, runs=data[float(lr)], legend=False, ylim=ylim)
        if i:
            ax.set_ylabel("")
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    from matplotlib.lines import Line2D

    handles.append(Line2D([], [], color="0.3", ls="none", marker="x", ms=8, mew=2))
    labels.append("run stopped: a rate crossed 0")
    _top_legend(fig, handles, labels, ncol=5)
    return fig, data


def reparam_scrubber(target, init, lrs=None, steps: int = 2000, *, data: dict | None = None):
    """Kernel-free scrubber over the learning rate: one frame of :func:`draw_reparam_runs` per value.

    The axes are fixed across frames.

    Parameters
    ----------
    target : Kernel
        The target kernel.
    init : LinearRNN
        The diagonal model every run starts from.
    lrs : sequence of float, optional
        The learning rates of the frames (default :data:`SCRUBBER_LEARNING_RATES`, three of them under
        ``LRNN_FAST=1``; at most 64).
    steps : int, default 2000
        Steps of every run.
    data : dict, optional
        Runs already computed, ``{lr: {name: run}}``.

    Returns
    -------
    IPython.display.HTML
    """
    import matplotlib.pyplot as plt

    from .._scrubber import scrubber

    if lrs is None:
        lrs = SCRUBBER_LEARNING_RATES[::2] if fast_mode() else SCRUBBER_LEARNING_RATES
    lrs = frame_values("lrs", lrs, positive=True)
    have = {} if data is None else _as_runs(data)
    todo = [lr for lr in lrs if lr not in have]
    runs = dict(have)
    if todo:
        runs.update(reparam_runs(target, init, todo, steps))
    ylim = _loss_range({lr: runs[lr] for lr in lrs})
    was = plt.isinteractive()
    html = scrubber(lambda ax, lr: draw_reparam_runs(ax, target, init, lr, steps, runs=runs[lr], ylim=ylim), lrs,
                    width=5.0, height=3.3,
                    alt="Training loss against step (log-log) of gradient descent with the four parameterisations "
                        "direct, exp, softplus and best, one learning rate per frame from small to large. At "
                        "small rates all four decrease; from the middle rates on the direct run oscillates or "
                        "stops with a cross when a rate crosses zero, while the stable maps keep training.")
    if was:
        plt.ion()
    return html
