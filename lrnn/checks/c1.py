"""Self-checks for the exercises of Chapter 1 (linear functionals and their memory)."""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, linalg

from ._core import Fail, close, looks_squared, number, register

__all__ = ["ex_c1_two_by_two", "ex_c1_discretise", "ex_c1_vector"]


@register("ex-c1-two-by-two",
          ("l1_norm", "the L¹ norm of the kernel cᵀe^{Wt}U (a float)"),
          ("l2_norm", "the L² norm of the kernel (a float, not its square)"))
def ex_c1_two_by_two(l1_norm, l2_norm) -> str:
    r"""Check the norms of the kernel of :math:`W=\begin{pmatrix}-1&1\\0&-2\end{pmatrix}`, :math:`U=(0,1)^T`,
    :math:`c=(1,0)^T`.

    The reference integrates the kernel, found here by ``scipy.linalg.expm`` at each quadrature node, with
    ``scipy.integrate.quad``. Tolerance: relative error at most ``1e-6`` for each norm.
    """
    l1, l2 = number("l1_norm", l1_norm), number("l2_norm", l2_norm)
    W, U, c = np.array([[-1.0, 1.0], [0.0, -2.0]]), np.array([0.0, 1.0]), np.array([1.0, 0.0])
    k = lambda t: float(c @ linalg.expm(W * t) @ U)
    ref1 = integrate.quad(lambda t: abs(k(t)), 0, np.inf, epsabs=1e-13)[0]
    ref2 = math.sqrt(integrate.quad(lambda t: k(t) ** 2, 0, np.inf, epsabs=1e-13)[0])
    close("l1_norm", l1, ref1, 1e-6, "solve the triangular system from the bottom row up; the kernel is a "
                                     "combination of two exponentials. Does it change sign?")
    looks_squared("l2_norm", l2, ref2, 1e-6)
    close("l2_norm", l2, ref2, 1e-6, "square the kernel, expand, and integrate each exponential term.")
    return "both norms agree with the reference (relative tolerance 1e-6)."


@register("ex-c1-discretise",
          ("A_zoh", "the zero-order-hold A for r = 0.7, u = 1.3, Δ = 0.025 (a float)"),
          ("B_zoh", "the zero-order-hold B for r = 0.7, u = 1.3, Δ = 0.025 (a float)"))
def ex_c1_discretise(A_zoh, B_zoh) -> str:
    r"""Check the zero-order-hold discretisation of :math:`\dot h=-rh+ux` for :math:`r=0.7`, :math:`u=1.3`,
    :math:`\Delta=0.025`.

    The reference integrates the ODE over one cell with ``scipy.integrate.solve_ivp`` (from :math:`h=1, x=0` for
    :math:`A` and from :math:`h=0, x=1` for :math:`B`, tolerances ``1e-13``). Tolerance: relative error at most
    ``1e-8`` for each.
    """
    A_, B_ = number("A_zoh", A_zoh), number("B_zoh", B_zoh)
    r, u, step = 0.7, 1.3, 0.025
    cell = lambda h0, x: integrate.solve_ivp(lambda t, h: -r * h + u * x, (0, step), [h0],
                                             rtol=1e-13, atol=1e-15).y[0, -1]
    refA, refB = cell(1.0, 0.0), cell(0.0, 1.0)
    if abs(A_ - (1 - r * step)) <= 1e-12:
        raise Fail("`A_zoh` is Euler's 1 − rΔ, not the exact zero-order hold: solve the ODE exactly over one cell.")
    close("A_zoh", A_, refA, 1e-8, "with the input held constant, the state decays exactly over one cell.")
    close("B_zoh", B_, refB, 1e-8, "start from h = 0 with x = 1 held for one cell and solve the ODE exactly.")
    return "A and B agree with the exact one-cell solution of the ODE (relative tolerance 1e-8)."


@register("ex-c1-vector",
          ("operator_norm", "the operator norm ∫|ρ̂(s)|₁ ds of the two-input model (a float)"))
def ex_c1_vector(operator_norm) -> str:
    r"""Check the operator norm :math:`\int_0^\infty|\hat\rho(s)|_1ds` of :math:`W=\mathrm{diag}(-1,-2)`,
    :math:`U=I_2`, :math:`c=(1,-1)^T`.

    The reference integrates :math:`|\hat\rho(s)|_1` with ``quad``, the kernel from ``scipy.linalg.expm``.
    Tolerance: relative error at most ``1e-6``.
    """
    x = number("operator_norm", operator_norm)
    W, c = np.diag([-1.0, -2.0]), np.array([1.0, -1.0])
    ref = integrate.quad(lambda s: float(np.abs(c @ linalg.expm(W * s)).sum()), 0, np.inf, epsabs=1e-13)[0]
    close("operator_norm", x, ref, 1e-6, "the ℓ¹ norm adds the absolute values of the two components of the "
                                         "kernel before integrating; signs must not cancel.")
    return "the operator norm agrees with the reference (relative tolerance 1e-6)."
