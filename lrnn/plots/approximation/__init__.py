r"""Figures of Chapter 2: universal approximation of linear functionals by linear RNNs.

One module per job; every name is importable from here, as before:

* :mod:`~lrnn.plots.approximation.data` — the numbers the figures show: target
  kernels, the widget's cached fits and errors, rate sequences and exact Blaschke
  products (:func:`target_kernel`, :func:`width_fit`, :func:`width_error`,
  :func:`sequence_rates`, :func:`muntz_errors`, :func:`muntz_plateau`,
  :func:`narrow_bump`), public so that the chapter can check the figures;
* :mod:`~lrnn.plots.approximation.width` — experiment (a), a target kernel and
  its width-m fit with the error against m (:class:`WidthFitView`,
  :func:`width_fit_figure`, :func:`width_scrubber`);
* :mod:`~lrnn.plots.approximation.muntz` — experiment (b), best errors for
  :math:`e^{-\kappa t}` with fixed sequences of rates and with grids that move
  with m (:class:`MuntzView`, :func:`muntz_figure`, :func:`muntz_scrubber`);
* :mod:`~lrnn.plots.approximation.diagrams` — :func:`substitution_diagram`, the
  picture of the substitution :math:`u=e^{-t}` behind the proof;
* :mod:`~lrnn.plots.approximation.figures` — figures of results the chapter
  computes: :func:`error_curves_figure`, :func:`rates_figure`, :func:`delta_figure`.

The experiments with a live widget are drawn by *views*: objects that create
their artists once and replace their data in ``update``, so that the static
figure, every scrubber frame and every slider move of the widget go through one
code path, and a widget update costs one re-rendering (or less: the views list
the artists an update changes, which a widget redraws alone when the axes stay).
"""

from .._common import COLUMN
from .data import (
    MAX_FIT_WIDTH,
    MAX_SEQUENCE_WIDTH,
    SEQUENCES,
    TARGETS,
    _kernel_samples,
    _target,
    _width_error,
    _width_fit,
    muntz_errors,
    muntz_plateau,
    narrow_bump,
    sequence_rates,
    target_kernel,
    width_error,
    width_fit,
)
from .diagrams import substitution_diagram
from .figures import delta_figure, draw_delta, draw_error_curves, draw_rates, error_curves_figure, rates_figure
from .muntz import SEQUENCE_LABELS, MuntzView, draw_muntz, muntz_figure, muntz_scrubber
from .width import WidthFitView, draw_width_fit, width_fit_figure, width_scrubber

__all__ = [
    "TARGETS",
    "SEQUENCES",
    "SEQUENCE_LABELS",
    "COLUMN",
    "MAX_FIT_WIDTH",
    "MAX_SEQUENCE_WIDTH",
    "target_kernel",
    "width_fit",
    "width_error",
    "WidthFitView",
    "draw_width_fit",
    "width_fit_figure",
    "width_scrubber",
    "sequence_rates",
    "muntz_errors",
    "muntz_plateau",
    "MuntzView",
    "draw_muntz",
    "muntz_figure",
    "muntz_scrubber",
    "substitution_diagram",
    "draw_error_curves",
    "error_curves_figure",
    "draw_rates",
    "rates_figure",
    "narrow_bump",
    "draw_delta",
    "delta_figure",
]
