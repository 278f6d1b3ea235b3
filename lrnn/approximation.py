r"""Best :math:`L^2` approximation of a memory kernel by a width-m linear RNN.

A diagonal linear RNN with :math:`W=-\mathrm{diag}(\lambda)`, :math:`U=\mathbf 1`
and read-out :math:`a` has the kernel :math:`\hat\rho(t)=\sum_{k=1}^m a_k e^{-\lambda_k t}`.
For fixed rates :math:`\lambda_k>0` the best coefficients in
:math:`L^2[0,\infty)` solve the Gram (Cauchy) system

.. math::

    G a = b, \qquad G_{ij} = \frac{1}{\lambda_i+\lambda_j}, \qquad
    b_i = \mathcal L\rho(\lambda_i) = \int_0^\infty e^{-\lambda_i t}\rho(t)\,dt .

:math:`G` is Hilbert-like (its condition number grows exponentially with m),
so it is never formed or factorised numerically here. Instead:

* **Targets that are exponential sums** (anything with a state-space
  realisation: :class:`~lrnn.kernels.Exponential`,
  :class:`~lrnn.kernels.ExponentialSum`, :class:`~lrnn.kernels.DampedOscillation`,
  sums and multiples of them, the kernel of a diagonalisable
  :class:`~lrnn.LinearRNN`) are handled in closed form. For one pole,
  :math:`\rho(t)=e^{-pt}`, the error of the best approximation is
  :math:`E(s)=\frac{B(s)}{B(-p)(s+p)}` in the Laplace domain, with the Blaschke
  product :math:`B(s)=\prod_k\frac{s-\lambda_k}{s+\lambda_k}`; reading off its
  residues gives

  .. math::

      a_k = \frac{2\lambda_k}{p+\lambda_k}\prod_{i\ne k}
            \frac{p-\lambda_i}{p+\lambda_i}\,\frac{\lambda_k+\lambda_i}{\lambda_k-\lambda_i},
      \qquad
      \frac{\|\rho-\hat\rho\|_2}{\|\rho\|_2} = \prod_k\frac{|p-\lambda_k|}{|p+\lambda_k|} .

  Products of differences are computed to full relative precision (in
  logarithms, so no overflow), and a target with several poles is the
  corresponding linear combination.

* **Other targets** (power laws, delayed bumps, Airy kernels) are projected on
  the Takenaka–Malmquist orthonormal basis of :math:`\mathrm{span}\{e^{-\lambda_kt}\}`,
  whose Laplace transforms are
  :math:`\Phi_k(s)=\frac{\sqrt{2\lambda_k}}{s+\lambda_k}\prod_{i<k}\frac{s-\lambda_i}{s+\lambda_i}`;
  this writes :math:`G^{-1}=R^\top R` with explicit residues :math:`R`. The
  coordinates :math:`\beta=Rb` are exact functions of :math:`b`, but :math:`b`
  itself is only known to double precision, and :math:`R` amplifies that
  rounding: a coordinate smaller than 0.3 times its worst-case rounding bound
  is set to zero (it cannot be determined from double-precision Laplace
  transforms).

Where double precision stops: the returned model stores its weights in
float64, so its kernel is off the exact optimum by up to about
:math:`m\epsilon\,(|a|^\top G|a|)^{1/2}` (:func:`coefficient_floor`). For rates
well separated on a logarithmic scale this is negligible; on the equispaced
grid :math:`\lambda_k=k` the weights alternate in sign and grow
exponentially with m, and for :math:`e^{-0.37t}` the error of the returned
model matches the Blaschke product to 1e-8 relative up to m = 16, but not
beyond m ≈ 20 (see the tests).

With free rates, :func:`fit` chooses them by variable projection (the
coefficients eliminated, the log-rates optimised by Levenberg–Marquardt,
``scipy.optimize.least_squares``): for exponential-sum targets the residual is
the exact Blaschke-product error with an analytic Jacobian, from several
log-spaced and clustered starts and three minimal ratios between neighbouring
rates (1.1, 1.02, 1.003), scored by the exact error plus the float64 floor;
for other kernels the residual is sampled on a logarithmic time grid (Kaufman's
Jacobian) from the best of 16 log-spaced starts (ranked on the grid, the best
three scored exactly), with neighbouring rates at least a factor 1.1 apart.
The final coefficients are the best ones for the chosen rates. Rates stay
positive by construction (log parametrisation), so the model is always stable. It is a local method: good rates, not provably
optimal ones.

Errors of a model: :func:`l2_error` (exact for exponential-sum targets) and
:func:`l1_error` — the :math:`L^1` error of the approximation theorems — by
vectorised adaptive Gauss–Legendre quadrature in :math:`\ln(1+t)`.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Sequence

import numpy as np
from scipy import optimize

from ._validation import as_integer, as_norm_order, as_real_array, as_real_scalar
from .distance import distance
from .kernels import Kernel
from .rnn import LinearRNN, as_kernel, diagonal_parameters

__all__ = [
    "fit",
    "best_weights",
    "blaschke_error",
    "best_error",
    "coefficient_floor",
    "l2_error",
    "l1_error",
    "error_curve",
    "log_spaced_rates",
]

_EPS = np.finfo(float).eps


def _one_blas_thread():
    """A context running BLAS/LAPACK single-threaded (``threadpoolctl``), or a no-op without it.

    The fits here factorise many small, tall matrices (a few thousand rows, m columns); for
    those, OpenBLAS worker threads cost more than they save, by factors of 5–50 on a shared
    2-core machine. One thread also makes the results independent of the threads' history.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional dependency
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


# ----------------------------------------------------------------------------- validation
def _as_rates(exponents, hidden_size: int | None = None, name: str = "exponents") -> np.ndarray:
    lam = as_real_array(name, exponents, ndim=1)
    if lam.size == 0:
        raise ValueError(f"{name} must contain at least one rate")
    if hidden_size is not None and lam.size != hidden_size:
        raise ValueError(f"{name} must have hidden_size = {hidden_size} entries, got {lam.size}")
    if np.any(lam <= 0):
        raise ValueError(f"{name} must be positive decay rates (W = -diag(exponents) Hurwitz), got minimum {lam.min()}")
    srt = np.sort(lam)
    if np.any(np.diff(srt) <= 1e-13 * srt[1:]):
        raise ValueError(f"{name} must be distinct (the Gram matrix of repeated rates is singular)")
    return lam


# ----------------------------------------------------------------------------- closed forms
def _poles(target: Kernel):
    """Poles p_j (Re p_j > 0, kernel Σ w_j e^{-p_j t}) and complex weights w_j, or None."""
    ss = target.state_space()
    if ss is None:
        return None
    W, U, c = (np.asarray(x) for x in ss)
    U = U.reshape(W.shape[0], -1)
    if U.shape[1] != 1:
        return None
    if np.count_nonzero(W - np.diag(np.diag(W))) == 0:
        return -np.diag(W).astype(complex), (c * U[:, 0]).astype(complex)
    lam, V = np.linalg.eig(W)
    if np.linalg.cond(V) > 1e8:  # (nearly) defective: no reliable pole-residue form
        return None
    left = np.linalg.solve(V, U[:, 0])
    return (-lam).astype(complex), ((c @ V) * left).astype(complex)


def _log_products(p: np.ndarray, lam: np.ndarray):
    """For each pole p_j: log-modulus and phase of the single-pole coefficients a_k(p_j).

    Returns complex array A of shape (n_poles, m) with
    A[j, k] = 2λ_k/(p_j+λ_k) Π_{i≠k} (p_j−λ_i)/(p_j+λ_i) · (λ_k+λ_i)/(λ_k−λ_i),
    computed as exp(Σ log) to avoid overflow.
    """
    m = lam.size
    # part independent of p: Π_{i≠k} (λ_k+λ_i)/(λ_k−λ_i)
    diff = lam[:, None] - lam[None, :]
    np.fill_diagonal(diff, 1.0)
    summ = lam[:, None] + lam[None, :]
    np.fill_diagonal(summ, 1.0)
    log_abs_q = np.sum(np.log(summ) - np.log(np.abs(diff)), axis=1)
    sign_q = np.prod(np.sign(diff), axis=1)
    # part depending on p: Π_{i} (p−λ_i)/(p+λ_i) / [(p−λ_k)/(p+λ_k)] · 2λ_k/(p+λ_k)
    num = p[:, None] - lam[None, :]  # (n, m)
    den = p[:, None] + lam[None, :]
    out = np.empty((p.size, m), dtype=complex)
    for j in range(p.size):
        hit = np.abs(num[j]) <= 4 * _EPS * np.abs(den[j])
        if np.any(hit):  # the target pole is one of the rates: exact representation
            row = np.zeros(m, dtype=complex)
            row[np.argmax(hit)] = 1.0
            out[j] = row
            continue
        logs = np.log(num[j]) - np.log(den[j])  # complex logs
        total = np.sum(logs)
        lk = total - logs + np.log(2 * lam) - np.log(den[j]) + log_abs_q
        out[j] = sign_q * np.exp(lk)
    return out


def blaschke_error(rate: float, exponents) -> float:
    r"""Relative :math:`L^2` error of the best approximation of :math:`e^{-\kappa t}` from :math:`\{e^{-\lambda_kt}\}`.

    .. math::

        \min_a \frac{\|e^{-\kappa t}-\sum_k a_ke^{-\lambda_kt}\|_{L^2}}{\|e^{-\kappa t}\|_{L^2}}
        = \prod_{k=1}^m \frac{|\kappa-\lambda_k|}{\kappa+\lambda_k}.

    Parameters
    ----------
    rate : float
        The target's decay rate :math:`\kappa > 0`.
    exponents : array_like, shape (m,)
        Positive, distinct rates :math:`\lambda_k`.

    Returns
    -------
    float
        The product (computed as a sum of logarithms; 0 when κ is one of the rates).
    """
    g = as_real_scalar("rate", rate, positive=True)
    lam = _as_rates(exponents)
    if np.any(lam == g):
        return 0.0
    return float(np.exp(np.sum(np.log(np.abs(g - lam)) - np.log(g + lam))))


def _tm_residues(lam: np.ndarray) -> np.ndarray:
    """Lower-triangular R with φ_k(t) = Σ_{j≤k} R[k, j] e^{-λ_j t} (Takenaka–Malmquist), G^{-1} = RᵀR.

    R[k, j] = √(2λ_k) Π_{i<k}(−λ_j−λ_i) / Π_{i≤k, i≠j}(λ_i−λ_j), the residue of Φ_k at −λ_j.
    """
    m = lam.size
    S = np.log(lam[:, None] + lam[None, :])  # log(λ_j + λ_i), [j, i]
    D = lam[None, :] - lam[:, None]  # λ_i − λ_j, [j, i]
    np.fill_diagonal(D, 1.0)
    logD, sgnD = np.log(np.abs(D)), np.sign(D)
    # cumulative sums over i (prefix up to k) for each j
    cS = np.concatenate([np.zeros((m, 1)), np.cumsum(S, axis=1)], axis=1)  # cS[j, k] = Σ_{i<k}
    cD = np.cumsum(logD, axis=1)  # Σ_{i≤k}
    cN = np.cumsum(sgnD < 0, axis=1)  # number of negative factors, i ≤ k
    R = np.zeros((m, m))
    for k in range(m):
        j = np.arange(k + 1)
        logv = 0.5 * np.log(2 * lam[k]) + cS[j, k] - cD[j, k]
        sign = np.where((k + cN[j, k]) % 2 == 0, 1.0, -1.0)  # (−1)^k from Π(−λ_j−λ_i), i<k
        R[k, j] = sign * np.exp(logv)
    return R


def _generic_weights(target: Kernel, lam: np.ndarray, rel_noise: float) -> tuple[np.ndarray, float]:
    """Weights from the Takenaka–Malmquist coordinates β = R b, and an error estimate.

    The estimate is √(max(‖ρ‖² − Σβ², 0) + Σ_kept noise² + Σ_dropped β²), i.e. the
    best error for these rates plus what the rounding of b may have cost.
    """
    order = np.argsort(lam)
    ls = lam[order]
    R = _tm_residues(ls)
    b = np.asarray(target.laplace(ls), dtype=float)
    beta = R @ b
    noise = rel_noise * (np.abs(R) @ np.abs(b)) + _EPS * np.abs(beta)
    # ``noise`` is a worst-case bound (all rounding errors aligned); typical errors are several times
    # smaller, so coordinates are kept down to 0.3 of it (checked against fine-grid least squares)
    keep = np.abs(beta) > 0.3 * noise
    kept = np.where(keep, beta, 0.0)
    a = R.T @ kept
    out = np.empty_like(a)
    out[order] = a
    nrm2 = target.norm(2) ** 2
    if not float(np.sum(kept**2)) <= nrm2 * (1 + 1e-8):  # Bessel's inequality violated: rounding won
        return out, np.inf
    est2 = max(nrm2 - float(np.sum(beta**2)), 0.0) + float(np.sum(noise[keep] ** 2)) \
        + float(np.sum(beta[~keep] ** 2)) + _storage_sq(out, lam)
    return out, float(np.sqrt(est2))


def _storage_sq(a: np.ndarray, lam: np.ndarray) -> float:
    """(mε)²|a|ᵀG|a|: squared L² change that float64 weights a may carry (see coefficient_floor)."""
    with np.errstate(over="ignore", invalid="ignore"):
        aa = np.abs(a)
        val = float((lam.size * _EPS) ** 2 * (aa @ (1.0 / np.add.outer(lam, lam)) @ aa))
    return val if np.isfinite(val) else np.inf


def best_weights(target, exponents, *, laplace_accuracy: float = 1e-13) -> np.ndarray:
    r"""Best :math:`L^2` read-out weights for fixed rates: :math:`\arg\min_a\|\rho-\sum_k a_ke^{-\lambda_kt}\|_{L^2}`.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ to approximate (scalar input).
    exponents : array_like, shape (m,)
        Positive, distinct rates :math:`\lambda_k` (the model has :math:`W=-\mathrm{diag}(\lambda)`).
    laplace_accuracy : float, default 1e-13
        Relative accuracy assumed for ``target.laplace`` (used only for
        targets without an exponential-sum form: coordinates in the orthonormal
        basis below 0.3 times their worst-case rounding bound are set to zero).

    Returns
    -------
    numpy.ndarray, shape (m,)
        The weights :math:`a`, solving :math:`Ga=b` (module docstring for how).
    """
    rho = as_kernel(target)
    lam = _as_rates(exponents)
    acc = as_real_scalar("laplace_accuracy", laplace_accuracy, positive=True)
    pw = _poles(rho)
    if pw is not None:
        p, w = pw
        A = _log_products(p, lam)
        a = w @ A
        return np.real(a).astype(float)
    return _generic_weights(rho, lam, acc)[0]


def best_error(target, exponents) -> float:
    r"""Relative :math:`L^2` error of the best approximation of ρ from :math:`\mathrm{span}\{e^{-\lambda_kt}\}`.

    For an exponential-sum target :math:`\rho=\sum_j w_je^{-p_jt}` it is exact: the error
    function is :math:`E(s)=B(s)\sum_j \frac{w_j}{B(-p_j)(s+p_j)}`, and since :math:`|B(i\omega)|=1`,

    .. math::

        \|\rho-\hat\rho\|_2^2 = \sum_{i,j}\frac{c_i\bar c_j}{p_i+\bar p_j},
        \qquad c_j = \frac{w_j}{B(-p_j)} ,

    with no rounding of coefficients involved (this is the optimum itself,
    not the error of a float64 model). For other targets it is
    :math:`(\|\rho\|_2^2-\sum_k\beta_k^2)^{1/2}` from the orthonormal
    coordinates :math:`\beta` (module docstring), plus the rounding terms of
    :func:`best_weights`; the subtraction limits it to relative errors above
    about :math:`10^{-7}`.
    """
    rho = as_kernel(target)
    lam = _as_rates(exponents)
    pw = _poles(rho)
    if pw is None:
        return float(_generic_weights(rho, lam, 1e-13)[1] / rho.norm(2))
    p, w = pw
    with np.errstate(divide="ignore"):  # a rate equal to a pole: log 0 = −inf, e^{−inf} = 0 (exact)
        logB = np.sum(np.log(p[:, None] - lam[None, :]) - np.log(p[:, None] + lam[None, :]), axis=1)
    c = w * np.exp(logB)  # w / B(−p) = w Π (p−λ)/(p+λ)
    M = 1.0 / (p[:, None] + np.conj(p)[None, :])
    err2 = float(np.real(c @ M @ np.conj(c)))
    nrm2 = float(np.real(w @ M @ np.conj(w)))
    return float(np.sqrt(max(err2, 0.0) / nrm2))


def l2_error(target, model, relative: bool = False) -> float:
    r"""The :math:`L^2` error :math:`\|\rho-\hat\rho\|_2` of a model, exact for exponential-sum targets.

    For a target with a pole–residue form (see :func:`best_error`) and a
    diagonal model, :math:`\|\rho\|^2-2\langle\rho,\hat\rho\rangle+\|\hat\rho\|^2`
    is evaluated in 50 + 2m significant digits (mpmath) from the float64
    parameters, so the cancellation that limits :func:`lrnn.distance` for
    models with large alternating weights does not occur. Otherwise this is
    adaptive quadrature of :math:`(\rho-\hat\rho)^2` itself (never the expanded
    form, which cancels): composite Gauss–Legendre in :math:`x=\ln(1+t)`,
    vectorised, relative tolerance about 1e-11 (see :func:`l1_error`).

    Parameters
    ----------
    target : Kernel or LinearRNN
    model : LinearRNN
        Scalar input.
    relative : bool, default False
        Divide by :math:`\|\rho\|_2`.
    """
    import mpmath

    rho = as_kernel(target)
    if not isinstance(model, LinearRNN):
        raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
    if model.input_dim != 1:
        raise ValueError(f"model must have scalar input (d = 1), got d = {model.input_dim}")
    pw = _poles(rho)
    if pw is None or not model.is_diagonal:
        err = _quad_l2(rho, model)
        return err / rho.norm(2) if relative else err
    p, w = pw
    lam = -np.diag(model.W)
    a = np.asarray(model.c) * np.asarray(model.U).reshape(-1)
    with mpmath.workdps(50 + 2 * lam.size):
        P = [mpmath.mpc(complex(x)) for x in p]
        Wt = [mpmath.mpc(complex(x)) for x in w]
        L = [mpmath.mpf(float(x)) for x in lam]
        A = [mpmath.mpf(float(x)) for x in a]
        nn = mpmath.re(mpmath.fsum(wi * mpmath.conj(wj) / (pi + mpmath.conj(pj))
                                   for wi, pi in zip(Wt, P) for wj, pj in zip(Wt, P)))
        cross = mpmath.re(mpmath.fsum(wi * aj / (pi + lj) for wi, pi in zip(Wt, P) for aj, lj in zip(A, L)))
        mm = mpmath.fsum(ai * aj / (li + lj) for ai, li in zip(A, L) for aj, lj in zip(A, L))
        e2 = max(nn - 2 * cross + mm, mpmath.mpf(0))
        err = float(mpmath.sqrt(e2 / nn)) if relative else float(mpmath.sqrt(e2))
    return err


_GL16_X, _GL16_W = np.polynomial.legendre.leggauss(16)
_GL8_X, _GL8_W = np.polynomial.legendre.leggauss(8)


def _panel_sums(g, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss–Legendre sums on the panels [a_i, b_i] of ``g(x) -> (values, noise)``, both vectorised.

    Returns the 16-point sums of the values, the 8-point sums of the values and the
    16-point sums of the rounding-noise bound.
    """
    half, mid = 0.5 * (b - a), 0.5 * (b + a)
    x = np.concatenate([mid[:, None] + half[:, None] * _GL16_X, mid[:, None] + half[:, None] * _GL8_X], axis=1)
    v, noise = g(x.ravel())
    v, noise = v.reshape(x.shape), noise.reshape(x.shape)
    return half * (v[:, :16] @ _GL16_W), half * (v[:, 16:] @ _GL8_W), half * (noise[:, :16] @ _GL16_W)


def _residual_integral(rho: Kernel, kernel_hat: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], p: int,
                       slowest: float, rtol: float = 1e-11) -> float:
    r"""``∫₀^∞ |ρ(t) − ρ̂(t)|^p dt`` (p = 1 or 2) by adaptive composite Gauss–Legendre quadrature.

    The variable is :math:`x=\ln(1+t)` (so algebraic tails become exponential ones), the integrand
    :math:`g(x)=|e(t)|^p(1+t)` with :math:`e=\rho-\hat\rho`. ``kernel_hat(t)`` returns
    :math:`\hat\rho(t)` and the magnitude of the terms summed to get it (for a diagonal
    model :math:`\sum_k|a_k|e^{-\lambda_kt}`), which bounds the rounding noise of e.
    Panels of width 0.05 on :math:`[0, X]` are bisected wherever the 16- and 8-point rules
    differ by more than their share of ``rtol`` times the total *and* more than the rounding
    noise of the integrand on the panel (near-cancelling fits cannot be resolved below it);
    for p = 1 the panels are first split at the sign changes of e (Brent's method), so that
    |e| is smooth on every panel. The horizon X is extended until the tail, estimated from
    the local decay rate of g, is below ``rtol`` of the total. ``slowest`` is the slowest
    decay rate of ρ̂ (it sets the first horizon). Vectorised: a few thousand evaluations of
    ρ and ρ̂ per call, no scalar quadrature loop.
    """
    from scipy.optimize import brentq

    eps = np.finfo(float).eps

    def resid(x):
        t = np.expm1(x)
        r = np.asarray(rho(t), dtype=float)
        v, mag = kernel_hat(t)
        return r - v, np.abs(r) + mag

    def g(x):
        e, mag = resid(x)
        e = np.abs(e)
        noise = 64.0 * eps * mag
        w = np.exp(x)
        if p == 1:
            return e * w, noise * w
        return e * e * w, noise * (2.0 * e + noise) * w

    _, _, q97, q12 = _time_scales(rho)
    X = float(min(700.0, max(np.log1p(q12), np.log1p(50.0 / slowest), np.log1p(q97) + 2.0, 5.0)))
    x_done = 0.0
    total = 0.0
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        while True:
            n = max(1, int(np.ceil((X - x_done) / 0.05)))
            edges = np.linspace(x_done, X, n + 1)
            if p == 1:  # split at the sign changes of the residual
                half, mid = 0.5 * np.diff(edges), 0.5 * (edges[1:] + edges[:-1])
                xs = np.unique(np.concatenate([edges, (mid[:, None] + half[:, None] * _GL16_X).ravel()]))
                ev = resid(xs)[0]
                flips = np.flatnonzero(ev[:-1] * ev[1:] < 0)
                roots = [brentq(lambda xv: float(resid(np.array([xv]))[0][0]), xs[k], xs[k + 1], xtol=1e-14)
                         for k in flips]
                edges = np.unique(np.concatenate([edges, roots]))
            a, b = edges[:-1], edges[1:]
            part = 0.0
            for _ in range(40):  # adaptive bisection of the panels that are not converged
                hi, lo, noise = _panel_sums(g, a, b)
                scale = max(abs(total) + abs(part) + abs(float(np.sum(hi))), 1e-300)
                bad = np.abs(hi - lo) > np.maximum(rtol * scale * (b - a) / max(X, 1.0), noise)
                bad &= (b - a) > 1e-9 * max(X, 1.0)
                part += float(np.sum(hi[~bad]))
                if not np.any(bad) or np.count_nonzero(bad) > 200_000:
                    part += float(np.sum(hi[bad]))
                    break
                a, b = a[bad], b[bad]
                m = 0.5 * (a + b)
                a, b = np.concatenate([a, m]), np.concatenate([m, b])
            else:
                part += float(np.sum(_panel_sums(g, a, b)[0]))
            total += part
            # tail beyond X from the local decay rate of g (exact for g ∝ e^{-rx})
            g1, g2 = g(np.array([X - 1.0, X]))[0]
            if not (np.isfinite(g2) and g2 > 0) or X >= 700.0:
                break
            r = np.log(g1 / g2) if g1 > g2 else 0.0
            if r > 0 and g2 / r <= rtol * abs(total):
                total += g2 / r
                break
            x_done, X = X, min(700.0, X + max(10.0, X))
    return float(total)


def _model_kernel(model: LinearRNN) -> tuple[Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], float]:
    """``t -> (ρ̂(t), magnitude of its terms)`` for a scalar-input model, and its slowest decay rate."""
    if model.input_dim != 1:
        raise ValueError(f"model must have scalar input (d = 1), got d = {model.input_dim}")
    if model.is_diagonal:
        lam, a = diagonal_parameters(model)
        aa = np.abs(a)

        def diag(t):
            E = np.exp(-np.multiply.outer(t, lam))
            return E @ a, E @ aa

        return diag, float(lam.min())

    def dense(t):
        v = model.kernel(t)
        return v, np.abs(v)

    return dense, float(-model.spectral_abscissa)


def _quad_l2(rho: Kernel, model: LinearRNN) -> float:
    """‖ρ − ρ̂‖₂ by quadrature of the squared difference itself (never the expanded form, which cancels)."""
    kernel_hat, slowest = _model_kernel(model)
    with _one_blas_thread():
        return float(np.sqrt(_residual_integral(rho, kernel_hat, 2, slowest)))


def l1_error(target, model, relative: bool = False) -> float:
    r"""The :math:`L^1` error :math:`\|\rho-\hat\rho\|_1=\int_0^\infty|\rho(t)-\hat\rho(t)|\,dt` of a model.

    This is the error of the approximation theorems,
    :math:`\sup_t\|H_t-\widehat H_t\| = \|\rho-\hat\rho\|_{L^1}`. Computed by
    adaptive composite Gauss–Legendre quadrature in :math:`x=\ln(1+t)`, with the
    panels split at the sign changes of :math:`\rho-\hat\rho` (relative tolerance
    about 1e-11; the tail of a power law is followed out to :math:`t\approx e^{700}`).
    It agrees with ``lrnn.distance(target, model, 1)`` (adaptive QUADPACK) and is
    vectorised, so it is much faster for models with slow modes or many sign changes.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ (scalar input).
    model : LinearRNN
        Scalar input; any Hurwitz W (diagonal models are evaluated fastest).
    relative : bool, default False
        Divide by :math:`\|\rho\|_1`.

    Returns
    -------
    float
    """
    rho = as_kernel(target)
    if not isinstance(model, LinearRNN):
        raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
    kernel_hat, slowest = _model_kernel(model)
    with _one_blas_thread():
        err = _residual_integral(rho, kernel_hat, 1, slowest)
    return err / rho.norm(1) if relative else err


def coefficient_floor(target, exponents) -> float:
    r"""Relative :math:`L^2` error floor of the best weights in float64 arithmetic.

    The closed-form weights carry a relative error of at most about
    :math:`m\epsilon` each (:math:`\epsilon=2^{-53}`; products of m factors,
    then storage), which moves the kernel by at most
    :math:`m\epsilon\,(|a|^\top G|a|)^{1/2}`; this returns that bound over
    :math:`\|\rho\|_2`. Since the perturbation adds in quadrature to the optimal
    error :math:`E^*`, the returned model's error exceeds :math:`E^*` by at most
    ``floor**2 / (2 E*)``: once the floor approaches :math:`E^*`, the model's
    error is rounding, not approximation.
    """
    rho = as_kernel(target)
    lam = _as_rates(exponents)
    a = np.abs(best_weights(rho, lam))
    G = 1.0 / np.add.outer(lam, lam)
    return float(lam.size * _EPS * np.sqrt(a @ G @ a) / rho.norm(2))


# ----------------------------------------------------------------------------- free rates
def log_spaced_rates(low: float, high: float, hidden_size: int) -> np.ndarray:
    """``hidden_size`` rates spaced evenly on a log scale from ``low`` to ``high`` (both > 0)."""
    lo = as_real_scalar("low", low, positive=True)
    hi = as_real_scalar("high", high, positive=True)
    m = as_integer("hidden_size", hidden_size)
    if m == 1:
        return np.array([np.sqrt(lo * hi)])
    if not hi > lo:
        raise ValueError(f"high must exceed low for hidden_size > 1, got low={lo}, high={hi}")
    return np.geomspace(lo, hi, m)


_GL_X, _GL_W = np.polynomial.legendre.leggauss(6)


def _time_scales(rho: Kernel) -> tuple[float, float, float, float]:
    """Energy quantiles of ρ² on a wide logarithmic scan: times of 1e-6, 1e-3, 1−1e-3, 1−1e-12 of ∫ρ²."""
    t = np.geomspace(1e-7, 1e6, 1301)
    v = np.asarray(rho(t), dtype=float) ** 2
    # ∫ρ² dt with the first cell [0, 1e-7] as a rectangle, then trapezoids in log t
    dlog = np.log(t[1]) - np.log(t[0])
    cum = np.concatenate([[v[0] * t[0]], v[0] * t[0] + np.cumsum(0.5 * (v[1:] * t[1:] + v[:-1] * t[:-1]) * dlog)])
    total = cum[-1]
    if not total > 0:
        raise ValueError("target must be a non-zero kernel on [1e-7, 1e6] to choose rates for it")
    q = cum / total
    def at(level):
        return float(t[min(np.searchsorted(q, level), t.size - 1)])
    return at(1e-6), at(1e-3), at(1 - 1e-3), at(1 - 1e-12)


def _grid(t_start: float, t_stop: float, panel: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes/weights: one linear panel on [0, t_start], log-panels up to t_stop."""
    n = max(1, int(np.ceil(np.log(t_stop / t_start) / panel)))
    edges = np.linspace(np.log(t_start), np.log(t_stop), n + 1)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    u = (mid[:, None] + half[:, None] * _GL_X).ravel()
    wu = (half[:, None] * _GL_W).ravel()
    t = np.exp(u)
    w = wu * t
    t0 = 0.5 * t_start * (_GL_X + 1.0)
    w0 = 0.5 * t_start * _GL_W
    return np.concatenate([t0, t]), np.concatenate([w0, w])


_MIN_RATIO = 1.1  # smallest ratio between neighbouring free rates (keeps the weights representable)


def _to_eta(theta: np.ndarray, ratio: float = _MIN_RATIO) -> np.ndarray:
    """Sorted log-rates θ → unconstrained η with θ_1 = η_1, θ_k = θ_{k−1} + log(ratio) + e^{η_k}."""
    th = np.sort(theta)
    gaps = np.maximum(np.diff(th) - np.log(ratio), 1e-3)
    return np.concatenate([th[:1], np.log(gaps)])


def _from_eta(eta: np.ndarray, ratio: float = _MIN_RATIO) -> tuple[np.ndarray, np.ndarray]:
    """η → θ and the Jacobian ∂θ/∂η (lower triangular)."""
    inc = np.concatenate([eta[:1], np.log(ratio) + np.exp(eta[1:])])
    theta = np.cumsum(inc)
    d = np.concatenate([[1.0], np.exp(eta[1:])])
    T = np.tril(np.ones((eta.size, eta.size))) * d[None, :]
    return theta, T


def _solve_eta(parts_theta, theta0: np.ndarray, max_nfev: int, ratio: float = _MIN_RATIO) -> np.ndarray:
    """Gauss–Newton (MINPACK LM) over η for a residual/Jacobian function of θ; returns θ."""
    cache = {}

    def get(eta):
        key = eta.tobytes()
        if key not in cache:
            cache.clear()
            theta, T = _from_eta(eta, ratio)
            theta = np.clip(theta, -60.0, 60.0)
            r, J = parts_theta(theta)
            cache[key] = (r, J @ T)
        return cache[key]

    eta0 = _to_eta(theta0, ratio)
    n_res = get(eta0)[0].size
    pad = max(0, eta0.size - n_res)  # MINPACK needs at least as many residuals as unknowns

    def fun(e):
        return np.concatenate([get(e)[0], np.zeros(pad)])

    def jac(e):
        return np.vstack([get(e)[1], np.zeros((pad, eta0.size))])

    try:
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            sol = optimize.least_squares(fun, eta0, jac=jac, method="lm", xtol=1e-12, ftol=1e-14,
                                         gtol=1e-14, max_nfev=max_nfev)
    except (ValueError, np.linalg.LinAlgError):
        return np.sort(theta0)
    theta = np.clip(_from_eta(sol.x, ratio)[0], -60.0, 60.0)
    return theta if np.all(np.isfinite(theta)) else np.sort(theta0)


def _grid_parts(t, sw, y):
    """Variable-projection residual and Kaufman Jacobian in log-rates θ on the weighted grid."""

    def parts(theta):
        lam = np.exp(theta)
        E = np.exp(-np.multiply.outer(t, lam)) * sw[:, None]
        Q, Rq = np.linalg.qr(E)
        d = np.abs(np.diag(Rq))
        if d.min() > 1e-13 * d.max():
            a = np.linalg.solve(Rq, Q.T @ y)
        else:
            a = np.linalg.lstsq(E, y, rcond=1e-13)[0]
        if not np.all(np.isfinite(a)):
            return np.full(y.size, 1e150), np.zeros((y.size, lam.size))
        r = y - E @ a
        D = -(t[:, None] * lam[None, :]) * E * a[None, :]  # ∂(E a)/∂θ_i at fixed a
        D = D - Q @ (Q.T @ D)  # Kaufman: the part orthogonal to the span
        return r, -D

    return parts


def _spread(lam: np.ndarray) -> np.ndarray:
    """Separate (numerically) coincident rates by a relative 1e-6 so the Gram system stays regular."""
    lam = np.sort(lam)
    for k in range(1, lam.size):
        if lam[k] <= lam[k - 1] * (1 + 1e-6):
            lam[k] = lam[k - 1] * (1 + 1e-6)
    return lam


def fit(target, hidden_size: int, exponents=None) -> LinearRNN:
    r"""A stable width-m linear RNN approximating a kernel in :math:`L^2[0,\infty)`.

    The model is diagonal, :math:`W=-\mathrm{diag}(\lambda)`, :math:`U=\mathbf 1`,
    :math:`c=a`, with kernel :math:`\hat\rho(t)=\sum_{k=1}^m a_ke^{-\lambda_kt}`.

    Parameters
    ----------
    target : Kernel or LinearRNN
        The kernel ρ to approximate (scalar input).
    hidden_size : int
        The width m ≥ 1.
    exponents : array_like of shape (m,), optional
        Fixed positive, distinct rates :math:`\lambda_k`. Then the weights are
        the exact best :math:`L^2` ones, :math:`a=G^{-1}b` (see
        :func:`best_weights`). If omitted, the rates are chosen too: a
        log-spaced start covering the time scales of ρ, refined by variable
        projection (coefficients eliminated, log-rates optimised by
        Gauss–Newton on a logarithmic quadrature grid); the better of the start
        and the refined rates (in exact :math:`L^2` error) is returned.

    Returns
    -------
    LinearRNN
        Diagonal and Hurwitz (all rates > 0), hidden size m.

    Notes
    -----
    The error of the returned model is ``lrnn.distance(target, model, 2)``;
    :func:`l2_error` evaluates it without cancellation for exponential-sum
    targets (``lrnn.distance`` loses digits when the weights are large and
    alternate in sign). For ``target = Exponential(κ)`` and fixed rates, the
    relative error equals :func:`blaschke_error` ``(κ, exponents)`` to 1e-8
    relative while :func:`coefficient_floor` stays below about 1e-4 of it
    (rounding adds in quadrature): for λ_k = k up to m = 16, for rates
    log-spaced over four decades beyond m = 32.

    Cost (CPU time, 2 shared cores; ``benchmarks/bench_fit.py``): fixed rates
    0.1–2 ms (about 90 ms for an Airy kernel, whose Laplace transform is a
    quadrature) at m = 32; free rates 10–130 ms for exponential sums and
    0.01–0.4 s for other kernels at m ≤ 16. Free fits run BLAS single-threaded
    (``threadpoolctl``, when installed): faster for these small problems, and
    reproducible whatever threads ran before.

    Examples
    --------
    >>> from lrnn import kernels
    >>> model = fit(kernels.Exponential(0.37), 4, exponents=[1.0, 2.5, 0.1, 7.0])
    >>> round(distance(kernels.Exponential(0.37), model) / kernels.Exponential(0.37).norm(), 9)
    0.176371998
    """
    rho = as_kernel(target)
    m = as_integer("hidden_size", hidden_size)
    if exponents is not None:
        lam = _as_rates(exponents, m)
        return LinearRNN.diagonal(lam, best_weights(rho, lam))
    with _one_blas_thread():
        return _fit_free(rho, m)


def _fit_free(rho: Kernel, m: int) -> LinearRNN:
    pw = _poles(rho)
    if pw is not None:
        lam = _free_rates_poles(pw[0], pw[1], m)
        return LinearRNN.diagonal(lam, best_weights(rho, lam))
    lam, a = _free_rates_grid(rho, m)
    return LinearRNN.diagonal(lam, a)


def _blaschke_residual(p: np.ndarray, w: np.ndarray, L: np.ndarray):
    """Residual vector r(θ) (real) with ‖r‖² = ‖ρ − best fit with rates e^θ‖², and its Jacobian."""

    def parts(theta):
        lam = np.exp(theta)
        ratio = (p[:, None] - lam[None, :]) / (p[:, None] + lam[None, :])  # (n, m)
        c = w * np.prod(ratio, axis=1)
        r = L.T @ c  # ‖Lᵀc‖² = cᵀ M c̄ with M = L Lᴴ, the squared error (see best_error)
        # ∂c_j/∂θ_k = w_j Π_{i≠k} ratio_ji · (−2 p_j λ_k / (p_j + λ_k)²); products without the k-th
        # factor from prefix and suffix products (no division by a vanishing factor)
        ones = np.ones((p.size, 1), dtype=complex)
        pre = np.cumprod(np.hstack([ones, ratio[:, :-1]]), axis=1)
        suf = np.cumprod(np.hstack([ones, ratio[:, :0:-1]]), axis=1)[:, ::-1]
        dc = (w[:, None] * pre * suf) * (-2 * p[:, None] * lam[None, :] / (p[:, None] + lam[None, :]) ** 2)
        J = L.T @ dc
        return np.concatenate([r.real, r.imag]), np.vstack([J.real, J.imag])

    return parts


def _storage_floor_sq(p: np.ndarray, w: np.ndarray, lam: np.ndarray) -> float:
    """(mε)²|a|ᵀG|a| for the closed-form weights: the squared error float64 weights may add (see coefficient_floor)."""
    with np.errstate(over="ignore", invalid="ignore"):
        a = np.abs(np.real(w @ _log_products(p, lam)))
        val = float((lam.size * _EPS) ** 2 * (a @ (1.0 / np.add.outer(lam, lam)) @ a))
    return val if np.isfinite(val) else np.inf


def _free_rates_poles(p: np.ndarray, w: np.ndarray, m: int) -> np.ndarray:
    """Free rates for an exponential-sum target: minimise the exact Blaschke residual."""
    M = 1.0 / (p[:, None] + np.conj(p)[None, :])
    try:
        L = np.linalg.cholesky(M)
    except np.linalg.LinAlgError:  # clustered poles: fall back to an eigen square root
        vals, vecs = np.linalg.eigh(M)
        L = vecs * np.sqrt(np.clip(vals, 0.0, None))
    parts = _blaschke_residual(p, w, L)
    scale_lo, scale_hi = float(np.min(p.real)), float(np.max(np.abs(p)))
    starts = []
    if np.all(np.abs(p.imag) == 0) and p.size <= m:  # exact representation available
        extra = log_spaced_rates(scale_hi * 2, scale_hi * 2 ** (m - p.size + 1), m - p.size) if m > p.size else []
        starts.append(np.concatenate([np.sort(p.real), extra]))
    starts.append(log_spaced_rates(scale_lo / 2, scale_hi * 2, m) if m > 1 else np.array([np.sqrt(scale_lo * scale_hi)]))
    starts.append(log_spaced_rates(scale_lo / 8, scale_hi * 8, m) if m > 1 else np.array([scale_lo]))
    if m > 1:  # clusters near the slowest decay rate (confluent optima of oscillatory targets)
        starts.append(log_spaced_rates(scale_lo * 0.8, scale_lo * 1.25, m))
        starts.append(log_spaced_rates(scale_lo * 0.9, scale_hi * 1.1, m))
    bound = (np.log(scale_lo) - 25.0, np.log(scale_hi) + 25.0)
    best, best_val = None, np.inf
    for lam0 in starts:
        theta0 = np.clip(np.log(_spread(np.asarray(lam0, float))), bound[0] + 1e-9, bound[1] - 1e-9)
        thetas = [theta0] + [_solve_eta(parts, theta0, 30 * m + 50, ratio) for ratio in (_MIN_RATIO, 1.02, 1.003)]
        for th in thetas:
            lam = _spread(np.exp(th))
            val = float(np.sum(parts(np.log(lam))[0] ** 2)) + _storage_floor_sq(p, w, lam)
            if val < best_val:
                best, best_val = lam, val
        if best_val == 0.0:
            break
    return best


def _grid_score(E: np.ndarray, y: np.ndarray) -> float:
    """Squared residual of the least-squares fit of y by the columns of E (QR, rank-revealing fallback)."""
    Q, Rq = np.linalg.qr(E)
    d = np.abs(np.diag(Rq))
    if d.min() > 1e-13 * d.max():
        r = y - Q @ (Q.T @ y)
    else:
        r = y - E @ np.linalg.lstsq(E, y, rcond=1e-13)[0]
    return float(r @ r)


def _free_rates_grid(rho: Kernel, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Free rates for a general kernel: best log-spaced start, refined by variable projection.

    Starts: log-spaced rates from λ_lo to λ_hi, on a 4 × 4 table of ranges
    between reciprocals of energy quantiles of ρ² (λ_lo from 1/t(1−1e-12) to
    1/(3 t(1−1e-3)), λ_hi from 3/t(1−1e-3) to 3/t(1e-3)), each widened when
    needed so that neighbouring rates differ by a factor ≥ 1.3. The starts are
    ranked by their least-squares residual on the logarithmic quadrature grid
    (cheap: no Laplace transforms); the best three are scored exactly (error
    estimate of the best weights from Laplace transforms, rounding included), and
    the best of them is refined by Gauss–Newton on the grid (rates kept within
    [0.1/t_max, 10 × the largest starting rate]); the better of start and
    refinement in the exact score wins. Returns the rates and their best weights.
    """
    q6, q3, q97, q12 = _time_scales(rho)
    if m == 1:
        starts = [np.array([1.0 / np.sqrt(q3 * q97)]), np.array([1.0 / q97]), np.array([1.0 / q3])]
    else:
        ranges = [(lo, hi) for lo in np.geomspace(1.0 / q12, 1.0 / (3 * q97), 4)
                  for hi in np.geomspace(3.0 / q97, 3.0 / q3, 4)]
        starts = []
        for a, b in ranges:  # widen to a ratio of at least 1.3 between neighbours (conditioning)
            if b < a * 1.3 ** (m - 1):
                c, h = np.sqrt(a * b), 1.3 ** ((m - 1) / 2)
                a, b = c / h, c * h
            starts.append(log_spaced_rates(a, b, m))
    t_start, t_stop = max(q6 * 0.1, 1e-8), min(q12 * 5, 1e7)
    t, w = _grid(t_start, t_stop, panel=0.1)
    sw = np.sqrt(w)
    y = np.asarray(rho(t), dtype=float) * sw

    def exact(lam):
        a, est = _generic_weights(rho, lam, 1e-13)
        return (est if np.all(np.isfinite(a)) else np.inf), a

    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        on_grid = [_grid_score(np.exp(-np.multiply.outer(t, lam)) * sw[:, None], y) for lam in starts]
    ranked = [starts[i] for i in np.argsort(on_grid, kind="stable")[:3]]
    scored = [(exact(lam), lam) for lam in ranked]
    k = int(np.argmin([s[0][0] for s in scored]))
    (best_val, best_a), best = scored[k]
    theta = _solve_eta(_grid_parts(t, sw, y), np.log(best), 3 * m + 15)
    lam1 = _spread(np.clip(np.exp(theta), 0.1 / t_stop, 10.0 * best.max()))
    val1, a1 = exact(lam1)
    if val1 < best_val:
        best, best_a = lam1, a1
    order = np.argsort(best)
    return best[order], best_a[order]


# ----------------------------------------------------------------------------- curves
def error_curve(target, widths: Sequence[int], exponents: Callable[[int], np.ndarray] | None = None,
                p: int = 2, relative: bool = True) -> np.ndarray:
    r"""Errors :math:`\|\rho-\hat\rho_m\|_p` (relative to :math:`\|\rho\|_p` by default) of fits of each width.

    Parameters
    ----------
    target : Kernel or LinearRNN
    widths : sequence of int
        The widths m.
    exponents : callable, optional
        ``exponents(m)`` returns the m fixed rates; ``None`` fits free rates.
    p : {1, 2}
        Which norm: 2 uses :func:`l2_error` (exact for exponential sums), 1 uses
        :func:`l1_error` (adaptive quadrature of :math:`|\rho-\hat\rho|`).
    relative : bool, default True
        Divide by :math:`\|\rho\|_p`.
    """
    rho = as_kernel(target)
    p = as_norm_order(p)
    ms = [as_integer("hidden_size", m) for m in widths]
    if exponents is not None and not callable(exponents):
        raise TypeError(f"exponents must be a callable m -> rates or None, got {type(exponents).__name__}")
    scale = rho.norm(p) if relative else 1.0
    out = np.empty(len(ms))
    for i, m in enumerate(ms):
        model = fit(rho, m, None if exponents is None else exponents(m))
        out[i] = (l2_error(rho, model) if p == 2 else l1_error(rho, model)) / scale
    return out
