"""Live ipywidgets experiments; each wraps a figure function of :mod:`lrnn.plots`.

These need ``ipywidgets`` (installed with the book's requirements) and a running
kernel (Binder, Colab, local Jupyter). In the static book the same figure is
shown instead, plus a kernel-free scrubber. Every widget shows one persistent
figure as a PNG image (:class:`lrnn.widgets._base.FigureImage`: layout frozen
after the first draw, only the changing artists redrawn where the axes stay).
"""

from . import approximation, beyond, memory, rates, training
from ._base import FigureImage, live, live_figure, prerendered

__all__ = ["approximation", "beyond", "memory", "rates", "training", "FigureImage", "live", "live_figure",
           "prerendered"]
