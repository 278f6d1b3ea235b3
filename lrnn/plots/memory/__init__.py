r"""Figures of Chapter 1: linear functionals, their memory kernels and linear RNNs.

One module per job; every name is importable from here, as before:

* :mod:`~lrnn.plots.memory.gallery` — the kernel gallery and the tails on
  log–log axes (:func:`kernel_gallery`, :func:`kernel_tails`);
* :mod:`~lrnn.plots.memory.responses` — the two experiments with live widgets,
  drawn by *views* that create their artists once and then only update their
  data (:class:`KernelResponseView`, :class:`RNNResponseView`): the static
  figure, the scrubber frames and every redraw of the live widgets of
  :mod:`lrnn.widgets.memory` are the same code;
* :mod:`~lrnn.plots.memory.figures` — the operator norm attained by mollified
  sign inputs, and the three views of a linear RNN;
* :mod:`~lrnn.plots.memory.diagrams` — the explanatory diagrams
  (:func:`temporal_map_diagram`, :func:`rnn_block_diagram`);
* :mod:`~lrnn.plots.memory.scrubbers` — the kernel-free scrubbers
  (:func:`memory_scrubber`, :func:`pair_scrubber`).

Every experiment has a *drawing* function ``draw_*(axes, ...)`` that draws on
given axes (used by the scrubbers) and a *figure* function that makes a new
figure and calls it. The numbers come from :mod:`lrnn.views` (kernel families,
inputs, modal models, the three views, the operator norm), whose public names
are re-exported here so that earlier code keeps working: :func:`memory_kernel`,
:func:`input_signal`, :func:`mollified_sign`, :func:`norm_attainment`,
:func:`modal_rnn`, :func:`three_views`.

Conventions for sampled inputs are those of :func:`lrnn.respond`: ``x[j]`` is
held on ``[j·dt, (j+1)·dt)``, zero before time 0, and ``y[n]`` is the output at
``t = (n+1)·dt``. Notation is the book's: a model's decay rates are
:math:`\lambda_k>0` (eigenvalues :math:`-\lambda_k`, or :math:`-\lambda\pm i\nu`
for a complex pair) and its read-out weights :math:`a_k`.
"""

from ...views import (
    FAMILIES,
    SIGNALS,
    input_signal,
    memory_kernel,
    modal_rnn,
    mode_contributions,
    mollified_sign,
    norm_attainment,
    three_views,
)
from .._common import COLUMN
from .._style import new_figure
from .diagrams import rnn_block_diagram, temporal_map_diagram
from .figures import draw_norm_attainment, norm_attainment_figure, three_views_figure
from .gallery import default_gallery, draw_kernel_gallery, kernel_gallery, kernel_tails
from .responses import (
    KernelResponseView,
    RNNResponseView,
    draw_kernel_response,
    draw_rnn_response,
    kernel_response,
    rnn_response,
)
from .scrubbers import memory_scrubber, pair_scrubber

__all__ = [
    "FAMILIES",
    "SIGNALS",
    "memory_kernel",
    "input_signal",
    "default_gallery",
    "draw_kernel_gallery",
    "kernel_gallery",
    "kernel_tails",
    "temporal_map_diagram",
    "rnn_block_diagram",
    "KernelResponseView",
    "draw_kernel_response",
    "kernel_response",
    "memory_scrubber",
    "mollified_sign",
    "norm_attainment",
    "draw_norm_attainment",
    "norm_attainment_figure",
    "modal_rnn",
    "mode_contributions",
    "RNNResponseView",
    "draw_rnn_response",
    "rnn_response",
    "pair_scrubber",
    "three_views",
    "three_views_figure",
]
