r"""Chapter 1's kernel-free scrubbers: the memory of an exponential kernel, and a complex pair nearing the axis."""

from __future__ import annotations

from ..._validation import as_real_array, as_real_scalar
from ...views import modal_rnn
from .._common import COLUMN, restore_interactive
from .._style import fast_mode
from . import responses as _responses

__all__ = ["memory_scrubber", "pair_scrubber"]


def memory_scrubber(memories=None):
    r"""Kernel-free scrubber over the memory :math:`M` of the exponential kernel :math:`e^{-s/M}/M`.

    One frame of :func:`draw_kernel_response` (smooth random input, seed 0) per
    memory; by default :math:`M = 0.5, 1, 2, 4, 8, 16` (three of them when the
    test suite asks for short runs, :func:`lrnn.plots.fast_mode`).

    Parameters
    ----------
    memories : sequence of float, optional
        The memories of the frames.

    Returns
    -------
    IPython.display.HTML
    """
    from .._scrubber import scrubber

    if memories is None:
        memories = (0.5, 2.0, 8.0) if fast_mode() else (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
    memories = [float(v) for v in as_real_array("memories", memories, ndim=1)]
    if not memories or min(memories) <= 0:
        raise ValueError("memories must be a non-empty sequence of positive numbers")
    alt = ("Exponential kernel (left) and its response to a smooth random input (right), one frame per memory M "
           "from short to long; as M grows the kernel flattens and the output becomes smoother, smaller and "
           "more delayed.")
    return restore_interactive(lambda: scrubber(
        lambda axes, M: _responses.draw_kernel_response(axes, "exponential", M, "smooth random"),
        memories, ncols=2, width=COLUMN / 2, height=2.9, alt=alt))



def pair_scrubber(decays=None, frequency: float = 1.5):
    r"""Kernel-free scrubber: a complex pair :math:`-\lambda\pm i\nu` moving towards the imaginary axis.

    One frame of :func:`draw_rnn_response` (step input, 40 time units) per
    decay rate :math:`\lambda` of the two-unit model ``modal_rnn([], pair=(λ, ν))``,
    whose kernel is :math:`e^{-\lambda t}\cos(\nu t)`; by default
    :math:`\lambda = 1, 0.5, 0.25, 0.1, 0.05` (three of them when the test suite
    asks for short runs, :func:`lrnn.plots.fast_mode`).

    Parameters
    ----------
    decays : sequence of float, optional
        The decay rates :math:`\lambda>0` of the frames.
    frequency : float, default 1.5
        The frequency :math:`\nu`.

    Returns
    -------
    IPython.display.HTML
    """
    from .._scrubber import scrubber

    if decays is None:
        decays = (1.0, 0.25, 0.05) if fast_mode() else (1.0, 0.5, 0.25, 0.1, 0.05)
    decays = [float(v) for v in as_real_array("decays", decays, ndim=1)]
    if not decays or min(decays) <= 0:
        raise ValueError("decays must be a non-empty sequence of positive numbers")
    nu = as_real_scalar("frequency", frequency, nonnegative=True)
    alt = ("Eigenvalues of a two-unit RNN with a complex pair (left), its oscillating kernel (middle) and its step "
           "response (right), one frame per decay rate; as the decay rate shrinks the eigenvalues approach the "
           "imaginary axis and the ringing lasts longer.")
    return restore_interactive(lambda: scrubber(
        lambda axes, lam: _responses.draw_rnn_response(axes, modal_rnn([], pair=(lam, nu)), "step", t_max=40.0, dt=0.05),
        decays, ncols=3, width=COLUMN / 3, height=2.9, alt=alt))

