r"""Figures of the training-dynamics chapter (Chapter 4): the plateau mechanism, plateaus, escape times, optimisers.

One module per job; every name is importable from here, as before:

* :mod:`~lrnn.plots.training.diagrams` — :func:`mechanism_diagram`, the plateau mechanism in three panels;
* :mod:`~lrnn.plots.training.plateau` — the gradient flows of the plateau problem, cached
  (:func:`plateau_flow`), so that the static figure, the scrubber and the live widget integrate each lag
  once; :func:`plateau_figure`, :func:`plateau_scrubber`, and the artists a widget moves
  (:func:`plateau_artists`);
* :mod:`~lrnn.plots.training.escape` — escape times against the lag with fitted and local slopes
  (:func:`escape_figure`, :func:`escape_rates_figure`) and the reduced model's estimates
  (:func:`reduced_estimates`, :func:`draw_reduced_estimates`);
* :mod:`~lrnn.plots.training.optimisers` — GD, heavy ball and Adam on the plateau problem (cached runs,
  :func:`optimizer_run`, :func:`optimizer_figure`) and sampled-data training (:func:`sampled_figure`).

Every function computes what it shows from :mod:`lrnn.training`, :mod:`lrnn.plateau` and :mod:`lrnn.loss`
(closed-form loss, stiff gradient flow, exact escape times) and draws it; :mod:`lrnn.widgets.training` wraps
the same drawing code. Notation as in the book: rates :math:`\lambda_i`, weights :math:`a_i`, the target's
short-memory rate :math:`\kappa`, the lag :math:`\ell` of the memory, the plateau level
:math:`E_\ell=\tfrac12\|g_\ell\|_2^2`.
"""

from .._style import COLORS, CYCLE, LINESTYLES
from .common import DROP_FRACTION, PLATEAU_LIMITS
from .diagrams import _captured_energy, mechanism_diagram
from .escape import draw_reduced_estimates, escape_figure, escape_rates_figure, reduced_estimates
from .optimisers import (
    _optimizer_label,
    _optimizer_run,
    draw_optimizer_run,
    draw_optimizer_runs,
    optimizer_figure,
    optimizer_run,
    sampled_figure,
)
from .plateau import _plateau_flow, draw_plateau, plateau_artists, plateau_figure, plateau_flow, plateau_scrubber

__all__ = ["mechanism_diagram", "plateau_flow", "plateau_artists", "draw_plateau", "plateau_figure",
           "plateau_scrubber", "escape_figure", "escape_rates_figure", "draw_reduced_estimates", "reduced_estimates",
           "optimizer_run", "draw_optimizer_run", "draw_optimizer_runs", "optimizer_figure", "sampled_figure",
           "PLATEAU_LIMITS", "DROP_FRACTION"]
