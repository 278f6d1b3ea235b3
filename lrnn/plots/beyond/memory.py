r"""Memory functions: linear kernels against their step-response memory, and a trained tanh RNN."""

from __future__ import annotations

import numpy as np

from ... import memory as mem
from ..._validation import as_real_array, as_real_scalar
from ...kernels import require_kernel
from .._common import discard_on_error, frame_values, log_ticks
from .._style import COLORS, CYCLE, LINESTYLES, new_figure


__all__ = ["draw_memory_functions", "memory_figure"]


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
