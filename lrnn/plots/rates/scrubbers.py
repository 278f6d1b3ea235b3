"""Chapter 3's kernel-free scrubbers: smoothness p (Jackson), memory exponent ω (errors), accuracy ε (the curse)."""

from __future__ import annotations

from .._scrubber import scrubber
from .._style import fast_mode
from .data import CURSE_EPSILONS, curse_data, jackson_data, width_data
from .figures import draw_errors_versus_width, draw_jackson, draw_required_width

__all__ = ["SCRUBBER_FORMAT", "JACKSON_POWERS", "ERRORS_OMEGAS", "jackson_scrubber", "errors_scrubber",
           "curse_scrubber"]


#: Frame format of this chapter's scrubbers: 2x PNG frames render in about half the time of SVG frames
#: (many mathtext labels), which keeps the notebook's Run All within its budget.
SCRUBBER_FORMAT = "png"
#: Smoothness exponents p of the Jackson scrubber and widget.
JACKSON_POWERS = (0.5, 1.5, 2.5, 3.5)
#: Memory exponents ω of the errors scrubber and widget.
ERRORS_OMEGAS = (0.1, 0.25, 0.5, 1.0)


def jackson_scrubber():
    r"""Scrubber over the smoothness :math:`p` at :math:`\kappa = 1` (three frames under the test suite).

    Returns
    -------
    IPython.display.HTML
    """
    powers = JACKSON_POWERS[:3] if fast_mode() else JACKSON_POWERS
    return scrubber(lambda ax, p: draw_jackson(ax, jackson_data(p, 1.0)), powers, width=5.6, height=3.8,
                    frame_format=SCRUBBER_FORMAT,
                    alt="Log-log plot of the best L1 error against the width for a target of smoothness p, "
                        "one frame per p from 0.5 to 3.5, with the slope -alpha of the Jackson-type theorem; "
                        "smoother targets give steeper observed slopes on both grids.")


def errors_scrubber():
    r"""Scrubber over the memory exponent :math:`\omega` (two frames under the test suite).

    Returns
    -------
    IPython.display.HTML
    """
    omegas = (0.25, 1.0) if fast_mode() else ERRORS_OMEGAS
    return scrubber(lambda axes, om: draw_errors_versus_width(axes, width_data(om)), omegas, ncols=2,
                    width=4.2, height=3.6, frame_format=SCRUBBER_FORMAT,
                    alt="Two log-scale panels of best relative errors against the width for the power law with "
                        "exponent omega, one frame per omega from 0.1 to 1: on the fixed grid the L1 error "
                        "stays near one even at a hundred million units when omega is small, while free "
                        "exponents reach small errors with a few dozen units.")


def curse_scrubber():
    r"""Scrubber over the accuracy :math:`\epsilon` (three frames under the test suite).

    Returns
    -------
    IPython.display.HTML
    """
    epsilons = (1e-1, 1e-2, 1e-3) if fast_mode() else CURSE_EPSILONS
    data = curse_data()
    return scrubber(lambda ax, e: draw_required_width(ax, data, e), epsilons, width=6.0, height=4.0,
                    frame_format=SCRUBBER_FORMAT,
                    alt="Width the fixed stable grid needs for relative error epsilon against the memory exponent "
                        "omega, one frame per epsilon from 0.1 to 0.001, on an axis of log10 of the width: the "
                        "L1 width grows doubly exponentially as omega shrinks or epsilon falls, far above the "
                        "L2 width.")
