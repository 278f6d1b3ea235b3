"""Tests of lrnn.ssm_init against the definitions of S4D, the LRU and HiPPO-LegS: closed forms, the stationary
variance of the LRU recurrence simulated with scipy.signal.lfilter, the eigenvalues and the normal-plus-rank-one
structure of the HiPPO-LegS matrix."""

import numpy as np
import pytest
from scipy import signal

from lrnn import reparam, ssm_init


def test_ssm_eigenvalues_and_lru_normalisation():
    m = 8
    assert np.allclose(ssm_init.ssm_eigenvalues("s4d-real", m, dt=0.5), -0.5 * np.arange(1, m + 1))
    lin = ssm_init.ssm_eigenvalues("s4d-lin", m, dt=0.1)
    assert np.allclose(lin.real, -0.05) and np.allclose(lin.imag, 0.1 * np.pi * np.arange(m))
    inv = ssm_init.ssm_eigenvalues("s4d-inv", m, dt=1.0)
    n = np.arange(m)
    assert np.allclose(inv.imag, (m / np.pi) * (m / (2 * n + 1) - 1))
    lay = ssm_init.ssm_eigenvalues("s4d-lin-layer", m)
    assert np.allclose(lay.real, -0.5 * np.geomspace(1e-3, 1e-1, m))
    mu = ssm_init.ssm_eigenvalues("lru", 2000, r_min=0.5, r_max=0.99, max_phase=np.pi, seed=3)
    rad = np.abs(np.exp(mu))
    assert rad.min() >= 0.5 and rad.max() <= 0.99 and np.all((mu.imag >= 0) & (mu.imag <= np.pi))
    # uniform on the ring: |λ|² is uniform, so its mean is the midpoint
    assert np.mean(rad**2) == pytest.approx((0.25 + 0.99**2) / 2, abs=0.02)
    # normalisation: stationary variance 1 (simulated with lfilter)
    mu4 = ssm_init.ssm_eigenvalues("lru", 3, seed=0)
    x = np.random.default_rng(0).standard_normal(200_000).astype(complex)
    for g, u in zip(ssm_init.lru_normalisation(mu4), mu4):
        h = signal.lfilter([g], [1.0, -np.exp(u)], x)[5000:]
        assert np.mean(np.abs(h) ** 2) == pytest.approx(1.0, abs=0.08)


def test_hippo_legs_definition_and_normal_plus_rank_one():
    n = 12
    A, P = ssm_init.hippo_legs(n)
    ref = np.zeros((n, n))
    for j in range(n):
        for k in range(n):
            if j > k:
                ref[j, k] = -np.sqrt((2 * j + 1) * (2 * k + 1))
            elif j == k:
                ref[j, k] = -(j + 1)
    assert np.allclose(A, ref, rtol=1e-15, atol=0)
    assert np.allclose(np.sort(np.linalg.eigvals(A).real), -np.arange(n, 0, -1))
    S = A + np.outer(P, P) + 0.5 * np.eye(n)
    assert np.allclose(S, -S.T, atol=1e-12)
    with pytest.raises(ValueError, match="n"):
        ssm_init.hippo_legs(0)


def test_reparam_reexports_the_initialisations():
    assert reparam.ssm_eigenvalues is ssm_init.ssm_eigenvalues and reparam.hippo_legs is ssm_init.hippo_legs
    assert reparam.lru_normalisation is ssm_init.lru_normalisation and reparam.SCHEMES == ssm_init.SCHEMES


def test_bad_input():
    with pytest.raises(ValueError, match="scheme"):
        ssm_init.ssm_eigenvalues("s5", 4)
    with pytest.raises(ValueError, match="m"):
        ssm_init.ssm_eigenvalues("lru", 0)
    with pytest.raises(ValueError, match="r_min"):
        ssm_init.ssm_eigenvalues("lru", 4, r_min=0.9, r_max=1.2)
    with pytest.raises(ValueError, match="mu"):
        ssm_init.lru_normalisation([0.1 + 1j])
