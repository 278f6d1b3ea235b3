r"""Figures of Chapter 1: linear functionals, their memory kernels and linear RNNs.

Every experiment has a *drawing* function ``draw_*(axes, ...)`` that draws on
given axes (used by the kernel-free scrubbers) and a *figure* function that
makes a new figure and calls it (used for the static figures and the live
widgets of :mod:`lrnn.widgets.memory`). The numerical helpers

* :func:`memory_kernel` — a kernel family with one "memory" parameter;
* :func:`input_signal` — the named input signals of the widgets;
* :func:`mollified_sign` / :func:`norm_attainment` — the (smoothed) maximising
  input :math:`x(t-s) = \operatorname{sign}\rho(s)` of the bound
  :math:`|H_t(x)|\le\|\rho\|_{L^1}\|x\|_\infty` and the outputs it produces;
* :func:`modal_rnn` — a 2–4 unit linear RNN from its eigenvalues;
* :func:`three_views` — the recurrent, convolutional and modal (closed-form)
  outputs of a linear RNN on a sampled input

are public so that the chapter can check the figures' numbers independently.
Conventions for sampled inputs are those of :func:`lrnn.respond`: ``x[j]`` is
held on ``[j·dt, (j+1)·dt)``, zero before time 0, and ``y[n]`` is the output at
``t = (n+1)·dt``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from scipy import special

from .. import kernels as _kernels
from .._validation import as_real_array, as_real_scalar
from ..rnn import LinearRNN
from ..signals import respond, sinusoid, smooth_random, step, time_grid, white_noise
from ._style import COLORS, CYCLE, LINESTYLES, new_figure

__all__ = [
    "FAMILIES",
    "SIGNALS",
    "memory_kernel",
    "input_signal",
    "default_gallery",
    "draw_kernel_gallery",
    "kernel_gallery",
    "draw_kernel_response",
    "kernel_response",
    "mollified_sign",
    "norm_attainment",
    "draw_norm_attainment",
    "norm_attainment_figure",
    "modal_rnn",
    "draw_rnn_response",
    "rnn_response",
    "three_views",
    "three_views_figure",
]

#: Kernel families of :func:`memory_kernel`, in the order of the widgets.
FAMILIES = ("exponential", "power law", "delayed", "airy")
#: Input signals of :func:`input_signal`.
SIGNALS = ("step", "sinusoid", "smooth random", "white noise")


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


# ---------------------------------------------------------------- kernels and inputs
def memory_kernel(family: str, memory: float) -> _kernels.Kernel:
    r"""A kernel of one family whose memory grows with the parameter ``memory``.

    * ``"exponential"`` — ``Exponential(rate=1/M)``, :math:`\rho(t)=e^{-t/M}`, :math:`\|\rho\|_1=M`;
    * ``"power law"`` — ``PowerLaw(omega=1/M)``, :math:`\rho(t)=(1+t)^{-(1+1/M)}`, :math:`\|\rho\|_1=M`;
    * ``"delayed"`` — ``Delayed(lag=M)``, :math:`\rho(t)=e^{-(t-M)^2}`,
      :math:`\|\rho\|_1=\frac{\sqrt\pi}{2}(1+\mathrm{erf}\,M)`;
    * ``"airy"`` — ``Airy(lag=M)``, :math:`\rho(t)=\mathrm{Ai}(t-M)` (:math:`\|\rho\|_1` by quadrature).

    Parameters
    ----------
    family : {"exponential", "power law", "delayed", "airy"}
        The kernel family.
    memory : float
        The memory parameter :math:`M > 0`: a time scale (exponential), the
        inverse decay exponent (power law) or a lag (delayed, Airy).

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


def draw_kernel_gallery(axes, gallery=None, t_max: float = 20.0) -> np.ndarray:
    r"""Draw each kernel of ``gallery`` on its own axes, with :math:`\|\rho\|_1` and :math:`\|\rho\|_2`.

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
        The norms :math:`(\|\rho\|_{L^1}, \|\rho\|_{L^2})` shown in the titles
        (from ``k.norm(1)``, ``k.norm(2)``).
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
        ax.plot(t, k(t), color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)])
        ax.set_title(f"{label}\n" + rf"$\|\rho\|_1={norms[i, 0]:.3g}$, $\|\rho\|_2={norms[i, 1]:.3g}$",
                     fontsize=9)
        ax.set_xlabel("lag $t$")
        ax.set_ylabel(r"$\rho(t)$")
    return norms


def kernel_gallery(gallery=None, t_max: float = 20.0, log_panel: bool = True):
    r"""The kernels side by side, plus (optionally) :math:`|\rho(t)|` on log–log axes.

    Parameters
    ----------
    gallery : list of (str, Kernel), optional
        Labelled kernels; default :func:`default_gallery` (exponential, power
        law, delayed, Airy).
    t_max : float, default 20
        Right end of the linear time axes.
    log_panel : bool, default True
        Add a last panel with :math:`|\rho(t)|` for :math:`t\in[0.1, 10^3]`
        on log–log axes, where exponential, power-law and super-exponential
        decay are told apart.

    Returns
    -------
    matplotlib.figure.Figure
    """
    gallery = default_gallery() if gallery is None else list(gallery)
    if len(gallery) == 0:
        raise ValueError("gallery must contain at least one (label, kernel) pair")
    ncols = len(gallery) + (1 if log_panel else 0)
    fig, axes = new_figure(ncols=ncols, width=3.0, height=2.9)
    axes = np.atleast_1d(axes)
    draw_kernel_gallery(axes[: len(gallery)], gallery, t_max)
    if log_panel:
        ax = axes[-1]
        t = np.geomspace(0.1, 1000.0, 600)
        for i, (label, k) in enumerate(gallery):
            v = np.abs(k(t))
            v = np.where(v > 1e-12, v, np.nan)
            ax.loglog(t, v, color=CYCLE[i % len(CYCLE)], ls=LINESTYLES[i % len(LINESTYLES)],
                      label=label.split(" $")[0])
        ax.set_ylim(1e-10, 3.0)
        ax.set_xlabel("lag $t$")
        ax.set_ylabel(r"$|\rho(t)|$")
        ax.set_title("tails (log–log)", fontsize=9)
        ax.legend(fontsize=7, loc="lower left")
    return fig


# ---------------------------------------------------------------- experiment (a)
def draw_kernel_response(axes, family: str = "exponential", memory: float = 5.0, signal: str = "smooth random",
                         t_max: float = 40.0, dt: float = 0.05, seed: int = 0, normalise: bool = True) -> dict:
    r"""Draw a kernel (left) and its output on an input signal (right).

    The output is :math:`y(t) = \int_0^t \rho(s)\,x(t-s)\,ds` (input zero before
    time 0), computed exactly on the sampled input by :func:`lrnn.respond`.

    Parameters
    ----------
    axes : pair of matplotlib Axes
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
    signal = _as_choice("signal", signal, SIGNALS)
    t_max = as_real_scalar("t_max", t_max, positive=True)
    dt = as_real_scalar("dt", dt, positive=True)
    k = memory_kernel(family, memory)
    if normalise:
        k = (1.0 / k.norm(1)) * k
    n = _grid(t_max, dt)
    x = input_signal(signal, n, dt, seed)
    y = respond(k, x, dt)
    ax_k, ax_y = np.ravel(axes)[:2]
    s = np.linspace(0.0, t_max, 801)
    ax_k.axhline(0.0, color="0.6", lw=0.8)
    ax_k.plot(s, k(s), color=COLORS["blue"])
    ax_k.set_xlabel("lag $s$")
    ax_k.set_ylabel(r"$\rho(s)/\|\rho\|_1$" if normalise else r"$\rho(s)$")
    ax_k.set_title(f"{family} kernel, memory $M={memory:g}$", fontsize=9)
    t_out = _draw_input_output(ax_y, x, y, dt, signal, r"output $H_t(x)$", "upper right")
    return {"kernel": k, "t": t_out, "x": x, "y": y}


def _draw_input_output(ax, x, y, dt: float, signal: str, label: str, loc: str) -> np.ndarray:
    """The input (held on its cells) and the output at the cell ends on one panel; returns the output times."""
    t_out = time_grid(len(x), dt)
    ax.step(dt * np.arange(len(x)), x, where="post", color="0.55", lw=0.8, label="input $x(t)$")
    ax.plot(t_out, y, color=COLORS["vermillion"], lw=1.6, label=label)
    if signal == "white noise":
        lim = 1.2 * max(np.max(np.abs(y)), 1e-12)
        ax.set_ylim(-lim, lim)
    ax.set_xlabel("time $t$")
    ax.set_ylabel("value")
    ax.set_title(f"{signal} input", fontsize=9)
    ax.legend(fontsize=8, loc=loc)
    return t_out


def kernel_response(family: str = "exponential", memory: float = 5.0, signal: str = "smooth random",
                    t_max: float = 40.0, dt: float = 0.05, seed: int = 0, normalise: bool = True):
    """Figure of :func:`draw_kernel_response`: the kernel and its output side by side.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(ncols=2, width=4.3, height=3.0)
    draw_kernel_response(axes, family, memory, signal, t_max, dt, seed, normalise)
    return fig


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
    r"""The sign of a kernel, smoothed by a Gaussian: :math:`m_\varepsilon = \operatorname{sign}\rho * \varphi_\varepsilon`.

    With the zeros :math:`z_1<\dots<z_K` of :math:`\rho` (sign :math:`\sigma_0`
    on :math:`(-\infty, z_1)`, extended to the left of 0, alternating after each zero),

    .. math::

        m_\varepsilon(s) = \sum_{i=0}^{K}\sigma_i\Big[\Phi\Big(\frac{z_{i+1}-s}{\varepsilon}\Big)
        - \Phi\Big(\frac{z_i-s}{\varepsilon}\Big)\Big],
        \qquad z_0=-\infty,\ z_{K+1}=+\infty,

    with :math:`\Phi` the standard normal distribution function. It is smooth,
    :math:`|m_\varepsilon|\le1`, and :math:`m_\varepsilon\to\operatorname{sign}\rho`
    away from the zeros as :math:`\varepsilon\to0`. ``width = 0`` gives the sign itself.

    Parameters
    ----------
    kernel : Kernel
        A scalar kernel with isolated zeros.
    s : array_like
        Lags :math:`s \ge 0`.
    width : float
        The mollifier's standard deviation :math:`\varepsilon \ge 0`.
    horizon : float, optional
        Zeros are searched on ``[0, horizon]`` (default ``max(s)``) on a grid
        of 20 000 points; simple zeros only (sign changes).

    Returns
    -------
    numpy.ndarray
        :math:`m_\varepsilon(s)`, the shape of ``s``.
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
    r"""Outputs :math:`H_t(x_\varepsilon)` of the mollified maximising inputs.

    For each :math:`\varepsilon` in ``widths`` the input is
    :math:`x_\varepsilon(u) = m_\varepsilon(t-u)` for :math:`0\le u<t` (zero
    before time 0), :func:`mollified_sign`, sampled at the cell midpoints
    :math:`u_j=(j+\frac12)dt`; the output at time ``t`` is :func:`lrnn.respond`'s
    last value, i.e. :math:`\sum_j K_{n-j}x_j` with exact cell integrals
    :math:`K_k`. Since :math:`\|x_\varepsilon\|_\infty\le1`, every value is at most
    :math:`\int_0^t|\rho|\le\|\rho\|_{L^1}`, and it tends to
    :math:`\int_0^t|\rho|` as ``dt`` and :math:`\varepsilon` tend to 0.

    Parameters
    ----------
    kernel : Kernel
    widths : array_like, shape (k,)
        Mollifier widths :math:`\varepsilon \ge 0`.
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
    r"""Draw the maximising inputs (left) and their outputs against :math:`\varepsilon` (right).

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
        The outputs :math:`H_t(x_\varepsilon)` (from :func:`norm_attainment`).
    """
    kernel = _kernels.Airy(lag=5.0) if kernel is None else _kernels.require_kernel(kernel, "kernel")
    widths = as_real_array("widths", widths, ndim=1)
    values = norm_attainment(kernel, widths, t, dt)
    l1 = kernel.norm(1)
    ax_x, ax_v = np.ravel(axes)[:2]
    s = np.linspace(0.0, t, 1201)
    rho = kernel(s)
    ax_x.axhline(0.0, color="0.6", lw=0.8)
    ax_x.plot(s, rho / np.max(np.abs(rho)), color=COLORS["black"], lw=1.0, label=r"$\rho(s)/\max|\rho|$")
    for i, eps in enumerate(widths[: max(0, int(show))]):
        ax_x.plot(s, mollified_sign(kernel, s, float(eps), horizon=t), color=CYCLE[(i + 1) % len(CYCLE)],
                  ls=LINESTYLES[(i + 1) % len(LINESTYLES)], label=rf"$x_\varepsilon(t-s)$, $\varepsilon={eps:g}$")
    ax_x.set_xlabel("lag $s$")
    ax_x.set_ylabel("value")
    ax_x.set_title(r"the input that reads $\mathrm{sign}\,\rho$", fontsize=9)
    ax_x.legend(fontsize=7, loc="lower right")
    pos = widths > 0
    ax_v.semilogx(widths[pos], values[pos], "o-", color=COLORS["vermillion"], label=r"$H_t(x_\varepsilon)$")
    ax_v.axhline(l1, color=COLORS["blue"], ls="--", label=rf"$\|\rho\|_1={l1:.4f}$")
    step_out = float(kernel.step_response(t))
    ax_v.axhline(step_out, color=COLORS["green"], ls=":", label=rf"step input: $\int_0^t\rho={step_out:.3f}$")
    ax_v.set_xlabel(r"mollifier width $\varepsilon$")
    ax_v.set_ylabel(r"output at $t$ with $\|x\|_\infty\leq 1$")
    ax_v.set_title("approaching the operator norm", fontsize=9)
    ax_v.legend(fontsize=7, loc="center right")
    return values


def norm_attainment_figure(kernel=None, widths=(1.0, 0.3, 0.1, 0.03, 0.01), t: float = 20.0, dt: float = 0.005):
    """Figure of :func:`draw_norm_attainment`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = new_figure(ncols=2, width=4.4, height=3.1)
    draw_norm_attainment(axes, kernel, widths, t, dt)
    return fig


# ---------------------------------------------------------------- experiment (b): RNNs from eigenvalues
def modal_rnn(rates: Sequence[float] = (), weights: Sequence[float] | None = None,
              pair: tuple[float, float] | None = None, pair_weight: float = 1.0) -> LinearRNN:
    r"""A small linear RNN in real modal form, built from its eigenvalues.

    Real units :math:`i` have :math:`W_{ii} = -r_i`, :math:`U_i = 1`,
    :math:`c_i = w_i`, and contribute :math:`w_i e^{-r_i t}` to the kernel. A
    complex pair :math:`-a\pm i\nu` is the rotation block
    :math:`\begin{pmatrix}-a & \nu\\ -\nu & -a\end{pmatrix}` with input
    :math:`(1, 0)` and read-out :math:`(p, 0)`, which contributes
    :math:`p\,e^{-at}\cos(\nu t)`. The kernel of the model is the sum.

    Parameters
    ----------
    rates : sequence of float
        Decay rates :math:`r_i > 0` of the real units (eigenvalues :math:`-r_i`).
    weights : sequence of float, optional
        Read-out weights :math:`w_i` (default all 1).
    pair : (float, float), optional
        :math:`(a, \nu)` with :math:`a > 0`, :math:`\nu \ge 0`: a complex pair :math:`-a\pm i\nu`
        (two units, placed first).
    pair_weight : float, default 1
        Read-out weight :math:`p` of the pair.

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


def draw_rnn_response(axes, model: LinearRNN, signal: str = "step", t_max: float = 20.0, dt: float = 0.05,
                      seed: int = 0) -> dict:
    r"""Draw a linear RNN's eigenvalues, kernel (with its modes) and output on an input.

    Panels: (1) the eigenvalues of :math:`W` in the complex plane, with the
    unstable half-plane shaded; (2) the kernel :math:`c^\top e^{Wt}U` and the
    contributions of its modes (real units and complex pairs of a block-diagonal
    :math:`W`, or the eigen-decomposition otherwise); (3) input and output,
    by :func:`lrnn.respond`.

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
    if not isinstance(model, LinearRNN):
        raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
    if model.input_dim != 1:
        raise ValueError(f"model must have scalar input (d = 1), got d = {model.input_dim}")
    signal = _as_choice("signal", signal, SIGNALS)
    t_max = as_real_scalar("t_max", t_max, positive=True)
    dt = as_real_scalar("dt", dt, positive=True)
    n = _grid(t_max, dt)
    ax_e, ax_k, ax_y = np.ravel(axes)[:3]
    lam = model.eigenvalues
    # ---- eigenvalues
    span = max(1.2 * float(np.max(np.abs(lam.real))), 1.0)
    height = max(1.2 * float(np.max(np.abs(lam.imag))), 1.0)
    ax_e.axvspan(0.0, 0.25 * span, color=COLORS["vermillion"], alpha=0.15, lw=0)
    ax_e.axvline(0.0, color=COLORS["vermillion"], lw=1.0)
    ax_e.plot(lam.real, lam.imag, "x", color=COLORS["blue"], ms=9, mew=2)
    ax_e.set_xlim(-span, 0.25 * span)
    ax_e.set_ylim(-height, height)
    ax_e.set_xlabel(r"$\mathrm{Re}\,\lambda$")
    ax_e.set_ylabel(r"$\mathrm{Im}\,\lambda$")
    ax_e.set_title("eigenvalues of $W$ (shaded: unstable)", fontsize=9)
    # ---- kernel and modes
    t = np.linspace(0.0, t_max, 801)
    modes = _mode_contributions(model, t)
    rho = modes.sum(axis=0)  # = c^T e^{Wt} U (closed form per block; checked against expm in the tests)
    ax_k.axhline(0.0, color="0.6", lw=0.8)
    for i, mode in enumerate(modes):
        ax_k.plot(t, mode, color=CYCLE[(i + 2) % len(CYCLE)], lw=0.9, ls=LINESTYLES[(i + 1) % len(LINESTYLES)],
                  label="modes" if i == 0 else None)
    ax_k.plot(t, rho, color=COLORS["blue"], lw=2.0, label=r"$c^\top e^{Wt}U$")
    ax_k.set_xlabel("lag $t$")
    ax_k.set_ylabel(r"$\hat\rho(t)$")
    ax_k.set_title(f"kernel of the {model.hidden_size}-unit RNN", fontsize=9)
    ax_k.legend(fontsize=8, loc="upper right")
    # ---- response
    x = input_signal(signal, n, dt, seed)
    y = respond(model, x, dt)
    t_out = _draw_input_output(ax_y, x, y, dt, signal, r"output $\hat y(t)$", "lower right")
    return {"t": t, "kernel": rho, "modes": modes, "t_out": t_out, "x": x, "y": y}


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
        lam, V = np.linalg.eig(Wb)
        if np.linalg.cond(V) > 1e8:  # defective block: matrix exponential
            out.append(LinearRNN(Wb, Ub, cb).kernel(t))
            continue
        coef = (cb @ V) * np.linalg.solve(V, Ub.astype(complex))
        modes = np.real(coef[:, None] * np.exp(np.multiply.outer(lam, t)))
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
    fig, axes = new_figure(ncols=3, width=3.3, height=3.0)
    draw_rnn_response(axes, model, signal, t_max, dt, seed)
    return fig


# ---------------------------------------------------------------- three views
def three_views(model: LinearRNN, x, dt: float) -> dict[str, np.ndarray]:
    r"""The output of a linear RNN on a sampled input, computed three independent ways.

    * ``"recurrent"`` — the exact zero-order-hold recurrence
      :math:`h_{n+1}=Ah_n+Bx_n`, :math:`y_n=c^\top h_{n+1}` (:meth:`LinearRNN.recur`);
    * ``"convolution"`` — :math:`y_n=\sum_j K_{n-j}x_j` with the cell integrals
      of the kernel, by FFT (:func:`lrnn.respond`);
    * ``"modal"`` — the closed form from the eigen-decomposition
      :math:`c^\top e^{Wt}U=\sum_i\beta_ie^{\lambda_it}`, with cell integrals
      :math:`\beta_ie^{\lambda_ikdt}(e^{\lambda_idt}-1)/\lambda_i` and a direct
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
    lam, V = np.linalg.eig(np.array(model.W))
    if np.linalg.cond(V) > 1e8:
        raise ValueError("model.W must be diagonalisable (well-conditioned eigenvectors) for the modal view")
    beta = (np.array(model.c) @ V) * np.linalg.solve(V, np.array(model.U, dtype=complex))
    k = np.arange(x.size)
    cells = (np.exp(np.multiply.outer(k * dt, lam)) * (np.expm1(lam * dt) / lam)) @ beta
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
    fig, (ax, ax_d) = new_figure(ncols=2, width=4.3, height=3.0)
    t = time_grid(len(views["recurrent"]), dt)
    for i, (name, y) in enumerate(views.items()):
        ax.plot(t, y, color=CYCLE[i], ls=LINESTYLES[i], lw=2.4 - 0.7 * i, label=name)
    ax.set_xlabel("time $t$")
    ax.set_ylabel(r"$\hat y(t)$")
    ax.set_title("three computations of one output", fontsize=9)
    ax.legend(fontsize=8)
    scale = np.max(np.abs(views["convolution"]))
    for i, name in enumerate(("recurrent", "modal")):
        d = np.abs(views[name] - views["convolution"]) / scale
        ax_d.semilogy(t, np.maximum(d, 1e-18), color=CYCLE[2 * i], ls=LINESTYLES[i],
                      label=f"|{name} − convolution| / max|y|")
    ax_d.set_ylim(1e-18, 1e-10)
    ax_d.set_xlabel("time $t$")
    ax_d.set_ylabel("relative difference")
    ax_d.set_title("they agree to rounding error", fontsize=9)
    ax_d.legend(fontsize=7)
    return fig
