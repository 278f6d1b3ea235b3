"""Figures of the "beyond the paper" chapter: memory functions, perturbation errors,
stable reparameterisations, reparameterised training and SSM initialisations.

Each function computes what it shows from :mod:`lrnn.memory`, :mod:`lrnn.reparam`
and :mod:`lrnn.nonlinear`; :mod:`lrnn.widgets.beyond` wraps the ``draw_*`` functions
and updates their artists in place. Two functions draw diagrams (pictures of ideas
rather than of data): :func:`reparam_map_figure` and :func:`ssm_layer_diagram`.
"""

from __future__ import annotations

import numpy as np

from .. import memory as mem
from .. import reparam as rp
from .. import ssm_init
from .._validation import as_bool, as_choice, as_pair, as_real_array, as_real_scalar, as_size
from ..approximation import fit
from ..distance import distance
from ..kernels import require_kernel
from ._common import discard_on_error, frame_values, log_ticks
from ._style import COLORS, CYCLE, LINESTYLES, fast_mode, new_figure

__all__ = ["draw_memory_functions", "memory_figure", "perturbation_curves", "draw_perturbation",
           "perturbation_figure", "perturbation_scrubber", "reparam_runs", "draw_reparam_runs", "reparam_figure",
           "reparam_scrubber", "ratio_figure", "reparam_map_figure", "draw_ssm_init", "ssm_figure",
           "ssm_layer_diagram", "ssm_fit", "loss_curve", "log_ticks", "PARAM_STYLES", "SCRUBBER_LEARNING_RATES"]

#: Learning rates of the reparameterisation scrubber (its frames).
SCRUBBER_LEARNING_RATES = (0.003, 0.005, 0.01, 0.03, 0.1, 0.3)
#: Colour and line style of each parameterisation, the same in every figure and widget.
PARAM_STYLES = {name: (CYCLE[i], LINESTYLES[i]) for i, name in enumerate(rp.NAMES)}


def _top_legend(fig, handles, labels, ncol: int) -> None:
    """One legend for the whole figure, above the panels (it never covers data)."""
    fig.legend(handles, labels, loc="outside upper center", ncol=ncol, frameon=False)


# ----------------------------------------------------------------------------- memory functions
def draw_memory_functions(axes, kernels_: dict, net, t, amplitudes=(0.1, 1.0, 3.0)) -> dict:
    r"""Left: :math:`|\rho(t)|` (lines) and the memory function from step responses (markers) of linear kernels.
    Right: the memory function of a :class:`~lrnn.nonlinear.TanhRNN` for each step height, with the
    asymptote :math:`\propto e^{\operatorname{sa}(W)t}` of its linearisation.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (linear functionals, tanh RNN).
    kernels_ : dict of str to Kernel
        Labelled linear kernels (at most 7).
    net : lrnn.nonlinear.TanhRNN
        The trained tanh RNN.
    t : array_like, shape (n,)
        Times :math:`t \ge 0` (increasing, at most 10⁴).
    amplitudes : sequence of float, default (0.1, 1, 3)
        The step heights of the tanh RNN's memory functions (at most 7).

    Returns
    -------
    dict
        ``{"tanh": {height: M(t)}, "abscissa": sa(W), "linear": {label: (M, |ρ|) at the markers}}``.
    """
    t = as_real_array("t", t, ndim=1, nonempty=True)
    if t.size > 10_000 or np.any(t < 0) or np.any(np.diff(t) <= 0):
        raise ValueError("t must be at most 10⁴ increasing non-negative times")
    if not isinstance(kernels_, dict) or not 1 <= len(kernels_) <= 7:
        raise TypeError("kernels_ must be a dict of 1 to 7 labelled kernels")
    for label, k in kernels_.items():
        require_kernel(k, f"kernels_[{label!r}]")
    amplitudes = frame_values("amplitudes", amplitudes)
    if len(amplitudes) > 7:
        raise ValueError(f"amplitudes must contain at most 7 step heights, got {len(amplitudes)}")
    ax_l, ax_r = axes
    out = {"tanh": {}, "linear": {}}
    tm = t[::8]
    for i, (label, k) in enumerate(kernels_.items()):
        ax_l.semilogy(t, np.abs(k(t)), color=CYCLE[i], ls=LINESTYLES[i], label=rf"$|\rho(t)|$, {label}")
        M = mem.memory_function(k, tm)
        out["linear"][label] = (M, np.abs(k(tm)))
        ax_l.semilogy(tm, M, "o", color=CYCLE[i], mfc="none",
                      label=r"$\mathcal{M}(t)$ from step responses" if i == 0 else None)
    log_ticks(ax_l)
    ax_l.set_xlabel("time $t$")
    ax_l.set_ylabel("memory")
    ax_l.set_title("linear functionals")
    ax_l.legend(loc="upper right")
    for i, x in enumerate(amplitudes):
        M = mem.memory_function(net, t, [x])
        out["tanh"][x] = M
        ax_r.semilogy(t, M, color=CYCLE[i], ls=LINESTYLES[i], label=f"step height {x:g}")
    sa = float(np.max(np.linalg.eigvals(net.W).real))
    out["abscissa"] = sa
    M1 = out["tanh"][amplitudes[len(amplitudes) // 2]]
    anchor = M1[-1] * np.exp(-sa * t[-1])
    ax_r.semilogy(t, anchor * np.exp(sa * t), color=COLORS["black"], ls=":", lw=1.2,
                  label=rf"$\propto e^{{{sa:.3g}\,t}}$, $\operatorname{{sa}}(W)={sa:.3g}$")
    log_ticks(ax_r)
    ax_r.set_xlabel("time $t$")
    ax_r.set_ylabel(r"$\mathcal{M}(t)$")
    ax_r.set_title("trained tanh RNN")
    ax_r.legend(loc="lower left")
    return out


@discard_on_error
def memory_figure(kernels_: dict, net, *, t_max: float = 20.0, amplitudes=(0.1, 1.0, 3.0)):
    """The static figure of :func:`draw_memory_functions` on 161 times in [0, ``t_max``].

    Parameters
    ----------
    kernels_ : dict of str to Kernel
        Labelled linear kernels.
    net : lrnn.nonlinear.TanhRNN
        The trained tanh RNN.
    t_max : float, default 20
        The last time (> 0).
    amplitudes : sequence of float, default (0.1, 1, 3)
        The step heights of the tanh RNN's memory functions.

    Returns
    -------
    (matplotlib.figure.Figure, dict)
        The figure and the data of :func:`draw_memory_functions`.
    """
    t = np.linspace(0.0, as_real_scalar("t_max", t_max, positive=True), 161)
    fig, axes = new_figure(2, 1, width=3.4, height=3.1)
    data = draw_memory_functions(axes, kernels_, net, t, amplitudes)
    return fig, data


# ----------------------------------------------------------------------------- perturbation error
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

    from ._scrubber import scrubber

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


# ----------------------------------------------------------------------------- reparameterisation maps
@discard_on_error
def reparam_map_figure(*, a0: float = 1.0, b0: float = 0.1, v_range: tuple[float, float] = (-4.0, 4.0)):
    r"""Diagram: the four maps :math:`v\mapsto\lambda=f(v)` with the stability boundary :math:`\lambda=0`.

    Rates below the boundary (eigenvalue :math:`-\lambda\ge0`) are unstable; ``direct`` crosses it at
    :math:`v=0`, ``exp`` and ``softplus`` approach it only as :math:`v\to-\infty`, and ``best`` stays in
    :math:`(0,1/b_0]` and approaches it as :math:`|v|\to\infty`.

    Parameters
    ----------
    a0 : float, default 1
        The constant :math:`a_0 > 0` of the "best" map :math:`f(v)=1/(a_0v^2+b_0)`.
    b0 : float, default 0.1
        The constant :math:`b_0 > 0` of the "best" map (its largest rate is :math:`1/b_0`).
    v_range : (float, float), default (-4, 4)
        The range of the free variable :math:`v` (increasing, within ±100).

    Returns
    -------
    matplotlib.figure.Figure
    """
    lo, hi = as_pair("v_range", v_range, increasing=True, minimum=-100.0, maximum=100.0)
    a0 = as_real_scalar("a0", a0, positive=True, minimum=1e-6, maximum=1e6)
    b0 = as_real_scalar("b0", b0, positive=True, minimum=1e-6, maximum=1e6)
    v = np.linspace(lo, hi, 801)
    fig, ax = new_figure(1, 1, width=6.4, height=3.4)
    top = 1.15 / b0
    ax.axhspan(-1.6, 0.0, color=COLORS["vermillion"], alpha=0.10, lw=0)
    ax.axhline(0.0, color=COLORS["vermillion"], lw=1.2)
    ax.text(lo + 0.15, -0.8, r"unstable: $\lambda\leq0$ (eigenvalue $-\lambda\geq0$)", color=COLORS["vermillion"],
            va="center")
    for name in rp.NAMES:
        p = rp.parameterisation(name, a0=a0, b0=b0)
        color, ls = PARAM_STYLES[name]
        ax.plot(v, p.forward(v), color=color, ls=ls, lw=2, label=name)
    ax.axhline(1.0 / b0, color=PARAM_STYLES["best"][0], lw=0.8, ls=":")
    ax.annotate(rf"best: $\lambda\leq1/b_0={1 / b0:g}$, reached at $v=0$ where $f'(0)=0$", xy=(0.0, 1.0 / b0),
                xytext=(lo + 0.15, 0.93 * top), color=PARAM_STYLES["best"][0], va="center",
                arrowprops=dict(arrowstyle="->", color=PARAM_STYLES["best"][0], lw=0.8))
    ax.annotate("direct crosses the boundary", xy=(0.0, 0.0), xytext=(0.45, -0.8), va="center",
                color=PARAM_STYLES["direct"][0], arrowprops=dict(arrowstyle="->", color=PARAM_STYLES["direct"][0],
                                                              lw=0.8))
    ax.text(lo + 0.15, 0.6 * top, "long memory, $\\lambda\\to0^+$:\nexp, softplus as $v\\to-\\infty$,\n"
            "best as $|v|\\to\\infty$", color="0.25", va="center")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-1.6, top)
    ax.set_xlabel(r"free variable $v$")
    ax.set_ylabel(r"rate $\lambda=f(v)$")
    ax.legend(loc="center right")
    return fig


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


# ----------------------------------------------------------------------------- reparameterised training
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

    from ._scrubber import scrubber

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


# ----------------------------------------------------------------------------- SSM initialisations
def ssm_fit(target, rates):
    r"""The best :math:`L^2` fit of ``target`` with the decay rates fixed at ``rates``, and its relative error.

    The weights solve the Gram system in extended precision (:func:`lrnn.rates.exact_fit`): rates of SSM
    initialisations lie close together, and the Gram matrix :math:`1/(\lambda_i+\lambda_j)` is then too badly
    conditioned for double precision.

    Parameters
    ----------
    target : Kernel
        The target kernel.
    rates : array_like, shape (m,)
        The fixed decay rates λ > 0.

    Returns
    -------
    (LinearRNN, float)
        The fit and its relative :math:`L^2` error.
    """
    from ..rates import exact_fit
    from ..rnn import LinearRNN

    rates = as_real_array("rates", rates, ndim=1, nonempty=True)
    weights, err = exact_fit(target, rates)
    return LinearRNN.diagonal(rates, weights), float(err)


def draw_ssm_init(axes, scheme: str, m: int, target) -> float:
    r"""Left: the discrete eigenvalues :math:`e^{\mu}` of an initialisation in the unit disk.
    Right: the target and the best :math:`L^2` fit with the (distinct) decay rates :math:`-\mathrm{Re}\,\mu`
    as fixed rates.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (unit disk, fit).
    scheme : str
        One of :data:`lrnn.ssm_init.SCHEMES`.
    m : int
        The number of modes (at most 64: one extended-precision fit).
    target : Kernel
        The kernel the rates are fitted to.

    Returns
    -------
    float
        The relative :math:`L^2` error of the fit.
    """
    scheme = as_choice("scheme", scheme, ssm_init.SCHEMES)
    m = as_size("m", m, limit=64, why="modes of one extended-precision fit")
    target = require_kernel(target, "target")
    mu = ssm_init.ssm_eigenvalues(scheme, m)
    lam = np.exp(mu)
    ax_d, ax_f = axes
    th = np.linspace(0, 2 * np.pi, 400)
    ax_d.plot(np.cos(th), np.sin(th), color="0.6", lw=1)
    ax_d.plot(lam.real, lam.imag, "o", color=COLORS["blue"])
    ax_d.set_aspect("equal")
    ax_d.set_xlim(-1.1, 1.1)
    ax_d.set_ylim(-1.1, 1.1)
    ax_d.set_xlabel(r"$\mathrm{Re}\,\bar\lambda$")
    ax_d.set_ylabel(r"$\mathrm{Im}\,\bar\lambda$")
    ax_d.set_title(f"{scheme}, $m={m}$")
    rates = np.unique(np.round(-mu.real, 14))
    model, err = ssm_fit(target, rates)
    t = np.geomspace(0.1, 1e4, 300)
    ax_f.loglog(t, np.abs(target(t)), color=COLORS["black"], lw=2, label="target")
    ax_f.loglog(t, np.abs(model.kernel(t)).ravel(), color=COLORS["vermillion"], ls="--", lw=2,
                label=f"fit: {rates.size} rates,\nrel. $L^2$ error {err:.2g}")
    log_ticks(ax_f)
    ax_f.set_ylim(1e-8, 2)
    ax_f.set_xlabel("time (samples)")
    ax_f.set_ylabel(r"$|\rho(t)|$")
    ax_f.legend(loc="lower left")
    return err


@discard_on_error
def ssm_figure(scheme: str, m: int, target):
    """The static figure of :func:`draw_ssm_init`.

    Parameters
    ----------
    scheme : str
        One of :data:`lrnn.ssm_init.SCHEMES`.
    m : int
        The number of modes.
    target : Kernel
        The kernel the rates are fitted to.

    Returns
    -------
    (matplotlib.figure.Figure, float)
        The figure and the relative :math:`L^2` error of the fit.
    """
    fig, axes = new_figure(2, 1, width=3.4, height=3.2)
    err = draw_ssm_init(axes, scheme, m, target)
    return fig, err


@discard_on_error
def ssm_layer_diagram():
    r"""Diagram: a deep SSM as a stack of layers, each a diagonal linear recurrence followed by pointwise maps.

    Boxes and arrows only: the input sequence enters a linear recurrence
    :math:`h_{k+1}=\bar\Lambda h_k+\bar Bx_k`, :math:`y_k=\mathrm{Re}(Ch_k)+Dx_k`
    (the only part of the layer that remembers anything), then a pointwise nonlinearity and a
    channel-mixing map, with a residual connection around the layer; the stack repeats.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.patches import Circle, FancyBboxPatch

    fig, ax = new_figure(1, 1, width=6.6, height=3.0)
    ax.set_axis_off()
    ax.set_xlim(0, 10.4)
    ax.set_ylim(0.2, 4.2)
    y = 2.3

    def box(x0, x1, y0, y1, color):
        ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0.02,rounding_size=0.12",
                                    fc=color, ec="0.3", lw=1.0))

    def arrow(x0, y0, x1, y1, color="0.2", ls="-"):
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", mutation_scale=11, lw=1.2, color=color, ls=ls,
                                    shrinkA=0, shrinkB=0))

    ax.text(0.45, y + 0.25, "input", ha="center", va="center")
    ax.text(0.45, y - 0.25, r"$x_k\in\mathbb{R}^H$", ha="center", va="center")
    arrow(0.95, y, 1.15, y)
    box(1.15, 4.55, y - 0.85, y + 0.85, "#d6e8f5")
    ax.text(2.85, y + 0.55, "diagonal linear recurrence", ha="center", va="center")
    ax.text(2.85, y + 0.02, r"$h_{k+1}=\bar\Lambda h_k+\bar B x_k$", ha="center", va="center")
    ax.text(2.85, y - 0.48, r"$y_k=\mathrm{Re}(C h_k)+D x_k$", ha="center", va="center")
    arrow(4.55, y, 4.9, y)
    box(4.9, 6.35, y - 0.5, y + 0.5, "#f9e0c7")
    ax.text(5.625, y, "pointwise\nnonlinearity", ha="center", va="center")
    arrow(6.35, y, 6.7, y)
    box(6.7, 8.15, y - 0.5, y + 0.5, "#dcefd9")
    ax.text(7.425, y, "channel\nmixing", ha="center", va="center")
    arrow(8.15, y, 8.72, y)
    ax.add_patch(Circle((8.87, y), 0.15, fc="white", ec="0.2", lw=1.2))
    ax.text(8.87, y, "+", ha="center", va="center")
    arrow(9.02, y, 9.45, y)
    ax.text(9.9, y, "next\nlayer", ha="center", va="center")
    # residual connection around the layer
    ax.plot([1.05, 1.05, 8.87], [y, 3.75, 3.75], color="0.45", lw=1.0, ls="--")
    arrow(8.87, 3.75, 8.87, y + 0.15, color="0.45", ls="--")
    ax.text(5.0, 3.95, "residual connection", ha="center", va="center", color="0.35")
    # what each part contributes
    ax.text(2.85, 0.75, "all the memory of the layer:\n" r"kernel $\sum_n c_n\bar\lambda_n^{\,k}$, decays "
            r"like $\max_n|\bar\lambda_n|^{k}$", ha="center", va="center", color=COLORS["blue"])
    ax.plot([2.85, 2.85], [1.2, y - 0.85], color=COLORS["blue"], lw=0.8)
    ax.text(7.0, 0.75, "no memory: each time step\nis transformed on its own", ha="center", va="center",
            color="0.3")
    ax.plot([5.625, 5.625, 7.425, 7.425], [y - 0.5, 1.45, 1.45, y - 0.5], color="0.45", lw=0.8)
    ax.plot([7.0, 7.0], [1.2, 1.45], color="0.45", lw=0.8)
    return fig
