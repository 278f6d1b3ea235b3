r"""Figures of the chapter on approximation rates and the curse of memory (Chapter 3).

One module per job; every name is importable from here, as before:

* :mod:`~lrnn.plots.rates.data` — the numbers, computed once per setting and
  cached so that widgets and scrubbers only redraw: :func:`motivation_data`,
  :func:`jackson_data`, :func:`width_data`, :func:`curse_data` with
  :func:`widths_from_curves`, :func:`delay_line_data`, and the asymptotic laws
  :func:`asymptotic_fixed_error`, :func:`asymptotic_fixed_l1_error`;
* :mod:`~lrnn.plots.rates.figures` — the drawing functions and static figures:
  best errors on the fixed grid :math:`\lambda_k = k` (:func:`motivation`), the
  Jackson slope (:func:`jackson_slopes`), errors against the width for
  :math:`(1+t)^{-(1+\omega)}` (:func:`errors_versus_width`), the width the fixed
  grid needs (:func:`required_width_versus_omega`), and the non-normal family whose
  kernels converge to a slowly decaying limit (:func:`delay_line`);
* :mod:`~lrnn.plots.rates.diagrams` — the fixed grid as a "delay line" versus free
  exponents (:func:`grids_diagram`);
* :mod:`~lrnn.plots.rates.scrubbers` — the kernel-free scrubbers of the page
  (frames, alt text, and the test suite's shorter runs).

Every figure says which norm it measures (:math:`L^1`: the uniform error of the
theorems; :math:`L^2`: the white-noise error).
"""

from .data import (
    CURSE_EPSILONS,
    CURSE_OMEGAS,
    FREE_LP_WIDTHS,
    JACKSON_WIDTHS,
    _interp_monotone,
    asymptotic_fixed_error,
    asymptotic_fixed_l1_error,
    curse_data,
    delay_line_data,
    jackson_data,
    motivation_data,
    width_data,
    widths_from_curves,
)
from .diagrams import draw_grids_diagram, grids_diagram
from .figures import (
    delay_line,
    draw_delay_line,
    draw_errors_versus_width,
    draw_jackson,
    draw_motivation,
    draw_required_width,
    errors_versus_width,
    jackson_slopes,
    motivation,
    required_width_versus_omega,
)
from .scrubbers import (
    ERRORS_OMEGAS,
    JACKSON_POWERS,
    SCRUBBER_FORMAT,
    curse_scrubber,
    errors_scrubber,
    jackson_scrubber,
)

__all__ = [
    "asymptotic_fixed_error",
    "asymptotic_fixed_l1_error",
    "motivation_data",
    "draw_motivation",
    "motivation",
    "jackson_data",
    "draw_jackson",
    "jackson_slopes",
    "jackson_scrubber",
    "draw_grids_diagram",
    "grids_diagram",
    "width_data",
    "draw_errors_versus_width",
    "errors_versus_width",
    "errors_scrubber",
    "curse_data",
    "widths_from_curves",
    "draw_required_width",
    "required_width_versus_omega",
    "curse_scrubber",
    "delay_line_data",
    "draw_delay_line",
    "delay_line",
    "JACKSON_WIDTHS",
    "JACKSON_POWERS",
    "FREE_LP_WIDTHS",
    "ERRORS_OMEGAS",
    "CURSE_OMEGAS",
    "CURSE_EPSILONS",
    "SCRUBBER_FORMAT",
]
