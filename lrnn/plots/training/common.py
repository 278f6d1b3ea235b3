"""The constants shared by Chapter 4's figures and widgets."""

from __future__ import annotations

__all__ = ["DROP_FRACTION", "PLATEAU_LIMITS"]

#: The escape criterion of the chapter: a drop of 5 % of the plateau level.
DROP_FRACTION = 0.05
#: Fixed axis limits of the plateau panels (flow time, J/E, rates), the same for every lag.
PLATEAU_LIMITS = {"time": (1e-3, 1e7), "loss": (0.5, 1.08), "rates": (0.04, 8.0)}
