r"""Memory kernels of linear functionals.

A linear, continuous, causal, regular and time-homogeneous sequence of
functionals has the Riesz form

.. math::

    H_t(x) = \int_0^\infty \rho(s)\, x(t-s)\, ds ,

and the kernel :math:`\rho` *is* its memory. This package provides the kernels
used throughout the book (scalar inputs, :math:`d = 1`):

==========================  ==========================================================
class                       :math:`\rho(t)`, :math:`t \ge 0`
==========================  ==========================================================
:class:`Exponential`        :math:`a\,e^{-\lambda t}`
:class:`ExponentialSum`     :math:`\sum_k a_k e^{-\lambda_k t}`
:class:`DampedOscillation`  :math:`a\,e^{-\lambda t}\cos(\nu t)`
:class:`PowerLaw`           :math:`a\,(1+t)^{-(1+\omega)}`
:class:`Delayed`            :math:`a\,\exp(-((t-\ell)/\varsigma)^2)`
:class:`Airy`               :math:`\mathrm{Ai}(k(t-\ell))`
:class:`RampExponential`    :math:`a\,(t-\ell)_+^p\,e^{-\kappa t}`
==========================  ==========================================================

Every kernel is a callable ``k(t)`` (vectorised, ``t >= 0``) that knows its own
mathematics (:mod:`lrnn.kernels._base` describes the protocol):

* ``k.norm(p)`` — the :math:`L^p[0,\infty)` norm for ``p`` in {1, 2};
* ``k.laplace(s)``, ``k.laplace_pair(s)`` — :math:`\int_0^\infty e^{-st}\rho(t)\,dt` and its first moment
  :math:`\int_0^\infty t e^{-st}\rho(t)\,dt` for real ``s > 0``; ``k.laplace_pair_function()`` for loops;
* ``k.laplace_measure()`` — the measure :math:`\mu` with :math:`\rho = \int e^{-ut}d\mu(u)` when known;
  ``k.mp_laplace(points, dps)``, ``k.mp_norm_squared(dps)`` — extended-precision closed forms;
* ``k.step_response(t)`` — :math:`\int_0^t \rho(s)\,ds`, the output for a unit step input switched on at
  time 0; ``k.integral(a, b)`` (``b`` may be ``inf``), ``k.tail(T, absolute)``, ``k.horizon(rtol)``;
* ``k.cell_integrals(dt, n)`` — the exact integrals :math:`\int_{j\,dt}^{(j+1)dt}\rho`, ``j = 0..n-1``
  (used by :func:`lrnn.respond`);
* ``k.inner(other)`` — the closed-form :math:`L^2` inner product (or ``None``), ``k.is_zero``;
* ``k1 + k2``, ``k1 - k2``, ``a * k`` and ``-k``.

Closed forms are used wherever they exist; otherwise adaptive quadrature with
relative tolerance 1e-12 and an evaluation budget (see each ``norm`` docstring).
"""

from ._base import Kernel, LaplaceMeasure, Scaled, Sum, require_kernel
from .airy import Airy
from .delayed import Delayed
from .exponential import DampedOscillation, Exponential, ExponentialSum
from .power_law import PowerLaw
from .ramp import RampExponential

__all__ = [
    "Kernel",
    "require_kernel",
    "LaplaceMeasure",
    "Exponential",
    "ExponentialSum",
    "DampedOscillation",
    "PowerLaw",
    "Delayed",
    "Airy",
    "RampExponential",
    "Sum",
    "Scaled",
]
