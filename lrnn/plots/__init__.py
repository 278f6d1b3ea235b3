"""Figure functions of the book: each draws the static view of one experiment.

The live widgets in :mod:`lrnn.widgets` wrap the same functions, so the page,
the PDF and the notebook show the same picture. Topic modules:

* :mod:`lrnn.plots._style` — palette, figure factory and kernel-free scrubbers.
"""

from ._style import COLORS, CYCLE, LINESTYLES, STYLE, new_figure, scrubber

__all__ = ["COLORS", "CYCLE", "LINESTYLES", "STYLE", "new_figure", "scrubber"]
