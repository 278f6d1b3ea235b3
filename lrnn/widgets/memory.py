"""Live experiments of Chapter 1: a kernel and its output, a small RNN and its kernel.

Each widget wraps a figure function of :mod:`lrnn.plots.memory`, so the live
picture is the static figure of the book at other parameters. They need
``ipywidgets`` and a running kernel (Binder, Colab, local Jupyter).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..plots import memory as _plots
from ._base import live

__all__ = ["kernel_explorer", "rnn_explorer"]


def kernel_explorer(family: str = "exponential", memory: float = 5.0, signal: str = "smooth random"):
    """Experiment (a): pick a kernel family, its memory and an input; see ρ and the output.

    Wraps :func:`lrnn.plots.memory.kernel_response` (kernel normalised to unit
    L¹ norm, 40 time units sampled with dt = 0.05, exact output by
    :func:`lrnn.respond`).

    Parameters
    ----------
    family : str, default "exponential"
        Initial family, one of :data:`lrnn.plots.memory.FAMILIES`.
    memory : float, default 5
        Initial memory parameter, in [0.5, 15] (see :func:`lrnn.plots.memory.memory_kernel`).
    signal : str, default "smooth random"
        Initial input, one of :data:`lrnn.plots.memory.SIGNALS`.

    Returns
    -------
    ipywidgets.interactive
    """
    import ipywidgets as widgets

    _plots.memory_kernel(family, memory)  # validates family and memory
    _plots._as_choice("signal", signal, _plots.SIGNALS)
    if not 0.5 <= memory <= 15.0:
        raise ValueError(f"memory must lie in the slider range [0.5, 15], got {memory}")

    def draw(family, memory, signal, seed):
        _plots.kernel_response(family, memory, signal, seed=seed)
        plt.show()

    return live(
        draw,
        family=widgets.Dropdown(options=list(_plots.FAMILIES), value=family, description="kernel"),
        memory=widgets.FloatSlider(value=memory, min=0.5, max=15.0, step=0.5, description="memory M",
                                   continuous_update=False),
        signal=widgets.Dropdown(options=list(_plots.SIGNALS), value=signal, description="input"),
        seed=widgets.IntSlider(value=0, min=0, max=20, description="seed", continuous_update=False),
    )


def rnn_explorer(units: int = 3):
    """Experiment (b): move the eigenvalues of a 2–4 unit linear RNN; see its kernel and response.

    Controls: the number of units ``m``; either ``m`` real eigenvalues
    ``-r_1, ..., -r_m`` (unit read-out weights) or a complex pair ``-a ± iν``
    plus ``m - 2`` real ones (rate sliders beyond those in use are ignored);
    and the input signal. Wraps
    :func:`lrnn.plots.memory.rnn_response` on :func:`lrnn.plots.memory.modal_rnn`.

    Parameters
    ----------
    units : int, default 3
        Initial width m, 2 to 4.

    Returns
    -------
    ipywidgets.interactive
    """
    import ipywidgets as widgets

    units = _plots._as_int("units", units, 2)
    if units > 4:
        raise ValueError(f"units must be 2, 3 or 4, got {units}")

    def draw(units, spectrum, r1, r2, r3, r4, a, nu, signal):
        rates = [r1, r2, r3, r4]
        if spectrum == "real":
            model = _plots.modal_rnn(rates[:units])
        else:
            model = _plots.modal_rnn(rates[: units - 2], pair=(a, nu))
        _plots.rnn_response(model, signal)
        plt.show()

    def rate(value, label):
        return widgets.FloatLogSlider(value=value, base=10, min=-2, max=1, step=0.05, description=label,
                                      continuous_update=False)

    return live(
        draw,
        units=widgets.IntSlider(value=units, min=2, max=4, description="units m"),
        spectrum=widgets.ToggleButtons(options=["real", "complex pair"], value="complex pair",
                                       description="spectrum"),
        r1=rate(1.0, "r₁"),
        r2=rate(0.3, "r₂"),
        r3=rate(3.0, "r₃"),
        r4=rate(0.1, "r₄"),
        a=rate(0.3, "pair a"),
        nu=widgets.FloatSlider(value=1.5, min=0.0, max=5.0, step=0.1, description="pair ν",
                               continuous_update=False),
        signal=widgets.Dropdown(options=list(_plots.SIGNALS), value="step", description="input"),
    )
