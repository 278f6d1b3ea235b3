r"""Input signals and the exact response of a kernel or model to a sampled input.

Conventions (used throughout the book): an input sampled with step ``dt`` is
the piecewise-constant path :math:`x(t) = x_j` for :math:`t\in[j\,dt,(j+1)dt)`
and :math:`x(t) = 0` for :math:`t < 0` (zero-order hold). :func:`respond`
returns :math:`y_n = H_{t_n}(x)` at the *ends* of the cells,
:math:`t_n = (n+1)\,dt`:

.. math::

    y_n = \sum_{j=0}^{n} K_{n-j}\,x_j, \qquad
    K_k = \int_{k\,dt}^{(k+1)dt}\rho(s)\,ds,

which is exact (no quadrature error): the cell integrals have closed forms,
and the convolution is evaluated by FFT in :math:`O(T\log T)`.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy import fft

from ._validation import as_integer, as_real_array, as_real_scalar
from .kernels import Kernel
from .rnn import LinearRNN

__all__ = ["respond", "causal_convolve", "white_noise", "step", "sinusoid", "smooth_random", "time_grid"]


def _as_input(x, d: int) -> np.ndarray:
    """Validate an input of shape (T,) or (T, d) and return it as (T, d)."""
    X = as_real_array("x", x, ndim=(1, 2))
    if X.shape[0] == 0:
        raise ValueError("x must contain at least one time step, got length 0")
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[1] != d:
        raise ValueError(f"x must have shape (T,) or (T, {d}) for a system with input dimension {d}, got {X.shape}")
    return X


def causal_convolve(K: np.ndarray, X: np.ndarray) -> np.ndarray:
    r"""Causal convolution :math:`y_n = \sum_{j\le n}\sum_i K_{n-j,i}\,X_{j,i}` by FFT.

    ``K`` and ``X`` have shape (T, d); zero-padded to ``next_fast_len(2T−1)`` so
    that the circular convolution equals the linear one.
    """
    T = X.shape[0]
    nfft = fft.next_fast_len(2 * T - 1, real=True)
    Kf = fft.rfft(K, nfft, axis=0)
    Xf = fft.rfft(X, nfft, axis=0)
    return fft.irfft(np.sum(Kf * Xf, axis=1), nfft)[:T]


def respond(system, x, dt: float) -> np.ndarray:
    r"""Exact output of a kernel or linear RNN on a sampled input.

    Parameters
    ----------
    system : Kernel or LinearRNN
        The functional: a scalar kernel (:mod:`lrnn.kernels`) or a model.
    x : array_like, shape (T,) or (T, d)
        Input values, held constant on each cell ``[j·dt, (j+1)·dt)``, zero
        before time 0.
    dt : float
        Cell width (> 0).

    Returns
    -------
    numpy.ndarray, shape (T,)
        ``y[n]`` = :math:`H_t(x)` at :math:`t = (n+1)\,dt`.

    Notes
    -----
    The cell integrals :math:`K_k = \int_{k\,dt}^{(k+1)dt}\rho` are exact
    (closed forms; :math:`c^\top A^kB` with the zero-order-hold pair for a
    model), and the sum :math:`y_n = \sum_j K_{n-j}x_j` is an FFT convolution:
    the only error is floating-point rounding, ≈1e-13 relative to
    :math:`\|K\|_1\max|x|`.
    """
    dt = as_real_scalar("dt", dt, positive=True)
    if isinstance(system, LinearRNN):
        X = _as_input(x, system.input_dim)
        K = system.cell_integrals(dt, X.shape[0])
    elif isinstance(system, Kernel):
        X = _as_input(x, 1)
        K = system.cell_integrals(dt, X.shape[0])[:, None]
    else:
        raise TypeError(f"system must be a kernel (lrnn.kernels.Kernel) or a LinearRNN, got {type(system).__name__}")
    return causal_convolve(K, X)


# ------------------------------------------------------------------ inputs
def time_grid(n: int, dt: float) -> np.ndarray:
    """Cell end times ``(n+1)·dt`` for ``n = 0..T−1``, where :func:`respond` reports outputs."""
    n = as_integer("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    return dt * np.arange(1, n + 1)


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def white_noise(n: int, dt: float, seed=0, dim: int = 1) -> np.ndarray:
    r"""Sampled white noise: i.i.d. :math:`N(0, 1/dt)` values.

    The variance :math:`1/dt` makes :math:`x_j\,dt` the increment of a standard
    Brownian motion over a cell, so that
    :math:`\mathbb E\,y_n^2 = \sum_k K_k^2/dt \to \|\rho\|_{L^2}^2`.

    Returns shape (n,) when ``dim == 1``, else (n, dim).
    """
    n = as_integer("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    dim = as_integer("dim", dim)
    x = _rng(seed).standard_normal((n, dim)) / np.sqrt(dt)
    return x[:, 0] if dim == 1 else x


def step(n: int, start: int = 0, height: float = 1.0) -> np.ndarray:
    """The step input: ``height`` from sample ``start`` on, zero before."""
    n = as_integer("n", n)
    if isinstance(start, (bool, np.bool_)) or not isinstance(start, numbers.Integral) or not 0 <= start < n:
        raise ValueError(f"start must be an integer sample index in [0, {n}), got {start!r}")
    height = as_real_scalar("height", height)
    x = np.zeros(n)
    x[start:] = height
    return x


def sinusoid(n: int, dt: float, frequency: float, amplitude: float = 1.0, phase: float = 0.0) -> np.ndarray:
    r"""Samples :math:`a\sin(2\pi f t_j + \phi)` at the cell starts :math:`t_j = j\,dt` (``frequency`` f in cycles per unit time)."""
    n = as_integer("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    f = as_real_scalar("frequency", frequency, nonnegative=True)
    a = as_real_scalar("amplitude", amplitude)
    ph = as_real_scalar("phase", phase)
    return a * np.sin(2 * np.pi * f * dt * np.arange(n) + ph)


def smooth_random(n: int, dt: float, correlation_time: float = 1.0, seed=0) -> np.ndarray:
    r"""A smooth random path: white noise filtered by a Gaussian of standard deviation ``correlation_time``.

    Normalised to unit maximum modulus (so :math:`\|x\|_\infty = 1`). Filtering
    is an FFT convolution (no loop over time).
    """
    n = as_integer("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    tau = as_real_scalar("correlation_time", correlation_time, positive=True)
    rng = _rng(seed)
    half = int(np.ceil(4 * tau / dt))
    s = dt * np.arange(-half, half + 1)
    g = np.exp(-0.5 * (s / tau) ** 2)
    noise = rng.standard_normal(n + 2 * half)
    nfft = fft.next_fast_len(noise.size + g.size - 1, real=True)
    y = fft.irfft(fft.rfft(noise, nfft) * fft.rfft(g, nfft), nfft)[2 * half : 2 * half + n]
    return y / np.max(np.abs(y))
