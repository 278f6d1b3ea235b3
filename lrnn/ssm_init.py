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

from ._validation import as_integer, as_real_scalar

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
    dt, dt_min, dt_max, r_min, r_max, max_phase, rate_range, seed
        As in the table (``r_min``, ``r_max`` are radii of the discrete eigenvalues).

    Returns
    -------
    numpy.ndarray of complex, shape (m,)
        All with negative real part.
    """
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    m = as_integer("m", m)
    dt = as_real_scalar("dt", dt, positive=True)
    n = np.arange(m, dtype=float)
    if scheme == "s4d-real":
        return dt * (-(n + 1)) + 0j
    if scheme == "s4d-lin":
        return dt * (-0.5 + 1j * np.pi * n)
    if scheme == "s4d-inv":
        return dt * (-0.5 + 1j * (m / np.pi) * (m / (2 * n + 1) - 1))
    if scheme == "s4d-lin-layer":
        lo = as_real_scalar("dt_min", dt_min, positive=True)
        hi = as_real_scalar("dt_max", dt_max, positive=True)
        if not hi >= lo:
            raise ValueError(f"dt_max must be >= dt_min = {lo}, got {hi}")
        return -0.5 * np.geomspace(lo, hi, m) + 0j
    if scheme == "geometric":
        lo, hi = (as_real_scalar("rate_range", v, positive=True) for v in rate_range)
        if not hi >= lo:
            raise ValueError("rate_range must be (low, high) with low <= high")
        return -np.geomspace(lo, hi, m) + 0j
    lo = as_real_scalar("r_min", r_min, positive=True)
    hi = as_real_scalar("r_max", r_max, positive=True)
    if not lo <= hi < 1:
        raise ValueError(f"r_min <= r_max < 1 required, got r_min={lo}, r_max={hi}")
    phase = as_real_scalar("max_phase", max_phase, nonnegative=True)
    rng = np.random.default_rng(seed)
    radius = np.sqrt(rng.uniform(size=m) * (hi**2 - lo**2) + lo**2)
    theta = rng.uniform(size=m) * phase
    nu = np.log(-np.log(radius))            # the LRU's trained variable: |λ̄| = exp(-exp(ν))
    return -np.exp(nu) + 1j * theta


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
    """
    mu = np.asarray(mu)
    if not np.issubdtype(mu.dtype, np.number):
        raise TypeError("mu must be an array of (complex) numbers")
    if not np.all(np.isfinite(mu)) or np.any(mu.real >= 0):
        raise ValueError("mu must be finite with negative real parts (|exp(mu)| < 1)")
    return np.sqrt(-np.expm1(2.0 * mu.real))


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
    n = as_integer("n", n)
    j = np.arange(n, dtype=float)
    q = np.sqrt(2.0 * j + 1.0)
    A = -np.tril(np.outer(q, q), -1) - np.diag(j + 1.0)
    return A, np.sqrt(j + 0.5)
