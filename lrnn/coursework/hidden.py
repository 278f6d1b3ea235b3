"""Hidden autograder tests: how they are declared, how a submission reports its answers, how they are judged.

The tests themselves — reference values, tolerances, points — are instructor material and live **outside** the
installed package, in ``coursework/hidden_tests/`` of the book's repository, one module per chapter, each test keyed
by its exercise label. This module holds only the machinery, which contains no answer:

* :class:`HiddenTest` declares a test: the :class:`Answer` variables the exercise asks for (their kind, and the
  expression of the chapter's solution that binds them in the instructor source), and one or more *parts*, each
  worth some points, each a judge function that reads the answers and returns a message or raises :class:`Wrong`.
* :meth:`HiddenTest.report_source` is the code injected between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS`` of the exercise's test cell. It runs in the student's kernel and only **reports** the
  answers (as data under the MIME type :data:`MIME`; a function answer is evaluated at the test's points). It holds
  no reference value, so nothing a student's code can read or patch in the kernel helps it pass.
* :meth:`HiddenTest.judge` compares a report with the references **in the grading process** (nbgrader's
  autograde, through :class:`lrnn.coursework.nbgrader_plugin.JudgeAnswers`), after the kernel has run.
* :func:`load_hidden_tests` imports the tests from their folder by path.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["MIME", "Answer", "HiddenTest", "PartResult", "Values", "Wrong", "load_hidden_tests",
           "close", "close_abs"]

#: The MIME type under which a test cell reports a submission's answers to the grader.
MIME = "application/vnd.lrnn.answers+json"

_KINDS = ("number", "array", "bool", "function")


class Wrong(Exception):
    """An answer that does not pass a part of a hidden test; the message is shown in the feedback."""


@dataclass(frozen=True)
class Answer:
    """An answer variable of an exercise.

    Attributes
    ----------
    name : str
        The variable the student assigns (the same name as in the self-check of :mod:`lrnn.checks`).
    kind : {"number", "array", "bool", "function"}
        How it is reported: a float (possibly infinite), an array of floats, ``True``/``False``, or a function that
        the hidden test calls at :attr:`calls`.
    binding : str
        The expression that gives the answer in the chapter's solution, used by the instructor source
        (``"m2.norm(1)"``); the name itself when the solution assigns it directly.
    calls : tuple
        For a function: the argument tuples of the calls. A list argument is passed as a float array, a number
        as a float.
    """

    name: str
    kind: str
    binding: str = ""
    calls: tuple = ()

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(f"name must be a Python identifier, got {self.name!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, got {self.kind!r}")
        if (self.kind == "function") != bool(self.calls):
            raise ValueError(f"{self.name}: calls must be given exactly for a function answer")


@dataclass
class PartResult:
    """The verdict on one part of a hidden test."""

    part: str
    points: float
    earned: float
    message: str

    @property
    def passed(self) -> bool:
        return self.earned >= self.points


def _decode(value: dict):
    if "bool" in value:
        return bool(value["bool"])
    data = np.array([float(x) for x in value["data"]], dtype=float)
    return data.reshape(value["shape"])


class Values:
    """The answers of one submission, decoded from its report; accessors raise :class:`Wrong` with a message."""

    def __init__(self, label: str, answers: dict):
        self.label = label
        self._answers = answers if isinstance(answers, dict) else {}

    def _entry(self, name: str) -> dict:
        entry = self._answers.get(name)
        if not isinstance(entry, dict):
            raise Wrong(f"`{name}` was not reported by the test.")
        status = entry.get("status")
        if status == "missing":
            raise Wrong(f"`{name}` is not defined: assign it in your answer cell (the test reads `{name}`).")
        if status == "unanswered":
            raise Wrong(f"`{name}` is not answered yet (it is still `...`).")
        if status == "invalid":
            raise Wrong(f"`{name}` could not be read: {entry.get('error', 'unknown error')}.")
        if status != "ok":
            raise Wrong(f"`{name}` was not reported correctly.")
        return entry

    def _array(self, name: str) -> np.ndarray:
        entry = self._entry(name)
        try:
            value = _decode(entry["value"])
        except (KeyError, TypeError, ValueError):
            raise Wrong(f"`{name}` should be a number or an array of numbers.") from None
        if isinstance(value, bool):
            raise Wrong(f"`{name}` should be a number, got True or False.")
        return value

    def number(self, name: str, *, finite: bool = True) -> float:
        """A single real number (finite unless ``finite=False``; never NaN)."""
        value = self._array(name)
        if value.size != 1:
            raise Wrong(f"`{name}` should be a single number, got an array of shape {value.shape}.")
        x = float(value.reshape(()))
        if math.isnan(x) or (finite and not math.isfinite(x)):
            raise Wrong(f"`{name}` should be a finite number, got {x}.")
        return x

    def array(self, name: str, size: int | None = None, *, at_least: int = 1) -> np.ndarray:
        """A flat array of finite numbers (of ``size`` entries, or at least ``at_least``)."""
        value = self._array(name).ravel()
        if size is not None and value.size != size:
            raise Wrong(f"`{name}` should hold {size} numbers, got {value.size}.")
        if value.size < at_least:
            raise Wrong(f"`{name}` should hold at least {at_least} numbers, got {value.size}.")
        if not np.all(np.isfinite(value)):
            raise Wrong(f"`{name}` should contain only finite numbers.")
        return value

    def boolean(self, name: str) -> bool:
        """``True`` or ``False``."""
        entry = self._entry(name)
        value = entry.get("value")
        if not isinstance(value, dict) or "bool" not in value:
            raise Wrong(f"`{name}` should be True or False.")
        return bool(value["bool"])

    def outputs(self, name: str) -> list:
        """The outputs of a function answer at the test's calls, as arrays (raises on the first failed call)."""
        entry = self._entry(name)
        if "calls" not in entry:
            raise Wrong(f"`{name}` should be a function.")
        outs = []
        for k, call in enumerate(entry["calls"]):
            if "error" in call:
                raise Wrong(f"calling `{name}` at test point {k + 1} raised {call['error']}")
            try:
                value = _decode(call["value"])
            except (KeyError, TypeError, ValueError):
                raise Wrong(f"`{name}` should return numbers.") from None
            if isinstance(value, bool):
                raise Wrong(f"`{name}` should return numbers, got True or False.")
            outs.append(np.asarray(value, dtype=float))
        return outs


def close(name: str, value, reference, rtol: float, hint: str) -> str:
    """Raise :class:`Wrong` with ``hint`` unless every entry satisfies ``|value - reference| <= rtol |reference|``;
    return the message of a pass."""
    v, r = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    if v.shape != r.shape:
        raise Wrong(f"`{name}` should have shape {r.shape}, got {v.shape}.")
    if not np.all(np.abs(v - r) <= rtol * np.abs(r)):
        raise Wrong(f"`{name}` is not within a relative tolerance of {rtol:g} of the reference. Hint: {hint}")
    return f"`{name}` agrees with the reference (relative tolerance {rtol:g})."


def close_abs(name: str, value, reference, atol: float, hint: str) -> str:
    """Raise :class:`Wrong` with ``hint`` unless every entry satisfies ``|value - reference| <= atol``; return the
    message of a pass."""
    v, r = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    if v.shape != r.shape:
        raise Wrong(f"`{name}` should have shape {r.shape}, got {v.shape}.")
    if not np.all(np.abs(v - r) <= atol):
        raise Wrong(f"`{name}` is not within an absolute tolerance of {atol:g} of the reference. Hint: {hint}")
    return f"`{name}` agrees with the reference (absolute tolerance {atol:g})."


@dataclass
class _Part:
    name: str
    points: float
    judge: Callable[[Values], str | None]


@dataclass
class HiddenTest:
    """The hidden test of one exercise.

    Parameters
    ----------
    label : str
        The exercise label.
    answers : list of Answer
        The variables the exercise asks for, in the order of the answer stub.

    Parts are added with the :meth:`part` decorator; the test is worth the sum of their points.
    """

    label: str
    answers: list[Answer]
    parts: list[_Part] = field(default_factory=list)
    references: list[Callable[[], object]] = field(default_factory=list)

    def __post_init__(self):
        names = [a.name for a in self.answers]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"{self.label}: answers must be a non-empty list of distinct names, got {names}")

    @property
    def points(self) -> float:
        """What the test is worth: the sum of its parts' points."""
        return float(sum(p.points for p in self.parts))

    def part(self, name: str, points: float = 1.0):
        """Register the decorated ``judge(values) -> message`` as a part worth ``points``."""
        if not (isinstance(points, (int, float)) and points > 0):
            raise ValueError(f"{self.label}: points must be positive, got {points!r}")

        def decorate(fn):
            self.parts.append(_Part(name, float(points), fn))
            return fn

        return decorate

    def reference(self, fn: Callable[[], object]) -> Callable[[], object]:
        """Register the decorated function as a reference of this test: cached, computed once by :meth:`warm`."""
        cached = functools.cache(fn)
        self.references.append(cached)
        return cached

    def warm(self) -> None:
        """Compute every reference now (the grader does it before it runs any submission)."""
        for ref in self.references:
            ref()

    def report_source(self) -> str:
        """The hidden code of the test cell: it reports the answers to the grader (see the module docstring)."""
        spec = [(a.name, a.kind, [list(call) for call in a.calls]) for a in self.answers]
        return _REPORT.format(label=self.label, spec=repr(spec), mime=MIME)

    def judge(self, report: dict | None) -> list[PartResult]:
        """Judge a submission's report; every part gets its points or zero with a message."""
        values = Values(self.label, (report or {}).get("answers", {}))
        results = []
        for p in self.parts:
            try:
                message = p.judge(values) or f"`{p.name}` is right."
                results.append(PartResult(p.name, p.points, p.points, message))
            except Wrong as wrong:
                results.append(PartResult(p.name, p.points, 0.0, str(wrong)))
        return results


# The reporting code run in the student's kernel. It must not raise before reporting: every answer is encoded
# defensively. Under nbgrader's autograde it then raises, so that a course that forgot the grader plugin scores the
# test zero (fails closed) instead of full marks; the plugin replaces that error by its verdict.
_REPORT = '''\
def _lrnn_hidden_test():
    """Report the answers of {label} to the grader, which judges them outside this kernel."""
    import os
    import numpy as _np
    from IPython.display import display as _display

    def encode(x):
        if isinstance(x, (bool, _np.bool_)):
            return {{"bool": bool(x)}}
        a = _np.asarray(x, dtype=float)
        if a.size > 100000:
            raise ValueError("too many numbers (%d)" % a.size)
        return {{"shape": list(a.shape), "data": [repr(float(v)) for v in a.ravel()]}}

    def argument(a):
        return _np.array(a, dtype=float) if isinstance(a, list) else float(a)

    namespace = globals()
    answers = {{}}
    for name, kind, calls in {spec}:
        if name not in namespace:
            answers[name] = {{"status": "missing"}}
            continue
        value = namespace[name]
        if value is Ellipsis or value is None:
            answers[name] = {{"status": "unanswered"}}
            continue
        try:
            if kind == "function":
                if not callable(value):
                    raise TypeError("expected a function, got %s" % type(value).__name__)
                outputs = []
                for args in calls:
                    try:
                        outputs.append({{"value": encode(value(*[argument(a) for a in args]))}})
                    except Exception as err:
                        outputs.append({{"error": ("%s: %s" % (type(err).__name__, err))[:300]}})
                answers[name] = {{"status": "ok", "calls": outputs}}
            else:
                answers[name] = {{"status": "ok", "value": encode(value)}}
        except Exception as err:
            answers[name] = {{"status": "invalid", "error": ("%s: %s" % (type(err).__name__, err))[:300]}}
    _display({{"{mime}": {{"exercise": "{label}", "answers": answers}}}}, raw=True)
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        raise RuntimeError("{label} is judged outside the kernel by the grader plugin of the book's coursework; "
                           "run nbgrader autograde with the course's nbgrader_config.py")


_lrnn_hidden_test()
del _lrnn_hidden_test'''


def load_hidden_tests(path: str | Path) -> dict[str, HiddenTest]:
    """Import the hidden tests from their folder (a package whose ``TESTS`` maps labels to :class:`HiddenTest`).

    Parameters
    ----------
    path : path
        The folder, e.g. ``coursework/hidden_tests`` of the book's repository.

    Returns
    -------
    dict
        Exercise label → hidden test.

    Raises
    ------
    ValueError
        If the folder has no ``__init__.py`` or it defines no ``TESTS`` mapping.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    init = Path(path) / "__init__.py"
    if not init.is_file():
        raise ValueError(f"path must be a folder of hidden tests with an __init__.py, got {path}")
    name = "_lrnn_hidden_tests_" + format(abs(hash(str(init.resolve()))), "x")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(init.parent)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    tests = getattr(sys.modules[name], "TESTS", None)
    if not isinstance(tests, dict) or not all(isinstance(t, HiddenTest) for t in tests.values()):
        raise ValueError(f"{init} must define TESTS, a dict of exercise label -> HiddenTest")
    return tests
