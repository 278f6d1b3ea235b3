r"""Hankel singular values: lower bounds valid for *every* width-m linear RNN.

The Hankel operator of a kernel maps past inputs to future outputs,

.. math::

    (\Gamma_\rho f)(t) = \int_0^\infty \rho(t+s)\,f(s)\,ds, \qquad \Gamma_\rho : L^2[0,\infty) \to L^2[0,\infty),

and :math:`\sigma_1 \ge \sigma_2 \ge \dots` are its singular values. A width-:math:`m` linear RNN has a Hankel
operator of rank at most :math:`m`, and :math:`\|\Gamma_e\| \le \|e\|_{L^1}`, so every such model satisfies

.. math::

    \|\rho-\hat\rho\|_{L^1} \ \ge\ \|\Gamma_{\rho-\hat\rho}\| \ \ge\ \sigma_{m+1}(\Gamma_\rho)

(:func:`hankel_singular_values`). Two computations, by what the kernel knows:

* a state-space realisation :math:`(W, U, c)` (exponential sums, damped oscillations, :class:`~lrnn.LinearRNN`):
  :math:`\sigma_i = \sqrt{\lambda_i(PQ)}` with the Gramians, by the square-root method
  (:func:`lrnn._linalg.hankel_singular_values`);
* any other kernel: a Nyström discretisation of :math:`\Gamma_\rho` in :math:`t = e^x - 1`
  (:func:`_hsv_quadrature`).

:func:`hankel_singular_values` is also importable from :mod:`lrnn.rates` and as ``lrnn.hankel_singular_values``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike  # noqa: F401  (documentation of types)
from scipy import linalg

from . import _limits
from ._linalg import hankel_singular_values as _hsv_state_space
from ._linalg import single_threaded
from ._validation import as_real_scalar, as_size, float64_failures_name
from .kernels import Kernel
from .rnn import LinearRNN, as_kernel

__all__ = ["hankel_singular_values"]

#: The largest Nyström matrix (nodes on a side) of the quadrature path: a dense symmetric eigenproblem,
#: O(n³) (about 6 s at n = 4096 on one core).
MAX_NODES = 4096

#: The largest refinement factor of the quadrature path.
MAX_REFINE = 16

_GL10 = np.polynomial.legendre.leggauss(10)


def _panel_rule(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Composite 10-point Gauss–Legendre on consecutive ``edges``."""
    a, b = edges[:-1], edges[1:]
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    return (mid[:, None] + half[:, None] * _GL10[0][None, :]).ravel(), (half[:, None] * _GL10[1][None, :]).ravel()


def _hsv_quadrature(target: Kernel, refine: int, tol: float) -> np.ndarray:
    r"""Nyström discretisation of :math:`\Gamma_\rho` in :math:`t = e^x - 1`, symmetric: :math:`\sigma = |\mathrm{eig}|`.

    Composite 10-point Gauss–Legendre panels of width 0.25/``refine`` for :math:`x < 8` and 2/``refine`` beyond
    (beyond x = 8 the kernels of this package vary on the scale of x itself), up to the horizon where the
    Hilbert–Schmidt tail :math:`\int_{r>2T} r\rho(r)^2dr` falls below ``tol²`` of the total. The kernel is scaled
    by the largest value of :math:`|\rho|` on the scan first, so that extreme weights neither over- nor underflow.
    """
    xs = np.linspace(0.0, 700.0, 7001)
    r = np.expm1(xs)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        vals = np.abs(np.asarray(target(r), dtype=float))
    scale = float(np.max(vals)) if vals.size else 0.0
    if not scale > 0:
        return np.zeros(0)
    if not math.isfinite(scale):
        raise ValueError("target has values that overflow float64")
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        h = np.nan_to_num((vals / scale) ** 2 * r * (1.0 + r), posinf=0.0)
    cum = np.cumsum(h[::-1])[::-1] * 0.1
    total = cum[0]
    if not total > 0:
        return np.zeros(0)
    idx = np.flatnonzero(cum < tol**2 * total)
    X2 = xs[idx[0]] if idx.size else 700.0  # horizon for r = t + s
    X = max(4.0, X2)  # each of t, s ≤ r
    fine_hi = min(X, 8.0)
    e1 = np.linspace(0.0, fine_hi, int(np.ceil(fine_hi * 4 * refine)) + 1)
    e2 = np.arange(fine_hi, X + 2.0 / refine, 2.0 / refine)
    bps = [math.log1p(b) for b in target._breakpoints() if 0 < b < math.expm1(min(X, 700.0))]
    edges = np.unique(np.concatenate([e1, e2, bps]))
    n = 10 * (edges.size - 1)
    if n > MAX_NODES:
        raise ValueError(f"refine = {refine} and tol = {tol:g} need a Nyström matrix of {n} nodes, more than the "
                         f"{MAX_NODES} a dense eigenproblem solves in bounded time; use a smaller refine or a "
                         "larger tol")
    x, w = _panel_rule(edges)
    t = np.expm1(x)
    sw = np.sqrt(w * (1.0 + t))
    with np.errstate(under="ignore"):
        A = sw[:, None] * (np.asarray(target(np.add.outer(t, t)), dtype=float) / scale) * sw[None, :]
    # divide-and-conquer LAPACK driver: the default QR-iteration driver is ~50x slower here
    with single_threaded():
        ev = linalg.eigh(0.5 * (A + A.T), eigvals_only=True, driver="evd")
    return np.sort(np.abs(ev))[::-1] * scale


@float64_failures_name("target")
def hankel_singular_values(target: Kernel | LinearRNN, k: int, *, refine: int = 1, tol: float = 1e-8) -> np.ndarray:
    r"""The ``k`` largest Hankel singular values of a kernel, in descending order.

    :math:`\sigma_1 \ge \sigma_2 \ge \dots` are the singular values of
    :math:`(\Gamma_\rho f)(t) = \int_0^\infty \rho(t+s)\,f(s)\,ds` on :math:`L^2[0,\infty)`; every width-m linear
    RNN :math:`\hat\rho` has :math:`\|\rho-\hat\rho\|_{L^1} \ge \sigma_{m+1}`.

    * Kernels with a state-space realisation :math:`(W, U, c)` (exponential sums, damped oscillations,
      :class:`~lrnn.LinearRNN`): :math:`\sigma_i = \sqrt{\lambda_i(PQ)}` with the Gramians
      :math:`WP + PW^\top = -UU^\top`, :math:`W^\top Q + QW = -cc^\top` (closed-form Cauchy Gramians
      :math:`U_iU_j/(\lambda_i+\lambda_j)` for a real diagonal :math:`W`), by the square-root method
      :math:`\sigma = \mathrm{svd}(L_Q^\top L_P)`, on scaled Gramians. Accurate to about
      :math:`10^{-15}\sigma_1` in absolute terms, so to 1e-6 relative for :math:`\sigma_i \gtrsim 10^{-9}\sigma_1`;
      beyond the model order the values are zero.
    * Other kernels: Nyström discretisation in :math:`t = e^x - 1` with composite 10-point Gauss–Legendre panels
      (width 0.25/``refine`` for :math:`x<8`, 2/``refine`` beyond) up to the horizon where the Hilbert–Schmidt
      tail :math:`\int_{r>2T} r\rho(r)^2dr` falls below ``tol²`` of the total;
      :math:`\sigma_i = |\mathrm{eig}(D^{1/2}KD^{1/2})|` (the kernel :math:`\rho(t+s)` is symmetric). Check
      convergence with ``refine=2``. At most 4096 nodes (a ``ValueError`` names ``refine`` and ``tol`` beyond).

    The zero kernel has all singular values 0.

    Parameters
    ----------
    target : Kernel or LinearRNN
        A scalar kernel (any :mod:`lrnn.kernels` kernel) or a scalar-input model.
    k : int
        How many singular values to return (1 ≤ k ≤ 2²⁰).
    refine : int, default 1
        Quadrature refinement factor (non-state-space kernels), at most 16.
    tol : float, default 1e-8
        Relative truncation tolerance of the horizon (non-state-space kernels), in (0, 1).

    Returns
    -------
    numpy.ndarray, shape (k,)
    """
    kern = as_kernel(target, "target")
    k = as_size("k", k, limit=_limits.MAX_TERMS, why="the length of the returned array")
    refine = as_size("refine", refine, limit=MAX_REFINE, why="the Nyström matrix grows with its square")
    tol = as_real_scalar("tol", tol, positive=True, below=1.0)
    out = np.zeros(k)
    if kern.is_zero:
        return out
    ss = kern.state_space()
    if ss is not None:
        W, U, c = (np.asarray(a, float) for a in ss)
        s = _hsv_state_space(W, U.reshape(W.shape[0], -1), c)
    else:
        s = _hsv_quadrature(kern, refine, tol)
    out[: min(k, s.size)] = s[:k]
    if not np.all(np.isfinite(out)):
        raise ValueError("target's Hankel singular values overflow float64")
    return out
