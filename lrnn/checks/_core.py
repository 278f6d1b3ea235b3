"""The shared core of the self-checks: results, the registry, and the helpers that turn bad answers into hints.

A chapter module (:mod:`lrnn.checks.c1` … :mod:`lrnn.checks.c5`) defines one function per exercise and registers it
with :func:`register`. The function receives the student's answers as keyword arguments, validates them with the
helpers below (:func:`number`, :func:`vector`, :func:`grid`, :func:`function`), compares them with a reference it
computes itself, and returns the message shown on success; on a wrong answer it raises :class:`Fail` with a hint.
The wrapper made by :func:`register` turns both into a :class:`CheckResult` and never lets an exception escape.

Self-checks are **formative**: they tell a student whether an answer is right and point at the method when it is
not. They never print, return or store a reference value, and the package holds no literal answer of an exercise:
where an answer is a single exact value (a yes/no, an infinity, an integer-valued prediction), the check compares
a salted digest of the answer with the digest of the reference (:func:`matches_digest`). Marks are not given here:
the autograder's hidden tests live outside the package (see the instructor's guide).
"""

from __future__ import annotations

import functools
import hashlib
import html
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a self-check.

    Attributes
    ----------
    exercise : str
        The exercise label, e.g. ``"ex-c2-one-unit"``.
    passed : bool
        Whether every answer is within tolerance.
    message : str
        What was checked (on success) or what is wrong and a hint (on failure). Never contains a reference value.
    """

    exercise: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        mark = "PASSED" if self.passed else "NOT YET"
        return f"[{mark}] {self.exercise}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#1b7837" if self.passed else "#b2182b"
        mark = "&#10004; correct" if self.passed else "&#10008; not yet"
        return (f'<div style="border-left:4px solid {colour};padding:4px 8px">'
                f"<b>{html.escape(self.exercise)}</b> &mdash; <b>{mark}</b><br>{html.escape(self.message)}</div>")

    def raise_if_failed(self) -> CheckResult:
        """Raise :class:`AssertionError` with the message if the check failed; return ``self`` otherwise."""
        if not self.passed:
            raise AssertionError(str(self))
        return self


@dataclass(frozen=True)
class Answer:
    """One answer a check expects: the variable name and a description of what it holds (for the stub)."""

    name: str
    description: str


@dataclass(frozen=True)
class ExerciseCheck:
    """A registered self-check.

    Attributes
    ----------
    label : str
        The exercise label in the chapter (``:label:`` of the ``exercise`` directive).
    function : callable
        The check; called with keyword arguments named after :attr:`answers`.
    answers : tuple of Answer
        The expected answers, in call order.
    """

    label: str
    function: Callable[..., CheckResult]
    answers: tuple[Answer, ...]

    def call_source(self) -> str:
        """The code that runs the check on the student's answers: ``lrnn.checks.<name>(a=a, b=b)``."""
        args = ", ".join(f"{a.name}={a.name}" for a in self.answers)
        return f"lrnn.checks.{self.function.__name__}({args})"

    def stub_source(self) -> str:
        """The answer stub: one ``name = ...`` line per answer, with its description as a comment."""
        return "\n".join(f"{a.name} = ...   # {a.description}" for a in self.answers)


#: Exercise label → registered check (filled by the chapter modules when :mod:`lrnn.checks` is imported).
REGISTRY: dict[str, ExerciseCheck] = {}


def get(label: str) -> ExerciseCheck | None:
    """The check registered for an exercise label, or ``None`` when the exercise has no self-check.

    Raises
    ------
    TypeError
        If ``label`` is not a string.
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    return REGISTRY.get(label)


def labels() -> list[str]:
    """The labels of all exercises that have a self-check, sorted."""
    return sorted(REGISTRY)


class Fail(Exception):
    """A failed check: carries the message shown to the student (raised inside a check function)."""


def register(label: str, *answers: tuple[str, str]):
    """Register the decorated function as the self-check of ``label``.

    Parameters
    ----------
    label : str
        The exercise label.
    *answers : (name, description)
        The answers the check takes, in call order; the description ends up in the stub and the docstring.

    The wrapper returns a :class:`CheckResult`: passed with the function's return value as message, or failed with
    the message of a :class:`Fail` it raised. A call with missing or unexpected keywords fails with a message that
    names the answers. Any other exception is a bug of the check and propagates.
    """

    def decorate(fn):
        names = ", ".join(a[0] for a in answers)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs) -> CheckResult:
            try:
                inspect.signature(fn).bind(*args, **kwargs)
            except TypeError as err:                 # missing or unexpected keyword arguments
                return CheckResult(label, False, f"call the check with the answers {names} ({err})")
            try:
                return CheckResult(label, True, fn(*args, **kwargs))
            except Fail as fail:
                return CheckResult(label, False, str(fail))

        params = "\n".join(f"{name}\n    {desc[0].upper() + desc[1:]}." for name, desc in answers)
        wrapper.__doc__ = (inspect.cleandoc(fn.__doc__ or "") + "\n\nParameters\n----------\n" + params
                           + "\n\nReturns\n-------\nCheckResult\n    ``passed`` and a message (a hint when the "
                           "answer is wrong or missing). Never raises on a wrong or missing answer.\n")
        if label in REGISTRY:
            raise ValueError(f"label {label!r} is registered twice")
        REGISTRY[label] = ExerciseCheck(label, wrapper, tuple(Answer(*a) for a in answers))
        return wrapper

    return decorate


# ----------------------------------------------------------------------------------------------------------------
# Helpers: each turns a bad answer into a Fail whose message names the answer.

def answered(name: str, value) -> None:
    """Fail unless ``value`` is an answer (not the stub's ``...`` and not ``None``)."""
    if value is Ellipsis or value is None:
        raise Fail(f"`{name}` is not answered yet: replace the `...` by your answer and run the cell again.")


def number(name: str, value) -> float:
    """``value`` as a finite float; fail with a message naming ``name`` otherwise."""
    answered(name, value)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Fail(f"`{name}` should be a real number, got {type(value).__name__}.") from None
    if arr.size != 1:
        raise Fail(f"`{name}` should be a single number, got an array of shape {arr.shape}.")
    x = float(arr.reshape(()))
    if not math.isfinite(x):
        raise Fail(f"`{name}` should be finite, got {x}.")
    return x


def extended_number(name: str, value) -> float:
    """``value`` as a float that may be infinite (not NaN); fail with a message naming ``name`` otherwise."""
    answered(name, value)
    try:
        x = float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise Fail(f"`{name}` should be a single number (possibly inf), got {type(value).__name__}.") from None
    if math.isnan(x):
        raise Fail(f"`{name}` should be a number, got nan.")
    return x


def vector(name: str, value, size: int) -> np.ndarray:
    """``value`` as ``size`` finite floats; fail with a message naming ``name`` otherwise."""
    answered(name, value)
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Fail(f"`{name}` should be a sequence of {size} real numbers, got {type(value).__name__}.") from None
    if arr.size != size:
        raise Fail(f"`{name}` should hold {size} numbers, got {arr.size}.")
    if not np.all(np.isfinite(arr)):
        raise Fail(f"`{name}` should contain only finite numbers.")
    return arr


def array_like(name: str, value, size: int, other: str) -> np.ndarray:
    """``value`` as a 1-D float array with one entry per entry of the answer ``other`` (``size`` of them)."""
    answered(name, value)
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Fail(f"`{name}` should be an array of real numbers, got {type(value).__name__}.") from None
    if arr.size != size:
        raise Fail(f"`{name}` should have one value per entry of `{other}` ({size}), got {arr.size}.")
    return arr


def grid(name: str, value, *, low: float = 0.0, high: float = np.inf, at_least: int = 3) -> np.ndarray:
    """A 1-D array of at least ``at_least`` distinct finite numbers in ``[low, high)``."""
    answered(name, value)
    try:
        arr = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        raise Fail(f"`{name}` should be an array of real numbers, got {type(value).__name__}.") from None
    if arr.size < at_least or np.unique(arr).size != arr.size:
        raise Fail(f"`{name}` should hold at least {at_least} distinct numbers, got {arr.size}.")
    if not np.all(np.isfinite(arr)) or arr.min() < low or arr.max() >= high:
        raise Fail(f"`{name}` should contain only finite numbers in the range the exercise asks for.")
    return arr


def function(name: str, value) -> Callable:
    """``value`` if it is callable; fail with a message naming ``name`` otherwise."""
    answered(name, value)
    if not callable(value):
        raise Fail(f"`{name}` should be a function, got {type(value).__name__}.")
    return value


def call(name: str, fn: Callable, *args):
    """Call a student's function; turn any exception it raises into a Fail naming it."""
    try:
        return fn(*args)
    except Exception as err:                                  # noqa: BLE001 - any student error
        raise Fail(f"calling `{name}` raised {type(err).__name__}: {err}") from None


def close(name: str, value: float, reference: float, rtol: float, hint: str) -> None:
    """Fail with ``hint`` unless ``|value - reference| <= rtol |reference|``."""
    if not abs(value - reference) <= rtol * abs(reference):
        raise Fail(f"`{name}` is not within a relative tolerance of {rtol:g} of the reference. Hint: {hint}")


def looks_squared(name: str, value: float, reference: float, rtol: float, what: str = "norm") -> None:
    """Fail with a specific message when ``value`` is the square of ``reference`` (a forgotten square root)."""
    if abs(value - reference ** 2) <= rtol * reference ** 2 and abs(reference - 1) > 10 * rtol:
        raise Fail(f"`{name}` looks like the squared {what}: take the square root.")


def digest(label: str, name: str, text: str) -> str:
    """The salted SHA-256 digest under which an exact answer is stored (hex)."""
    return hashlib.sha256(f"lrnn.checks|{label}|{name}|{text}".encode()).hexdigest()


def matches_digest(label: str, name: str, text: str, expected: str) -> bool:
    """Whether an answer, written canonically as ``text``, has the digest ``expected``.

    Used for answers that are a single exact value, so that no literal answer is stored in the package. A digest
    is not a secret — the check itself says right or wrong — it only keeps the value out of the source.
    """
    return digest(label, name, text) == expected
