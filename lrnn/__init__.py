"""lrnn — linear RNNs, memory kernels and the curse of memory.

The companion package of the book *The Curse of Memory*.

Core (foundation):

* :mod:`lrnn.kernels` — memory kernels ρ of linear functionals;
* :class:`lrnn.LinearRNN` — the continuous-time linear RNN and its kernel cᵀe^{Wt}U;
* :func:`lrnn.respond` — the exact output of a kernel or model on a sampled input
  (:mod:`lrnn.signals` also makes inputs);
* :func:`lrnn.distance` — Lᵖ distances of kernels (the errors of the theory).

Chapters' modules:

* :mod:`lrnn.approximation` — :func:`lrnn.fit`, best L² approximation by width-m RNNs (Chapter 2);
* :mod:`lrnn.rates` — approximation rates, Hankel singular values, required widths (Chapter 3);
* :mod:`lrnn.training` — closed-form white-noise loss, :func:`lrnn.train`, :func:`lrnn.gradient_flow`,
  :func:`lrnn.escape_time` (Chapter 4);
* :mod:`lrnn.memory`, :mod:`lrnn.nonlinear`, :mod:`lrnn.reparam` — memory functions, perturbation errors,
  tanh RNNs and stable reparameterisations (Chapter 5);
* :mod:`lrnn.checks` — self-checks for the exercises (coursework);
* :mod:`lrnn.plots`, :mod:`lrnn.widgets` — the figures and live experiments of the book.
"""

from . import approximation, checks, kernels, memory, nonlinear, plots, rates, reparam, signals, training, widgets
from .approximation import fit
from .distance import distance, inner
from .rates import hankel_singular_values, required_width
from .rnn import LinearRNN, zoh_discretise
from .signals import respond
from .training import escape_time, gradient_flow, train

__all__ = [
    "kernels", "signals", "approximation", "rates", "training", "plots", "widgets", "checks",
    "LinearRNN", "zoh_discretise", "respond", "distance", "inner",
    "fit", "hankel_singular_values", "required_width", "train", "gradient_flow", "escape_time",
    "memory", "nonlinear", "reparam",
]
__version__ = "0.1.0"
