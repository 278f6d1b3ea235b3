r"""Initialisations of diagonal state-space models: S4D, the LRU and HiPPO-LegS.

The eigenvalues a deep SSM layer starts from decide which memories it can hold before training
begins (Chapter 5). This module gives them per unit of sequence time (one sample = 1):

* :func:`ssm_eigenvalues` — the S4D initialisations :cite:`gu2022s4d` (S4D-Real, S4D-Lin,
  S4D-Inv, and the real parts of S4D-Lin across a layer's channels), the LRU's ring
  :cite:`orvieto2023lru`, and a geometric reference;
* :func:`lru_normalisation` — the LRU's input normalisation :math:`\sqrt{1-|\bar\lambda|^2}`;
* :func:`hippo_legs` — the HiPPO-LegS state matrix of S4 :cite:`gu2022s4` and the vector of its
  normal-plus-rank-one splitting.
"""

from __future__ import annotations

import numpy as np

from . import _limits
from ._validation import as_choice, as_pair, as_real_scalar, as_rng, as_size

__all__ = ["SCHEMES", "ssm_eigenvalues", "lru_normalisation", "hippo_legs"]


#: The initialisation schemes of :func:`ssm_eigenvalues`.
SCHEMES = ("s4d-real", "s4d-lin", "s4d-inv", "s4d-lin-layer", "lru", "geometric")


def ssm_eigenvalues(scheme: str, m: int, *, dt: float = 0.1, dt_min: float = 1e-3, dt_max: float = 1e-1,
                    r_min: float = 0.9, r_max: float = 0.999, max_phase: float = 2 * np.pi,
                    rate_range: tuple[float, float] = (1e-3, 10.0), seed: int = 0) -> np.ndarray:
    r"""Initial eigenvalues :math:`\mu` of a diagonal SSM, per unit of sequence time (one sample = 1).

    The discrete recurrence is :math:`h_{k+1}=e^{\mu}h_k+\dots` (zero-order hold),
    so a mode decays at the rate :math:`-\mathrm{Re}\,\mu` per sample; :math:`\mu=\Delta z`
    for a continuous eigenvalue :math:`z` and a step :math:`\Delta`.

    ==================  ================================================================
    scheme              :math:`\mu_n`, :math:`n=0,\dots,m-1`
    ==================  ================================================================
    ``s4d-real``        :math:`\Delta\,(-(n+1))` (one channel, step ``dt``)
    ``s4d-lin``         :math:`\Delta\,(-\tfrac12+i\pi n)`
    ``s4d-inv``         :math:`\Delta\,(-\tfrac12+i\tfrac m\pi(\tfrac m{2n+1}-1))`
    ``s4d-lin-layer``   :math:`-\Delta_n/2`, :math:`\Delta_n` log-spaced in [``dt_min``, ``dt_max``]:
                        the real parts of the first S4D-Lin mode across m channels
    ``lru``             :math:`\log\bar\lambda_n=-e^{\nu_n}+i\theta_n`, :math:`|\bar\lambda_n|^2`
                        uniform in :math:`[r_{\min}^2,r_{\max}^2]` (uniform on the ring),
                        :math:`\theta_n` uniform in [0, ``max_phase``] (seeded)
    ``geometric``       :math:`-\lambda_n`, :math:`\lambda_n` log-spaced over ``rate_range`` (a reference)
    ==================  ================================================================

    Parameters
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    m : int
        Number of modes (≥ 1).
    dt : float
        The step :math:`\Delta` of the S4D schemes (``ValueError`` if the eigenvalues overflow or their
        real parts underflow to 0).
    dt_min, dt_max : float
        The range of the steps :math:`\Delta_n` of ``s4d-lin-layer``.
    r_min, r_max : float
        The radii of the discrete eigenvalues of ``lru``, :math:`0<r_{\min}\le r_{\max}<1`.
    max_phase : float
        The largest phase :math:`\theta_n` of ``lru`` (≥ 0).
    rate_range : tuple of float
        ``(low, high)``, the rates of ``geometric``.
    seed : int, None or numpy.random.Generator
        The seed of ``lru``.

    Returns
    -------
    numpy.ndarray of complex, shape (m,)
        All with negative real part.
    """
    scheme = as_choice("scheme", scheme, SCHEMES)
    m = as_size("m", m, limit=_limits.MAX_TERMS, why="the most modes initialised at once")
    dt = as_real_scalar("dt", dt, positive=True)
    n = np.arange(m, dtype=float)
    if scheme in ("s4d-real", "s4d-lin", "s4d-inv"):
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            if scheme == "s4d-real":
                mu = dt * (-(n + 1)) + 0j
            elif scheme == "s4d-lin":
                mu = dt * (-0.5 + 1j * np.pi * n)
            else:
                mu = dt * (-0.5 + 1j * (m / np.pi) * (m / (2 * n + 1) - 1))
        return _checked("dt", mu)
    if scheme == "s4d-lin-layer":
        lo = as_real_scalar("dt_min", dt_min, positive=True)
        hi = as_real_scalar("dt_max", dt_max, positive=True)
        if not hi >= lo:
            raise ValueError(f"dt_max must be >= dt_min = {lo}, got {hi}")
        with np.errstate(under="ignore"):
            return _checked("dt_min", -0.5 * np.geomspace(lo, hi, m) + 0j)
    if scheme == "geometric":
        lo, hi = as_pair("rate_range", rate_range, positive=True)
        if not hi >= lo:
            raise ValueError(f"rate_range must be (low, high) with low <= high, got ({lo}, {hi})")
        return -np.geomspace(lo, hi, m) + 0j
    lo = as_real_scalar("r_min", r_min, positive=True)
    hi = as_real_scalar("r_max", r_max, positive=True)
    if not lo <= hi < 1:
        raise ValueError(f"r_min <= r_max < 1 required, got r_min={lo}, r_max={hi}")
    phase = as_real_scalar("max_phase", max_phase, nonnegative=True)
    rng = as_rng("seed", seed)
    with np.errstate(under="ignore"):
        radius = np.sqrt(rng.uniform(size=m) * (hi**2 - lo**2) + lo**2)
    radius = np.clip(radius, lo, hi)             # lo**2 may underflow; the ring is [r_min, r_max]
    theta = rng.uniform(size=m) * phase
    nu = np.log(-np.log(radius))            # the LRU's trained variable: |λ̄| = exp(-exp(ν))
    return -np.exp(nu) + 1j * theta


def _checked(name: str, mu: np.ndarray) -> np.ndarray:
    """Eigenvalues that are finite with negative real parts, else an error naming the step ``name``."""
    if not np.all(np.isfinite(mu)):
        raise ValueError(f"{name} is too large: the eigenvalues mu = {name} · z overflow float64")
    if np.any(mu.real >= 0):
        raise ValueError(f"{name} is too small: the real parts of mu = {name} · z underflow to 0")
    return mu


def lru_normalisation(mu) -> np.ndarray:
    r"""The LRU input normalisation :math:`\gamma_{\rm LRU}=\sqrt{1-|\bar\lambda|^2}`, :math:`\bar\lambda=e^{\mu}`.

    For unit white-noise input, :math:`h_{k+1}=\bar\lambda h_k+\gamma_{\rm LRU}x_k` has
    stationary variance :math:`\gamma_{\rm LRU}^2/(1-|\bar\lambda|^2)=1` whatever the
    radius (the LRU paper calls this factor :math:`\gamma`).

    Parameters
    ----------
    mu : array_like of complex
        Continuous eigenvalues per sample, with negative real part.

    Returns
    -------
    numpy.ndarray
        :math:`\gamma_{\rm LRU}`, of the shape of ``mu``.
    """
    if mu is None or isinstance(mu, (str, bytes)):
        raise TypeError(f"mu must be an array of (complex) numbers, got {type(mu).__name__}")
    try:
        mu = np.asarray(mu)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"mu must be an array of (complex) numbers ({exc})") from None
    if mu.dtype.kind not in "iufc":
        raise TypeError(f"mu must be an array of (complex) numbers, got dtype {mu.dtype}")
    if not np.all(np.isfinite(mu)) or np.any(mu.real >= 0):
        raise ValueError("mu must be finite with negative real parts (|exp(mu)| < 1)")
    return np.sqrt(-np.expm1(2.0 * np.maximum(mu.real, -1e3)))     # e^{-2000} = 0 in float64 anyway


def hippo_legs(n: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The HiPPO-LegS matrix :math:`A` of S4 and the vector :math:`P` of its normal-plus-rank-one form.

    .. math::

        A_{jk}=-\begin{cases}\sqrt{(2j+1)(2k+1)} & j>k\\ j+1 & j=k\\ 0 & j<k\end{cases},\qquad
        P_j=\sqrt{j+\tfrac12},\qquad j,k=0,\dots,n-1 .

    :math:`A` is lower triangular with eigenvalues :math:`-1,\dots,-n`, and
    :math:`A+PP^\top=-\tfrac12I+S` with :math:`S` skew-symmetric, so :math:`A` is a
    normal matrix minus a rank-one matrix; diagonalising the normal part unitarily
    gives the diagonal-plus-low-rank form in which S4 computes.

    Parameters
    ----------
    n : int
        State size (≥ 1).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``A`` of shape (n, n) and ``P`` of shape (n,).
    """
    n = as_size("n", n, limit=_limits.MAX_HIDDEN, why="the largest dense state matrix")
    j = np.arange(n, dtype=float)
    q = np.sqrt(2.0 * j + 1.0)
    A = -np.tril(np.outer(q, q), -1) - np.diag(j + 1.0)
    return A, np.sqrt(j + 0.5)
