"""lrnn — linear RNNs, memory kernels and the curse of memory.

The companion package of the book *The Curse of Memory*. Core objects:

* :mod:`lrnn.kernels` — memory kernels ρ of linear functionals;
* :class:`lrnn.LinearRNN` — the continuous-time linear RNN and its kernel cᵀe^{Wt}U;
* :func:`lrnn.respond` — the exact output of a kernel or model on a sampled input;
* :func:`lrnn.distance` — Lᵖ distances of kernels (the errors of the theory).
"""

from . import kernels, plots, signals, widgets
from .distance import distance, inner
from .rnn import LinearRNN, zoh_discretise
from .signals import respond

__all__ = ["kernels", "plots", "signals", "widgets", "LinearRNN", "respond", "distance", "inner", "zoh_discretise"]
__version__ = "0.1.0"
