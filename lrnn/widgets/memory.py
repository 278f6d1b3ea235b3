"""Live experiments of Chapter 1: a kernel and its output, a small RNN and its kernel.

Each widget drives a *view* of :mod:`lrnn.plots.memory`
(:class:`~lrnn.plots.memory.KernelResponseView`,
:class:`~lrnn.plots.memory.RNNResponseView`), the same code that draws the
book's static figure, so the live picture is that figure at other parameters.
The figure is built once; a control change replaces the data of its artists
and re-encodes it as a PNG shown by an ``ipywidgets.Image``
(:class:`lrnn.widgets._base.FigureImage`). Its layout is computed on the first
draw and then kept, which halves the cost of a redraw; nothing is re-created,
so an update costs one Agg rendering (well under the book's 200 ms budget on an
idle 2-core machine). The axes rescale with the data, so the whole figure is
redrawn (no blitting). The widgets need
``ipywidgets`` and a running kernel (Binder, Colab, local Jupyter).
"""

from __future__ import annotations

from .. import views as _views
from ..plots import memory as _plots
from ._base import DPI, FigureImage, live_figure

__all__ = ["kernel_explorer", "rnn_explorer", "DPI"]


def _live_view(view, update, controls: dict):
    """Controls above an image of ``view.figure`` (full redraws with a frozen layout: the axes rescale)."""
    box = live_figure(FigureImage(view.figure), update, controls)
    box.view = view
    return box


def kernel_explorer(family: str = "exponential", memory: float = 5.0, signal: str = "smooth random"):
    """Experiment (a): pick a kernel family, its memory and an input; see ρ and the output.

    Drives :class:`lrnn.plots.memory.KernelResponseView` (kernel normalised to
    unit L¹ norm, 40 time units sampled with dt = 0.05, exact output by
    :func:`lrnn.respond`), the view behind :func:`lrnn.plots.memory.kernel_response`.

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
    ipywidgets.VBox
        The controls (kernel, memory, input, seed) above the image.
    """
    import ipywidgets as widgets

    _plots.memory_kernel(family, memory)  # validates family and memory
    _views._as_choice("signal", signal, _plots.SIGNALS)
    if not 0.5 <= memory <= 15.0:
        raise ValueError(f"memory must lie in the slider range [0.5, 15], got {memory}")
    view = _plots.KernelResponseView()
    controls = {
        "family": widgets.Dropdown(options=list(_plots.FAMILIES), value=family, description="kernel"),
        "memory": widgets.FloatSlider(value=memory, min=0.5, max=15.0, step=0.5, description="memory M",
                                      continuous_update=False),
        "signal": widgets.Dropdown(options=list(_plots.SIGNALS), value=signal, description="input"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed", continuous_update=False),
    }
    return _live_view(view, view.update, controls)


def rnn_explorer(units: int = 3):
    """Experiment (b): move the eigenvalues of a 2–4 unit linear RNN; see its kernel and response.

    Controls: the number of units ``m``; either ``m`` real eigenvalues
    ``-λ_1, ..., -λ_m`` (unit read-out weights) or a complex pair ``-λ ± iν``
    plus ``m - 2`` real ones (rate sliders beyond those in use are ignored);
    and the input signal. Drives :class:`lrnn.plots.memory.RNNResponseView` on
    :func:`lrnn.plots.memory.modal_rnn`, the view behind
    :func:`lrnn.plots.memory.rnn_response`.

    Parameters
    ----------
    units : int, default 3
        Initial width m, 2 to 4.

    Returns
    -------
    ipywidgets.VBox
        The controls above the image.
    """
    import ipywidgets as widgets

    units = _views._as_int("units", units, 2)
    if units > 4:
        raise ValueError(f"units must be 2, 3 or 4, got {units}")
    view = _plots.RNNResponseView()

    def update(units, spectrum, r1, r2, r3, r4, a, nu, signal):
        rates = [r1, r2, r3, r4]
        if spectrum == "real":
            model = _plots.modal_rnn(rates[:units])
        else:
            model = _plots.modal_rnn(rates[: units - 2], pair=(a, nu))
        return view.update(model, signal)

    def rate(value, label):
        return widgets.FloatLogSlider(value=value, base=10, min=-2, max=1, step=0.05, description=label,
                                      continuous_update=False)

    controls = {
        "units": widgets.IntSlider(value=units, min=2, max=4, description="units m"),
        "spectrum": widgets.ToggleButtons(options=["real", "complex pair"], value="complex pair",
                                          description="spectrum"),
        "r1": rate(1.0, "λ₁"),
        "r2": rate(0.3, "λ₂"),
        "r3": rate(3.0, "λ₃"),
        "r4": rate(0.1, "λ₄"),
        "a": rate(0.3, "pair λ"),
        "nu": widgets.FloatSlider(value=1.5, min=0.0, max=5.0, step=0.1, description="pair ν",
                                  continuous_update=False),
        "signal": widgets.Dropdown(options=list(_plots.SIGNALS), value="step", description="input"),
    }
    return _live_view(view, update, controls)
