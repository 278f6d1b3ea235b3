"""Figure functions of the book: each draws the static view of one experiment.

The live widgets in :mod:`lrnn.widgets` wrap the same functions, so the page,
the PDF and the notebook show the same picture. The figures only draw: the
numbers come from the chapters' modules (:mod:`lrnn.views`, :mod:`lrnn.approximation`,
:mod:`lrnn.rates`, :mod:`lrnn.l1fit`, :mod:`lrnn.training`, :mod:`lrnn.memory`, ...).
One package per chapter, one module per job inside it (figures, views of the
live experiments, diagrams, scrubbers, the cached data they draw):

* :mod:`lrnn.plots.memory` — kernels, responses and the three views of an RNN (Chapter 1);
* :mod:`lrnn.plots.approximation` — fits, error curves, Müntz–Szász (Chapter 2);
* :mod:`lrnn.plots.rates` — errors versus width, required widths, Jackson slopes (Chapter 3);
* :mod:`lrnn.plots.training` — plateaus, escape times, optimisers (Chapter 4);
* :mod:`lrnn.plots.beyond` — memory functions, perturbation errors, reparameterisations, SSMs (Chapter 5);
* :mod:`lrnn.plots.overview` — the landing page's opening figure;
* :mod:`lrnn.plots._style` — palette, figure factory, the notebooks' display setup;
* :mod:`lrnn.plots._scrubber` — kernel-free scrubbers;
* :mod:`lrnn.plots._common` — small drawing helpers shared by the chapters' figures.
"""

from . import approximation, beyond, memory, overview, rates, training
from ._scrubber import scrubber
from ._style import COLORS, CYCLE, LINESTYLES, STYLE, fast_mode, new_figure, setup_notebook, style_axes

__all__ = ["approximation", "beyond", "memory", "overview", "rates", "training", "COLORS", "CYCLE", "LINESTYLES",
           "STYLE", "new_figure", "scrubber", "style_axes", "fast_mode", "setup_notebook"]
