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

Sizes: inputs have at most :data:`lrnn._limits.MAX_STEPS` samples (about 8.4
million); the cell integrals are computed in chunks, so a diagonal model of width
m costs :math:`O(T\,m)` time and :math:`O(T)` memory, and the FFT about
:math:`64\,T\,d` bytes at its peak.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import fft

from . import _limits
from ._validation import as_input, as_integer, as_real_array, as_real_scalar, as_rng, as_size
from .kernels import Kernel
from .rnn import LinearRNN

__all__ = ["respond", "causal_convolve", "white_noise", "step", "sinusoid", "smooth_random", "time_grid"]

#: Kept for code that imported the validator from here; it lives in :mod:`lrnn._validation`.
_as_input = as_input


def _as_length(name: str, n) -> int:
    return as_size(name, n, limit=_limits.MAX_STEPS, why="the longest sampled signal lrnn handles")


def causal_convolve(K: ArrayLike, X: ArrayLike) -> np.ndarray:
    r"""Causal convolution :math:`y_n = \sum_{j\le n}\sum_i K_{n-j,i}\,X_{j,i}` by FFT.

    Zero-padded to ``next_fast_len(2T−1)`` so that the circular convolution equals the linear one.

    Parameters
    ----------
    K : array_like, shape (T, d) or (T,)
        The kernel's cell integrals (finite).
    X : array_like, shape (T, d) or (T,)
        The input, of the same shape (finite); at most :data:`lrnn._limits.MAX_STEPS` rows.

    Returns
    -------
    numpy.ndarray, shape (T,)
    """
    X = as_real_array("X", X, ndim=(1, 2))
    X = as_input(X, X.shape[1] if X.ndim == 2 else 1, name="X")
    K = as_real_array("K", K, ndim=(1, 2))
    K = K[:, None] if K.ndim == 1 else K
    if K.shape != X.shape:
        raise ValueError(f"K must have the shape of X {X.shape}, got {K.shape}")
    return _convolve(K, X)


def _convolve(K: np.ndarray, X: np.ndarray) -> np.ndarray:
    T = X.shape[0]
    nfft = fft.next_fast_len(2 * T - 1, real=True)
    Kf = fft.rfft(K, nfft, axis=0)
    Xf = fft.rfft(X, nfft, axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        y = fft.irfft(np.sum(Kf * Xf, axis=1), nfft)[:T]
    if not np.all(np.isfinite(y)):
        raise ValueError("x is too large for this system: the output overflows float64")
    return y


def respond(system: Kernel | LinearRNN, x: ArrayLike, dt: float) -> np.ndarray:
    r"""Exact output of a kernel or linear RNN on a sampled input.

    Parameters
    ----------
    system : Kernel or LinearRNN
        The functional: a scalar kernel (:mod:`lrnn.kernels`) or a model.
    x : array_like, shape (T,) or (T, d)
        Input values, held constant on each cell ``[j·dt, (j+1)·dt)``, zero
        before time 0; at most :data:`lrnn._limits.MAX_STEPS` samples.
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
    :math:`\|K\|_1\max|x|`. Memory is :math:`O(T\,d)` (cell integrals in chunks, never a (T, m) table).
    """
    dt = as_real_scalar("dt", dt, positive=True)
    if isinstance(system, LinearRNN):
        X = as_input(x, system.input_dim)
        K = system.cell_integrals(dt, X.shape[0])
    elif isinstance(system, Kernel):
        X = as_input(x, 1)
        K = system.cell_integrals(dt, X.shape[0])[:, None]
    else:
        raise TypeError(f"system must be a kernel (lrnn.kernels.Kernel) or a LinearRNN, got {type(system).__name__}")
    return _convolve(K, X)


# ------------------------------------------------------------------ inputs
def time_grid(n: int, dt: float) -> np.ndarray:
    """Cell end times ``(n+1)·dt`` for ``n = 0..T−1``, where :func:`respond` reports outputs.

    Parameters
    ----------
    n : int
        Number of cells T (at most :data:`lrnn._limits.MAX_STEPS`).
    dt : float
        Cell width (> 0).
    """
    n = _as_length("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    if not math.isfinite(n * dt):
        raise ValueError(f"dt = {dt:g} times n = {n} overflows float64 time")
    return dt * np.arange(1, n + 1)


def white_noise(n: int, dt: float, seed=0, dim: int = 1) -> np.ndarray:
    r"""Sampled white noise: i.i.d. :math:`N(0, 1/dt)` values.

    The variance :math:`1/dt` makes :math:`x_j\,dt` the increment of a standard
    Brownian motion over a cell, so that
    :math:`\mathbb E\,y_n^2 = \sum_k K_k^2/dt \to \|\rho\|_{L^2}^2`.

    Parameters
    ----------
    n : int
        Number of samples (at most :data:`lrnn._limits.MAX_STEPS`).
    dt : float
        Cell width (> 0).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the generator (a non-negative integer), a generator, or None (fresh entropy).
    dim : int, default 1
        Input dimension d; ``n·d`` is at most :data:`lrnn._limits.MAX_TABLE_ENTRIES`.

    Returns
    -------
    numpy.ndarray
        Shape (n,) when ``dim == 1``, else (n, dim).
    """
    n = _as_length("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    dim = as_integer("dim", dim)
    if n * dim > _limits.MAX_TABLE_ENTRIES:
        raise ValueError(f"dim must be at most {_limits.MAX_TABLE_ENTRIES // n} for n = {n} samples (a table of "
                         f"at most {_limits.MAX_TABLE_ENTRIES} numbers), got {dim}")
    rng = as_rng("seed", seed)
    with np.errstate(over="ignore"):
        x = rng.standard_normal((n, dim)) / np.sqrt(dt)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"dt = {dt:g} is too small: the noise of variance 1/dt overflows float64")
    return x[:, 0] if dim == 1 else x


def step(n: int, start: int = 0, height: float = 1.0) -> np.ndarray:
    """The step input: ``height`` from sample ``start`` on, zero before.

    Parameters
    ----------
    n : int
        Number of samples (at most :data:`lrnn._limits.MAX_STEPS`).
    start : int, default 0
        First sample of the step, in ``[0, n)``.
    height : float, default 1.0
        The step's value.
    """
    n = _as_length("n", n)
    try:
        start = as_integer("start", start, minimum=0, maximum=n - 1)
    except (TypeError, ValueError):
        raise ValueError(f"start must be an integer sample index in [0, {n}), got {start!r}") from None
    height = as_real_scalar("height", height)
    x = np.zeros(n)
    x[start:] = height
    return x


def sinusoid(n: int, dt: float, frequency: float, amplitude: float = 1.0, phase: float = 0.0) -> np.ndarray:
    r"""Samples :math:`a\sin(2\pi f t_j + \phi)` at the cell starts :math:`t_j = j\,dt`.

    Parameters
    ----------
    n : int
        Number of samples (at most :data:`lrnn._limits.MAX_STEPS`).
    dt : float
        Cell width (> 0).
    frequency : float
        :math:`f \ge 0`, in cycles per unit time.
    amplitude : float, default 1.0
        :math:`a`.
    phase : float, default 0.0
        :math:`\phi`, in radians.
    """
    n = _as_length("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    f = as_real_scalar("frequency", frequency, nonnegative=True)
    a = as_real_scalar("amplitude", amplitude)
    ph = as_real_scalar("phase", phase)
    if not math.isfinite(2 * math.pi * f * dt * n + abs(ph)):
        raise ValueError(f"frequency = {f:g} times dt = {dt:g} times n = {n} overflows the phase (float64)")
    return a * np.sin(2 * np.pi * f * dt * np.arange(n) + ph)


def smooth_random(n: int, dt: float, correlation_time: float = 1.0, seed=0) -> np.ndarray:
    r"""A smooth random path: white noise filtered by a Gaussian of standard deviation ``correlation_time``.

    Normalised to unit maximum modulus (so :math:`\|x\|_\infty = 1`). Filtering
    is an FFT convolution (no loop over time).

    Parameters
    ----------
    n : int
        Number of samples (at most :data:`lrnn._limits.MAX_STEPS`).
    dt : float
        Cell width (> 0).
    correlation_time : float, default 1.0
        The Gaussian's standard deviation τ > 0; the filter spans ±4τ, at most
        :data:`lrnn._limits.MAX_STEPS` samples (τ/dt at most about 1e6).
    seed : int, numpy.random.Generator or None, default 0
        Seed of the generator.
    """
    n = _as_length("n", n)
    dt = as_real_scalar("dt", dt, positive=True)
    tau = as_real_scalar("correlation_time", correlation_time, positive=True)
    ratio = 4.0 * tau / dt
    if not ratio <= _limits.MAX_STEPS // 2:
        raise ValueError(f"correlation_time must be at most {_limits.MAX_STEPS // 8:g}·dt (the Gaussian filter "
                         f"spans ±4τ in samples, at most {_limits.MAX_STEPS} of them), got {tau:g} with dt = {dt:g}")
    rng = as_rng("seed", seed)
    half = int(np.ceil(ratio))
    s = dt * np.arange(-half, half + 1)
    with np.errstate(over="ignore", under="ignore"):
        g = np.exp(-0.5 * (s / tau) ** 2)
    noise = rng.standard_normal(n + 2 * half)
    nfft = fft.next_fast_len(noise.size + g.size - 1, real=True)
    y = fft.irfft(fft.rfft(noise, nfft) * fft.rfft(g, nfft), nfft)[2 * half : 2 * half + n]
    return y / np.max(np.abs(y))
