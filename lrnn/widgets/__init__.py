"""Live ipywidgets experiments; each wraps a figure function of :mod:`lrnn.plots`.

These need ``ipywidgets`` (installed with the book's requirements) and a running
kernel (Binder, Colab, local Jupyter). In the static book the same figure is
shown instead, plus a kernel-free scrubber.
"""

from . import approximation, memory, rates, training
from ._base import live, prerendered

__all__ = ["approximation", "memory", "rates", "training", "live", "prerendered"]
