"""Argument checks shared by the public API: the one boundary for bad input.

Every public function of :mod:`lrnn` validates what it receives with these
helpers and raises a ``ValueError`` (wrong value) or ``TypeError`` (wrong kind
of object) whose message names the argument and says what was expected:

* real scalars (:func:`as_real_scalar`): Python or NumPy reals, never bools,
  strings or complex numbers; finite unless asked otherwise; optional bounds;
* real arrays (:func:`as_real_array`): numbers only (no strings, bools,
  complex or object entries), finite, with the expected number of dimensions
  or shape;
* integers and sizes (:func:`as_integer`, :func:`as_size`): sizes are bounded
  by what the machine can hold (:mod:`lrnn._limits`), and the message says
  the limit and why;
* flags (:func:`as_bool`), seeds (:func:`as_seed`, :func:`as_rng`), pairs
  (:func:`as_pair`), choices among names (:func:`as_choice`), times, steps,
  the norm order and sampled inputs (:func:`as_input`).

Nothing here is part of the public API.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

from . import _limits

__all__ = [
    "as_real_scalar",
    "as_real_array",
    "as_times",
    "as_step",
    "as_norm_order",
    "as_integer",
    "as_size",
    "as_bool",
    "as_seed",
    "as_rng",
    "as_pair",
    "as_choice",
    "as_rates_weights",
    "as_laplace_points",
    "as_input",
]

_BOOLS = (bool, np.bool_)


def _type_name(value) -> str:
    return type(value).__name__


def _is_bool(value) -> bool:
    return isinstance(value, _BOOLS)


# ----------------------------------------------------------------------------- scalars
def as_real_scalar(
    name: str,
    value,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    below: float | None = None,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a Python float, or raise naming ``name``.

    Accepts Python and NumPy real numbers and 0-d real arrays; rejects bools,
    strings, complex numbers, ``None`` and arrays with more than one entry
    (``TypeError``), NaN and (unless ``allow_inf``) ±inf, and values outside
    the requested range (``ValueError``). ``minimum``/``maximum`` are inclusive
    bounds, ``above``/``below`` strict ones.
    """
    if _is_bool(value) or isinstance(value, (str, bytes)) or not isinstance(value, (numbers.Real, np.ndarray)):
        if isinstance(value, (numbers.Complex, np.complexfloating)) and not _is_bool(value):
            raise TypeError(f"{name} must be a real number, got the complex number {value!r}")
        raise TypeError(f"{name} must be a real number, got {_type_name(value)}")
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise TypeError(f"{name} must be a real scalar, got an array of shape {value.shape}")
        if value.dtype.kind not in "iuf":
            raise TypeError(f"{name} must be a real number, got an array of dtype {value.dtype}")
    try:
        x = float(value)
    except OverflowError:  # a Python integer beyond the float range
        x = float("inf") if value > 0 else float("-inf")
    if np.isnan(x) or (np.isinf(x) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {x}")
    if positive and not x > 0:
        raise ValueError(f"{name} must be positive, got {x}")
    if nonnegative and not x >= 0:
        raise ValueError(f"{name} must be non-negative, got {x}")
    if minimum is not None and not x >= minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {x}")
    if maximum is not None and not x <= maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {x}")
    if above is not None and not x > above:
        raise ValueError(f"{name} must be greater than {above}, got {x}")
    if below is not None and not x < below:
        raise ValueError(f"{name} must be less than {below}, got {x}")
    return x


# ----------------------------------------------------------------------------- arrays
def _has_bool_or_str(value, budget: list[int]) -> type | None:
    """A bool/str/bytes/complex entry of a (nested) list or tuple, found by a bounded scan, else None."""
    stack = [value]
    while stack and budget[0] > 0:
        item = stack.pop()
        budget[0] -= 1
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (bool, np.bool_, str, bytes)):
            return type(item)
        elif isinstance(item, (complex, np.complexfloating)):
            return type(item)
    return None


def as_real_array(
    name: str,
    value,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
    nonempty: bool = False,
    finite: bool = True,
) -> np.ndarray:
    """Return ``value`` as a float64 array (a copy), or raise naming ``name``.

    Rejects (``TypeError``) strings, bools, complex numbers, ``None`` and other
    non-numbers — as scalars, in arrays of those dtypes or as entries of nested
    lists — and ragged nesting; rejects (``ValueError``) NaN and ±inf (unless
    ``finite=False``), a number of dimensions not in ``ndim``, a shape that
    differs from ``shape`` (``None`` entries match any length) and, with
    ``nonempty``, an empty array.
    """
    if value is None or isinstance(value, (str, bytes)) or _is_bool(value):
        raise TypeError(f"{name} must be an array of real numbers, got {_type_name(value)}")
    if isinstance(value, (list, tuple)):
        bad = _has_bool_or_str(value, [1_000_000])
        if bad is not None:
            raise TypeError(f"{name} must be an array of real numbers, got an entry of type {bad.__name__}")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers ({exc})") from None
    kind = raw.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must be real-valued, got complex entries")
    if kind == "b":
        raise TypeError(f"{name} must be an array of real numbers, got booleans")
    if kind in "USV":
        raise TypeError(f"{name} must be an array of real numbers, got strings or bytes")
    if kind in "mM":
        raise TypeError(f"{name} must be an array of real numbers, got dates or time deltas")
    if kind == "O":
        flat = raw.ravel()
        if not all(isinstance(v, numbers.Real) and not _is_bool(v) for v in flat[:1_000_000]):
            raise TypeError(f"{name} must be an array of real numbers, got Python objects "
                            "(a ragged nesting or entries that are not numbers)")
    try:
        arr = np.array(raw, dtype=float, copy=True)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TypeError(f"{name} must be an array of real numbers ({exc})") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(s is not None and s != n for s, n in zip(shape, arr.shape)):
            want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}, got {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (found NaN or inf)")
    if not finite and np.any(np.isnan(arr)):
        raise ValueError(f"{name} must not contain NaN")
    return arr


def as_times(name: str, value) -> np.ndarray:
    """Return non-negative, finite times as a float array of the input's shape."""
    arr = as_real_array(name, value)
    if arr.size and np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative times (t >= 0), got minimum {arr.min()}")
    return arr


def as_step(name: str, value) -> float:
    """A positive, finite time step."""
    return as_real_scalar(name, value, positive=True)


def as_norm_order(p, name: str = "p") -> int:
    """The order p of an Lᵖ norm: 1 or 2 (as an int, float or NumPy number; not a bool)."""
    ok = not _is_bool(p) and isinstance(p, (numbers.Real, np.integer, np.floating)) and p in (1, 2)
    if not ok:
        raise ValueError(f"{name} must be 1 or 2 (the L¹ or L² norm), got {p!r}")
    return int(p)


def as_laplace_points(name: str, value) -> np.ndarray:
    """Real Laplace variables ``s > 0`` (finite), as a float array of the input's shape."""
    arr = as_real_array(name, value)
    if arr.size and np.any(arr <= 0):
        raise ValueError(f"{name} must be positive (Laplace variable s > 0), got minimum {arr.min()}")
    return arr


# ----------------------------------------------------------------------------- integers and sizes
def as_integer(name: str, value, minimum: int | None = 1, maximum: int | None = None) -> int:
    """An integer (Python or NumPy, not a bool and not a float) in ``[minimum, maximum]``, or raise naming ``name``."""
    if _is_bool(value) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, (numbers.Real, np.floating)) and not _is_bool(value):
            raise TypeError(f"{name} must be an integer, got the {_type_name(value)} {value!r}")
        raise TypeError(f"{name} must be an integer, got {_type_name(value)}")
    v = int(value)
    if minimum is not None and v < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {v}")
    if maximum is not None and v > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {v}")
    return v


def as_size(name: str, value, *, limit: int, why: str, minimum: int = 1) -> int:
    """A size (a count of samples, units, steps, ...) in ``[minimum, limit]``.

    The upper limit is what the machine can hold or finish (:mod:`lrnn._limits`);
    the error says the limit and ``why`` it exists, e.g.
    ``"n must be at most 8388608 (the longest sampled input: ...), got 10**12"``.
    """
    v = as_integer(name, value, minimum=minimum)
    if v > limit:
        raise ValueError(f"{name} must be at most {limit} ({why}), got {v}")
    return v


def check_table(name: str, rows: int, columns: int, *, why: str = "a dense table of float64 numbers",
                limit: int = _limits.MAX_TABLE_ENTRIES) -> None:
    """Raise naming ``name`` when a ``rows × columns`` table would exceed ``limit`` entries."""
    if rows * columns > limit:
        raise ValueError(f"{name} is too large: {rows} × {columns} = {rows * columns} entries exceed the "
                         f"largest supported {why} ({limit} entries, {limit * 8 // 2**20} MiB)")


# ----------------------------------------------------------------------------- flags, seeds, pairs, names
def as_bool(name: str, value) -> bool:
    """A flag: ``True``/``False`` (Python or NumPy bool) only; ``'no'``, ``0`` or ``None`` are refused."""
    if not _is_bool(value):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def as_seed(name: str, value):
    """A seed: ``None``, a non-negative integer or a :class:`numpy.random.Generator` (returned as given)."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if _is_bool(value) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be None, a non-negative integer or a numpy.random.Generator, "
                        f"got {value!r}")
    if int(value) < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {int(value)}")
    return int(value)


def as_rng(name: str, value) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from a seed accepted by :func:`as_seed` (a Generator is used as is)."""
    seed = as_seed(name, value)
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def as_pair(
    name: str,
    value,
    *,
    increasing: bool = False,
    positive: bool = False,
    nonnegative: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    below: float | None = None,
    above: float | None = None,
) -> tuple[float, float]:
    """A pair ``(x, y)`` of real numbers (a tuple, list or 1-D array of length 2), each checked as
    :func:`as_real_scalar` with the given bounds; ``increasing`` asks for ``x < y``."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a pair (x, y) of real numbers, got {_type_name(value)}")
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise ValueError(f"{name} must be a pair (x, y) of real numbers, got an array of shape {value.shape}")
    if len(value) != 2:
        raise ValueError(f"{name} must be a pair (x, y) of real numbers, got {len(value)} entries")
    bounds = dict(positive=positive, nonnegative=nonnegative, minimum=minimum, maximum=maximum, below=below,
                  above=above)
    x = as_real_scalar(f"{name}[0]", value[0], **bounds)
    y = as_real_scalar(f"{name}[1]", value[1], **bounds)
    if increasing and not x < y:
        raise ValueError(f"{name} must be an increasing pair (x < y), got ({x}, {y})")
    return x, y


def as_choice(name: str, value, choices: Iterable[str]) -> str:
    """One of the names in ``choices`` (exact string match)."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


# ----------------------------------------------------------------------------- model parameters and inputs
def as_rates_weights(rates, weights, what: str = "stable modes e^(-rate t)") -> tuple[np.ndarray, np.ndarray]:
    """Positive decay rates and weights of the same shape (a diagonal model's parameters)."""
    r = as_real_array("rates", rates, ndim=1)
    w = as_real_array("weights", weights, ndim=1)
    if r.size == 0:
        raise ValueError("rates must contain at least one rate")
    if r.size > _limits.MAX_TERMS:
        raise ValueError(f"rates must have at most {_limits.MAX_TERMS} entries (the largest exponential sum "
                         f"handled at once), got {r.size}")
    if r.shape != w.shape:
        raise ValueError(f"weights must have the shape of rates {r.shape}, got {w.shape}")
    if np.any(r <= 0):
        raise ValueError(f"rates must be positive ({what}), got minimum {r.min()}")
    return r, w


def as_input(x, d: int, name: str = "x") -> np.ndarray:
    """A sampled input of shape (T,) or (T, d), returned as (T, d); T is at most :data:`lrnn._limits.MAX_STEPS`."""
    X = as_real_array(name, x, ndim=(1, 2))
    if X.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one time step, got length 0")
    if X.shape[0] > _limits.MAX_STEPS:
        raise ValueError(f"{name} must have at most {_limits.MAX_STEPS} time steps (the longest sampled input "
                         f"lrnn convolves in memory), got {X.shape[0]}")
    if X.ndim == 1:
        X = X[:, None]
    if X.shape[1] != d:
        raise ValueError(f"{name} must have shape (T,) or (T, {d}) for a system with input dimension {d}, "
                         f"got {X.shape}")
    return X


# ----------------------------------------------------------------------------- float64 failures of a kernel
def _finite_everywhere(value, depth: int = 0) -> bool:
    """Whether every float inside ``value`` (numbers, arrays, tuples, dataclasses) is finite."""
    if depth > 3 or value is None or isinstance(value, (str, bool, np.bool_)):
        return True
    if isinstance(value, numbers.Real):
        return bool(np.isfinite(float(value)))
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or bool(np.all(np.isfinite(value)))
    if isinstance(value, (tuple, list)):
        return all(_finite_everywhere(v, depth + 1) for v in value)
    return True


def _names_a_parameter(message: str, names: Iterable[str]) -> bool:
    import re

    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", message) for n in names)


def float64_failures_name(argument: str, *, finite_result: bool = True, accuracy: str = "epsilon"):
    """Decorator for a public computation on a kernel: its float64 failures name that kernel.

    A kernel with extreme parameters (rates of 1e-300, weights of 1e300, ...) is a valid object, but some
    computations on it cannot be carried out in double precision. Inside the decorated function NumPy's
    floating-point warnings are silenced; an ``OverflowError``, ``ZeroDivisionError``,
    ``FloatingPointError``, a ``ValueError`` raised by a dependency or by an inner step whose message names none
    of the function's parameters, and (with ``finite_result``) a NaN or infinite number in the result become one
    ``ValueError`` that names ``argument``, shows its value and keeps the inner reason. Errors that already name
    a parameter pass unchanged; a kernel's "rtol = ... is too small" (a horizon beyond float64 times for the
    relative accuracy asked) names the ``accuracy`` parameter when the function has one.
    """
    import functools
    import inspect

    def wrap(fn):
        sig = inspect.signature(fn)
        params = tuple(sig.parameters)

        def fail(args, kwargs, reason: str):
            try:
                bound = sig.bind(*args, **kwargs)
                value = bound.arguments.get(argument, "?")
            except TypeError:
                value = "?"
            return ValueError(f"{argument} = {value!r}: cannot be handled in float64 ({reason})")

        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            try:
                with np.errstate(all="ignore"):
                    out = fn(*args, **kwargs)
            except (OverflowError, ZeroDivisionError, FloatingPointError) as exc:
                raise fail(args, kwargs, f"{type(exc).__name__}: {exc}") from exc
            except ValueError as exc:
                if _names_a_parameter(str(exc), params):
                    raise
                if str(exc).startswith("rtol = ") and accuracy in params:
                    # a kernel's horizon for a relative accuracy beyond float64 times: the accuracy asked for
                    try:
                        value = sig.bind(*args, **kwargs).arguments.get(accuracy, "?")
                    except TypeError:
                        value = "?"
                    raise ValueError(f"{accuracy} = {value!r} is too small for this target: {exc}") from exc
                raise fail(args, kwargs, str(exc)) from exc
            if finite_result and not _finite_everywhere(out):
                raise fail(args, kwargs, "the result is not finite")
            return out

        return guarded

    return wrap
