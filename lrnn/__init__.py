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
* :mod:`lrnn.views` — kernel families with one memory parameter, named inputs, modal models, the three
  views of a linear RNN and the operator norm attained by mollified sign inputs (Chapter 1);
* :mod:`lrnn.rates` — approximation rates and required widths; :mod:`lrnn.hankel` — Hankel singular
  values; :mod:`lrnn.l1fit` — best L¹ fits on fixed rates, Markov's certificate and the Nikolskii bound
  of the L¹ curse (Chapter 3);
* :mod:`lrnn.loss` (closed-form white-noise loss), :mod:`lrnn.optimisers` (gradient descent, heavy ball,
  Adam), :mod:`lrnn.training` (:func:`lrnn.train`, :func:`lrnn.gradient_flow`), :mod:`lrnn.sampled`
  (training on sampled data), :mod:`lrnn.plateau` (:func:`lrnn.escape_time`, the plateau problem)
  (Chapter 4);
* :mod:`lrnn.memory`, :mod:`lrnn.nonlinear`, :mod:`lrnn.reparam`, :mod:`lrnn.ssm_init` — memory
  functions, perturbation errors, tanh RNNs, stable reparameterisations and SSM initialisations (Chapter 5);
* :mod:`lrnn.checks` — self-checks for the exercises (coursework);
* :mod:`lrnn.plots`, :mod:`lrnn.widgets` — the figures and live experiments of the book.
"""

from . import (approximation, checks, hankel, kernels, l1fit, loss, memory, nonlinear, optimisers, plateau, plots, rates,
               reparam, sampled, signals, ssm_init, training, views, widgets)
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
    "views", "hankel", "l1fit", "loss", "optimisers", "sampled", "plateau", "ssm_init",
]
__version__ = "0.1.0"
