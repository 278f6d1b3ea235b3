r"""Figures of the "beyond the paper" chapter (Chapter 5): memory functions, perturbation errors, stable
reparameterisations, reparameterised training and SSM initialisations.

One module per job; every name is importable from here, as before:

* :mod:`~lrnn.plots.beyond.memory` — memory functions of linear kernels and of a trained tanh RNN
  (:func:`memory_figure`);
* :mod:`~lrnn.plots.beyond.perturbation` — the perturbation error :math:`E_m(\delta)` of best fits
  (:func:`perturbation_curves`, :func:`perturbation_figure`, :func:`perturbation_scrubber`);
* :mod:`~lrnn.plots.beyond.reparam` — the gradient-to-weight ratio (:func:`ratio_figure`) and
  reparameterised training (:func:`reparam_runs`, :func:`reparam_figure`, :func:`reparam_scrubber`,
  :func:`loss_curve`);
* :mod:`~lrnn.plots.beyond.ssm` — SSM initialisations and the best fit with their rates
  (:func:`ssm_fit`, :func:`ssm_figure`);
* :mod:`~lrnn.plots.beyond.diagrams` — the explanatory diagrams (pictures of ideas rather than of data):
  :func:`reparam_map_figure` and :func:`ssm_layer_diagram`.

Each function computes what it shows from :mod:`lrnn.memory`, :mod:`lrnn.reparam`,
:mod:`lrnn.ssm_init` and :mod:`lrnn.nonlinear`; :mod:`lrnn.widgets.beyond` wraps the ``draw_*``
functions and updates their artists in place.
"""

from .._common import log_ticks
from .common import PARAM_STYLES, SCRUBBER_LEARNING_RATES
from .diagrams import reparam_map_figure, ssm_layer_diagram
from .memory import draw_memory_functions, memory_figure
from .perturbation import draw_perturbation, perturbation_curves, perturbation_figure, perturbation_scrubber
from .reparam import draw_reparam_runs, loss_curve, ratio_figure, reparam_figure, reparam_runs, reparam_scrubber
from .ssm import draw_ssm_init, ssm_figure, ssm_fit

__all__ = ["draw_memory_functions", "memory_figure", "perturbation_curves", "draw_perturbation",
           "perturbation_figure", "perturbation_scrubber", "reparam_runs", "draw_reparam_runs", "reparam_figure",
           "reparam_scrubber", "ratio_figure", "reparam_map_figure", "draw_ssm_init", "ssm_figure",
           "ssm_layer_diagram", "ssm_fit", "loss_curve", "log_ticks", "PARAM_STYLES", "SCRUBBER_LEARNING_RATES"]
