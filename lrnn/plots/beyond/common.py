"""What Chapter 5's figures share: the parameterisations' styles and the scrubber's learning rates."""

from __future__ import annotations

from ... import reparam as rp
from .._style import CYCLE, LINESTYLES


__all__ = ["PARAM_STYLES", "SCRUBBER_LEARNING_RATES"]


#: Learning rates of the reparameterisation scrubber (its frames).
SCRUBBER_LEARNING_RATES = (0.003, 0.005, 0.01, 0.03, 0.1, 0.3)


#: Colour and line style of each parameterisation, the same in every figure and widget.
PARAM_STYLES = {name: (CYCLE[i], LINESTYLES[i]) for i, name in enumerate(rp.NAMES)}


def _top_legend(fig, handles, labels, ncol: int) -> None:
    """One legend for the whole figure, above the panels (it never covers data)."""
    fig.legend(handles, labels, loc="outside upper center", ncol=ncol, frameon=False)
