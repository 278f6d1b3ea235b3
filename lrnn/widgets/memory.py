"""Live experiments of Chapter 1: a kernel and its output, a small RNN and its kernel.

Each widget drives a *view* of :mod:`lrnn.plots.memory`
(:class:`~lrnn.plots.memory.KernelResponseView`,
:class:`~lrnn.plots.memory.RNNResponseView`), the same code that draws the
book's static figure, so the live picture is that figure at other parameters.
The figure is built once; a control change replaces the data of its artists
and re-encodes it as a PNG shown by an ``ipywidgets.Image``. Its layout is
computed on the first draw and then kept, which halves the cost of a redraw;
nothing is re-created, so an update costs one Agg rendering (well under the
book's 200 ms budget on an idle 2-core machine). The widgets need
``ipywidgets`` and a running kernel (Binder, Colab, local Jupyter).
"""

from __future__ import annotations

import io

from ..plots import memory as _plots

__all__ = ["kernel_explorer", "rnn_explorer"]

#: Resolution of the widgets' images (dots per inch): 1.5 × the 100 px-per-inch design size, sharp on hi-dpi
#: screens at a modest rendering cost.
DPI = 150


class _FastPNG:
    """Render a figure that only this object draws: one Agg draw, light PNG compression.

    ``savefig`` draws twice when the figure has a layout engine (once to lay it
    out, once to paint); here the layout is computed on the first rendering and
    then frozen, so every later rendering is a single draw of the same artists.
    """

    def __init__(self, figure, dpi: float | None = None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        figure.set_dpi(DPI if dpi is None else dpi)
        self._frozen = False

    def __call__(self) -> bytes:
        import numpy as np
        from PIL import Image

        self.canvas.draw()
        if not self._frozen:          # keep the first layout: later redraws skip the constrained-layout pass
            self.figure.set_layout_engine("none")
            self._frozen = True
        rgb = np.asarray(self.canvas.buffer_rgba())[..., :3]
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
        return buf.getvalue()


def _live_view(view, update, controls: dict):
    """Controls above an image of ``view.figure``; a control change calls ``update(**values)`` and re-encodes.

    The figure is detached from pyplot (so the inline backend never shows it)
    and its layout is frozen after the first rendering. The returned box has
    ``redraw()`` (one update; returns the seconds it took), ``view`` and ``image``.
    """
    import time

    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    fig = view.figure
    plt.close(fig)
    width_px = int(round(fig.get_figwidth() * 100))
    render = _FastPNG(fig)
    image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width=f"{width_px}px"))

    def redraw(_change=None) -> float:
        t0 = time.perf_counter()
        update(**{name: control.value for name, control in controls.items()})
        image.value = render()
        return time.perf_counter() - t0

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([*controls.values(), image], layout=widgets.Layout(width="100%"))
    box.redraw = redraw
    box.view = view
    box.image = image
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
    _plots._as_choice("signal", signal, _plots.SIGNALS)
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

    units = _plots._as_int("units", units, 2)
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
