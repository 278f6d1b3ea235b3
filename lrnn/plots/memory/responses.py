r"""Chapter 1's two experiments with live widgets, drawn by *views* that create their artists once.

* :class:`KernelResponseView` — experiment (a): a kernel of one family and its
  output on an input signal (:func:`draw_kernel_response`, :func:`kernel_response`);
* :class:`RNNResponseView` — experiment (b): a linear RNN's eigenvalues, its
  kernel with the modes, and its output (:func:`draw_rnn_response`, :func:`rnn_response`).

:meth:`update` replaces the data of the artists, so the static figure, the
scrubber frames (:mod:`lrnn.plots.memory.scrubbers`) and every redraw of the
live widgets (:mod:`lrnn.widgets.memory`) are the same code. The numbers come
from :mod:`lrnn.views` and :func:`lrnn.respond`.
"""

from __future__ import annotations

import functools

import numpy as np

from ..._validation import as_real_scalar
from ...rnn import LinearRNN
from ...signals import respond, time_grid
from ...views import FAMILIES, SIGNALS, _as_choice, _as_int, _as_model, grid_size, input_signal, memory_kernel
from ...views import modal_rnn, mode_contributions
from .._common import COLUMN, discard_on_error, legend_above, set_ylim_to
from .._style import COLORS, LINESTYLES, new_figure

__all__ = ["KernelResponseView", "draw_kernel_response", "kernel_response",
           "RNNResponseView", "draw_rnn_response", "rnn_response"]


# ---------------------------------------------------------------- experiment (a)
@functools.lru_cache(maxsize=64)
def _response_data(family: str, memory: float, signal: str, t_max: float, dt: float, seed: int,
                   normalise: bool):
    """Kernel, input and exact output of experiment (a), cached by parameters (arrays read-only)."""
    k = memory_kernel(family, memory)
    if normalise:
        k = (1.0 / k.norm(1)) * k
    n = grid_size(t_max, dt)
    x = input_signal(signal, n, dt, seed)
    y = respond(k, x, dt)
    s = np.linspace(0.0, t_max, 801)
    rho = k(s)
    for a in (x, y, s, rho):
        a.flags.writeable = False
    return k, x, y, s, rho


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
        self._legend = legend_above(ax_y)
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
        set_ylim_to(ax_k, rho, [0.0])
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
            set_ylim_to(ax_y, x, y, [0.0])
        return {"kernel": k, "t": t_out, "x": x, "y": y}


def draw_kernel_response(axes, family: str = "exponential", memory: float = 5.0, signal: str = "smooth random",
                         t_max: float = 40.0, dt: float = 0.05, seed: int = 0, normalise: bool = True) -> dict:
    r"""Draw a kernel (left) and its output on an input signal (right): :class:`KernelResponseView` on ``axes``.

    Parameters
    ----------
    axes : pair of matplotlib Axes
        Where to draw (kernel, output).
    family, memory, signal, t_max, dt, seed, normalise
        See :meth:`KernelResponseView.update`.

    Returns
    -------
    dict
        ``kernel`` (the kernel drawn), ``t`` (output times), ``x``, ``y``.
    """
    return KernelResponseView(axes).update(family, memory, signal, t_max, dt, seed, normalise)


@discard_on_error
def kernel_response(family: str = "exponential", memory: float = 5.0, signal: str = "smooth random",
                    t_max: float = 40.0, dt: float = 0.05, seed: int = 0, normalise: bool = True):
    """Figure of :func:`draw_kernel_response`: the kernel and its output side by side.

    Parameters
    ----------
    family, memory, signal, t_max, dt, seed, normalise
        See :meth:`KernelResponseView.update`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    view = KernelResponseView()
    view.update(family, memory, signal, t_max, dt, seed, normalise)
    return view.figure


class RNNResponseView:
    r"""Experiment (b) on three axes: a linear RNN's eigenvalues, kernel (with its modes) and output.

    Panels: (1) the eigenvalues of :math:`W` in the complex plane, with the
    unstable half-plane shaded; (2) the kernel :math:`c^\top e^{Wt}U` and its
    modes, one curve per real eigenvalue or complex pair
    (:func:`lrnn.views.mode_contributions`); (3) input and output, by
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
        legend_above(ax_k, ncol=2)
        ax_y.axhline(0.0, color="0.6", lw=0.8)
        (self._input,) = ax_y.plot([], [], drawstyle="steps-post", color="0.55", lw=0.8, label="input: step")
        (self._output,) = ax_y.plot([], [], color=COLORS["vermillion"], lw=1.8, label=r"output $\hat y(t)$")
        ax_y.set_xlabel("time $t$")
        ax_y.set_ylabel("value")
        self._legend = legend_above(ax_y)
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
        signal : str, default "step"
            One of :data:`lrnn.views.SIGNALS`.
        t_max : float, default 20
            Length of the experiment.
        dt : float, default 0.05
            Sampling step.
        seed : int, default 0
            Seed of the random inputs.

        Returns
        -------
        dict
            ``t`` (kernel times), ``kernel``, ``modes`` (array (n_modes, len(t))),
            ``t_out``, ``x``, ``y``.
        """
        model = _as_model(model)
        signal = _as_choice("signal", signal, SIGNALS)
        t_max = as_real_scalar("t_max", t_max, positive=True)
        dt = as_real_scalar("dt", dt, positive=True)
        n = grid_size(t_max, dt)
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
        modes = mode_contributions(model, t)
        rho = modes.sum(axis=0)  # = c^T e^{Wt} U (closed form per mode; checked against expm in the tests)
        for i, mode in enumerate(modes):
            line = self._mode_line(i)
            line.set_data(t, mode)
            line.set_visible(True)
        for line in self._modes[len(modes):]:
            line.set_visible(False)
        self._kernel.set_data(t, rho)
        ax_k.set_xlim(0.0, t_max)
        set_ylim_to(ax_k, rho, modes, [0.0])
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
            set_ylim_to(ax_y, x, y, [0.0])
        return {"t": t, "kernel": rho, "modes": modes, "t_out": t_out, "x": x, "y": y}


def draw_rnn_response(axes, model: LinearRNN, signal: str = "step", t_max: float = 20.0, dt: float = 0.05,
                      seed: int = 0) -> dict:
    r"""Draw a linear RNN's eigenvalues, kernel (with its modes) and output: :class:`RNNResponseView` on ``axes``.

    Parameters
    ----------
    axes : three matplotlib Axes
        Where to draw (eigenvalues, kernel, output).
    model : LinearRNN
        Scalar input.
    signal, t_max, dt, seed
        See :meth:`RNNResponseView.update`.

    Returns
    -------
    dict
        ``t`` (kernel times), ``kernel``, ``modes`` (array (n_modes, len(t))),
        ``t_out``, ``x``, ``y``.
    """
    return RNNResponseView(axes).update(model, signal, t_max, dt, seed)


@discard_on_error
def rnn_response(model: LinearRNN | None = None, signal: str = "step", t_max: float = 20.0, dt: float = 0.05,
                 seed: int = 0):
    """Figure of :func:`draw_rnn_response` (default: a complex pair −0.3 ± 1.5i and a unit at −1).

    Parameters
    ----------
    model : LinearRNN, optional
        Scalar input; default ``modal_rnn([1.0], [1.0], pair=(0.3, 1.5))``.
    signal, t_max, dt, seed
        See :meth:`RNNResponseView.update`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    model = modal_rnn([1.0], [1.0], pair=(0.3, 1.5)) if model is None else model
    view = RNNResponseView()
    view.update(model, signal, t_max, dt, seed)
    return view.figure

