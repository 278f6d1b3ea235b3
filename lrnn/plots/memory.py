r"""Figures of Chapter 1: linear functionals, their memory kernels and linear RNNs.

Every experiment has a *drawing* function ``draw_*(axes, ...)`` that draws on
given axes (used by the kernel-free scrubbers) and a *figure* function that
makes a new figure and calls it (the static figures of the book). The two
experiments with live widgets are drawn by *views*, :class:`KernelResponseView`
and :class:`RNNResponseView`, which create their artists once and then only
update their data: the static figure, the scrubber frames and every redraw of
the live widgets of :mod:`lrnn.widgets.memory` are the same code. The
numerical helpers

* :func:`memory_kernel` — a kernel family with one "memory" parameter;
* :func:`input_signal` — the named input signals of the widgets;
* :func:`mollified_sign` / :func:`norm_attainment` — the (smoothed) maximising
  input :math:`x(t-s) = \operatorname{sign}\rho(s)` of the bound
  :math:`|H_t(x)|\le\|\rho\|_{L^1}\|x\|_\infty` and the outputs it produces;
* :func:`modal_rnn` — a 2–4 unit linear RNN from its eigenvalues;
* :func:`three_views` — the recurrent, convolutional and modal (closed-form)
  outputs of a linear RNN on a sampled input

are public so that the chapter can check the figures' numbers independently.
The two explanatory diagrams are :func:`temporal_map_diagram` and
:func:`rnn_block_diagram`; the kernel-free scrubbers are :func:`memory_scrubber`
and :func:`pair_scrubber`.

Conventions for sampled inputs are those of :func:`lrnn.respond`: ``x[j]`` is
held on ``[j·dt, (j+1)·dt)``, zero before time 0, and ``y[n]`` is the output at
``t = (n+1)·dt``. Notation is the book's: a model's decay rates are
:math:`\lambda_k>0` (eigenvalues :math:`-\lambda_k`, or :math:`-\lambda\pm i\nu`
for a complex pair) and its read-out weights :math:`a_k`.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from scipy import special

from .. import kernels as _kernels
from .._validation import as_real_array, as_real_scalar
from ..rnn import LinearRNN
from ..signals import respond, sinusoid, smooth_random, step, time_grid, white_noise
from ._style import COLORS, CYCLE, LINESTYLES, fast_mode, new_figure

__all__ = [
    "FAMILIES",
    "SIGNALS",
    "memory_kernel",
    "input_signal",
    "default_gallery",
    "draw_kernel_gallery",
    "kernel_gallery",
    "kernel_tails",
    "temporal_map_diagram",
    "rnn_block_diagram",
    "KernelResponseView",
    "draw_kernel_response",
    "kernel_response",
    "memory_scrubber",
    "mollified_sign",
    "norm_attainment",
    "draw_norm_attainment",
    "norm_attainment_figure",
    "modal_rnn",
    "RNNResponseView",
    "draw_rnn_response",
    "rnn_response",
    "pair_scrubber",
    "three_views",
    "three_views_figure",
]

#: Kernel families of :func:`memory_kernel`, in the order of the widgets.
FAMILIES = ("exponential", "power law", "delayed", "airy")
#: Input signals of :func:`input_signal`.
SIGNALS = ("step", "sinusoid", "smooth random", "white noise")

#: Width (inches) of a figure that fills the book's text column (about 650 CSS px).
COLUMN = 6.8


# ---------------------------------------------------------------- validation helpers
def _as_choice(name: str, value, choices: Sequence[str]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {list(choices)}, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def _as_int(name: str, value, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _grid(t_max: float, dt: float) -> int:
    """Number of cells of width dt in [0, t_max] (at least 2)."""
    n = int(round(t_max / dt))
    if n < 2:
        raise ValueError(f"t_max must be at least 2·dt = {2 * dt}, got {t_max}")
    if n > 2_000_000:
        raise ValueError(f"t_max / dt must be at most 2e6 cells, got {n}")
    return n


def _legend_above(ax, ncol: int = 1):
    """A legend above the axes, outside the data (constrained layout makes room for it)."""
    return ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=ncol, borderaxespad=0.2,
                     handlelength=1.8, columnspacing=1.0)


def _restore_interactive(make):
    """Call ``make()`` and restore pyplot's interactive mode afterwards.

    Rendering an animation leaves interactive mode off, after which the inline
    backend stops showing the figures of later cells.
    """
    import matplotlib.pyplot as plt

    was_interactive = plt.isinteractive()
    try:
        return make()
    finally:
        if was_interactive:
            plt.ion()


# ---------------------------------------------------------------- kernels and inputs
def memory_kernel(family: str, memory: float) -> _kernels.Kernel:
    r"""A kernel of one family whose memory grows with the parameter ``memory``.

    * ``"exponential"`` — ``Exponential(rate=1/M)``, :math:`\rho(t)=e^{-t/M}`, :math:`\|\rho\|_1=M`;
    * ``"power law"`` — ``PowerLaw(omega=1/M)``, :math:`\rho(t)=(1+t)^{-(1+1/M)}`, :math:`\|\rho\|_1=M`;
    * ``"delayed"`` — ``Delayed(lag=M)``, :math:`\rho(t)=e^{-(t-M)^2}` (lag :math:`\ell=M`),
      :math:`\|\rho\|_1=\frac{\sqrt\pi}{2}(1+\mathrm{erf}\,M)`;
    * ``"airy"`` — ``Airy(lag=M)``, :math:`\rho(t)=\mathrm{Ai}(t-M)` (:math:`\|\rho\|_1` by quadrature).

    Parameters
    ----------
    family : {"exponential", "power law", "delayed", "airy"}
        The kernel family.
    memory : float
        The memory parameter :math:`M > 0`: a time scale (exponential), the
        inverse decay exponent :math:`1/\omega` (power law) or a lag (delayed, Airy).

    Returns
    -------
    lrnn.kernels.Kernel
    """
    family = _as_choice("family", family, FAMILIES)
    memory = as_real_scalar("memory", memory, positive=True)
    if family == "exponential":
        return _kernels.Exponential(rate=1.0 / memory)
    if family == "power law":
        return _kernels.PowerLaw(omega=1.0 / memory)
    if family == "delayed":
        return _kernels.Delayed(lag=memory)
    return _kernels.Airy(lag=memory)


def input_signal(name: str, n: int, dt: float, seed: int = 0) -> np.ndarray:
    r"""One of the named inputs of the widgets, ``n`` samples of step ``dt``.

    * ``"step"`` — :math:`x = 1` from time 0 on (:func:`lrnn.signals.step`);
    * ``"sinusoid"`` — :math:`\sin(2\pi t/5)`, period 5 (:func:`lrnn.signals.sinusoid`);
    * ``"smooth random"`` — a Gaussian-filtered random path with correlation time 1,
      :math:`\|x\|_\infty = 1` (:func:`lrnn.signals.smooth_random`);
    * ``"white noise"`` — i.i.d. :math:`N(0, 1/dt)` samples (:func:`lrnn.signals.white_noise`).

    Parameters
    ----------
    name : str
        One of :data:`SIGNALS`.
    n : int
        Number of samples (≥ 1).
    dt : float
        Sampling step (> 0).
    seed : int, default 0
        Seed of the random signals.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    name = _as_choice("name", name, SIGNALS)
    n = _as_int("n", n, 1)
    dt = as_real_scalar("dt", dt, positive=True)
    seed = _as_int("seed", seed, 0)
    if name == "step":
        return step(n)
    if name == "sinusoid":
        return sinusoid(n, dt, frequency=0.2)
    if name == "smooth random":
        return smooth_random(n, dt, correlation_time=1.0, seed=seed)
    return white_noise(n, dt, seed=seed)


# ---------------------------------------------------------------- gallery
def default_gallery() -> list[tuple[str, _kernels.Kernel]]:
    """The four kernels of the chapter's gallery, as ``(label, kernel)`` pairs."""
    return [
        (r"exponential $e^{-t/2}$", _kernels.Exponential(rate=0.5)),
        (r"power law $(1+t)^{-3/2}$", _kernels.PowerLaw(omega=0.5)),
        (r"delayed $e^{-(t-5)^2}$", _kernels.Delayed(lag=5.0)),
        (r"Airy $\mathrm{Ai}(t-5)$", _kernels.Airy(lag=5.0)),
    ]


def _short(label: str) -> str:
    """The family name of a gallery label (the text before the formula)."""
    return label.split(" $")[0]


def draw_kernel_gallery(axes, gallery=None, t_max: float = 20.0) -> np.ndarray:
    r"""Draw each kernel of ``gallery`` on its own axes, titled by its label.

    Parameters
    ----------
    axes : sequence of matplotlib Axes
        One per kernel.
    gallery : list of (str, Kernel), optional
        Labelled kernels; default :func:`default_gallery`.
    t_max : float, default 20
        Right end of the time axis.

    Returns
    -------
    numpy.ndarray, shape (len(gallery), 2)
        The norms :math:`(\|\rho\|_{L^1}, \|\rho\|_{L^2})` of the kernels
        (``k.norm(1)``, ``k.norm(2)``), for a table beside the figure.
    """
    gallery = default_gallery() if gallery is None else list(gallery)
    t_max = as_real_scalar("t_max", t_max, positive=True)
    axes = list(np.ravel(axes))
    if len(axes) != len(gallery):
        raise ValueError(f"axes must provide one Axes per kernel ({len(gallery)}), got {len(axes)}")
    t = np.linspace(0.0, t_max, 801)
    norms = np.empty((len(gallery), 2))
    for i, (ax, (label, k)) in enumerate(zip(axes, gallery)):
        _kernels.require_kernel(k, f"gallery[{i}] kernel")
        norms[i] = k.norm(1), k.norm(2)
        ax.axhline(0.0, color="0.6", lw=0.8)
        ax.plot(t, k(t), color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)], lw=1.8)
        ax.set_title(label)
        ax.set_xlabel("lag $t$")
        ax.set_ylabel(r"$\rho(t)$")
    return norms


def _draw_tails(ax, gallery) -> None:
    t = np.geomspace(0.1, 1000.0, 600)
    for i, (label, k) in enumerate(gallery):
        v = np.abs(k(t))
        v = np.where(v > 1e-12, v, np.nan)
        ax.loglog(t, v, color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)], lw=1.8,
                  label=_short(label))
    ax.set_ylim(1e-10, 3.0)
    ax.set_xlabel("lag $t$")
    ax.set_ylabel(r"$|\rho(t)|$")
    ax.legend(loc="lower right")


def kernel_gallery(gallery=None, t_max: float = 20.0, log_panel: bool = False):
    r"""The kernels in a grid of at most three panels a row (two for four kernels).

    Parameters
    ----------
    gallery : list of (str, Kernel), optional
        Labelled kernels; default :func:`default_gallery` (exponential, power
        law, delayed, Airy).
    t_max : float, default 20
        Right end of the linear time axes.
    log_panel : bool, default False
        Add a panel with :math:`|\rho(t)|` on log–log axes (see
        :func:`kernel_tails`, which draws it as a figure of its own).

    Returns
    -------
    matplotlib.figure.Figure
    """
    gallery = default_gallery() if gallery is None else list(gallery)
    if len(gallery) == 0:
        raise ValueError("gallery must contain at least one (label, kernel) pair")
    panels = len(gallery) + (1 if log_panel else 0)
    ncols = 2 if panels in (2, 4) else min(3, panels)
    nrows = -(-panels // ncols)
    fig, axes = new_figure(ncols=ncols, nrows=nrows, width=COLUMN / ncols, height=2.3)
    axes = np.ravel(np.atleast_1d(axes))
    draw_kernel_gallery(axes[: len(gallery)], gallery, t_max)
    if log_panel:
        _draw_tails(axes[len(gallery)], gallery)
    for ax in axes[panels:]:
        ax.set_visible(False)
    return fig


def kernel_tails(gallery=None):
    r"""The tails :math:`|\rho(t)|` of the gallery's kernels on log–log axes, :math:`t\in[0.1, 10^3]`.

    A power law is a straight line there; exponential and super-exponential
    tails plunge (values below :math:`10^{-12}` are not drawn).

    Parameters
    ----------
    gallery : list of (str, Kernel), optional
        Labelled kernels; default :func:`default_gallery`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    gallery = default_gallery() if gallery is None else list(gallery)
    if len(gallery) == 0:
        raise ValueError("gallery must contain at least one (label, kernel) pair")
    for i, (_, k) in enumerate(gallery):
        _kernels.require_kernel(k, f"gallery[{i}] kernel")
    fig, ax = new_figure(width=4.8, height=3.2)
    _draw_tails(ax, gallery)
    return fig


# ---------------------------------------------------------------- diagrams
def _arrow(ax, start, end, *, color="black", lw=1.3, style="-|>", **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color, lw=lw,
                                 shrinkA=0, shrinkB=0, **kw))


def temporal_map_diagram(t: float = 8.0):
    r"""Diagram: how a temporal map with kernel :math:`\rho` turns an input path into the output at time :math:`t`.

    Four rows over the time axis :math:`u`: the input path :math:`x(u)`; the
    kernel flipped and ending at the present, :math:`\rho(t-u)` (zero in the
    future :math:`u>t`, by causality), which slides to the right as :math:`t`
    grows; their product; and the output path, whose value at :math:`t` is the
    signed area of the product, :math:`y(t)=\int_0^\infty\rho(s)\,x(t-s)\,ds`.
    The kernel is :math:`\rho(s)=(s/1.2)\,e^{1-s/1.2}` and the input a sum of
    two sinusoids, switched on at :math:`u=0`; the output is computed by the
    trapezoidal rule on a fine grid.

    Parameters
    ----------
    t : float, default 8
        The present time, between 3 and 10.

    Returns
    -------
    matplotlib.figure.Figure
    """
    t = as_real_scalar("t", t)
    if not 3.0 <= t <= 10.0:
        raise ValueError(f"t must lie in [3, 10], got {t}")
    du = 0.01
    u = np.arange(0.0, 11.0 + du / 2, du)
    x = 0.55 * np.sin(1.3 * u) + 0.35 * np.sin(0.45 * u + 1.0) + 0.2

    def rho(s):
        return np.where(s >= 0, (s / 1.2) * np.exp(1 - s / 1.2), 0.0)

    flipped = rho(t - u)
    product = flipped * x
    kernel_cells = rho(u) * du
    kernel_cells[0] *= 0.5
    y = np.convolve(kernel_cells, x)[: u.size] - 0.5 * du * rho(u) * x[0]   # trapezoid in s for each output time
    iy = int(round(t / du))

    fig, axes = new_figure(nrows=4, ncols=1, width=COLUMN, height=1.2, sharex=True)
    ax_x, ax_k, ax_p, ax_y = axes

    def headroom(ax, values, top=0.62):
        """Data in the lower ``top`` of the row, the row's caption above it."""
        lo, hi = min(float(np.min(values)), 0.0), max(float(np.max(values)), 0.0)
        span = hi - lo
        ax.set_ylim(lo - 0.08 * span, lo + span / top)

    def caption(ax, text, **kw):
        ax.text(0.01, 0.93, text, transform=ax.transAxes, ha="left", va="top", **kw)

    for ax in axes:
        ax.axvspan(t, 11.0, color="0.92", lw=0)
        ax.axvline(t, color="0.3", lw=1.0, ls="--")
        ax.axhline(0.0, color="0.6", lw=0.7)
        ax.set_yticks([])
        ax.grid(False)
        ax.spines["left"].set_visible(False)
    ax_x.plot(u, x, color="0.25", lw=1.6)
    headroom(ax_x, x)
    caption(ax_x, r"1. the input path $x(u)$, switched on at $u=0$")
    ax_x.text(t + 0.12, 0.93, "now: $u=t$", transform=ax_x.get_xaxis_transform(), va="top")
    ax_x.text(10.9, 0.08, "future", transform=ax_x.get_xaxis_transform(), ha="right", va="bottom",
              color="0.35")

    ax_k.fill_between(u, 0, flipped, color=COLORS["sky"], alpha=0.35, lw=0)
    ax_k.plot(u, flipped, color=COLORS["blue"], lw=1.8)
    headroom(ax_k, flipped, top=0.55)
    caption(ax_k, r"2. the kernel, flipped and ending at the present: $\rho(t-u)$")
    peak = t - 1.2
    _arrow(ax_k, (peak, 1.12), (t, 1.12), style="<|-|>", lw=1.0)
    ax_k.text(peak - 0.1, 1.12, r"lag $s=t-u$", ha="right", va="center")
    _arrow(ax_k, (0.3, 0.3), (1.9, 0.3), color=COLORS["blue"], lw=1.2)
    ax_k.text(0.3, 0.42, "slides right as $t$ grows", ha="left", va="bottom", color=COLORS["blue"])
    ax_k.text(t + 0.12, 0.5, "weight 0\n(causal)", va="center", color="0.35")

    pos = np.where(product > 0, product, 0.0)
    neg = np.where(product < 0, product, 0.0)
    ax_p.fill_between(u, 0, pos, color=COLORS["blue"], alpha=0.45, lw=0)
    ax_p.fill_between(u, 0, neg, color=COLORS["vermillion"], alpha=0.45, lw=0)
    ax_p.plot(u, product, color="0.2", lw=1.0)
    headroom(ax_p, product)
    caption(ax_p, r"3. their product $\rho(t-u)\,x(u)$; its signed area is the output at $t$")

    ax_y.plot(u[: iy + 1], y[: iy + 1], color=COLORS["vermillion"], lw=1.8)
    ax_y.plot(u[iy:], y[iy:], color=COLORS["vermillion"], lw=1.0, ls=":")
    ax_y.plot([t], [y[iy]], "o", color=COLORS["vermillion"], ms=6)
    headroom(ax_y, y)
    caption(ax_y, r"4. the output $y(t)=H_t(x)=\int_0^\infty\rho(s)\,x(t-s)\,ds$, one value per time $t$")
    ax_y.set_xlim(0.0, 11.0)
    ax_y.set_xlabel("time $u$")
    return fig


def rnn_block_diagram():
    r"""Diagram: the continuous-time linear RNN as a block diagram, and the one convolution it computes.

    Top: :math:`x(t)\to U\to` (sum) :math:`\to\int dt\to h(t)\to c^\top\to\hat y(t)`,
    with the feedback :math:`h\to W\to` (sum), i.e. :math:`\dot h = Wh + Ux`.
    Bottom: the same input–output map as one block, the convolution with the
    kernel :math:`\hat\rho(s)^\top = c^\top e^{Ws}U`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(width=COLUMN, height=3.0)
    ax.set_axis_off()
    ax.set_xlim(0.0, 10.0)
    ax.set_ylim(0.0, 4.3)
    ax.set_aspect("equal")

    def box(cx, cy, text, w=0.9, h=0.62, color=COLORS["blue"]):
        ax.add_patch(FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0.04,rounding_size=0.08",
                                    fc="white", ec=color, lw=1.5))
        ax.text(cx, cy, text, ha="center", va="center")

    y0 = 3.25
    ax.text(0.15, y0, "$x(t)$", ha="left", va="center")
    _arrow(ax, (0.95, y0), (1.55, y0))
    box(2.0, y0, "$U$")
    _arrow(ax, (2.45, y0), (3.08, y0))
    ax.add_patch(Circle((3.3, y0), 0.22, fc="white", ec="black", lw=1.3))
    ax.text(3.3, y0, "+", ha="center", va="center")
    _arrow(ax, (3.52, y0), (4.25, y0))
    ax.text(3.9, y0 + 0.12, r"$\dot h$", ha="center", va="bottom")
    box(4.85, y0, r"$\int\!dt$", w=1.2)
    ax.text(4.85, y0 + 0.42, "integrator", ha="center", va="bottom", color="0.35")
    _arrow(ax, (5.45, y0), (7.0, y0))
    ax.text(6.2, y0 + 0.12, "$h(t)$", ha="center", va="bottom")
    box(7.45, y0, r"$c^\top$")
    _arrow(ax, (7.9, y0), (8.55, y0))
    ax.text(8.62, y0, r"$\hat y(t)$", ha="left", va="center")
    # feedback through W
    yf = 2.25
    ax.plot([6.2, 6.2], [y0, yf], color="black", lw=1.3)
    _arrow(ax, (6.2, yf), (5.3, yf))
    ax.plot([6.2], [y0], "o", color="black", ms=3)
    box(4.85, yf, "$W$", w=0.9)
    ax.plot([4.4, 3.3], [yf, yf], color="black", lw=1.3)
    _arrow(ax, (3.3, yf), (3.3, y0 - 0.22))
    ax.text(2.2, yf, "feedback\n($W$ Hurwitz)", ha="center", va="center", color="0.35")
    ax.text(8.1, yf, r"$\dot h = Wh + Ux$" "\n" r"$\hat y = c^\top h$", ha="center", va="center")
    # the same map as a convolution
    ax.plot([0.1, 9.9], [1.55, 1.55], color="0.7", lw=0.8, ls="--")
    ax.text(0.15, 1.3, "the same map:", ha="left", va="center", color="0.35")
    yc = 0.65
    ax.text(0.15, yc, "$x(t)$", ha="left", va="center")
    _arrow(ax, (0.95, yc), (1.7, yc))
    box(4.95, yc, r"$\hat y(t)=\int_0^\infty \hat\rho(s)^\top x(t-s)\,ds$,   $\hat\rho(s)^\top = c^\top e^{Ws}U$",
        w=6.4, h=0.72, color=COLORS["vermillion"])
    _arrow(ax, (8.15, yc), (8.55, yc))
    ax.text(8.62, yc, r"$\hat y(t)$", ha="left", va="center")
    return fig


# ---------------------------------------------------------------- experiment (a)
@functools.lru_cache(maxsize=64)
def _response_data(family: str, memory: float, signal: str, t_max: float, dt: float, seed: int,
                   normalise: bool):
    """Kernel, input and exact output of experiment (a), cached by parameters (arrays read-only)."""
    k = memory_kernel(family, memory)
    if normalise:
        k = (1.0 / k.norm(1)) * k
    n = _grid(t_max, dt)
    x = input_signal(signal, n, dt, seed)
    y = respond(k, x, dt)
    s = np.linspace(0.0, t_max, 801)
    rho = k(s)
    for a in (x, y, s, rho):
        a.flags.writeable = False
    return k, x, y, s, rho


def _set_ylim(ax, *arrays, pad: float = 0.08) -> None:
    lo = min(float(np.min(a)) for a in arrays)
    hi = max(float(np.max(a)) for a in arrays)
    span = max(hi - lo, 1e-12)
    ax.set_ylim(lo - pad * span, hi + pad * span)


class KernelResponseView:
    r"""Experiment (a) on two axes: a kernel (left) and its output on an input (right).

    The artists are created once; :meth:`update` replaces their data, so a live
    widget redraws the same figure instead of building a new one. The output is
    :math:`y(t) = \int_0^t \rho(s)\,x(t-s)\,ds` (input zero before time 0),
    computed exactly on the sampled input by :func:`lrnn.respond`.

    Parameters
    ----------
    axes : pair of matplotlib Axes, optional
        Where to draw; default a new figure one text column wide.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    axes : tuple of two Axes
    """

    def __init__(self, axes=None):
        if axes is None:
            _, axes = new_figure(ncols=2, width=COLUMN / 2, height=2.9)
        axes = list(np.ravel(axes))
        if len(axes) < 2:
            raise ValueError(f"axes must provide two Axes, got {len(axes)}")
        ax_k, ax_y = axes[:2]
        self.axes = (ax_k, ax_y)
        self.figure = ax_k.figure
        ax_k.axhline(0.0, color="0.6", lw=0.8)
        (self._kernel,) = ax_k.plot([], [], color=COLORS["blue"], lw=1.8)
        ax_k.set_xlabel("lag $s$")
        ax_y.axhline(0.0, color="0.6", lw=0.8)
        (self._input,) = ax_y.plot([], [], drawstyle="steps-post", color="0.55", lw=0.8,
                                   label="input $x(t)$: smooth random")
        (self._output,) = ax_y.plot([], [], color=COLORS["vermillion"], lw=1.8, label=r"output $H_t(x)$")
        ax_y.set_xlabel("time $t$")
        ax_y.set_ylabel("value")
        self._legend = _legend_above(ax_y)
        for ax in self.axes:                # a few ticks: readable in a narrow panel, and fast to redraw
            ax.locator_params(nbins=5)

    def update(self, family: str = "exponential", memory: float = 5.0, signal: str = "smooth random",
               t_max: float = 40.0, dt: float = 0.05, seed: int = 0, normalise: bool = True) -> dict:
        r"""Show the experiment at new parameters.

        Parameters
        ----------
        family, memory
            The kernel, see :func:`memory_kernel`.
        signal : str
            One of :data:`SIGNALS` (see :func:`input_signal`).
        t_max : float, default 40
            Length of the experiment.
        dt : float, default 0.05
            Sampling step.
        seed : int, default 0
            Seed of the random inputs.
        normalise : bool, default True
            Divide the kernel by :math:`\|\rho\|_{L^1}` so that
            :math:`|y(t)|\le\|x\|_\infty` for every family and memory.

        Returns
        -------
        dict
            ``kernel`` (the kernel drawn), ``t`` (output times), ``x``, ``y``.
        """
        family = _as_choice("family", family, FAMILIES)
        memory = as_real_scalar("memory", memory, positive=True)
        signal = _as_choice("signal", signal, SIGNALS)
        t_max = as_real_scalar("t_max", t_max, positive=True)
        dt = as_real_scalar("dt", dt, positive=True)
        seed = _as_int("seed", seed, 0)
        if not isinstance(normalise, (bool, np.bool_)):
            raise TypeError(f"normalise must be a bool, got {type(normalise).__name__}")
        k, x, y, s, rho = _response_data(family, memory, signal, t_max, dt, seed, bool(normalise))
        ax_k, ax_y = self.axes
        self._kernel.set_data(s, rho)
        ax_k.set_xlim(0.0, t_max)
        _set_ylim(ax_k, rho, [0.0])
        ax_k.set_ylabel(r"$\rho(s)/\|\rho\|_1$" if normalise else r"$\rho(s)$")
        ax_k.set_title(f"{family} kernel, $M={memory:g}$")
        t_out = time_grid(len(x), dt)
        self._input.set_data(dt * np.arange(len(x)), x)
        self._legend.texts[0].set_text(f"input $x(t)$: {signal}")
        self._output.set_data(t_out, y)
        ax_y.set_xlim(0.0, t_max)
        if signal == "white noise":        # the input's samples have variance 1/dt: show the output's range
            lim = 1.2 * max(float(np.max(np.abs(y))), 1e-12)
            ax_y.set_ylim(-lim, lim)
        else:
            _set_ylim(ax_y, x, y, [0.0])
        return {"kernel": k, "t": t_out, "x": x, "y": y}


def draw_kernel_response(axes, family: str = "exponential", memory: float = 5.0, signal: str = "smooth random",
                         t_max: float = 40.0, dt: float = 0.05, seed: int = 0, normalise: bool = True) -> dict:
    r"""Draw a kernel (left) and its output on an input signal (right): :class:`KernelResponseView` on ``axes``.

    Parameters
    ----------
    axes : pair of matplotlib Axes
    family, memory, signal, t_max, dt, seed, normalise
        See :meth:`KernelResponseView.update`.

    Returns
    -------
    dict
        ``kernel`` (the kernel drawn), ``t`` (output times), ``x``, ``y``.
    """
    return KernelResponseView(axes).update(family, memory, signal, t_max, dt, seed, normalise)


def kernel_response(family: str = "exponential", memory: float = 5.0, signal: str = "smooth random",
                    t_max: float = 40.0, dt: float = 0.05, seed: int = 0, normalise: bool = True):
    """Figure of :func:`draw_kernel_response`: the kernel and its output side by side.

    Returns
    -------
    matplotlib.figure.Figure
    """
    view = KernelResponseView()
    view.update(family, memory, signal, t_max, dt, seed, normalise)
    return view.figure


def memory_scrubber(memories=None):
    r"""Kernel-free scrubber over the memory :math:`M` of the exponential kernel :math:`e^{-s/M}/M`.

    One frame of :func:`draw_kernel_response` (smooth random input, seed 0) per
    memory; by default :math:`M = 0.5, 1, 2, 4, 8, 16` (three of them when the
    test suite asks for short runs, :func:`lrnn.plots.fast_mode`).

    Parameters
    ----------
    memories : sequence of float, optional
        The memories of the frames.

    Returns
    -------
    IPython.display.HTML
    """
    from ._scrubber import scrubber

    if memories is None:
        memories = (0.5, 2.0, 8.0) if fast_mode() else (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
    memories = [float(v) for v in as_real_array("memories", memories, ndim=1)]
    if not memories or min(memories) <= 0:
        raise ValueError("memories must be a non-empty sequence of positive numbers")
    alt = ("Exponential kernel (left) and its response to a smooth random input (right), one frame per memory M "
           "from short to long; as M grows the kernel flattens and the output becomes smoother, smaller and "
           "more delayed.")
    return _restore_interactive(lambda: scrubber(
        lambda axes, M: draw_kernel_response(axes, "exponential", M, "smooth random"),
        memories, ncols=2, width=COLUMN / 2, height=2.9, alt=alt))


# ---------------------------------------------------------------- the operator norm
def _sign_changes(kernel: _kernels.Kernel, horizon: float, h: float) -> tuple[np.ndarray, float]:
    """Zeros of ρ on [0, horizon] located on a grid of step h (linear interpolation)
    and the sign of ρ just after 0."""
    s = np.arange(0.0, horizon + h, h)
    v = kernel(s)
    nz = np.flatnonzero(v != 0)
    if nz.size == 0:
        raise ValueError("kernel must not vanish identically on [0, t]")
    first = float(np.sign(v[nz[0]]))
    sv = np.sign(v)
    idx = np.flatnonzero(sv[:-1] * sv[1:] < 0)
    z = s[idx] - v[idx] * h / (v[idx + 1] - v[idx])
    return z, first


def mollified_sign(kernel, s, width: float, horizon: float | None = None) -> np.ndarray:
    r"""The sign of a kernel, smoothed by a Gaussian: :math:`m_\varsigma=\operatorname{sign}\rho*\varphi_\varsigma`.

    With the zeros :math:`z_1<\dots<z_K` of :math:`\rho` (sign :math:`q_0=\pm1`
    on :math:`(-\infty, z_1)`, extended to the left of 0, alternating after each zero),

    .. math::

        m_\varsigma(s) = \sum_{i=0}^{K}q_i\Big[\Phi\Big(\frac{z_{i+1}-s}{\varsigma}\Big)
        - \Phi\Big(\frac{z_i-s}{\varsigma}\Big)\Big],
        \qquad z_0=-\infty,\ z_{K+1}=+\infty,

    with :math:`\Phi` the standard normal distribution function. It is smooth,
    :math:`|m_\varsigma|\le1`, and :math:`m_\varsigma\to\operatorname{sign}\rho`
    away from the zeros as :math:`\varsigma\to0`. ``width = 0`` gives the sign itself.

    Parameters
    ----------
    kernel : Kernel
        A scalar kernel with isolated zeros.
    s : array_like
        Lags :math:`s \ge 0`.
    width : float
        The mollifier's standard deviation :math:`\varsigma \ge 0`.
    horizon : float, optional
        Zeros are searched on ``[0, horizon]`` (default ``max(s)``) on a grid
        of 20 000 points; simple zeros only (sign changes).

    Returns
    -------
    numpy.ndarray
        :math:`m_\varsigma(s)`, the shape of ``s``.
    """
    kernel = _kernels.require_kernel(kernel, "kernel")
    s = as_real_array("s", s)
    if s.size and np.any(s < 0):
        raise ValueError(f"s must be non-negative lags, got minimum {s.min()}")
    width = as_real_scalar("width", width, nonnegative=True)
    hz = float(np.max(s)) if s.size else 1.0
    horizon = hz if horizon is None else as_real_scalar("horizon", horizon, positive=True)
    horizon = max(horizon, 1e-12)
    zeros, first = _sign_changes(kernel, horizon, horizon / 20000)
    edges = np.concatenate([[-np.inf], zeros, [np.inf]])
    signs = first * (-1.0) ** np.arange(edges.size - 1)
    if width == 0:
        idx = np.searchsorted(zeros, s, side="right")
        return signs[idx]
    sf = s[..., None]
    with np.errstate(invalid="ignore"):
        upper = special.ndtr((edges[None, 1:] - sf) / width)
        lower = special.ndtr((edges[None, :-1] - sf) / width)
    return np.sum(signs * (upper - lower), axis=-1)


def norm_attainment(kernel, widths, t: float = 20.0, dt: float = 0.005) -> np.ndarray:
    r"""Outputs :math:`H_t(x_\varsigma)` of the mollified maximising inputs.

    For each :math:`\varsigma` in ``widths`` the input is
    :math:`x_\varsigma(u) = m_\varsigma(t-u)` for :math:`0\le u<t` (zero
    before time 0), :func:`mollified_sign`, sampled at the cell midpoints
    :math:`u_j=(j+\frac12)dt`; the output at time ``t`` is :func:`lrnn.respond`'s
    last value, i.e. :math:`\sum_j K_{n-j}x_j` with exact cell integrals
    :math:`K_k`. Since :math:`\|x_\varsigma\|_\infty\le1`, every value is at most
    :math:`\int_0^t|\rho|\le\|\rho\|_{L^1}`, and it tends to
    :math:`\int_0^t|\rho|` as ``dt`` and :math:`\varsigma` tend to 0.

    Parameters
    ----------
    kernel : Kernel
    widths : array_like, shape (k,)
        Mollifier widths :math:`\varsigma \ge 0`.
    t : float, default 20
        Output time (= length of the input).
    dt : float, default 0.005
        Sampling step.

    Returns
    -------
    numpy.ndarray, shape (k,)
    """
    kernel = _kernels.require_kernel(kernel, "kernel")
    widths = as_real_array("widths", widths, ndim=1)
    if np.any(widths < 0):
        raise ValueError(f"widths must be non-negative, got minimum {widths.min()}")
    t = as_real_scalar("t", t, positive=True)
    dt = as_real_scalar("dt", dt, positive=True)
    n = _grid(t, dt)
    lags = n * dt - (np.arange(n) + 0.5) * dt  # t − u_j
    out = np.empty(widths.size)
    for i, eps in enumerate(widths):
        x = mollified_sign(kernel, lags, float(eps), horizon=n * dt)
        out[i] = respond(kernel, x, dt)[-1]
    return out


def draw_norm_attainment(axes, kernel=None, widths=(1.0, 0.3, 0.1, 0.03, 0.01), t: float = 20.0,
                         dt: float = 0.005, show: int = 2) -> np.ndarray:
    r"""Draw the maximising inputs (left) and their outputs against :math:`\varsigma` (right).

    Parameters
    ----------
    axes : pair of matplotlib Axes
    kernel : Kernel, optional
        Default ``Airy(lag=5)``.
    widths : sequence of float
        Mollifier widths, see :func:`norm_attainment`.
    t, dt
        Output time and sampling step.
    show : int, default 2
        How many of the inputs (the first ``show`` widths) to draw on the left.

    Returns
    -------
    numpy.ndarray
        The outputs :math:`H_t(x_\varsigma)` (from :func:`norm_attainment`).
    """
    kernel = _kernels.Airy(lag=5.0) if kernel is None else _kernels.require_kernel(kernel, "kernel")
    widths = as_real_array("widths", widths, ndim=1)
    values = norm_attainment(kernel, widths, t, dt)
    l1 = kernel.norm(1)
    ax_x, ax_v = np.ravel(axes)[:2]
    s = np.linspace(0.0, t, 1201)
    rho = kernel(s)
    ax_x.axhline(0.0, color="0.6", lw=0.8)
    ax_x.plot(s, rho / np.max(np.abs(rho)), color=COLORS["black"], lw=1.2, label=r"kernel $\rho(s)/\max|\rho|$")
    for i, eps in enumerate(widths[: max(0, int(show))]):
        ax_x.plot(s, mollified_sign(kernel, s, float(eps), horizon=t), color=CYCLE[(i + 1) % len(CYCLE)],
                  ls=LINESTYLES[(i + 1) % len(LINESTYLES)], lw=1.8,
                  label=rf"input $x_\varsigma(t-s)$, $\varsigma={eps:g}$")
    ax_x.set_xlabel("lag $s$")
    ax_x.set_ylabel("value")
    ax_x.set_ylim(-1.25, 1.25)
    ax_x.set_xlim(0.0, min(t, 12.0))
    _legend_above(ax_x)
    pos = widths > 0
    ax_v.semilogx(widths[pos], values[pos], "o-", color=COLORS["vermillion"], label=r"output $H_t(x_\varsigma)$")
    ax_v.axhline(l1, color=COLORS["blue"], ls="--", label=r"norm $\|\rho\|_{L^1}$")
    step_out = float(kernel.step_response(t))
    ax_v.axhline(step_out, color=COLORS["green"], ls=":", lw=1.8, label=r"step input: $\int_0^t\rho$")
    ax_v.set_xlabel(r"mollifier width $\varsigma$")
    ax_v.set_ylabel(r"output at $t$, $\|x\|_\infty\leq 1$")
    _legend_above(ax_v)
    return values


def norm_attainment_figure(kernel=None, widths=(1.0, 0.3, 0.1, 0.03, 0.01), t: float = 20.0, dt: float = 0.005):
    """Figure of :func:`draw_norm_attainment`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(ncols=2, width=COLUMN / 2, height=3.3)
    draw_norm_attainment(axes, kernel, widths, t, dt)
    return fig


# ---------------------------------------------------------------- experiment (b): RNNs from eigenvalues
def modal_rnn(rates: Sequence[float] = (), weights: Sequence[float] | None = None,
              pair: tuple[float, float] | None = None, pair_weight: float = 1.0) -> LinearRNN:
    r"""A small linear RNN in real modal form, built from its eigenvalues.

    Real units :math:`i` have :math:`W_{ii} = -\lambda_i`, :math:`U_i = 1`,
    :math:`c_i = a_i`, and contribute :math:`a_i e^{-\lambda_i t}` to the kernel. A
    complex pair :math:`-\lambda\pm i\nu` is the rotation block
    :math:`\begin{pmatrix}-\lambda & \nu\\ -\nu & -\lambda\end{pmatrix}` with input
    :math:`(1, 0)` and read-out :math:`(a, 0)`, which contributes
    :math:`a\,e^{-\lambda t}\cos(\nu t)`. The kernel of the model is the sum.

    Parameters
    ----------
    rates : sequence of float
        Decay rates :math:`\lambda_i > 0` of the real units (eigenvalues :math:`-\lambda_i`).
    weights : sequence of float, optional
        Read-out weights :math:`a_i` (default all 1).
    pair : (float, float), optional
        :math:`(\lambda, \nu)` with :math:`\lambda > 0`, :math:`\nu \ge 0`: a complex pair
        :math:`-\lambda\pm i\nu` (two units, placed first).
    pair_weight : float, default 1
        Read-out weight :math:`a` of the pair.

    Returns
    -------
    LinearRNN
        Width ``len(rates) + (2 if pair else 0)`` (at least 1).
    """
    r = as_real_array("rates", rates, ndim=1)
    if np.any(r <= 0):
        raise ValueError(f"rates must be positive (eigenvalues -rate in the left half-plane), got minimum {r.min()}")
    w = np.ones_like(r) if weights is None else as_real_array("weights", weights, ndim=1)
    if w.shape != r.shape:
        raise ValueError(f"weights must have the shape of rates {r.shape}, got {w.shape}")
    blocks_W, U, c = [], [], []
    if pair is not None:
        p = as_real_array("pair", pair, ndim=1)
        if p.shape != (2,):
            raise ValueError(f"pair must be (decay, frequency), got shape {p.shape}")
        a, nu = float(p[0]), float(p[1])
        if not a > 0:
            raise ValueError(f"pair decay must be positive (eigenvalues -a ± iν in the left half-plane), got {a}")
        if nu < 0:
            raise ValueError(f"pair frequency must be non-negative, got {nu}")
        blocks_W.append(np.array([[-a, nu], [-nu, -a]]))
        U += [1.0, 0.0]
        c += [as_real_scalar("pair_weight", pair_weight), 0.0]
    for ri, wi in zip(r, w):
        blocks_W.append(np.array([[-ri]]))
        U.append(1.0)
        c.append(wi)
    if not blocks_W:
        raise ValueError("rates and pair must give at least one unit")
    m = len(U)
    W = np.zeros((m, m))
    i = 0
    for B in blocks_W:
        k = B.shape[0]
        W[i:i + k, i:i + k] = B
        i += k
    return LinearRNN(W, np.array(U), np.array(c))


class RNNResponseView:
    r"""Experiment (b) on three axes: a linear RNN's eigenvalues, kernel (with its modes) and output.

    Panels: (1) the eigenvalues of :math:`W` in the complex plane, with the
    unstable half-plane shaded; (2) the kernel :math:`c^\top e^{Wt}U` and the
    contributions of its modes (real units and complex pairs of a block-diagonal
    :math:`W`, or the eigen-decomposition otherwise); (3) input and output, by
    :func:`lrnn.respond`. The artists are created once and :meth:`update`
    replaces their data, so a live widget redraws the same figure.

    Parameters
    ----------
    axes : three matplotlib Axes, optional
        Where to draw; default a new figure one text column wide.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    axes : tuple of three Axes
    """

    def __init__(self, axes=None):
        if axes is None:
            _, axes = new_figure(ncols=3, width=COLUMN / 3, height=2.9)
        axes = list(np.ravel(axes))
        if len(axes) < 3:
            raise ValueError(f"axes must provide three Axes, got {len(axes)}")
        ax_e, ax_k, ax_y = axes[:3]
        self.axes = (ax_e, ax_k, ax_y)
        self.figure = ax_e.figure
        ax_e.axvspan(0.0, 1e6, color=COLORS["vermillion"], alpha=0.15, lw=0)
        ax_e.axvline(0.0, color=COLORS["vermillion"], lw=1.0)
        ax_e.text(0.9, 0.5, "unstable", transform=ax_e.transAxes, rotation=90, ha="center", va="center",
                  color=COLORS["vermillion"])
        (self._eigs,) = ax_e.plot([], [], "x", color=COLORS["blue"], ms=9, mew=2)
        ax_e.set_xlabel(r"$\mathrm{Re}\,z$")
        ax_e.set_ylabel(r"$\mathrm{Im}\,z$")
        ax_e.set_title("eigenvalues $z$ of $W$")
        ax_k.axhline(0.0, color="0.6", lw=0.8)
        self._modes = []
        (self._kernel,) = ax_k.plot([], [], color=COLORS["blue"], lw=2.0, label=r"$c^\top e^{Wt}U$", zorder=3)
        self._mode_line(0)
        ax_k.set_xlabel("lag $t$")
        ax_k.set_ylabel(r"$\hat\rho(t)$")
        _legend_above(ax_k, ncol=2)
        ax_y.axhline(0.0, color="0.6", lw=0.8)
        (self._input,) = ax_y.plot([], [], drawstyle="steps-post", color="0.55", lw=0.8, label="input: step")
        (self._output,) = ax_y.plot([], [], color=COLORS["vermillion"], lw=1.8, label=r"output $\hat y(t)$")
        ax_y.set_xlabel("time $t$")
        ax_y.set_ylabel("value")
        self._legend = _legend_above(ax_y)
        for ax in self.axes:                # a few ticks: readable in a narrow panel, and fast to redraw
            ax.locator_params(nbins=5)

    def _mode_line(self, i: int):
        while len(self._modes) <= i:
            j = len(self._modes)
            (line,) = self.axes[1].plot([], [], color=COLORS["green"], lw=1.0,
                                        ls=LINESTYLES[1 + j % (len(LINESTYLES) - 1)],
                                        label="modes" if j == 0 else None)
            self._modes.append(line)
        return self._modes[i]

    def update(self, model: LinearRNN, signal: str = "step", t_max: float = 20.0, dt: float = 0.05,
               seed: int = 0) -> dict:
        r"""Show a new model (or input).

        Parameters
        ----------
        model : LinearRNN
            Scalar input.
        signal : str
            One of :data:`SIGNALS`.
        t_max, dt, seed
            Length, step and seed of the experiment.

        Returns
        -------
        dict
            ``t`` (kernel times), ``kernel``, ``modes`` (array (n_modes, len(t))),
            ``t_out``, ``x``, ``y``.
        """
        if not isinstance(model, LinearRNN):
            raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
        if model.input_dim != 1:
            raise ValueError(f"model must have scalar input (d = 1), got d = {model.input_dim}")
        signal = _as_choice("signal", signal, SIGNALS)
        t_max = as_real_scalar("t_max", t_max, positive=True)
        dt = as_real_scalar("dt", dt, positive=True)
        n = _grid(t_max, dt)
        ax_e, ax_k, ax_y = self.axes
        # ---- eigenvalues
        z = model.eigenvalues
        span = max(1.2 * float(np.max(np.abs(z.real))), 1.0)
        height = max(1.2 * float(np.max(np.abs(z.imag))), 1.0)
        self._eigs.set_data(z.real, z.imag)
        ax_e.set_xlim(-span, 0.25 * span)
        ax_e.set_ylim(-height, height)
        # ---- kernel and modes
        t = np.linspace(0.0, t_max, 801)
        modes = _mode_contributions(model, t)
        rho = modes.sum(axis=0)  # = c^T e^{Wt} U (closed form per block; checked against expm in the tests)
        for i, mode in enumerate(modes):
            line = self._mode_line(i)
            line.set_data(t, mode)
            line.set_visible(True)
        for line in self._modes[len(modes):]:
            line.set_visible(False)
        self._kernel.set_data(t, rho)
        ax_k.set_xlim(0.0, t_max)
        _set_ylim(ax_k, rho, modes, [0.0])
        # ---- response
        x = input_signal(signal, n, dt, seed)
        y = respond(model, x, dt)
        t_out = time_grid(n, dt)
        self._input.set_data(dt * np.arange(n), x)
        self._legend.texts[0].set_text(f"input: {signal}")
        self._output.set_data(t_out, y)
        ax_y.set_xlim(0.0, t_max)
        if signal == "white noise":
            lim = 1.2 * max(float(np.max(np.abs(y))), 1e-12)
            ax_y.set_ylim(-lim, lim)
        else:
            _set_ylim(ax_y, x, y, [0.0])
        return {"t": t, "kernel": rho, "modes": modes, "t_out": t_out, "x": x, "y": y}


def draw_rnn_response(axes, model: LinearRNN, signal: str = "step", t_max: float = 20.0, dt: float = 0.05,
                      seed: int = 0) -> dict:
    r"""Draw a linear RNN's eigenvalues, kernel (with its modes) and output: :class:`RNNResponseView` on ``axes``.

    Parameters
    ----------
    axes : three matplotlib Axes
    model : LinearRNN
        Scalar input.
    signal : str
        One of :data:`SIGNALS`.
    t_max, dt, seed
        Length, step and seed of the experiment.

    Returns
    -------
    dict
        ``t`` (kernel times), ``kernel``, ``modes`` (array (n_modes, len(t))),
        ``t_out``, ``x``, ``y``.
    """
    return RNNResponseView(axes).update(model, signal, t_max, dt, seed)


def _mode_contributions(model: LinearRNN, t: np.ndarray) -> np.ndarray:
    """Kernel contributions of the diagonal blocks of W (1×1 and 2×2), else of the eigenvectors."""
    W, U, c = np.array(model.W), np.array(model.U), np.array(model.c)
    m = model.hidden_size
    blocks, i = [], 0
    while i < m:
        k = 2 if (i + 1 < m and (W[i, i + 1] != 0 or W[i + 1, i] != 0)) else 1
        blocks.append((i, k))
        i += k
    block_diag = all(np.count_nonzero(W[s:s + k, :s]) == 0 and np.count_nonzero(W[s:s + k, s + k:]) == 0
                     for s, k in blocks)
    if not block_diag:
        blocks = [(0, m)]
    out = []
    for s, k in blocks:
        Wb, Ub, cb = W[s:s + k, s:s + k], U[s:s + k], c[s:s + k]
        z, V = np.linalg.eig(Wb)
        if np.linalg.cond(V) > 1e8:  # defective block: matrix exponential
            out.append(LinearRNN(Wb, Ub, cb).kernel(t))
            continue
        coef = (cb @ V) * np.linalg.solve(V, Ub.astype(complex))
        modes = np.real(coef[:, None] * np.exp(np.multiply.outer(z, t)))
        if block_diag:  # one curve per real unit or complex pair
            out.append(modes.sum(axis=0))
        else:  # one curve per eigenvalue (complex ones in conjugate pairs of real parts)
            out.extend(modes)
    return np.array(out)



def rnn_response(model: LinearRNN | None = None, signal: str = "step", t_max: float = 20.0, dt: float = 0.05,
                 seed: int = 0):
    """Figure of :func:`draw_rnn_response` (default: a complex pair −0.3 ± 1.5i and a unit at −1).

    Returns
    -------
    matplotlib.figure.Figure
    """
    model = modal_rnn([1.0], [1.0], pair=(0.3, 1.5)) if model is None else model
    view = RNNResponseView()
    view.update(model, signal, t_max, dt, seed)
    return view.figure


def pair_scrubber(decays=None, frequency: float = 1.5):
    r"""Kernel-free scrubber: a complex pair :math:`-\lambda\pm i\nu` moving towards the imaginary axis.

    One frame of :func:`draw_rnn_response` (step input, 40 time units) per
    decay rate :math:`\lambda` of the two-unit model ``modal_rnn([], pair=(λ, ν))``,
    whose kernel is :math:`e^{-\lambda t}\cos(\nu t)`; by default
    :math:`\lambda = 1, 0.5, 0.25, 0.1, 0.05` (three of them when the test suite
    asks for short runs, :func:`lrnn.plots.fast_mode`).

    Parameters
    ----------
    decays : sequence of float, optional
        The decay rates :math:`\lambda>0` of the frames.
    frequency : float, default 1.5
        The frequency :math:`\nu`.

    Returns
    -------
    IPython.display.HTML
    """
    from ._scrubber import scrubber

    if decays is None:
        decays = (1.0, 0.25, 0.05) if fast_mode() else (1.0, 0.5, 0.25, 0.1, 0.05)
    decays = [float(v) for v in as_real_array("decays", decays, ndim=1)]
    if not decays or min(decays) <= 0:
        raise ValueError("decays must be a non-empty sequence of positive numbers")
    nu = as_real_scalar("frequency", frequency, nonnegative=True)
    alt = ("Eigenvalues of a two-unit RNN with a complex pair (left), its oscillating kernel (middle) and its step "
           "response (right), one frame per decay rate; as the decay rate shrinks the eigenvalues approach the "
           "imaginary axis and the ringing lasts longer.")
    return _restore_interactive(lambda: scrubber(
        lambda axes, lam: draw_rnn_response(axes, modal_rnn([], pair=(lam, nu)), "step", t_max=40.0, dt=0.05),
        decays, ncols=3, width=COLUMN / 3, height=2.9, alt=alt))


# ---------------------------------------------------------------- three views
def three_views(model: LinearRNN, x, dt: float) -> dict[str, np.ndarray]:
    r"""The output of a linear RNN on a sampled input, computed three independent ways.

    * ``"recurrent"`` — the exact zero-order-hold recurrence
      :math:`h_{n+1}=Ah_n+Bx_n`, :math:`y_n=c^\top h_{n+1}` (:meth:`LinearRNN.recur`);
    * ``"convolution"`` — :math:`y_n=\sum_j K_{n-j}x_j` with the cell integrals
      of the kernel, by FFT (:func:`lrnn.respond`);
    * ``"modal"`` — the closed form from the eigen-decomposition
      :math:`c^\top e^{Wt}U=\sum_ia_ie^{z_it}` (eigenvalues :math:`z_i` of :math:`W`,
      weights :math:`a_i=(c^\top v_i)(\tilde v_i^\top U)`), with cell integrals
      :math:`a_ie^{z_ikdt}(e^{z_idt}-1)/z_i` and a direct
      (non-FFT) convolution, ``numpy.convolve``.

    Parameters
    ----------
    model : LinearRNN
        Scalar input; W diagonalisable (for the modal view).
    x : array_like, shape (T,)
        Input samples.
    dt : float
        Cell width.

    Returns
    -------
    dict of str to numpy.ndarray, each of shape (T,)
    """
    if not isinstance(model, LinearRNN):
        raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
    if model.input_dim != 1:
        raise ValueError(f"model must have scalar input (d = 1), got d = {model.input_dim}")
    x = as_real_array("x", x, ndim=1)
    if x.size == 0:
        raise ValueError("x must contain at least one sample")
    dt = as_real_scalar("dt", dt, positive=True)
    rec = model.recur(x, dt)
    conv = respond(model, x, dt)
    z, V = np.linalg.eig(np.array(model.W))
    if np.linalg.cond(V) > 1e8:
        raise ValueError("model.W must be diagonalisable (well-conditioned eigenvectors) for the modal view")
    a = (np.array(model.c) @ V) * np.linalg.solve(V, np.array(model.U, dtype=complex))
    k = np.arange(x.size)
    cells = (np.exp(np.multiply.outer(k * dt, z)) * (np.expm1(z * dt) / z)) @ a
    modal = np.convolve(np.real(cells), x)[: x.size]
    return {"recurrent": rec, "convolution": conv, "modal": modal}


def three_views_figure(model: LinearRNN | None = None, x=None, dt: float = 0.1):
    r"""The three views of :func:`three_views` overlaid (left) and their differences (right, log scale).

    Default: ``modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0))`` on 200 samples
    of a smooth random input.

    Returns
    -------
    matplotlib.figure.Figure
    """
    model = modal_rnn([0.5, 2.0], [1.0, -0.5], pair=(0.2, 1.0)) if model is None else model
    dt = as_real_scalar("dt", dt, positive=True)
    x = smooth_random(200, dt, correlation_time=1.0, seed=1) if x is None else x
    views = three_views(model, x, dt)
    fig, (ax, ax_d) = new_figure(ncols=2, width=COLUMN / 2, height=3.1)
    t = time_grid(len(views["recurrent"]), dt)
    for i, (name, y) in enumerate(views.items()):
        ax.plot(t, y, color=CYCLE[i], ls=LINESTYLES[i], lw=2.6 - 0.8 * i, label=name)
    ax.set_xlabel("time $t$")
    ax.set_ylabel(r"$\hat y(t)$")
    _legend_above(ax, ncol=3)
    scale = np.max(np.abs(views["convolution"]))
    for i, name in enumerate(("recurrent", "modal")):
        d = np.abs(views[name] - views["convolution"]) / scale
        ax_d.semilogy(t, np.maximum(d, 1e-18), color=CYCLE[2 * i], ls=LINESTYLES[i], lw=1.2,
                      label=f"{name} − convolution")
    ax_d.set_ylim(1e-18, 1e-10)
    ax_d.set_xlabel("time $t$")
    ax_d.set_ylabel(r"$|$difference$|$ / max$|\hat y|$")
    _legend_above(ax_d)
    return fig
