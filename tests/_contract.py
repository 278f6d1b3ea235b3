"""The boundary contract of ``lrnn``, checked with Hypothesis: one line per public function.

Every public function promises that whatever it is given, it

* returns a **finite** result (every number in what it returns is finite), or
* raises a ``ValueError`` or ``TypeError`` **from lrnn's own code** (not from inside NumPy/SciPy) whose message
  **names the argument** that was wrong,

and that it does so **within a time bound**, without a ``RuntimeWarning`` (a silent overflow or NaN on the way)
and without running out of memory. :func:`check_contract` checks this by varying **one argument at a time** of a
valid call through the bad and extreme values of its kind — NaN, ±inf, 0, negatives, 1e±300, subnormals, empty
and misshapen arrays, complex numbers, strings, ``None``, bools, sizes of 10¹² and 2⁶³, bad seeds, the zero
kernel, non-Hurwitz and nearly imaginary eigenvalues — as Hypothesis explicit examples (always run) plus drawn
values (``st.floats()``, integers, arrays of any floats). A new function is covered by one line::

    from _contract import Contract

    CASES = [
        Contract(lrnn.respond, dict(system=kernels.Exponential(1.0), x=np.ones(8), dt=0.1)),
        Contract(kernels.PowerLaw, dict(omega=0.5, weight=1.0)),
        Contract(lambda **kw: model.kernel(**kw), dict(t=[0.0, 1.0]), name="LinearRNN.kernel"),
    ]

    @pytest.mark.parametrize("contract", CASES, ids=str)
    def test_contract(contract):
        contract.check()

The kind of each argument (and so its bad values) is inferred from the valid value: a float is ``"real"``, an
int ``"size"``, a bool ``"bool"``, a string ``"choice"``, an array or list ``"array"``, a square 2-D array
``"matrix"``, a 2-tuple of numbers ``"pair"``, a kernel ``"kernel"``, a model ``"model"``, a Generator
``"seed"``; override with ``kinds={"seed": "seed"}``. ``extra={"name": [...]}`` adds values,
``skip=("name",)`` leaves an argument alone, ``aliases={"name": ("other",)}`` accepts messages that name the
argument by another word (say, a keyword alias).

Guards: a ``setitimer`` alarm stops a call after ``time_bound`` seconds (Python-level hang), a
:mod:`faulthandler` watchdog kills the process with a traceback after three times that (a hang inside C code),
and the address space is limited to the current size plus ``memory_headroom`` bytes during the call, so that a
request for terabytes fails as ``MemoryError`` (a contract violation) instead of starving the machine.

Depth: by default each argument gets its explicit catalogue plus ``LRNN_CONTRACT_EXAMPLES_DEFAULT`` (8) drawn
values with a fixed Hypothesis seed (reproducible); ``LRNN_CONTRACT_EXAMPLES=N`` draws N random values per
argument instead (deeper runs, new examples each time).
"""

from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import math
import numbers
import os
import re
import resource
import signal
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lrnn
from lrnn import kernels as K

LRNN_DIR = Path(lrnn.__file__).resolve().parent
# Hypothesis keeps a cache directory; keep it out of the working tree (examples are not stored: database=None).
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "lrnn-hypothesis"))
_DEFAULT_EXAMPLES = 8
_DEEP = int(os.environ.get("LRNN_CONTRACT_EXAMPLES", "0") or 0)


class ContractViolation(AssertionError):
    """A call that broke the contract (the message says which argument, which value and what happened)."""


class _Timeout(BaseException):
    """Raised by the alarm inside a call that exceeded its time bound (BaseException: not swallowed by lrnn)."""


# ----------------------------------------------------------------------------- the catalogue of bad values
def _zero_kernel():
    return 0.0 * K.Exponential(1.0)


def _built(*makers) -> list:
    """The values the makers build; a maker that raises (a value its constructor refuses) is left out."""
    out = []
    for make in makers:
        try:
            out.append(make())
        except (ValueError, TypeError):
            pass
    return out


def _bad_kernels() -> list:
    return [None, "kernel", 1.0, np.ones(3), np.exp] + _built(
        _zero_kernel, lambda: 0.0 * K.PowerLaw(0.5), lambda: K.Exponential(1.0) - K.Exponential(1.0),
        lambda: K.Exponential(1e-300), lambda: K.Exponential(1e300), lambda: K.Exponential(1.0, 1e300),
        lambda: K.Exponential(1.0, 5e-324), lambda: K.Exponential(5e-324),
        lambda: K.ExponentialSum([1.0, 2.0], [1e300, -1e300]), lambda: K.ExponentialSum([1e-300, 1.0], [1.0, -1.0]),
        lambda: K.PowerLaw(1e-300), lambda: K.PowerLaw(1e300), lambda: K.PowerLaw(0.5, 1e300),
        lambda: K.Delayed(1e300), lambda: K.Delayed(0.0, 1e-300), lambda: K.Delayed(1.0, 1e300),
        lambda: K.DampedOscillation(1e-14, 1.0), lambda: K.DampedOscillation(1.0, 1e300),
        lambda: K.Airy(5000.0), lambda: K.Airy(1.0, 1e-300), lambda: K.Airy(0.0, 1e300),
        lambda: K.RampExponential(50.0, 1e-3), lambda: K.RampExponential(1e-300, 1e300, 1e300),
        lambda: lrnn.LinearRNN([[-1e-14, 1.0], [-1.0, -1e-14]], [1.0, 0.0], [1.0, 0.0]),
        lambda: lrnn.LinearRNN(-np.eye(2), np.ones((2, 3)), np.ones(2)),
    )


def _bad_models() -> list:
    return [None, "model", 1.0, np.ones((2, 2)), K.PowerLaw(0.5)] + _built(
        lambda: lrnn.LinearRNN([[-1e-14, 1.0], [-1.0, -1e-14]], [1.0, 0.0], [1.0, 0.0]),     # nearly imaginary
        lambda: lrnn.LinearRNN([[-1e-300]], [1.0], [1.0]),
        lambda: lrnn.LinearRNN([[-1e300]], [1.0], [1.0]),
        lambda: lrnn.LinearRNN([[-1.0, 1e8], [0.0, -1.0]], [1.0, 1.0], [1.0, 1.0]),          # strongly non-normal
        lambda: lrnn.LinearRNN([[-1.0, 1.0], [0.0, -1.0]], [0.0, 1.0], [1.0, 0.0]),          # a Jordan block
        lambda: lrnn.LinearRNN([[-1e40, 1.0], [0.0, -1.0]], [1.0, 1.0], [1.0, 1.0]),         # stiff
        lambda: lrnn.LinearRNN.diagonal([1e-300, 1e300], [1e300, -1e300]),
        lambda: lrnn.LinearRNN(-np.eye(2), np.ones((2, 3)), np.ones(2)),                    # vector input
    )


def _matrices(shape) -> list:
    m = shape[0] if len(shape) == 2 and shape[0] == shape[1] and shape[0] >= 2 else 2

    def embed(block):
        W = -np.eye(m)
        W[:2, :2] = block
        return W

    return [
        embed([[0.0, 1.0], [-1.0, 0.0]]),           # imaginary eigenvalues: not Hurwitz
        embed([[-1e-14, 1.0], [-1.0, -1e-14]]),     # nearly imaginary: Hurwitz, barely
        embed([[1.0, 0.0], [0.0, -1.0]]),           # unstable
        embed([[-1.0, 1.0], [0.0, -1.0]]),          # Jordan block
        embed([[-1.0, 1e8], [0.0, -1.0]]),          # non-normal
        -1e300 * np.eye(m), 1e300 * np.eye(m), -1e-300 * np.eye(m), -5e-324 * np.eye(m),
        np.full((m, m), np.nan), np.ones((m, m + 1)), np.ones(m), np.ones((m, m, 1)), np.empty((0, 0)),
        np.eye(m, dtype=bool), np.eye(m) * (1 + 1j), [["-1"] * m] * m, None,
    ]


def _arrays(shape) -> list:
    shape = tuple(shape) or (1,)
    ones = np.ones(shape)
    out = [
        [], np.empty(0), np.empty((0, 3)), [[]], [np.nan], [np.inf], [-np.inf], ["1.0"], [True, False], [1 + 1j],
        np.ones((2, 2, 2)), None, "abc", 1.0, np.array([[1.0, 2.0], [3.0]], dtype=object),
        1e300 * ones, -1e300 * ones, 5e-324 * ones, 1e-300 * ones, -ones, 0.0 * ones, np.full(shape, np.nan),
        np.full(shape, np.inf), ones.astype(bool), ones.astype(complex), ones.astype(str), ones[..., None],
        ones.ravel()[:-1] if ones.size > 1 else np.ones(2), np.ones(shape[:-1] + (shape[-1] + 1,)),
    ]
    if len(shape) == 2:
        out.append(ones.T if shape[0] != shape[1] else np.ones(shape[0]))
    return out


CATALOGUE: dict[str, Callable[[object], list]] = {
    "real": lambda v: [np.nan, np.inf, -np.inf, 0.0, -0.0, -1.0, 1e-300, 5e-324, -5e-324, 1e300, -1e300,
                       True, "1.0", None, 1 + 1j, np.array([1.0, 2.0]), 10**400, np.float32("nan"), []],
    "size": lambda v: [0, -1, 10**12, 2**63, 2**64 + 1, -(2**63), 1.5, 2.0, True, None, "3", np.nan, np.inf,
                       np.int64(2**62), []],
    "bool": lambda v: ["no", "yes", 0, 1, None, np.nan, 2, [True]],
    "seed": lambda v: [-1, 1.5, "a", np.nan, None, True, 2**64, [1, 2], np.int64(-5), object()],
    "choice": lambda v: ["", "nonsense", None, 1, b"x", str(v).upper() if isinstance(v, str) else "X", [v]],
    "pair": lambda v: [(np.nan, 1.0), (1.0, 0.0), (1.0,), (1.0, 2.0, 3.0), "12", None, (True, 1.0),
                       (1e300, 1e300), [-1.0, 1.0], np.array([[1.0, 2.0]]), (0.0, 0.0), (1.0, np.inf)],
    "kernel": lambda v: _bad_kernels(),
    "model": lambda v: _bad_models(),
    "system": lambda v: _bad_kernels() + _bad_models()[5:],  # kernels and models, without repeating the junk
    "array": lambda v: _arrays(np.shape(v)),
    "matrix": lambda v: _matrices(np.shape(v)),
}


def _drawn(kind: str, valid) -> st.SearchStrategy:
    """Random values of the argument's kind (beyond the catalogue)."""
    if kind == "real":
        return st.floats() | st.integers(-(2**70), 2**70)
    if kind == "size":
        return st.integers(-(2**65), 2**65) | st.floats()
    if kind in ("array", "matrix"):
        shape = np.shape(valid) or (1,)
        return hnp.arrays(np.float64, shape, elements=st.floats(width=64))
    if kind == "pair":
        return st.tuples(st.floats(), st.floats())
    if kind == "seed":
        return st.integers(-(2**70), 2**70) | st.floats()
    return st.nothing()


def infer_kind(value) -> str | None:
    """The catalogue kind of a valid argument value (None: leave the argument alone)."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, np.random.Generator):
        return "seed"
    if isinstance(value, (numbers.Integral, np.integer)):
        return "size"
    if isinstance(value, (numbers.Real, np.floating)):
        return "real"
    if isinstance(value, str):
        return "choice"
    if isinstance(value, lrnn.LinearRNN):
        return "model"
    if isinstance(value, K.Kernel):
        return "kernel"
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(x, numbers.Real) for x in value):
        return "pair"
    if isinstance(value, (np.ndarray, list, tuple)):
        arr = np.asarray(value)
        if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and arr.shape[0] >= 2:
            return "matrix"
        return "array"
    return None


# ----------------------------------------------------------------------------- one guarded call
def _is_finite(obj, depth: int = 0) -> bool:
    """Every number in ``obj`` is finite (arrays, scalars, tuples, dicts, dataclasses, models)."""
    if depth > 6 or obj is None or isinstance(obj, (str, bytes, bool, np.bool_, type)) or callable(obj) \
            and not isinstance(obj, (lrnn.LinearRNN, np.ndarray)):
        return True
    if isinstance(obj, lrnn.LinearRNN):
        return all(_is_finite(np.asarray(x)) for x in (obj.W, obj.U, obj.c))
    if isinstance(obj, (np.number, float, int)):
        return bool(np.all(np.isfinite(obj)))
    if isinstance(obj, numbers.Number):  # mpmath numbers, Fractions, ...
        try:
            z = complex(obj)
        except (TypeError, ValueError, OverflowError):
            return False
        return math.isfinite(z.real) and math.isfinite(z.imag)
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc":
            return bool(np.all(np.isfinite(obj)))
        if obj.dtype.kind == "O":
            return all(_is_finite(x, depth + 1) for x in obj.ravel()[:1000])
        return True
    if isinstance(obj, dict):
        return all(_is_finite(v, depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_is_finite(v, depth + 1) for v in obj[:1000])
    if dataclasses.is_dataclass(obj):
        return all(_is_finite(getattr(obj, f.name), depth + 1) for f in dataclasses.fields(obj)
                   if not f.name.startswith("_"))
    return True


def _raised_in_lrnn(exc: BaseException) -> bool:
    """The exception was raised by a line of lrnn's own code (its innermost frame is in the package)."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    return Path(last.tb_frame.f_code.co_filename).resolve().is_relative_to(LRNN_DIR)


def _address_space() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def _guarded(time_bound: float, memory_headroom: int | None):
    """Alarm after ``time_bound`` s, watchdog after 3×, address space limited to now + ``memory_headroom``."""

    def on_alarm(signum, frame):
        raise _Timeout()

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    if memory_headroom is not None:
        soft = _address_space() + int(memory_headroom)
        hard = old_limit[1]
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    faulthandler.dump_traceback_later(3.0 * time_bound + 5.0, exit=True)
    signal.setitimer(signal.ITIMER_REAL, time_bound)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        faulthandler.cancel_dump_traceback_later()
        resource.setrlimit(resource.RLIMIT_AS, old_limit)
        signal.signal(signal.SIGALRM, old_handler)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def call_once(func: Callable, kwargs: dict, name: str, names: Iterable[str], *, time_bound: float = 20.0,
              memory_headroom: int | None = 3 * 2**30) -> str | None:
    """Call ``func(**kwargs)`` under the guards; return None if the contract holds, else what went wrong."""
    pattern = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z0-9_])")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            warnings.filterwarnings("error", category=Warning, module=r"scipy\.integrate.*")
            with _guarded(time_bound, memory_headroom):
                result = func(**kwargs)
    except _Timeout:
        return f"no answer within {time_bound:g} s (a hang or unbounded work)"
    except (ValueError, TypeError) as exc:
        if not _raised_in_lrnn(exc):
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            return (f"{type(exc).__name__} raised inside a dependency ({frame.filename}:{frame.lineno}), "
                    f"not by lrnn's validation: {exc}")
        if not pattern.search(str(exc)):
            return f"{type(exc).__name__} whose message does not name {name!r}: {exc}"
        return None
    except MemoryError as exc:
        return f"MemoryError (work not bounded by the size limits): {exc}"
    except Exception as exc:  # noqa: BLE001 - every other exception breaks the contract
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return f"{type(exc).__name__} at {frame.filename}:{frame.lineno}: {exc}"
    if not _is_finite(result):
        return f"a non-finite result: {_short(result)}"
    return None


# ----------------------------------------------------------------------------- the property test
@dataclasses.dataclass
class Contract:
    """A valid call of ``func`` and how to vary it (see the module docstring)."""

    func: Callable
    valid: dict
    kinds: dict = dataclasses.field(default_factory=dict)
    extra: dict = dataclasses.field(default_factory=dict)
    skip: tuple = ()
    aliases: dict = dataclasses.field(default_factory=dict)
    time_bound: float = 20.0
    examples: int | None = None
    memory_headroom: int | None = 3 * 2**30
    name: str | None = None

    def __str__(self) -> str:
        if self.name:
            return self.name
        f = self.func
        return f"{getattr(f, '__module__', '')}.{getattr(f, '__qualname__', repr(f))}".lstrip(".")

    def check(self) -> None:
        check_contract(self.func, self.valid, kinds=self.kinds, extra=self.extra, skip=self.skip,
                       aliases=self.aliases, time_bound=self.time_bound, examples=self.examples,
                       memory_headroom=self.memory_headroom, label=str(self))


def check_contract(func: Callable, valid: dict, *, kinds: dict | None = None, extra: dict | None = None,
                   skip: Iterable[str] = (), aliases: dict | None = None, time_bound: float = 20.0,
                   examples: int | None = None, memory_headroom: int | None = 3 * 2**30,
                   label: str | None = None) -> None:
    """Check the contract of ``func`` around the valid call ``func(**valid)``, one argument at a time.

    Raises :class:`ContractViolation` listing every (argument, value, outcome) that broke it.
    """
    kinds, extra, aliases = dict(kinds or {}), dict(extra or {}), dict(aliases or {})
    label = label or getattr(func, "__qualname__", repr(func))
    problem = call_once(func, dict(valid), "(valid call)", ["(valid call)"], time_bound=time_bound,
                        memory_headroom=memory_headroom)
    if problem is not None:
        raise ContractViolation(f"{label}: the valid call itself fails: {problem}")
    failures: list[str] = []
    n_drawn = _DEEP or (_DEFAULT_EXAMPLES if examples is None else examples)
    for name, value in valid.items():
        if name in skip:
            continue
        kind = kinds.get(name) or infer_kind(value)
        if kind is None:
            continue
        explicit = list(CATALOGUE[kind](value)) + list(extra.get(name, []))
        names = (name, *aliases.get(name, ()))

        def run(v, name=name, names=names, kind=kind):
            kwargs = dict(valid)
            kwargs[name] = v
            if kind in ("kernel", "model", "system") and isinstance(v, (K.Kernel, lrnn.LinearRNN)):
                # a kernel or model that is valid but beyond what a method supports may be named by its class
                names = names + tuple(set(re.findall(r"[A-Z][A-Za-z]+(?=\()", repr(v))))
            problem = call_once(func, kwargs, name, names, time_bound=time_bound, memory_headroom=memory_headroom)
            if problem is not None:
                failures.append(f"  {name}={_short(v)}: {problem}")

        drawn = _drawn(kind, value)
        if drawn.is_empty:
            for v in explicit:
                run(v)
            continue

        @settings(max_examples=max(n_drawn, 1), deadline=None, database=None, derandomize=not _DEEP,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                  report_multiple_bugs=False)
        @given(v=drawn)
        def prop(v):
            run(v)

        for v in explicit:
            prop = example(v=v)(prop)
        prop()
    if failures:
        unique = list(dict.fromkeys(failures))
        raise ContractViolation(f"{label}: {len(unique)} contract violation(s):\n" + "\n".join(unique[:40]))


def _self_test() -> None:  # pragma: no cover - a manual smoke test: python tests/_contract.py
    check_contract(lrnn.respond, dict(system=K.Exponential(1.0), x=np.ones(8), dt=0.1))
    print("ok")


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).parent))
    _self_test()
