r"""The numbers of Chapter 2's figures: target kernels, the widget's fits, rate sequences and Blaschke products.

Everything here is cached or closed-form, so that the figures, the scrubbers and
the live widgets of :mod:`lrnn.widgets.approximation` redraw without refitting.
The fits come from :func:`lrnn.fit`, the errors from
:func:`lrnn.approximation.l2_error`; the best errors for :math:`e^{-\kappa t}` are
Blaschke products (:func:`lrnn.approximation.blaschke_error`), evaluated for
nested sequences of rates in one cumulative pass.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from ... import kernels as _kernels
from ..._validation import as_real_scalar
from ...approximation import fit, l2_error, log_spaced_rates
from ...rnn import LinearRNN

__all__ = ["TARGETS", "SEQUENCES", "MAX_FIT_WIDTH", "MAX_SEQUENCE_WIDTH", "target_kernel", "width_fit",
           "width_error", "sequence_rates", "muntz_errors", "muntz_plateau", "narrow_bump"]

#: Target kernels of :func:`target_kernel`, in the order of the widgets.
TARGETS = ("oscillatory", "delayed", "airy", "power law", "exponential")
#: Rate sequences of :func:`sequence_rates` (keys; the legends use :data:`lrnn.plots.approximation.SEQUENCE_LABELS`).
SEQUENCES = ("k", "k^2", "2^k", "log-spaced")
#: Largest width of :func:`width_fit` (the widget's slider goes to 32; every fit is cached).
MAX_FIT_WIDTH = 64
#: Largest width of :func:`sequence_rates` and :func:`muntz_errors` (arrays of 2²⁰ rates are 8 MB).
MAX_SEQUENCE_WIDTH = 2**20
#: Largest total number of rates :func:`muntz_errors` multiplies for the log-spaced grids (one grid per width).
_MAX_GRID_RATES = 2**24

#: Time range drawn for each target.
_TIME = {"oscillatory": 8.0, "delayed": 12.0, "airy": 12.0, "power law": 20.0, "exponential": 6.0}
#: Fixed log-spaced rates per target for the widget views (reciprocal time scales of the kernel).
_RANGE = {"delayed": (0.02, 20.0), "airy": (0.05, 20.0), "power law": (1e-3, 10.0)}


# ----------------------------------------------------------------------------- argument checks
def _as_name(name, choices, what: str = "name") -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a string, one of {list(choices)}, got {type(name).__name__}")
    if name not in choices:
        raise ValueError(f"{what} must be one of {list(choices)}, got {name!r}")
    return name


def _as_names(what: str, values, choices: Sequence[str] = SEQUENCES) -> list[str]:
    """A sequence of names among ``choices`` (a single string is refused: it would be read letter by letter)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"{what} must be a sequence of names from {list(choices)}, got {type(values).__name__}")
    out = []
    for v in values:
        if not isinstance(v, str):
            raise TypeError(f"{what} must contain names from {list(choices)}, got an entry of type "
                            f"{type(v).__name__}")
        out.append(_as_name(str(v), choices, what))
    return out


def _as_width(m, maximum: int | None = None, what: str = "m") -> int:
    if isinstance(m, (bool, np.bool_)) or not isinstance(m, numbers.Integral):
        raise TypeError(f"{what} must be an integer width, got {type(m).__name__}")
    if m < 1 or (maximum is not None and m > maximum):
        bound = f" and at most {maximum}" if maximum is not None else ""
        raise ValueError(f"{what} must be at least 1{bound}, got {m}")
    return int(m)


def _as_widths(widths, maximum: int) -> list[int]:
    """A sequence of integer widths in [1, maximum] (integer-valued floats are accepted)."""
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
        raise TypeError(f"widths must be a sequence of integers, got {type(widths).__name__}")
    try:
        arr = np.asarray(list(widths) if not isinstance(widths, np.ndarray) else widths)
    except (TypeError, ValueError):
        raise TypeError("widths must be a 1-D sequence of integers") from None
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iuf"):
        raise TypeError(f"widths must be a 1-D sequence of integers, got dtype {arr.dtype} and shape {arr.shape}")
    if arr.size and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError("widths must be whole numbers")
    out = [int(v) for v in arr]
    for m in out:
        _as_width(m, maximum, what="widths")
    return out


def _kappa(kappa, gamma) -> float:
    """The target rate κ; ``gamma`` is the keyword of earlier versions (same meaning)."""
    if gamma is not None:
        kappa = gamma
    return as_real_scalar("kappa", kappa, positive=True)


# ----------------------------------------------------------------------------- targets and width fits
def target_kernel(name: str) -> _kernels.Kernel:
    r"""The chapter's target kernels.

    ``"exponential"``: :math:`e^{-1.5t}`; ``"oscillatory"``: :math:`e^{-t}\cos t`;
    ``"delayed"``: :math:`e^{-(t-4)^2}`; ``"airy"``: :math:`\mathrm{Ai}(t-4)`;
    ``"power law"``: :math:`(1+t)^{-1.5}`.

    Parameters
    ----------
    name : str
        One of :data:`TARGETS`.

    Returns
    -------
    lrnn.kernels.Kernel
    """
    table = {
        "exponential": lambda: _kernels.Exponential(1.5),
        "oscillatory": lambda: _kernels.DampedOscillation(1.0, 1.0),
        "delayed": lambda: _kernels.Delayed(4.0, 1.0),
        "airy": lambda: _kernels.Airy(4.0),
        "power law": lambda: _kernels.PowerLaw(0.5),
    }
    return table[_as_name(name, sorted(table))]()


@lru_cache(maxsize=None)
def _target(name: str) -> _kernels.Kernel:
    return target_kernel(name)


@lru_cache(maxsize=None)
def _width_fit(name: str, m: int) -> LinearRNN:
    rho = _target(name)
    if name in _RANGE:
        lo, hi = _RANGE[name]
        return fit(rho, m, log_spaced_rates(lo, hi, m) if m > 1 else [np.sqrt(lo * hi)])
    return fit(rho, m)


def width_fit(name: str, m: int) -> LinearRNN:
    """The fit shown by the width experiment (cached).

    Free rates (:func:`lrnn.fit`) for the exponential-sum targets, whose rates are found
    in closed form; for the others the best weights for ``m`` rates log-spaced on a range
    set by the kernel's time scales (delayed: [0.02, 20], Airy: [0.05, 20], power law:
    [1e-3, 10]), so that every update of the widget stays fast.

    Parameters
    ----------
    name : str
        One of :data:`TARGETS`.
    m : int
        The width, 1 ≤ m ≤ :data:`MAX_FIT_WIDTH`.

    Returns
    -------
    LinearRNN
    """
    return _width_fit(_as_name(name, TARGETS), _as_width(m, MAX_FIT_WIDTH))


@lru_cache(maxsize=None)
def _width_error(name: str, m: int) -> float:
    return l2_error(_target(name), _width_fit(name, m), relative=True)


def width_error(name: str, m: int) -> float:
    r"""Relative :math:`L^2` error :math:`\|\rho-\hat\rho_m\|_2/\|\rho\|_2` of :func:`width_fit` (cached).

    Parameters
    ----------
    name : str
        One of :data:`TARGETS`.
    m : int
        The width, 1 ≤ m ≤ :data:`MAX_FIT_WIDTH`.

    Returns
    -------
    float
    """
    return _width_error(_as_name(name, TARGETS), _as_width(m, MAX_FIT_WIDTH))


@lru_cache(maxsize=None)
def _kernel_samples(name: str) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    t = np.linspace(0.0, _TIME[name], 600)
    v = np.asarray(_target(name)(t), dtype=float)
    lo, hi = min(float(v.min()), 0.0), float(v.max())
    pad = 0.12 * (hi - lo)
    for a in (t, v):
        a.flags.writeable = False
    return t, v, (lo - pad, hi + pad)


# ----------------------------------------------------------------------------- Müntz–Szász
def sequence_rates(name: str, m: int) -> np.ndarray:
    r"""The first m rates of a named sequence.

    ``"k"``: :math:`\lambda_k=k` (:math:`\sum1/\lambda_k=\infty`); ``"k^2"``:
    :math:`k^2`; ``"2^k"``: :math:`2^{k-1}` (both :math:`\sum1/\lambda_k<\infty`;
    beyond :math:`k=1024` the rates of ``"2^k"`` are ``inf``);
    ``"log-spaced"``: m rates evenly spaced in :math:`\log\lambda` on
    :math:`[1/m, m]` — a new grid for every m, not a sequence.

    Parameters
    ----------
    name : str
        One of :data:`SEQUENCES`.
    m : int
        How many rates, 1 ≤ m ≤ :data:`MAX_SEQUENCE_WIDTH`.

    Returns
    -------
    numpy.ndarray, shape (m,)
    """
    name = _as_name(name, SEQUENCES)
    m = _as_width(m, MAX_SEQUENCE_WIDTH)
    k = np.arange(1.0, m + 1)
    if name == "k":
        return k
    if name == "k^2":
        return k**2
    if name == "2^k":
        with np.errstate(over="ignore"):
            return 2.0 ** (k - 1)
    return log_spaced_rates(1.0 / m, float(m), m) if m > 1 else np.array([1.0])


def _log_factors(kappa: float, lam: np.ndarray) -> np.ndarray:
    r"""log of |κ − λ_k|/(κ + λ_k) = log1p(−2 min(κ, λ_k)/(κ + λ_k)) (−inf where λ_k = κ)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        q = 2.0 * np.minimum(kappa, lam) / (kappa + lam)
        q = np.where(np.isfinite(lam), q, 0.0)
        return np.log1p(-q)


def muntz_errors(name: str, widths: ArrayLike, kappa: float = 0.37, *, gamma: float | None = None) -> np.ndarray:
    r"""Exact best relative :math:`L^2` errors for :math:`e^{-\kappa t}`, one per width m.

    The Blaschke product :math:`\prod_{k\le m}|\kappa-\lambda_k|/(\kappa+\lambda_k)`
    (:func:`lrnn.approximation.blaschke_error`), computed as a cumulative sum of
    :math:`\log(1-2\min(\kappa,\lambda_k)/(\kappa+\lambda_k))` for the nested sequences
    (one pass for all widths) and per width for the log-spaced grids. It is exactly 0
    when κ is one of the rates.

    Parameters
    ----------
    name : str
        One of :data:`SEQUENCES`.
    widths : sequence of int
        Widths m, each in [1, :data:`MAX_SEQUENCE_WIDTH`] (for ``"log-spaced"``
        at most 2²⁴ rates in all).
    kappa : float, default 0.37
        The target's rate κ > 0.
    gamma : float, optional
        The keyword of earlier versions for κ (same meaning; overrides ``kappa``).

    Returns
    -------
    numpy.ndarray, shape (len(widths),)
    """
    name = _as_name(name, SEQUENCES)
    g = _kappa(kappa, gamma)
    ms = _as_widths(widths, MAX_SEQUENCE_WIDTH)
    if not ms:
        return np.array([])
    if name == "log-spaced":
        if sum(ms) > _MAX_GRID_RATES:
            raise ValueError(f"widths must add up to at most {_MAX_GRID_RATES} rates for the log-spaced grids "
                             f"(one grid per width), got {sum(ms)}")
        return np.array([float(np.exp(np.sum(_log_factors(g, sequence_rates(name, m))))) for m in ms])
    cum = np.cumsum(_log_factors(g, sequence_rates(name, max(ms))))
    return np.exp(cum[np.asarray(ms) - 1])


def muntz_plateau(name: str, kappa: float = 0.37) -> float:
    r"""The limit :math:`\prod_{k\ge1}|\kappa-\lambda_k|/(\kappa+\lambda_k)` of a sequence with :math:`\sum1/\lambda_k<\infty`.

    ``"k^2"``: Euler's product gives :math:`|\sin\pi\sqrt\kappa|/\sinh\pi\sqrt\kappa`
    (0 once :math:`\sinh` overflows, where the product is below :math:`10^{-300}`);
    ``"2^k"``: the product of the first 1100 factors (the rest differ from one by less than
    :math:`2^{-1000}`). ``"k"`` has limit 0 (its rates satisfy Müntz's condition).

    Parameters
    ----------
    name : {"k", "k^2", "2^k"}
        The sequence.
    kappa : float, default 0.37
        The target's rate κ > 0.

    Returns
    -------
    float
    """
    name = _as_name(name, ("k", "k^2", "2^k"))
    g = as_real_scalar("kappa", kappa, positive=True)
    if name == "k":
        return 0.0
    if name == "k^2":
        s = np.pi * np.sqrt(g)
        if s > 700.0:                        # |sin s| / sinh s < 2 e^{-700}
            return 0.0
        return float(abs(np.sin(s)) / np.sinh(s))
    return float(muntz_errors("2^k", [1100], g)[0])


# ----------------------------------------------------------------------------- point evaluation
def narrow_bump(width: float, lag: float = 1.0) -> _kernels.Kernel:
    r"""Unit-mass Gaussian bump :math:`\frac{1}{\varsigma\sqrt\pi}e^{-((t-\ell)/\varsigma)^2}` (→ δ at ℓ as ς → 0).

    Parameters
    ----------
    width : float
        The width :math:`\varsigma > 0` (large enough for :math:`1/(\varsigma\sqrt\pi)` to be finite).
    lag : float, default 1
        The lag :math:`\ell > 0`.

    Returns
    -------
    lrnn.kernels.Kernel
    """
    s = as_real_scalar("width", width, positive=True)
    ell = as_real_scalar("lag", lag, positive=True)
    with np.errstate(over="ignore"):
        weight = 1.0 / (s * np.sqrt(np.pi))
    if not np.isfinite(weight):
        raise ValueError(f"width must be large enough for the bump's height 1/(width·√π) to be finite, got {s:g}")
    try:
        return _kernels.Delayed(ell, s, weight=weight)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"width = {s:g} and lag = {ell:g} give no valid bump: {exc}") from None
