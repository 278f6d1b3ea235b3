"""Argument checks shared by the public API.

Every public function of :mod:`lrnn` validates what it receives and raises a
``ValueError`` (wrong value) or ``TypeError`` (wrong kind of object) whose
message names the argument and says what was expected. Nothing here is part of
the public API.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_real_scalar(name: str, value, *, positive: bool = False, nonnegative: bool = False) -> float:
    """Return ``value`` as a finite Python float, or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    arr = np.asarray(value)
    if arr.ndim != 0 or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"{name} must be a real scalar, got an array of shape {arr.shape}")
    x = float(arr)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    if positive and not x > 0:
        raise ValueError(f"{name} must be positive, got {x}")
    if nonnegative and not x >= 0:
        raise ValueError(f"{name} must be non-negative, got {x}")
    return x


def as_real_array(name: str, value, *, ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Return ``value`` as a finite float64 array (a copy), or raise naming ``name``."""
    try:
        arr = np.array(value, dtype=float, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers ({exc})") from None
    if np.iscomplexobj(np.asarray(value)):
        raise TypeError(f"{name} must be real-valued, got complex entries")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    return arr


def as_times(name: str, value) -> np.ndarray:
    """Return non-negative, finite times as a float array of the input's shape."""
    arr = as_real_array(name, value)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative times (t >= 0), got minimum {arr.min()}")
    return arr


def as_step(name: str, value) -> float:
    """A positive, finite time step."""
    return as_real_scalar(name, value, positive=True)


def as_norm_order(p) -> int:
    """The order p of an Lᵖ norm: 1 or 2."""
    if isinstance(p, (bool, np.bool_)) or p not in (1, 2):
        raise ValueError(f"p must be 1 or 2 (the L¹ or L² norm), got {p!r}")
    return int(p)


def as_integer(name: str, value, minimum: int = 1) -> int:
    """An integer (not a bool) of at least ``minimum``, or raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def as_rates_weights(rates, weights, what: str = "stable modes e^(-rate t)") -> tuple[np.ndarray, np.ndarray]:
    """Positive decay rates and weights of the same shape (a diagonal model's parameters)."""
    r = as_real_array("rates", rates, ndim=1)
    w = as_real_array("weights", weights, ndim=1)
    if r.size == 0:
        raise ValueError("rates must contain at least one rate")
    if r.shape != w.shape:
        raise ValueError(f"weights must have the shape of rates {r.shape}, got {w.shape}")
    if np.any(r <= 0):
        raise ValueError(f"rates must be positive ({what}), got minimum {r.min()}")
    return r, w
