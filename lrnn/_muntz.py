r"""Best :math:`L^2` approximation on prescribed rates: errors, weights and the extended-precision Gram solve.

For distinct rates :math:`\lambda_1..\lambda_m > 0` the best coefficients of
:math:`\hat\rho=\sum_k a_ke^{-\lambda_kt}` solve :math:`Ga=b`, :math:`G_{ij}=1/(\lambda_i+\lambda_j)`,
:math:`b_i=L_\rho(\lambda_i)`. :math:`G` is Hilbert-like (its condition number grows exponentially with m), so it
is never factorised in double precision here. Three ways to the answer, one per kind of knowledge of
:math:`\rho`:

* **the Laplace measure** (:meth:`Kernel.laplace_measure`, :math:`\rho(t)=\int e^{-ut}d\mu(u)`: exponential
  sums, damped oscillations and linear RNNs have atoms, power laws a Gamma density; sums and multiples
  combine): the best error is :math:`E^2=\iint B(u)B(v)/(u+v)\,d\mu\,d\mu` with the Blaschke product
  :math:`B` (:mod:`lrnn._blaschke`), and for atoms the best weights are sums of residues
  (:func:`lrnn._blaschke.single_pole_weights`), both to full relative precision;
* **extended-precision closed forms** (:meth:`Kernel.mp_laplace`, :meth:`Kernel.mp_norm_squared`): the Gram
  system solved by Cholesky in :math:`30 + 1.6m` digits (:func:`exact_fit`), every entry formed in extended
  precision;
* **anything else** (Laplace transforms in double precision only): the coordinates :math:`\beta = Rb` in the
  orthonormal Takenaka–Malmquist basis (:math:`G^{-1}=R^\top R`), where a coordinate smaller than 0.3 times its
  worst-case rounding bound is set to zero (it cannot be determined from double-precision transforms).

**Weights that float64 can hold.** The model stores its weights in float64, which moves its kernel by up to
about :math:`m\epsilon(|a|^\top G|a|)^{1/2}` (:func:`coefficient_floor`). Where the exact optimum's weights are
so large and so alternating that this floor dominates (clustered rates, e.g. the rates of SSM
initialisations), the best *stored* model is not the rounded optimum: :func:`fixed_rate_weights` then also
solves the Tikhonov-regularised system :math:`(G + \mu\,\mathrm{diag}(G))a = b` in extended precision for
:math:`\mu = c\,\epsilon^2`, :math:`c \in \{10^{-2},\dots,10^{4}\}` (the regulariser
:math:`\epsilon^2\sum_k a_k^2G_{kk}` is the expected squared effect of rounding the weights), evaluates the
exact :math:`L^2` error of each candidate's float64 weights in extended precision, and keeps the best.

Nothing here is public; :mod:`lrnn.rates` and :mod:`lrnn.approximation` re-export :func:`best_error`,
:func:`best_weights`, :func:`coefficient_floor`, :func:`exact_fit` and :func:`fixed_grid_errors`.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
from numpy.typing import ArrayLike

from . import _blaschke as B
from . import _limits
from ._linalg import modes as _modes
from ._linalg import single_threaded
from ._validation import as_bool, as_choice, as_integer, as_real_array, as_real_scalar, float64_failures_name
from .kernels import Kernel
from .rnn import LinearRNN, as_kernel

__all__ = ["atoms", "best_error", "best_weights", "coefficient_floor", "exact_fit", "fixed_grid_errors",
           "fixed_rate_weights", "exact_model_error", "MAX_MP_TERMS", "MAX_STABLE_TERMS"]

_EPS = float(np.finfo(float).eps)

#: The most rates of an extended-precision Gram solve (:func:`exact_fit`: about 3 s at m = 128, O(m³)).
MAX_MP_TERMS = 128

#: The most rates for which :func:`fixed_rate_weights` searches regularised extended-precision weights
#: (about 8 Cholesky solves in 30 + 1.6m digits: 0.1 s at m = 32, 3 s at m = 64).
MAX_STABLE_TERMS = 64

#: The most factors (nodes × rates) one Blaschke-formula evaluation multiplies (about 5 s).
_MAX_PRODUCT_WORK = 2**28

#: The most widths one call of :func:`fixed_grid_errors` evaluates (each costs one quadrature of the measure).
MAX_WIDTHS = 10_000


# ----------------------------------------------------------------------------- what a kernel knows
def atoms(kern: Kernel) -> tuple[np.ndarray, np.ndarray] | None:
    r"""Poles :math:`p_j` (:math:`\mathrm{Re}\,p_j > 0`) and masses :math:`w_j` with
    :math:`\rho(t)=\sum_jw_je^{-p_jt}` exactly (a finite Laplace measure), else None.

    From :meth:`Kernel.laplace_measure`; for a kernel with a state-space realisation and no measure, from the
    modal form of :func:`lrnn._linalg.modes` (None when the realisation is not reliably diagonalisable).
    """
    mu = kern.laplace_measure()
    if mu is not None:
        if not mu.is_discrete:
            return None
        return np.asarray(mu.points).astype(complex), np.asarray(mu.masses).astype(complex)
    ss = kern.state_space()
    if ss is None:
        return None
    W, U, c = (np.asarray(x, float) for x in ss)
    form = _modes(W, U.reshape(W.shape[0], -1), c)
    if form is None:
        return None
    z, r = form
    return (-z).astype(complex), np.asarray(r).reshape(z.size, -1)[:, 0].astype(complex)


def mp_closed_form(compute):
    """``compute()`` (a kernel's extended-precision closed form), or None when mpmath cannot evaluate it for these
    parameters (an overflow of its internal float conversions: extreme kernel parameters)."""
    try:
        return compute()
    except (OverflowError, ZeroDivisionError):
        return None


def _mp_data(kern: Kernel, lam: np.ndarray, dps: int):
    """``(b, ‖ρ‖²)`` in mpmath (``dps`` digits) from the kernel's closed forms or its atoms, else None."""
    with mp.workdps(dps):
        pts = [mp.mpf(float(x)) for x in lam]
        b = mp_closed_form(lambda: kern.mp_laplace(pts, dps))
        n2 = mp_closed_form(lambda: kern.mp_norm_squared(dps)) if b is not None else None
        if b is not None and n2 is not None:
            return [mp.mpf(x) for x in b], mp.mpf(n2)
        at = atoms(kern)
        if at is None:
            return None
        P = [mp.mpc(complex(x)) for x in at[0]]
        Wt = [mp.mpc(complex(x)) for x in at[1]]
        b = [mp.re(mp.fsum(w / (s + p) for p, w in zip(P, Wt))) for s in pts]
        n2 = mp.re(mp.fsum(wi * wj / (pi + pj) for pi, wi in zip(P, Wt) for pj, wj in zip(P, Wt)))
        return b, n2


def _norm2(kern: Kernel) -> float:
    return float(kern.norm(2))


def _require_nonzero(kern: Kernel, relative: bool, what: str = "a relative error") -> None:
    if relative and kern.is_zero:
        raise ValueError(f"target is the zero kernel: {what} divides by its norm 0 (use relative=False)")


def _as_method(method) -> str:
    return as_choice("method", method, ("auto", "blaschke", "gram", "projection"))


# ----------------------------------------------------------------------------- the Blaschke formula
def _measure_energy(kern: Kernel, lam_range: np.ndarray, bfun, refine: int, factors: int) -> float | None:
    r""":math:`\iint B(u)B(v)/(u+v)\,d\mu\,d\mu` for the kernel's Laplace measure (None without one).

    ``lam_range`` holds the smallest and largest rate (where the quadrature of a density is refined),
    ``bfun`` evaluates the Blaschke product and ``factors`` is the number of factors it multiplies per point
    (the work is bounded by :data:`_MAX_PRODUCT_WORK`).
    """
    mu = kern.laplace_measure()
    if mu is None:
        at = atoms(kern)
        if at is None:
            return None
        points, masses = at
    else:
        points, masses = B.discretise_measure(mu, lam_range, refine)
    if points.size == 0:
        return 0.0
    if points.size * factors > _MAX_PRODUCT_WORK:
        raise ValueError(f"rates: {factors} rates against {points.size} quadrature nodes exceed the work "
                         f"bound of the Blaschke product ({_MAX_PRODUCT_WORK} factors)")
    with single_threaded():
        return B.residual_energy(points, masses, bfun(points))


# ----------------------------------------------------------------------------- the orthonormal basis
def _tm_weights(kern: Kernel, lam: np.ndarray, rel_noise: float) -> tuple[np.ndarray, float, float]:
    """Weights from the Takenaka–Malmquist coordinates β = R b: ``(a, estimate, doubt)``.

    ``estimate`` is √(max(‖ρ‖² − Σβ², 0) + doubt²), ``doubt²`` = Σ_kept noise² + Σ_dropped β² + the float64
    storage floor of a: what the rounding of b and of a may have cost on top of the best error.
    """
    order = np.argsort(lam)
    ls = lam[order]
    R = B.tm_residues(ls)
    b = np.asarray(kern.laplace(ls), dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        beta = R @ b
        noise = rel_noise * (np.abs(R) @ np.abs(b)) + _EPS * np.abs(beta)
    if not (np.all(np.isfinite(beta)) and np.all(np.isfinite(noise))):
        return np.zeros(lam.size), math.inf, math.inf
    keep = np.abs(beta) > 0.3 * noise
    kept = np.where(keep, beta, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        a = R.T @ kept
    out = np.empty_like(a)
    out[order] = a
    n2 = _norm2(kern)
    nrm2 = n2 * n2 if n2 < 1e150 else math.inf
    with np.errstate(over="ignore", invalid="ignore"):
        if not float(np.sum(kept**2)) <= nrm2 * (1 + 1e-8) or not np.all(np.isfinite(out)):
            return out, math.inf, math.inf          # Bessel's inequality violated: rounding won
        doubt2 = float(np.sum(noise[keep] ** 2)) + float(np.sum(beta[~keep] ** 2)) + _storage_sq(out, lam)
        est2 = max(nrm2 - float(np.sum(beta**2)), 0.0) + doubt2
    return out, math.sqrt(est2), math.sqrt(doubt2)


def _storage_sq(a: np.ndarray, lam: np.ndarray) -> float:
    """(mε)²|a|ᵀG|a|: the squared L² change float64 weights a may carry (see coefficient_floor)."""
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        aa = np.abs(a)
        val = float((lam.size * _EPS) ** 2 * (aa @ (1.0 / np.add.outer(lam, lam)) @ aa))
    return val if math.isfinite(val) else math.inf


# ----------------------------------------------------------------------------- extended precision
def _dps_for(m: int) -> int:
    return int(min(30 + 1.6 * m, _limits.MAX_DPS))


def _mp_gram(lam_mp: list):
    m = len(lam_mp)
    G = mp.matrix(m, m)
    for i in range(m):
        for j in range(i, m):
            G[i, j] = G[j, i] = 1 / (lam_mp[i] + lam_mp[j])
    return G


def exact_model_error(b: list, n2, G, a: np.ndarray):
    r"""The squared :math:`L^2` error :math:`\|\rho\|^2 - 2a^\top b + a^\top Ga` of float64 weights ``a``, in the
    current mpmath precision (no cancellation: every term is exact to the working precision)."""
    A = [mp.mpf(float(x)) for x in a]
    m = len(A)
    quad = mp.fsum(A[i] * A[j] * G[i, j] for i in range(m) for j in range(m))
    return n2 - 2 * mp.fsum(x * y for x, y in zip(A, b)) + quad


def _solve_mp(G, b: list, shift=None):
    """Cholesky solve of (G + shift·diag(G)) a = b in mpmath; None when the factorisation fails."""
    M = G
    if shift is not None:
        M = G.copy()
        for k in range(G.rows):
            M[k, k] = G[k, k] * (1 + shift)
    try:
        return mp.cholesky_solve(M, mp.matrix(b))
    except (ZeroDivisionError, ValueError):
        return None


def _stable_weights(kern: Kernel, lam: np.ndarray, candidates: list[np.ndarray]) -> tuple[np.ndarray, float] | None:
    """The float64 weights of least exact L² error among ``candidates``, the exact optimum (rounded) and the
    regularised solutions (module docstring); ``(weights, squared error)``, or None without mp forms."""
    m = lam.size
    dps = _dps_for(m)
    data = _mp_data(kern, lam, dps)
    if data is None:
        return None
    b, n2 = data
    with mp.workdps(dps):
        G = _mp_gram([mp.mpf(float(x)) for x in lam])
        best, best_e2 = None, None

        def consider(a):
            nonlocal best, best_e2
            if a is None or not np.all(np.isfinite(a)):
                return
            e2 = exact_model_error(b, n2, G, a)
            if best_e2 is None or e2 < best_e2:
                best, best_e2 = a, e2

        for a in candidates:
            consider(a)
        exact = _solve_mp(G, b)
        if exact is not None:
            a0 = np.array([float(x) for x in exact])
            consider(a0)
            optimum = max(n2 - mp.fsum(b[i] * exact[i] for i in range(m)), mp.mpf(0))
            if best_e2 is not None and best_e2 <= optimum * (1 + mp.mpf("2e-8")):
                return best, float(best_e2)           # rounding costs nothing visible: the optimum itself
        for c in (1e-2, 1e-1, 1.0, 10.0, 1e2, 1e3, 1e4):
            sol = _solve_mp(G, b, mp.mpf(c) * mp.mpf(_EPS) ** 2)
            if sol is not None:
                consider(np.array([float(x) for x in sol]))
        if best is None:
            return None
        return best, float(best_e2)


def fixed_rate_weights(kern: Kernel, lam: np.ndarray, *, laplace_accuracy: float = 1e-13,
                       regularise: bool | None = None) -> np.ndarray:
    """The weights of ``fit(target, m, exponents=lam)`` (validated arguments); see :func:`best_weights`."""
    if kern.is_zero:
        return np.zeros(lam.size)
    at = atoms(kern)
    if at is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            a = np.real(at[1] @ B.single_pole_weights(at[0], lam)).astype(float)
        if not regularise or lam.size > MAX_STABLE_TERMS:
            return a
        if math.sqrt(_storage_sq(a, lam)) <= 1e-4 * _best_error_atoms(at, lam):
            return a
        out = _stable_weights(kern, lam, [a])
        return a if out is None else out[0]
    a, est, doubt = _tm_weights(kern, lam, laplace_accuracy)
    if regularise is False:
        if lam.size <= MAX_MP_TERMS:
            data = _exact_solution(kern, lam, None)
            if data is not None:
                return data[0]
        return a
    if doubt <= 1e-4 * est or lam.size > MAX_STABLE_TERMS:
        return a
    out = _stable_weights(kern, lam, [a])
    return a if out is None else out[0]


def _best_error_atoms(at, lam: np.ndarray) -> float:
    points, masses = at
    return math.sqrt(max(B.residual_energy(points, masses, B._product(points, lam)), 0.0))


# ----------------------------------------------------------------------------- public functions
@float64_failures_name("target")
def best_weights(target: Kernel | LinearRNN, exponents: ArrayLike, *, laplace_accuracy: float = 1e-13,
                 regularise: bool | None = None) -> np.ndarray:
    r"""Best :math:`L^2` read-out weights for fixed rates, :math:`\arg\min_a\|\rho-\sum_k a_ke^{-\lambda_kt}\|_{L^2}`,
    as float64 numbers (the weights of ``lrnn.fit(target, m, exponents=exponents)``).

    * Targets with a finite Laplace measure (exponential sums, damped oscillations, diagonalisable linear RNNs):
      the exact optimum :math:`a=G^{-1}b` in closed form, as sums of residues
      (:math:`a_k = \sum_j w_j\,\frac{2\lambda_k}{p_j+\lambda_k}\prod_{i\ne k}\frac{p_j-\lambda_i}{p_j+\lambda_i}
      \frac{\lambda_k+\lambda_i}{\lambda_k-\lambda_i}`), rounded to float64.
    * Other targets: the Takenaka–Malmquist coordinates from double-precision Laplace transforms; where their
      rounding (or that of the weights) could cost more than :math:`10^{-4}` of the error and the target has
      extended-precision closed forms (power laws, delayed bumps, ramps), the float64 weights of least exact
      error among the rounded optimum and regularised solutions (module :mod:`lrnn._muntz`), for
      :math:`m \le 64`.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ to approximate (scalar input).
    exponents : array_like, shape (m,)
        Positive, distinct rates :math:`\lambda_k` (the model has :math:`W=-\mathrm{diag}(\lambda)`),
        at most 4096.
    laplace_accuracy : float, default 1e-13
        Relative accuracy assumed for ``target.laplace`` (targets without an atomic measure).
    regularise : bool or None, default None
        ``None``: as above. ``True``: for every target (also exponential sums), the float64 weights of least
        exact error among the rounded optimum and the regularised solutions, when rounding the optimum costs
        more than :math:`10^{-4}` of its error. ``False``: the exact optimum, rounded (extended-precision Gram
        solve for targets without atoms, when they have closed forms and :math:`m\le128`).

    Returns
    -------
    numpy.ndarray, shape (m,)
        The weights :math:`a`.
    """
    rho = as_kernel(target)
    lam = B.as_rates(exponents, "exponents", limit=B.MAX_GRAM_TERMS,
                     why="the closed forms build (m × m) tables")
    acc = as_real_scalar("laplace_accuracy", laplace_accuracy, positive=True, below=1.0)
    if regularise is not None:
        regularise = as_bool("regularise", regularise)
    return fixed_rate_weights(rho, lam, laplace_accuracy=acc, regularise=regularise)


@float64_failures_name("target")
def coefficient_floor(target: Kernel | LinearRNN, exponents: ArrayLike) -> float:
    r"""Relative :math:`L^2` error floor of the best weights in float64 arithmetic.

    The closed-form weights carry a relative error of at most about :math:`m\epsilon` each
    (:math:`\epsilon=2^{-52}`; products of m factors, then storage), which moves the kernel by at most
    :math:`m\epsilon\,(|a|^\top G|a|)^{1/2}`; this returns that bound over :math:`\|\rho\|_2`, for the exact
    optimum's weights :math:`a` (``regularise=False``). Since the perturbation adds in quadrature to the optimal
    error :math:`E^*`, the rounded optimum's error exceeds :math:`E^*` by at most ``floor**2 / (2 E*)``: once
    the floor approaches :math:`E^*`, the rounded model's error is rounding, not approximation.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input), not the zero kernel.
    exponents : array_like, shape (m,)
        Positive, distinct rates (at most 4096).

    Returns
    -------
    float
    """
    rho = as_kernel(target)
    lam = B.as_rates(exponents, "exponents", limit=B.MAX_GRAM_TERMS, why="the closed forms build (m × m) tables")
    _require_nonzero(rho, True, "the relative floor")
    a = np.abs(fixed_rate_weights(rho, lam, regularise=False))
    with np.errstate(over="ignore", invalid="ignore"):
        val = float(lam.size * _EPS * np.sqrt(a @ (1.0 / np.add.outer(lam, lam)) @ a) / _norm2(rho))
    if not math.isfinite(val):
        raise ValueError(f"target, exponents: the weights of {rho!r} on these exponents are too large for "
                         "float64 (their floor overflows)")
    return val


def _exact_solution(kern: Kernel, lam: np.ndarray, dps: int | None):
    """``(weights, squared error, ‖ρ‖²)`` of the mp Gram solve (floats), or None without closed forms."""
    m = lam.size
    dps = _dps_for(m) if dps is None else dps
    data = _mp_data(kern, lam, dps)
    if data is None:
        return None
    b, n2 = data
    with mp.workdps(dps):
        G = _mp_gram([mp.mpf(float(x)) for x in lam])
        a = _solve_mp(G, b)
        if a is None:
            raise ValueError(f"the Gram matrix of the rates is not positive definite at {dps} digits; "
                             "pass a larger dps")
        R = max(n2 - mp.fsum(b[i] * a[i] for i in range(m)), mp.mpf(0))
        return np.array([float(x) for x in a]), float(R), float(n2)


@float64_failures_name("target")
def exact_fit(target: Kernel | LinearRNN, rates: ArrayLike, *, relative: bool = True,
              dps: int | None = None) -> tuple[np.ndarray, float]:
    r"""Best :math:`L^2` fit on prescribed rates by an extended-precision Gram solve.

    Solves :math:`G a = b` with :math:`G_{ij} = 1/(\lambda_i+\lambda_j)` and
    :math:`b_i = \int_0^\infty e^{-\lambda_i t}\rho(t)\,dt` (closed forms, in mpmath) by Cholesky, and returns
    the weights :math:`a` and the error :math:`\sqrt{\|\rho\|^2 - b^\top G^{-1} b}`. Every entry is formed in
    extended precision (forming them in float64 and promoting would leave an error floor of the size of the float
    rounding times the condition number). The returned weights are the optimum rounded to float64: for
    clustered rates their rounding can dominate a model's error (see :func:`lrnn.approximation.best_weights`).

    Parameters
    ----------
    target : Kernel or LinearRNN
        A kernel with extended-precision closed forms (:meth:`Kernel.mp_laplace`: exponential sums, damped
        oscillations, power laws, ramps, delayed bumps, their sums and multiples) or with a finite Laplace
        measure (diagonalisable linear RNNs).
    rates : array_like, shape (m,)
        Distinct positive rates, at most 128 (the cost grows like :math:`m^3`: about 3 s at m = 128).
    relative : bool, default True
        Divide the error by :math:`\|\rho\|_{L^2}`.
    dps : int, optional
        Decimal digits, at most 5000 (default :math:`30 + 1.6m`, enough for the Hilbert-like grid
        :math:`\lambda_k = k`, whose condition number grows like :math:`e^{3.5m}`).

    Returns
    -------
    weights : numpy.ndarray, shape (m,)
    error : float
    """
    kern = as_kernel(target, "target")
    lam = B.as_rates(rates, limit=MAX_MP_TERMS, why="an extended-precision Gram solve costs O(m³) operations in "
                     "30 + 1.6m digits")
    relative = as_bool("relative", relative)
    if dps is not None:
        dps = as_integer("dps", dps, minimum=15, maximum=_limits.MAX_DPS)
    _require_nonzero(kern, relative)
    if kern.is_zero:
        return np.zeros(lam.size), 0.0
    out = _exact_solution(kern, lam, dps)
    if out is None:
        raise TypeError(f"target must have extended-precision closed forms (Kernel.mp_laplace) for the Gram "
                        f"solve, got {kern!r}")
    a, R, n2 = out
    err = math.sqrt(R / n2) if relative else math.sqrt(R)
    return a, err


@float64_failures_name("target")
def best_error(target: Kernel | LinearRNN, rates: ArrayLike | None = None, *, relative: bool = True,
               method: str = "auto", refine: int = 1, exponents: ArrayLike | None = None) -> float:
    r"""The best :math:`L^2` error of ``target`` from :math:`\mathrm{span}\{e^{-\lambda_k t}\}` (relative by default).

    .. math::

        E = \min_a \Big\|\rho - \sum_k a_k e^{-\lambda_k t}\Big\|_{L^2[0,\infty)},
        \qquad E^2 = \iint \frac{B(u)B(v)}{u+v}\,d\mu(u)\,d\mu(v),

    with the Blaschke product :math:`B(u) = \prod_k(\lambda_k-u)/(\lambda_k+u)` and the Laplace measure
    :math:`\mu` of :math:`\rho = \int e^{-ut}d\mu(u)`. This is the optimum itself, not the error of a float64
    model (see :func:`lrnn.approximation.l2_error` for that).

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    rates : array_like, shape (m,)
        Distinct decay rates :math:`\lambda_k > 0` (``exponents=`` is accepted as another name).
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^2}` (the zero kernel then raises ``ValueError``).
    method : {'auto', 'blaschke', 'gram', 'projection'}, default 'auto'
        * ``'blaschke'`` — the formula above: a finite sum for atoms (exponential sums, damped oscillations,
          diagonalisable linear RNNs), composite Gauss–Legendre in :math:`\ln u` for densities (power laws;
          sums and multiples combine); exact to about :math:`10^{-14}` relative.
        * ``'gram'`` — the extended-precision Gram solve of :func:`exact_fit` (at most 128 rates).
        * ``'projection'`` — Takenaka–Malmquist coordinates from double-precision Laplace transforms (any
          kernel): :math:`(\|\rho\|^2-\sum_k\beta_k^2)^{1/2}` plus the rounding terms of the weights; the
          subtraction limits it to relative errors above about :math:`10^{-7}`.
        * ``'auto'`` — ``'blaschke'`` when the kernel knows its Laplace measure, else ``'projection'`` when its
          rounding terms are below :math:`10^{-4}` of the estimate, else ``'gram'`` when the kernel has closed
          forms and :math:`m \le 128`, else ``'projection'``.
    refine : int, default 1
        Refinement of the measure quadrature (densities; for convergence checks), at most 16.
    exponents : array_like, optional
        Another name for ``rates`` (:func:`lrnn.approximation.best_error`).

    Returns
    -------
    float
    """
    kern = as_kernel(target, "target")
    if exponents is not None:
        if rates is not None:
            raise TypeError("pass the rates once: rates or exponents, not both")
        rates, name = exponents, "exponents"
    else:
        name = "rates"
    if rates is None:
        raise TypeError("best_error() needs the rates (the second argument)")
    lam = B.as_rates(rates, name)
    relative = as_bool("relative", relative)
    method = _as_method(method)
    refine = B.as_refine(refine)
    _require_nonzero(kern, relative)
    if kern.is_zero:
        return 0.0
    err = _best_error(kern, lam, method, refine)
    return err / _norm2(kern) if relative else err


def _best_error(kern: Kernel, lam: np.ndarray, method: str, refine: int) -> float:
    """The absolute best error (validated arguments, non-zero kernel)."""
    if method in ("auto", "blaschke"):
        R = _measure_energy(kern, np.array([lam.min(), lam.max()]), lambda z: B._product(z, lam), refine,
                            lam.size)
        if R is not None:
            return math.sqrt(max(R, 0.0))
        if method == "blaschke":
            raise TypeError(f"target must know its Laplace measure (Kernel.laplace_measure) for the Blaschke "
                            f"formula, got {kern!r}; use method='gram' or 'projection'")
    if method in ("auto", "projection") and lam.size <= B.MAX_GRAM_TERMS:
        _, est, doubt = _tm_weights(kern, lam, 1e-13)
        if method == "projection" or (doubt <= 1e-4 * est):
            if not math.isfinite(est):
                raise ValueError(f"target, rates: the rates are too ill-conditioned for the double-precision Laplace "
                                 f"transforms of {kern!r} (method='projection'); use method='gram'")
            return est
    elif method == "projection":
        raise ValueError(f"rates must have at most {B.MAX_GRAM_TERMS} entries for method='projection', "
                         f"got {lam.size}")
    if lam.size <= MAX_MP_TERMS:
        out = _exact_solution(kern, lam, None)
        if out is not None:
            return math.sqrt(out[1])
    if method == "gram":
        if lam.size > MAX_MP_TERMS:
            raise ValueError(f"rates must have at most {MAX_MP_TERMS} entries for method='gram', got {lam.size}")
        raise TypeError(f"target must have extended-precision closed forms (Kernel.mp_laplace) for "
                        f"method='gram', got {kern!r}")
    _, est, _ = _tm_weights(kern, lam, 1e-13) if lam.size <= B.MAX_GRAM_TERMS else (None, math.inf, None)
    if not math.isfinite(est):
        raise ValueError(f"no reliable best error for {kern!r} on these {lam.size} rates: no Laplace measure, "
                         "no extended-precision closed forms, and double-precision Laplace transforms are too "
                         "ill-conditioned for them")
    return est


@float64_failures_name("target")
def fixed_grid_errors(target: Kernel | LinearRNN, widths: ArrayLike, beta: float = 1.0, *, relative: bool = True,
                      refine: int = 1) -> np.ndarray:
    r"""Best :math:`L^2` errors on the fixed stable grid :math:`\lambda_k = k\beta`, :math:`k=1..m`, for each width.

    The grid is the spectrum of :math:`W = -\mathrm{diag}(\beta, 2\beta, \dots, m\beta)`: the slowest mode keeps
    the stability margin :math:`\beta` whatever :math:`m`. Errors come from the Blaschke formula with the
    Gamma-function product (:func:`lrnn.rates.grid_blaschke`), so widths up to :math:`10^{15}` and beyond cost
    the same as small ones.

    Parameters
    ----------
    target : Kernel or LinearRNN
        A kernel that knows its Laplace measure (as for ``best_error(method='blaschke')``).
    widths : array_like of float
        Widths :math:`m \ge 1` (rounded to integers; huge values such as ``1e12`` allowed), at most 10 000 of them.
    beta : float, default 1.0
        Grid spacing and stability margin.
    relative : bool, default True
        Divide by :math:`\|\rho\|_{L^2}`.
    refine : int, default 1
        Quadrature refinement (densities), at most 16.

    Returns
    -------
    numpy.ndarray
        Errors, one per width.
    """
    kern = as_kernel(target, "target")
    ms = np.atleast_1d(as_real_array("widths", widths, ndim=(0, 1)))
    if ms.size == 0 or np.any(ms < 1):
        raise ValueError(f"widths must be at least 1, got {ms.tolist()[:10]}")
    if ms.size > MAX_WIDTHS:
        raise ValueError(f"widths must have at most {MAX_WIDTHS} entries (one quadrature each), got {ms.size}")
    beta = as_real_scalar("beta", beta, positive=True)
    relative = as_bool("relative", relative)
    refine = B.as_refine(refine)
    _require_nonzero(kern, relative)
    if kern.is_zero:
        return np.zeros(ms.size)
    if kern.laplace_measure() is None and atoms(kern) is None:
        raise TypeError(f"target must know its Laplace measure (Kernel.laplace_measure) for the grid's Blaschke "
                        f"formula, got {kern!r}; use best_error(target, beta * arange(1, m + 1))")
    scale = _norm2(kern) if relative else 1.0
    out = np.empty(ms.size)
    for i, m in enumerate(ms):
        m = float(round(m))
        top = np.array([beta, beta * m])
        R = _measure_energy(kern, top, lambda z, m=m: B._grid(z, m, beta), refine,
                            int(min(m, B._DIRECT_GRID)))
        out[i] = math.sqrt(max(R, 0.0)) / scale
    return out
