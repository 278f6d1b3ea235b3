"""The boundary contract (tests/_contract.py) for the core of lrnn: kernels, models, responses, distances.

One line per public function or method; the harness varies each argument alone through bad and extreme values and
asserts a finite answer or a clear ValueError/TypeError naming the argument, in bounded time and memory.
"""

import time

import numpy as np
import pytest
from _contract import Contract, ContractViolation, call_once, check_contract

from lrnn import _validation as V


# ----------------------------------------------------------------------------- the harness itself can fail
def _good(x: float = 1.0, n: int = 3):
    x = V.as_real_scalar("x", x, positive=True)
    n = V.as_size("n", n, limit=100, why="a test limit")
    return np.full(n, 2.0 * x) if x < 1e300 else np.full(n, x)


def test_harness_accepts_a_function_that_keeps_the_contract():
    check_contract(_good, dict(x=1.0, n=3))


@pytest.mark.parametrize("bad, expected", [
    (lambda x=1.0: np.log(x - 1.0 + 1.0) * 0.0 + float(x) / 0.0 if x == 0 else float(x), "non-finite|ZeroDivision"),
    (lambda x=1.0: [1.0, 2.0][int(x)] if np.isfinite(x) else 0.0, "IndexError|non-finite|OverflowError"),
    (lambda x=1.0: V.as_real_scalar("y", x), "does not name 'x'"),
    (lambda x=1.0: np.sqrt(np.float64(-abs(x)) if x != 1.0 else 1.0), "RuntimeWarning|non-finite"),
    (lambda x=1.0: np.ones(2) * float(x), "non-finite"),
])
def test_harness_reports_violations(bad, expected):
    with pytest.raises(ContractViolation, match=expected):
        check_contract(bad, dict(x=1.0), kinds={"x": "real"})


def test_harness_stops_hangs_and_memory_blowups():
    def hang(x=1.0):
        while x == x:
            pass

    t0 = time.perf_counter()
    assert "no answer within" in call_once(hang, dict(x=1.0), "x", ["x"], time_bound=0.5)
    assert time.perf_counter() - t0 < 5.0
    huge = call_once(lambda n=1: np.ones((n, n)), dict(n=200_000), "n", ["n"], memory_headroom=2**30)
    assert huge is not None and "MemoryError" in huge
    deep = call_once(lambda x=1.0: np.linalg.inv(np.zeros((2, 2))), dict(x=1.0), "x", ["x"])
    assert "LinAlgError" in deep


def test_harness_requires_errors_from_lrnn_itself():
    out = call_once(lambda x=1.0: np.zeros(2).reshape(3), dict(x=1.0), "x", ["x"])
    assert out is not None and "inside a dependency" in out
