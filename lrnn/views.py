r"""Chapter 1's experiments as numbers: kernel families, inputs, modal models, the three views, the operator norm.

The figures of ``lrnn.plots.memory`` draw what these functions compute, and
the chapter checks the figures' numbers with them (they are re-exported there
under the same names):

* :func:`memory_kernel` — a kernel family with one "memory" parameter;
* :func:`input_signal` — the named input signals of the experiments;
* :func:`modal_rnn` — a small linear RNN in real modal form, built from its eigenvalues;
* :func:`mode_contributions` — a model's kernel split into its modes;
* :func:`three_views` — the recurrent, convolutional and modal (closed-form)
  outputs of a linear RNN on a sampled input;
* :func:`mollified_sign` / :func:`norm_attainment` — the (smoothed) maximising
  input :math:`x(t-s)=\operatorname{sign}\rho(s)` of the bound
  :math:`|H_t(x)|\le\|\rho\|_{L^1}\|x\|_\infty` and the outputs it produces.

Conventions for sampled inputs are those of :func:`lrnn.respond`: ``x[j]`` is
held on ``[j·dt, (j+1)·dt)``, zero before time 0, and ``y[n]`` is the output at
``t = (n+1)·dt``. Notation is the book's: a model's decay rates are
:math:`\lambda_k>0` (eigenvalues :math:`-\lambda_k`, or :math:`-\lambda\pm i\nu`
for a complex pair) and its read-out weights :math:`a_k`.

Work is bounded: every size is checked against a stated limit before anything is
allocated (:data:`MAX_SAMPLES`, :data:`MAX_UNITS`, :data:`MAX_DIRECT_SAMPLES`,
:data:`MAX_LAGS`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from . import _limits
from . import kernels as _kernels
from ._validation import as_choice, as_pair, check_table, as_real_array, as_real_scalar, as_seed, as_size
from .rnn import LinearRNN
from .signals import respond, sinusoid, smooth_random, step, white_noise

__all__ = [
    "FAMILIES",
    "SIGNALS",
    "MAX_SAMPLES",
    "MAX_UNITS",
    "MAX_DIRECT_SAMPLES",
    "MAX_LAGS",
    "memory_kernel",
    "input_signal",
    "modal_rnn",
    "mode_contributions",
    "three_views",
    "mollified_sign",
    "norm_attainment",
]

#: Kernel families of :func:`memory_kernel`, in the order of the widgets.
FAMILIES = ("exponential", "power law", "delayed", "airy")
#: Input signals of :func:`input_signal`.
SIGNALS = ("step", "sinusoid", "smooth random", "white noise")

#: Largest number of samples of an input or a time grid (the package's longest sampled input, 2²³).
MAX_SAMPLES = _limits.MAX_STEPS
#: Largest width of :func:`modal_rnn` (its recurrent matrix is dense; the package's largest dense model).
MAX_UNITS = _limits.MAX_HIDDEN
#: Largest input of :func:`three_views`: its modal view is a direct O(T²) convolution (about 1 s at 2¹⁵ samples).
MAX_DIRECT_SAMPLES = 2**15
#: Largest number of lags of :func:`mollified_sign` (a few float64 arrays of that length are held at once).
MAX_LAGS = _limits.MAX_STEPS
#: Largest number of input samples :func:`norm_attainment` builds in all (widths × cells).
_MAX_ATTAINMENT_LAGS = 2**26
#: Largest number of Gaussian terms :func:`mollified_sign` evaluates (lags × sign changes near them).
_MAX_TERMS = 2**27
#: Zeros of the kernel searched on this many cells of [0, horizon].
_ZERO_GRID = 20000
#: Φ(±9) differs from 1 or 0 by about 1e-19: zeros farther than 9 widths from a lag count as a sharp step.
_REACH = 9.0


# ---------------------------------------------------------------- argument checks
def _as_choice(name: str, value, choices: Sequence[str]) -> str:
    """A name among ``choices``: ``TypeError`` for a non-string, ``ValueError`` for an unknown string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {list(choices)}, got {type(value).__name__}")
    return as_choice(name, value, choices)


def _as_int(name: str, value, minimum: int, maximum: int | None = None, why: str = "") -> int:
    """An integer (not a bool) of at least ``minimum``, at most ``maximum`` (``why`` says why)."""
    if maximum is None:
        return as_size(name, value, limit=2**63, why="", minimum=minimum)
    return as_size(name, value, limit=maximum, why=why or "the largest supported value", minimum=minimum)


def _as_model(model) -> LinearRNN:
    if not isinstance(model, LinearRNN):
        raise TypeError(f"model must be a LinearRNN, got {type(model).__name__}")
    if model.input_dim != 1:
        raise ValueError(f"model must have scalar input (d = 1), got d = {model.input_dim}")
    return model


def grid_size(t_max: float, dt: float, *, name: str = "t_max") -> int:
    """Number of cells of width ``dt`` in ``[0, t_max]``: ``round(t_max/dt)``, between 2 and :data:`MAX_SAMPLES`.

    Parameters
    ----------
    t_max : float
        Length of the time interval (> 0).
    dt : float
        Cell width (> 0).
    name : str, default "t_max"
        How error messages call ``t_max``.

    Returns
    -------
    int
    """
    t_max = as_real_scalar(name, t_max, positive=True)
    dt = as_real_scalar("dt", dt, positive=True)
    ratio = t_max / dt
    if not ratio <= MAX_SAMPLES + 0.5:       # also catches an infinite ratio (1e300 / 1e-300)
        raise ValueError(f"{name} / dt must be at most {MAX_SAMPLES} cells (memory and time of the experiment), "
                         f"got {ratio:.3g}")
    n = int(round(ratio))
    if n < 2:
        raise ValueError(f"{name} must be at least 2·dt = {2 * dt:.6g}, got {t_max:.6g}")
    return n


# ---------------------------------------------------------------- kernels and inputs
def memory_kernel(family: str, memory: float) -> _kernels.Kernel:
    r"""A kernel of one family whose memory grows with the parameter ``memory``.

    * ``"exponential"`` — ``Exponential(rate=1/M)``, :math:`\rho(t)=e^{-t/M}`, :math:`\|\rho\|_1=M`;
    * ``"power law"`` — ``PowerLaw(omega=1/M)``, :math:`\rho(t)=(1+t)^{-(1+1/M)}`, :math:`\|\rho\|_1=M`;
    * ``"delayed"`` — ``Delayed(lag=M)``, :math:`\rho(t)=e^{-(t-M)^2}` (lag :math:`\ell=M`),
      :math:`\|\rho\|_1=\frac{\sqrt\pi}{2}(1+\mathrm{erf}\,M)`;
    * ``"airy"`` — ``Airy(lag=M)``, :math:`\rho(t)=\mathrm{Ai}(t-M)` (:math:`\|\rho\|_1` by quadrature).

    Parameters
    ----------
    family : {"exponential", "power law", "delayed", "airy"}
        The kernel family.
    memory : float
        The memory parameter :math:`M > 0`: a time scale (exponential), the
        inverse decay exponent :math:`1/\omega` (power law) or a lag (delayed, Airy).

    Returns
    -------
    lrnn.kernels.Kernel

    Raises
    ------
    TypeError, ValueError
        If ``family`` is not one of :data:`FAMILIES`, or ``memory`` is not a
        positive number for which the family's kernel exists (e.g. :math:`1/M`
        must be a finite rate).
    """
    family = _as_choice("family", family, FAMILIES)
    memory = as_real_scalar("memory", memory, positive=True)
    with np.errstate(over="ignore"):
        inverse = 1.0 / memory
    if family in ("exponential", "power law") and not np.isfinite(inverse):
        raise ValueError(f"memory must be large enough for 1/memory to be a finite {family} rate, got {memory:g}")
    make = {
        "exponential": lambda: _kernels.Exponential(rate=inverse),
        "power law": lambda: _kernels.PowerLaw(omega=inverse),
        "delayed": lambda: _kernels.Delayed(lag=memory),
        "airy": lambda: _kernels.Airy(lag=memory),
    }[family]
    try:
        return make()
    except (ValueError, OverflowError) as exc:   # the family's own limits, reported for the caller's argument
        raise ValueError(f"memory = {memory:g} gives no valid {family} kernel: {exc}") from None


def input_signal(name: str, n: int, dt: float, seed: int = 0) -> np.ndarray:
    r"""One of the named inputs of the experiments, ``n`` samples of step ``dt``.

    * ``"step"`` — :math:`x = 1` from time 0 on (:func:`lrnn.signals.step`);
    * ``"sinusoid"`` — :math:`\sin(2\pi t/5)`, period 5 (:func:`lrnn.signals.sinusoid`);
    * ``"smooth random"`` — a Gaussian-filtered random path with correlation time 1,
      :math:`\|x\|_\infty = 1` (:func:`lrnn.signals.smooth_random`);
    * ``"white noise"`` — i.i.d. :math:`N(0, 1/dt)` samples (:func:`lrnn.signals.white_noise`).

    Parameters
    ----------
    name : str
        One of :data:`SIGNALS`.
    n : int
        Number of samples, 1 ≤ n ≤ :data:`MAX_SAMPLES`.
    dt : float
        Sampling step (> 0); for ``"smooth random"`` the filter spans
        :math:`8/dt` samples, so ``dt`` must be at least :math:`8/` :data:`MAX_SAMPLES`.
    seed : int, numpy.random.Generator or None, default 0
        Seed of the random signals (a non-negative integer, a generator, or
        ``None`` for fresh randomness).

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    name = _as_choice("name", name, SIGNALS)
    n = as_size("n", n, limit=MAX_SAMPLES, why="the longest sampled input")
    dt = as_real_scalar("dt", dt, positive=True)
    seed = as_seed("seed", seed)
    if name == "step":
        return step(n)
    if name == "sinusoid":
        return sinusoid(n, dt, frequency=0.2)
    if name == "smooth random":
        if not 8.0 / dt <= MAX_SAMPLES:
            raise ValueError(f"dt must be at least 8 / {MAX_SAMPLES} = {8.0 / MAX_SAMPLES:.3g} for the smooth "
                             f"random input (its filter spans 8/dt samples), got {dt:g}")
        return smooth_random(n, dt, correlation_time=1.0, seed=seed)
    return white_noise(n, dt, seed=seed)


# ---------------------------------------------------------------- modal models
def modal_rnn(rates: ArrayLike = (), weights: ArrayLike | None = None,
              pair: tuple[float, float] | None = None, pair_weight: float = 1.0) -> LinearRNN:
    r"""A small linear RNN in real modal form, built from its eigenvalues.

    Real units :math:`i` have :math:`W_{ii} = -\lambda_i`, :math:`U_i = 1`,
    :math:`c_i = a_i`, and contribute :math:`a_i e^{-\lambda_i t}` to the kernel. A
    complex pair :math:`-\lambda\pm i\nu` is the rotation block
    :math:`\begin{pmatrix}-\lambda & \nu\\ -\nu & -\lambda\end{pmatrix}` with input
    :math:`(1, 0)` and read-out :math:`(a, 0)`, which contributes
    :math:`a\,e^{-\lambda t}\cos(\nu t)`. The kernel of the model is the sum.

    Parameters
    ----------
    rates : array_like, shape (k,)
        Decay rates :math:`\lambda_i > 0` of the real units (eigenvalues :math:`-\lambda_i`).
    weights : array_like, shape (k,), optional
        Read-out weights :math:`a_i` (default all 1).
    pair : (float, float), optional
        :math:`(\lambda, \nu)` with :math:`\lambda > 0`, :math:`\nu \ge 0`: a complex pair
        :math:`-\lambda\pm i\nu` (two units, placed first).
    pair_weight : float, default 1
        Read-out weight :math:`a` of the pair.

    Returns
    -------
    LinearRNN
        Width ``k + (2 if pair else 0)``, at least 1 and at most :data:`MAX_UNITS`
        (the recurrent matrix is dense).
    """
    r = as_real_array("rates", rates, ndim=1)
    if r.size > MAX_UNITS:
        raise ValueError(f"rates must have at most {MAX_UNITS} entries (the largest dense model), got {r.size}")
    if r.size and np.any(r <= 0):
        raise ValueError(f"rates must be positive (eigenvalues -rate in the left half-plane), got minimum {r.min()}")
    w = np.ones_like(r) if weights is None else as_real_array("weights", weights, ndim=1)
    if w.shape != r.shape:
        raise ValueError(f"weights must have the shape of rates {r.shape}, got {w.shape}")
    m = r.size + (0 if pair is None else 2)
    if m > MAX_UNITS:
        raise ValueError(f"rates (and pair) must give at most {MAX_UNITS} units (the recurrent matrix is dense), "
                         f"got {m}")
    if m == 0:
        raise ValueError("rates and pair must give at least one unit")
    W = np.zeros((m, m))
    U = np.zeros(m)
    c = np.zeros(m)
    i = 0
    if pair is not None:
        lam, nu = as_pair("pair", pair, nonnegative=True)
        if not lam > 0:
            raise ValueError(f"pair decay must be positive (eigenvalues -λ ± iν in the left half-plane), got {lam}")
        W[:2, :2] = [[-lam, nu], [-nu, -lam]]
        U[0] = 1.0
        c[0] = as_real_scalar("pair_weight", pair_weight)
        i = 2
    W[np.arange(i, m), np.arange(i, m)] = -r
    U[i:] = 1.0
    c[i:] = w
    return LinearRNN(W, U, c)


def _modes(model: LinearRNN) -> tuple[np.ndarray, np.ndarray] | None:
    """Eigenvalues z_k and residues r_k with ρ̂(t) = Σ_k r_k e^{z_k t} (scalar input), or None if W is
    not reliably diagonalisable (eigenvector matrix with condition number above 1e8)."""
    W, U, c = np.asarray(model.W), np.asarray(model.U).reshape(-1), np.asarray(model.c)
    if np.count_nonzero(W - np.diag(np.diag(W))) == 0:      # a real diagonal W: exact
        return np.diag(W).astype(complex), (c * U).astype(complex)
    z, V = np.linalg.eig(W)
    if not np.linalg.cond(V) <= 1e8:
        return None
    return z, (c @ V) * np.linalg.solve(V, U.astype(complex))


def mode_contributions(model: LinearRNN, t: ArrayLike) -> np.ndarray:
    r"""A model's kernel split into its modes: one curve per real eigenvalue and one per complex pair.

    With the eigenvalues :math:`z_k` of :math:`W` and the residues
    :math:`r_k=(c^\top v_k)(\tilde v_k^\top U)` (right eigenvectors :math:`v_k`,
    rows :math:`\tilde v_k^\top` of :math:`V^{-1}`), the kernel is
    :math:`\hat\rho(t)=\sum_k r_k e^{z_k t}`. A real eigenvalue contributes the
    curve :math:`r_k e^{z_k t}`, a complex pair :math:`z,\bar z` the real curve
    :math:`2\,\mathrm{Re}(r e^{zt})`. The curves sum to the kernel. When :math:`W`
    is not reliably diagonalisable (eigenvector matrix with condition number
    above :math:`10^8`, e.g. a Jordan block), the kernel itself is the only curve.

    Parameters
    ----------
    model : LinearRNN
        A model with scalar input.
    t : array_like, shape (n,)
        Times :math:`t \ge 0` (at most 2²⁵ entries in the table of modes × times).

    Returns
    -------
    numpy.ndarray, shape (n_modes, n)
    """
    model = _as_model(model)
    t = as_real_array("t", t, ndim=1)
    if t.size and np.any(t < 0):
        raise ValueError(f"t must be non-negative times, got minimum {t.min()}")
    check_table("t", model.hidden_size, t.size, why="table of modes × times")
    modes = _modes(model)
    if modes is None:
        return np.asarray(model.kernel(t), dtype=float)[None, :]
    z, res = modes
    keep = z.imag >= 0                       # LAPACK returns complex eigenvalues of a real W in exact conjugate pairs
    factor = np.where(z[keep].imag > 0, 2.0, 1.0)
    return factor[:, None] * np.real(res[keep, None] * np.exp(np.multiply.outer(z[keep], t)))


def three_views(model: LinearRNN, x: ArrayLike, dt: float) -> dict[str, np.ndarray]:
    r"""The output of a linear RNN on a sampled input, computed three independent ways.

    * ``"recurrent"`` — the exact zero-order-hold recurrence
      :math:`h_{n+1}=Ah_n+Bx_n`, :math:`y_n=c^\top h_{n+1}` (:meth:`LinearRNN.recur`);
    * ``"convolution"`` — :math:`y_n=\sum_j K_{n-j}x_j` with the cell integrals
      of the kernel, by FFT (:func:`lrnn.respond`);
    * ``"modal"`` — the closed form from the eigen-decomposition
      :math:`c^\top e^{Wt}U=\sum_ir_ie^{z_it}` (eigenvalues :math:`z_i` of :math:`W`,
      residues :math:`r_i=(c^\top v_i)(\tilde v_i^\top U)`), with cell integrals
      :math:`K_k=\sum_i r_ie^{z_ikdt}(e^{z_idt}-1)/z_i` and a direct (non-FFT)
      convolution, ``numpy.convolve``.

    Parameters
    ----------
    model : LinearRNN
        Scalar input; W diagonalisable (for the modal view).
    x : array_like, shape (T,)
        Input samples, 1 ≤ T ≤ :data:`MAX_DIRECT_SAMPLES` (the modal view's
        direct convolution costs O(T²)).
    dt : float
        Cell width (> 0).

    Returns
    -------
    dict of str to numpy.ndarray, each of shape (T,)
    """
    model = _as_model(model)
    x = as_real_array("x", x, ndim=1)
    if x.size == 0:
        raise ValueError("x must contain at least one sample")
    if x.size > MAX_DIRECT_SAMPLES:
        raise ValueError(f"x must have at most {MAX_DIRECT_SAMPLES} samples (the modal view is a direct O(T²) "
                         f"convolution), got {x.size}")
    dt = as_real_scalar("dt", dt, positive=True)
    modes = _modes(model)
    if modes is None:
        raise ValueError("model.W must be diagonalisable (well-conditioned eigenvectors) for the modal view")
    rec = model.recur(x, dt)
    conv = respond(model, x, dt)
    z, res = modes
    with np.errstate(under="ignore"):
        weights = res * (np.expm1(z * dt) / z)           # z ≠ 0: W is Hurwitz
        cells = np.empty(x.size)
        block = max(1, 2**20 // z.size)                  # (rows × modes) tables of at most 2²⁰ entries
        for start in range(0, x.size, block):
            k = np.arange(start, min(start + block, x.size))
            cells[start:start + k.size] = np.real(np.exp(np.multiply.outer(k * dt, z)) @ weights)
    modal = np.convolve(cells, x)[: x.size]
    return {"recurrent": rec, "convolution": conv, "modal": modal}


# ---------------------------------------------------------------- the operator norm
def _sign_changes(kernel: _kernels.Kernel, horizon: float) -> tuple[np.ndarray, float]:
    """Simple zeros of ρ on [0, horizon] located on a grid of 20 000 cells (linear interpolation), and the
    sign of ρ just after 0 (0 if ρ vanishes on the whole grid)."""
    s = np.linspace(0.0, horizon, _ZERO_GRID + 1)
    with np.errstate(under="ignore"):
        v = np.asarray(kernel(s), dtype=float)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"kernel must be finite on [0, {horizon:g}] to locate its sign changes")
    nz = np.flatnonzero(v != 0)
    if nz.size == 0:
        return np.empty(0), 0.0
    first = float(np.sign(v[nz[0]]))
    sv = np.sign(v)
    idx = np.flatnonzero(sv[:-1] * sv[1:] < 0)
    z = s[idx] - v[idx] * (s[idx + 1] - s[idx]) / (v[idx + 1] - v[idx])
    return z, first


def mollified_sign(kernel: _kernels.Kernel, s: ArrayLike, width: float, horizon: float | None = None) -> np.ndarray:
    r"""The sign of a kernel, smoothed by a Gaussian: :math:`m_\varsigma=\operatorname{sign}\rho*\varphi_\varsigma`.

    With the zeros :math:`z_1<\dots<z_K` of :math:`\rho` (sign :math:`q_0=\pm1`
    on :math:`(-\infty, z_1)`, extended to the left of 0, alternating after each zero),

    .. math::

        m_\varsigma(s) = \sum_{i=0}^{K}q_i\Big[\Phi\Big(\frac{z_{i+1}-s}{\varsigma}\Big)
        - \Phi\Big(\frac{z_i-s}{\varsigma}\Big)\Big]
        = q_K + 2\sum_{j=1}^{K} q_{j-1}\,\Phi\Big(\frac{z_j-s}{\varsigma}\Big),
        \qquad z_0=-\infty,\ z_{K+1}=+\infty,

    with :math:`\Phi` the standard normal distribution function (the second form
    telescopes the first, since :math:`q_j=-q_{j-1}`). Zeros farther than
    :math:`9\varsigma` from :math:`s` enter as exact steps (:math:`\Phi` is then
    within :math:`10^{-18}` of 0 or 1). It is smooth, :math:`|m_\varsigma|\le1`, and
    :math:`m_\varsigma\to\operatorname{sign}\rho` away from the zeros as
    :math:`\varsigma\to0`; ``width = 0`` gives the sign itself. A kernel that
    vanishes on the whole searched interval has sign 0 there.

    Parameters
    ----------
    kernel : Kernel
        A scalar kernel with isolated zeros.
    s : array_like
        Lags :math:`s \ge 0`, at most :data:`MAX_LAGS` of them.
    width : float
        The mollifier's standard deviation :math:`\varsigma \ge 0`.
    horizon : float, optional
        Zeros are searched on ``[0, horizon]`` (default ``max(s)``) on a grid
        of 20 000 cells; simple zeros only (sign changes). Beyond ``horizon`` the
        sign after the last zero found is kept.

    Returns
    -------
    numpy.ndarray
        :math:`m_\varsigma(s)`, the shape of ``s``.
    """
    kernel = _kernels.require_kernel(kernel, "kernel")
    s = as_real_array("s", s)
    if s.size and np.any(s < 0):
        raise ValueError(f"s must be non-negative lags, got minimum {s.min()}")
    if s.size > MAX_LAGS:
        raise ValueError(f"s must contain at most {MAX_LAGS} lags (memory), got {s.size}")
    width = as_real_scalar("width", width, nonnegative=True)
    hz = float(np.max(s)) if s.size else 1.0
    horizon = hz if horizon is None else as_real_scalar("horizon", horizon, positive=True)
    horizon = max(horizon, 1e-12)
    zeros, first = _sign_changes(kernel, horizon)
    K = zeros.size
    signs = first * (-1.0) ** np.arange(K + 1)           # q_0, ..., q_K
    flat = s.ravel()
    if width == 0 or K == 0:
        return signs[np.searchsorted(zeros, flat, side="right")].reshape(s.shape)
    # m(s) = q_K + 2 Σ_j q_{j-1} Φ((z_j - s)/ς): zeros beyond s + 9ς count fully, those below s - 9ς not at all
    lo = np.searchsorted(zeros, flat - _REACH * width, side="left")
    hi = np.searchsorted(zeros, flat + _REACH * width, side="right")
    reach = int(np.max(hi - lo)) if flat.size else 0
    if flat.size * reach > _MAX_TERMS:
        raise ValueError(f"width = {width:g} spans {reach} sign changes of the kernel at {flat.size} lags s: more than "
                         f"{_MAX_TERMS} Gaussian terms; use a smaller width or fewer lags")
    weights = 2.0 * signs[:-1]                           # 2 q_{j-1}, j = 1..K
    tail = np.concatenate([np.cumsum(weights[::-1])[::-1], [0.0]])   # tail[j] = Σ_{i ≥ j} 2 q_i (0-based)
    out = signs[-1] + tail[hi]
    for offset in range(reach):
        j = lo + offset
        near = j < hi
        jj = j[near]
        out[near] += weights[jj] * special.ndtr((zeros[jj] - flat[near]) / width)
    return out.reshape(s.shape)


def norm_attainment(kernel: _kernels.Kernel, widths: ArrayLike, t: float = 20.0, dt: float = 0.005) -> np.ndarray:
    r"""Outputs :math:`H_t(x_\varsigma)` of the mollified maximising inputs.

    For each :math:`\varsigma` in ``widths`` the input is
    :math:`x_\varsigma(u) = m_\varsigma(t-u)` for :math:`0\le u<t` (zero
    before time 0), :func:`mollified_sign`, sampled at the cell midpoints
    :math:`u_j=(j+\frac12)dt`; the output at time ``t`` is the last value of
    :func:`lrnn.respond`, :math:`\sum_j K_{n-1-j}x_j` with the exact cell
    integrals :math:`K_k=\int_{k\,dt}^{(k+1)dt}\rho` (one dot product per width).
    Since :math:`\|x_\varsigma\|_\infty\le1`, every value is at most
    :math:`\int_0^t|\rho|\le\|\rho\|_{L^1}`, and it tends to
    :math:`\int_0^t|\rho|` as ``dt`` and :math:`\varsigma` tend to 0.

    Parameters
    ----------
    kernel : Kernel
        A scalar kernel.
    widths : array_like, shape (k,)
        Mollifier widths :math:`\varsigma \ge 0`.
    t : float, default 20
        Output time (= length of the input); ``t / dt`` at most :data:`MAX_SAMPLES`.
    dt : float, default 0.005
        Sampling step (> 0).

    Returns
    -------
    numpy.ndarray, shape (k,)
    """
    kernel = _kernels.require_kernel(kernel, "kernel")
    widths = as_real_array("widths", widths, ndim=1)
    if widths.size and np.any(widths < 0):
        raise ValueError(f"widths must be non-negative, got minimum {widths.min()}")
    n = grid_size(t, dt, name="t")
    dt = float(dt)
    if widths.size * n > _MAX_ATTAINMENT_LAGS:
        raise ValueError(f"widths must have at most {_MAX_ATTAINMENT_LAGS // n} entries at t/dt = {n} cells "
                         f"(one input of {n} samples per width; time of the experiment), got {widths.size}")
    lags = n * dt - (np.arange(n) + 0.5) * dt  # t − u_j
    cells = np.asarray(kernel.cell_integrals(dt, n), dtype=float).reshape(n)[::-1]   # K_{n-1-j}
    out = np.empty(widths.size)
    for i, eps in enumerate(widths):
        out[i] = float(cells @ mollified_sign(kernel, lags, float(eps), horizon=n * dt))
    return out
