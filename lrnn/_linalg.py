r"""Dense linear algebra shared by the models: modes, Gramians, Hankel singular values, exact discretisation.

For :math:`\dot h = Wh + Ux`, :math:`\hat y = c^\top h` with a Hurwitz :math:`W` (every eigenvalue has
negative real part):

* :func:`modes` — the modal form :math:`\hat\rho(t)^\top = c^\top e^{Wt}U = \sum_k r_k e^{z_kt}`, with one
  conditioning rule for the whole package: the eigenvector matrix :math:`V` (unit columns) is used when
  :math:`\kappa(V)\,\varepsilon \le` ``rtol`` (the relative error the modal sum may carry), else not at all;
* :func:`lyapunov` and :func:`gramians` — :math:`WP + PW^\top = -UU^\top`, :math:`W^\top Q + QW = -cc^\top`
  (Cauchy closed forms :math:`U_iU_j/(\lambda_i+\lambda_j)` for a real diagonal :math:`W`), solved after
  scaling :math:`W`, :math:`U`, :math:`c` by powers of two so that extreme magnitudes neither over- nor
  underflow on the way;
* :func:`gramian_norm` — :math:`\sqrt{c^\top Pc}` without forming a :math:`P` that could overflow;
* :func:`hankel_singular_values` — the square-root method :math:`\sigma = \mathrm{svd}(L_Q^\top L_P)`;
* :func:`zoh` — the exact zero-order-hold pair :math:`A = e^{W\Delta}`,
  :math:`B = \int_0^\Delta e^{Ws}ds\,U`, stable for any magnitude of :math:`W\Delta`;
* :func:`single_threaded` — BLAS/LAPACK single-threaded inside a block (``threadpoolctl``): on a loaded
  machine, spin-waiting OpenBLAS threads make the small dense solves here many times slower.

Nothing here is part of the public API; :class:`lrnn.LinearRNN` exposes it as methods.
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np
from scipy import linalg

__all__ = ["single_threaded", "is_real_diagonal", "modes", "lyapunov", "gramians", "gramian_norm",
           "hankel_singular_values", "zoh", "expm_stable"]

_EPS = float(np.finfo(float).eps)

#: The default accuracy asked of a modal form (relative to the sum of |r_k|): κ(V) ≤ 1e-8/ε ≈ 4.5e7.
MODAL_RTOL = 1e-8

try:  # pragma: no cover - depends on the environment
    from threadpoolctl import ThreadpoolController as _ThreadpoolController
except ImportError:  # pragma: no cover
    _ThreadpoolController = None

#: The controller of the BLAS/LAPACK libraries loaded in this process, found once (finding them walks every
#: loaded shared library, ~3 ms: too slow to repeat for each of the thousands of small solves of a figure).
_CONTROLLER = None
#: How deeply ``single_threaded`` blocks are nested (only the outermost one changes the thread count).
_DEPTH = 0


def _controller():
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = _ThreadpoolController()
    return _CONTROLLER


@contextlib.contextmanager
def single_threaded():
    """Run the block with BLAS/LAPACK limited to one thread (a no-op without ``threadpoolctl``, and inside
    an enclosing ``single_threaded`` block)."""
    global _DEPTH
    if _ThreadpoolController is None or _DEPTH > 0:
        yield
        return
    _DEPTH += 1
    try:
        with _controller().limit(limits=1, user_api="blas"):
            yield
    finally:
        _DEPTH -= 1


def is_real_diagonal(W: np.ndarray) -> bool:
    """``W`` is a real diagonal matrix."""
    return bool(np.count_nonzero(W - np.diag(np.diag(W))) == 0)


def _pow2(x: float) -> float:
    """The power of two nearest to ``x > 0`` (scaling by it is exact)."""
    return math.ldexp(1.0, int(round(math.log2(x)))) if x > 0 and math.isfinite(x) else 1.0


# ----------------------------------------------------------------------------- modes
def modes(W: np.ndarray, U: np.ndarray, c: np.ndarray, rtol: float = MODAL_RTOL):
    r"""Eigenvalues :math:`z_k` and residues :math:`r_k` (rows, shape (m, d)) with
    :math:`c^\top e^{Wt}U = \sum_k r_k e^{z_kt}`, or ``None`` when :math:`W` is not reliably diagonalisable
    (:math:`\kappa(V)\,\varepsilon >` ``rtol``, e.g. a Jordan block).

    For a real diagonal :math:`W` the form is exact: :math:`z_k = W_{kk}`, :math:`r_k = c_kU_{k\cdot}`.
    Otherwise :math:`r_k = (c^\top v_k)(\tilde v_k^\top U)` with :math:`V^{-1} = (\tilde v_k^\top)`; its
    values carry a relative error of about :math:`\kappa(V)\,\varepsilon`.
    """
    if is_real_diagonal(W):
        return np.diag(W).astype(complex), (c[:, None] * U).astype(complex)
    z, V = np.linalg.eig(W)
    cond = np.linalg.cond(V)
    if not np.isfinite(cond) or cond * _EPS > rtol:
        return None
    return z, (c @ V)[:, None] * np.linalg.solve(V, U.astype(complex))


# ----------------------------------------------------------------------------- Gramians
def _scaled(W: np.ndarray, B: np.ndarray):
    """W/σ and B/β with σ, β powers of two (exact scalings): σ near the smallest rate of a real diagonal W
    (every Cauchy entry 1/(λ_i+λ_j) is then at most 1/2), else near max|W|; β near max|B|."""
    if is_real_diagonal(W):
        sigma = _pow2(float(np.min(np.abs(np.diag(W)))))
    else:
        sigma = _pow2(float(np.max(np.abs(W))))
    beta = _pow2(float(np.max(np.abs(B)))) if B.size else 1.0
    with np.errstate(over="ignore", under="ignore"):
        return W / sigma, B / beta, sigma, beta


def _near_imaginary_modes(W: np.ndarray):
    """(z, V) when W is reliably diagonalisable and has eigenvalues nearly on the imaginary axis
    (min |Re z| < 1e-8 max |z|): Bartels–Stewart then perturbs the equation, the modal closed form does not."""
    if is_real_diagonal(W):
        return None
    z, V = np.linalg.eig(W)
    if np.min(np.abs(z.real)) >= 1e-8 * np.max(np.abs(z)):
        return None
    cond = np.linalg.cond(V)
    return (z, V) if np.isfinite(cond) and cond * _EPS <= 1e-12 else None


def _lyapunov_unit(W: np.ndarray, B: np.ndarray) -> np.ndarray:
    """P with WP + PWᵀ = −BBᵀ, symmetrised: the Cauchy closed form for a real diagonal W; the modal closed form
    P = V P̃ Vᴴ, P̃_ij = −(B̃B̃ᴴ)_ij/(z_i + z̄_j), B̃ = V⁻¹B, for nearly imaginary eigenvalues; else
    ``scipy.linalg.solve_continuous_lyapunov``."""
    if is_real_diagonal(W):
        lam = -np.diag(W)
        with np.errstate(under="ignore"):
            P = (B @ B.T) / np.add.outer(lam, lam)
        return 0.5 * (P + P.T)
    modal = _near_imaginary_modes(W)
    if modal is not None:
        z, V = modal
        Bt = np.linalg.solve(V, B.astype(complex))
        Pt = -(Bt @ Bt.conj().T) / np.add.outer(z, z.conj())
        P = np.real(V @ Pt @ V.conj().T)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # "eigenvalue pair whose sum is close to zero"
            P = linalg.solve_continuous_lyapunov(W, -B @ B.T)
    return 0.5 * (P + P.T)


def _lyapunov_parts(W: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(P̂, β, σ) with P = (β²/σ) P̂ (see :func:`lyapunov`)."""
    Ws, Bs, sigma, beta = _scaled(W, B)
    return _lyapunov_unit(Ws, Bs), beta, sigma


def lyapunov(W: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, float]:
    r"""The solution of :math:`WP + PW^\top = -BB^\top` as ``(P̂, s)`` with :math:`P = s\,\hat P`.

    :math:`\hat P` solves the equation for :math:`W/\sigma` and :math:`B/\beta` (powers of two: near the
    smallest rate of a real diagonal :math:`W`, else near its largest entry, and near the largest entry of
    :math:`B`), and :math:`s = \beta^2/\sigma` (``inf`` when it overflows): the pair represents Gramians
    whose entries over- or underflow float64 (weights of 1e300, rates of 1e-300).
    """
    Ph, beta, sigma = _lyapunov_parts(W, B)
    with np.errstate(over="ignore"):
        return Ph, beta * beta / sigma


def gramians(W: np.ndarray, U: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Controllability and observability Gramians :math:`P = \int_0^\infty e^{Ws}UU^\top e^{W^\top s}ds`,
    :math:`Q = \int_0^\infty e^{W^\top s}cc^\top e^{Ws}ds`, i.e. :math:`WP + PW^\top = -UU^\top`,
    :math:`W^\top Q + QW = -cc^\top`. Raises ``ValueError`` when an entry overflows float64."""
    Ph, sp = lyapunov(W, U)
    Qh, sq = lyapunov(W.T, c[:, None])
    with np.errstate(over="ignore", invalid="ignore"):
        P, Q = Ph * sp, Qh * sq
    if not (np.all(np.isfinite(P)) and np.all(np.isfinite(Q))):
        raise ValueError("W's Gramians overflow float64 (the model's time scales or weights are too extreme); "
                         "use the model's norm() and hankel_singular_values(), which are computed in scaled form")
    return P, Q


def gramian_norm(W: np.ndarray, U: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    r""":math:`\|\hat\rho\|_{L^2} = \sqrt{c^\top Pc}` and the rounding scale :math:`\sqrt{|c|^\top|P||c|}`.

    Both in scaled form: finite whenever the norm is representable (``ValueError`` when it overflows).
    When the value is far below the scale, the sum :math:`c^\top Pc` has cancelled (large weights of
    alternating sign) and the caller should integrate :math:`\hat\rho^2` directly.
    """
    modal = _near_imaginary_modes(W)
    if modal is not None:   # Σ_ij r_i r̄_j / (−(z_i + z̄_j)) on scaled modes and residues
        z, V = modal
        R = (c @ V)[:, None] * np.linalg.solve(V, U.astype(complex))
        sigma = _pow2(float(np.min(np.abs(z.real))))
        gamma = _pow2(float(np.max(np.abs(R)))) if np.any(R) else 1.0
        Rs, zs = R / gamma, z / sigma
        with np.errstate(over="ignore", under="ignore"):
            C = 1.0 / -np.add.outer(zs, zs.conj())
            sq = float(np.real(np.einsum("id,ij,jd->", Rs, C, Rs.conj())))
            scale = float(np.einsum("id,ij,jd->", np.abs(Rs), np.abs(C), np.abs(Rs)))
        log_factor = math.log(gamma) - 0.5 * math.log(sigma)
        if sq > 0 and math.log(sq) / 2 + log_factor > 709.0:
            raise ValueError("the L2 norm of the kernel overflows float64 (weights too large for its time scales)")
        factor = math.exp(log_factor)
        return math.sqrt(max(sq, 0.0)) * factor, min(math.sqrt(scale) * factor, 1.7e308)
    Ph, beta, sigma = _lyapunov_parts(W, U)
    gamma = _pow2(float(np.max(np.abs(c)))) if c.size else 1.0
    cs = c / gamma
    sq = float(cs @ Ph @ cs)
    scale = float(np.abs(cs) @ np.abs(Ph) @ np.abs(cs))
    log_factor = math.log(gamma) + math.log(beta) - 0.5 * math.log(sigma)
    if sq > 0 and math.log(sq) / 2 + log_factor > 709.0:
        raise ValueError("the L2 norm of the kernel overflows float64 (weights too large for its time scales)")
    factor = math.exp(log_factor)
    with np.errstate(over="ignore"):
        return math.sqrt(max(sq, 0.0)) * factor, min(math.sqrt(scale) * factor, 1.7e308)


def hankel_singular_values(W: np.ndarray, U: np.ndarray, c: np.ndarray) -> np.ndarray:
    r"""The Hankel singular values :math:`\sigma_1 \ge \dots \ge \sigma_m` of :math:`c^\top e^{Wt}U`.

    Square-root method: :math:`\sigma = \mathrm{svd}(L_Q^\top L_P)` with :math:`P = L_PL_P^\top`,
    :math:`Q = L_QL_Q^\top` (factors from symmetric eigen-decompositions, negative rounding clipped), on the
    scaled Gramians; accurate to about :math:`10^{-15}\sigma_1` in absolute terms.
    """
    Ph, bp, sp = _lyapunov_parts(W, U)
    Qh, bq, sq = _lyapunov_parts(W.T, c[:, None])

    def factor(S):
        d, V = linalg.eigh(S, driver="evd")
        return V * np.sqrt(np.clip(d, 0.0, None))

    with single_threaded():
        s = linalg.svd(factor(Qh).T @ factor(Ph), compute_uv=False)
    log_factor = math.log(bp) + math.log(bq) - 0.5 * (math.log(sp) + math.log(sq))
    if log_factor > 709.0:
        raise ValueError("the Hankel singular values overflow float64 (weights too large for the time scales)")
    with np.errstate(under="ignore"):
        return np.sort(s)[::-1][: W.shape[0]] * math.exp(log_factor)


# ----------------------------------------------------------------------------- exponentials
def expm_stable(W: np.ndarray, t: float) -> np.ndarray:
    r""":math:`e^{Wt}` for a Hurwitz :math:`W` and :math:`t \ge 0`: modal form when :math:`W` is reliably
    diagonalisable (any magnitude of :math:`Wt`), else ``scipy.linalg.expm``; ``ValueError`` when that
    overflows (a stiff, non-diagonalisable :math:`W` at a large time)."""
    if is_real_diagonal(W):
        return np.diag(np.exp(np.diag(W) * t))
    with np.errstate(all="ignore"):
        E = linalg.expm(W * t)
    if np.all(np.isfinite(E)):
        return E
    z, V = np.linalg.eig(W)
    cond = np.linalg.cond(V)
    if np.isfinite(cond) and cond * _EPS <= 1e-8:
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):
            E = (V * np.exp(z * t)) @ np.linalg.inv(V)
        if np.all(np.isfinite(E)):
            return np.real(E) if np.isrealobj(W) else E
    raise ValueError(f"e^(W t) at t = {t:.3g} cannot be computed in float64: W is stiff (entries up to "
                     f"{np.max(np.abs(W)):.3g}) and not reliably diagonalisable")


def _phi_dt(z: np.ndarray, dt: float) -> np.ndarray:
    """(e^{z dt} − 1)/z (dt where z = 0), without cancellation; overflows only where e^{z dt} does."""
    safe = np.where(z == 0, 1.0, z)
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        return np.where(z == 0, dt, np.expm1(z * dt) / safe)


def _check_zoh(A: np.ndarray, B: np.ndarray, W: np.ndarray, dt: float):
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        growth = float(np.max(np.linalg.eigvals(W).real)) if np.all(np.isfinite(W)) else math.inf
        raise ValueError(f"dt = {dt:.3g} is too large for W: e^(W dt) overflows float64 (W has an eigenvalue with "
                         f"real part {growth:.3g}, so the state grows by e^({growth:.3g}·dt))")
    return A, B


def zoh(W: np.ndarray, U: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact zero-order-hold pair :math:`A = e^{W\,dt}`, :math:`B = \int_0^{dt}e^{Ws}ds\,U`.

    * real diagonal :math:`W`: :math:`A = \mathrm{diag}(e^{W_{kk}dt})`,
      :math:`B_k = \mathrm{expm1}(W_{kk}dt)/W_{kk}\,U_k` (exact at any magnitude);
    * otherwise one matrix exponential of the augmented matrix
      :math:`\begin{pmatrix} W & U \\ 0 & 0\end{pmatrix} dt` (no inverse of :math:`W`); when that
      overflows (:math:`\|W\|dt` of 1e40 and more), the modal form
      :math:`A = Ve^{Z dt}V^{-1}`, :math:`B = V\,\mathrm{diag}(\mathrm{expm1}(z_kdt)/z_k)V^{-1}U`;
      a stiff matrix that is not reliably diagonalisable raises ``ValueError``.
    """
    m, d = U.shape
    if is_real_diagonal(W):
        lam = np.diag(W)
        with np.errstate(under="ignore", over="ignore", invalid="ignore"):
            return _check_zoh(np.diag(np.exp(lam * dt)), _phi_dt(lam, dt)[:, None] * U, W, dt)
    M = np.zeros((m + d, m + d))
    with np.errstate(all="ignore"):
        M[:m, :m] = W * dt
        M[:m, m:] = U * dt
        E = linalg.expm(M) if np.all(np.isfinite(M)) else np.full(M.shape, np.nan)
    if np.all(np.isfinite(E)):
        return E[:m, :m], E[:m, m:]
    z, V = np.linalg.eig(W)
    cond = np.linalg.cond(V)
    if not (np.isfinite(cond) and cond * _EPS <= 1e-8):
        raise ValueError(f"dt = {dt:.3g} is too large for the exact discretisation of this W in float64: "
                         f"W dt has entries up to {np.max(np.abs(W)) * dt:.3g} and W is not reliably "
                         "diagonalisable")
    Vinv = np.linalg.inv(V)
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        A = (V * np.exp(z * dt)) @ Vinv
        B = (V * _phi_dt(z, dt)) @ (Vinv @ U)
    return _check_zoh(np.real(A), np.real(B), W, dt)


_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def expm_batch(W: np.ndarray, t: np.ndarray) -> np.ndarray:
    r""":math:`e^{Wt_k}` for every time of ``t`` at once, shape ``(n, m, m)``.

    Higham's scaling and squaring with the degree-13 Padé approximant (the method of
    ``scipy.linalg.expm``), vectorised over the batch with NumPy's stacked products and solves: the
    batch is grouped by its number of squarings :math:`s_k = \lceil\log_2(\lVert Wt_k\rVert_1/\theta_{13})\rceil`,
    so a long grid costs a few stacked solves instead of one Python call per time. Entries that
    overflow come back non-finite (callers fall back to :func:`expm_stable`).
    """
    W = np.asarray(W)
    t = np.asarray(t, dtype=float).ravel()
    m = W.shape[0]
    out = np.empty((t.size, m, m), dtype=np.result_type(W, float))
    norm1 = float(np.max(np.sum(np.abs(W), axis=0))) if m else 0.0
    with np.errstate(divide="ignore"):
        s_all = np.maximum(0, np.ceil(np.log2(np.maximum(norm1 * t, 1e-300) / _THETA13))).astype(int)
    b = _PADE13
    eye = np.eye(m, dtype=out.dtype)
    for s in np.unique(s_all):
        idx = np.flatnonzero(s_all == s)
        A = (t[idx] / 2.0**s)[:, None, None] * W[None]
        A2 = A @ A
        A4 = A2 @ A2
        A6 = A4 @ A2
        U = A @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * eye)
        V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye
        with np.errstate(all="ignore"):
            E = np.linalg.solve(V - U, V + U)
            for _ in range(int(s)):
                E = E @ E
        out[idx] = E
    return out
