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


# ----------------------------------------------------------------------------- the core's public functions
import lrnn  # noqa: E402
from lrnn import kernels as K  # noqa: E402
from lrnn import signals  # noqa: E402
from lrnn.rnn import ModelKernel, as_kernel, diagonal_parameters  # noqa: E402

_KERNELS = {
    "exponential": K.Exponential(0.7, 2.0),
    "sum": K.ExponentialSum([0.3, 1.0, 4.0], [1.0, -2.0, 0.5]),
    "oscillation": K.DampedOscillation(0.5, 3.0, 1.5),
    "power": K.PowerLaw(0.5),
    "delayed": K.Delayed(4.0, 0.8, 1.3),
    "airy": K.Airy(3.0, 1.5),
    "ramp": K.RampExponential(1.5, 1.0),
    "mixed": K.Exponential(1.0) + 0.5 * K.Delayed(3.0, 0.5),
    "model": ModelKernel(lrnn.LinearRNN([[-1.0, 2.0], [-2.0, -1.0]], [1.0, 0.0], [1.0, 0.5])),
}
_MODEL = lrnn.LinearRNN([[-1.0, 0.5, 0.0], [0.0, -2.0, 1.0], [0.0, 0.0, -0.5]], [1.0, 0.0, 1.0], [1.0, -1.0, 0.5])
_VECTOR = lrnn.LinearRNN(-np.diag([0.5, 1.0, 3.0]), np.ones((3, 2)), [1.0, 2.0, -1.0])


def _method(obj, name):
    return lambda **kw: getattr(obj, name)(**kw)


CONSTRUCTORS = [
    Contract(K.Exponential, dict(rate=0.7, weight=2.0)),
    Contract(K.ExponentialSum, dict(rates=[0.3, 1.0, 4.0], weights=[1.0, -2.0, 0.5])),
    Contract(K.DampedOscillation, dict(rate=0.5, frequency=3.0, weight=1.5)),
    Contract(K.PowerLaw, dict(omega=0.5, weight=1.0)),
    Contract(K.Delayed, dict(lag=4.0, width=0.8, weight=1.3)),
    Contract(K.Airy, dict(lag=3.0, scale=1.5)),
    Contract(K.RampExponential, dict(power=1.5, rate=1.0, lag=1.0, weight=1.0)),
    Contract(K.Sum, dict(first=K.Exponential(1.0), second=K.PowerLaw(0.5))),
    Contract(K.Scaled, dict(factor=2.0, kernel=K.PowerLaw(0.5))),
    Contract(K.require_kernel, dict(obj=K.PowerLaw(0.5)), skip=("obj",)),
    Contract(lrnn.LinearRNN, dict(W=np.array([[-1.0, 0.5], [0.0, -2.0]]), U=[1.0, 1.0], c=[1.0, 0.0])),
    Contract(lrnn.LinearRNN.diagonal, dict(rates=[1.0, 3.0], weights=[2.0, -1.0])),
    Contract(ModelKernel, dict(model=_MODEL)),
    Contract(as_kernel, dict(obj=_MODEL), aliases={"obj": ("target",)}),
    Contract(diagonal_parameters, dict(model=lrnn.LinearRNN.diagonal([1.0, 2.0], [1.0, 1.0]))),
]

KERNEL_METHODS = [
    ("__call__", dict(t=[0.0, 0.5, 2.0])),
    ("norm", dict(p=2)),
    ("norm", dict(p=1)),
    ("laplace", dict(s=[0.5, 2.0])),
    ("laplace_pair", dict(s=[0.5, 2.0])),
    ("step_response", dict(t=[0.0, 1.0, 5.0])),
    ("cell_integrals", dict(dt=0.1, n=16)),
    ("integral", dict(a=[0.0, 1.0], b=[1.0, np.inf])),
    ("tail", dict(T=1.0, absolute=True)),
    ("horizon", dict(rtol=1e-10)),
    ("inner", dict(other=K.Exponential(1.0))),
    ("mp_laplace", dict(points=[0.5, 2.0], dps=30)),
    ("mp_norm_squared", dict(dps=30)),
]

MODEL_METHODS = [
    ("kernel", dict(t=[0.0, 0.5, 2.0])),
    ("step_response", dict(t=[0.0, 1.0])),
    ("cell_integrals", dict(dt=0.1, n=16)),
    ("transfer", dict(s=[0.5, 2.0])),
    ("laplace", dict(s=[0.5, 2.0])),
    ("norm", dict(p=1)),
    ("discretise", dict(dt=0.1)),
    ("recur", dict(x=np.ones((8, 1)), dt=0.1)),
    ("modes", dict(rtol=1e-8)),
]

FUNCTIONS = [
    Contract(lrnn.zoh_discretise, dict(W=np.array([[-1.0, 0.5], [0.0, -2.0]]), U=np.ones((2, 1)), dt=0.1)),
    Contract(lrnn.respond, dict(system=K.PowerLaw(0.5), x=np.ones(16), dt=0.1), kinds={"system": "system"}),
    Contract(lrnn.respond, dict(system=_VECTOR, x=np.ones((16, 2)), dt=0.1), name="respond(vector model)"),
    Contract(signals.causal_convolve, dict(K=np.ones((8, 1)), X=np.ones((8, 1)))),
    Contract(signals.white_noise, dict(n=16, dt=0.1, seed=3, dim=1), kinds={"seed": "seed"}),
    Contract(signals.step, dict(n=16, start=2, height=1.0)),
    Contract(signals.sinusoid, dict(n=16, dt=0.1, frequency=1.0, amplitude=1.0, phase=0.0)),
    Contract(signals.smooth_random, dict(n=16, dt=0.1, correlation_time=0.5, seed=0), kinds={"seed": "seed"}),
    Contract(signals.time_grid, dict(n=16, dt=0.1)),
    Contract(lrnn.distance, dict(a=K.PowerLaw(0.5), b=K.Exponential(1.0), p=2), kinds={"a": "system", "b": "system"}),
    Contract(lrnn.distance, dict(a=K.Delayed(2.0), b=_MODEL, p=1), kinds={"a": "system", "b": "system"},
             name="distance(p=1)"),
    Contract(lrnn.inner, dict(a=K.PowerLaw(0.5), b=K.Delayed(1.0)), kinds={"a": "system", "b": "system"}),
]

CASES = CONSTRUCTORS + FUNCTIONS + [
    Contract(_method(k, m), valid, name=f"{key}.{m}({', '.join(valid)})")
    for key, k in _KERNELS.items() for m, valid in KERNEL_METHODS
] + [
    Contract(_method(model, m), valid, name=f"LinearRNN[{label}].{m}({', '.join(valid)})")
    for label, model in (("dense", _MODEL), ("vector", _VECTOR)) for m, valid in MODEL_METHODS
    if not (label == "vector" and m == "recur")
] + [Contract(_method(_VECTOR, "recur"), dict(x=np.ones((8, 2)), dt=0.1), name="LinearRNN[vector].recur(x, dt)")]


@pytest.mark.parametrize("contract", CASES, ids=str)
def test_contract(contract):
    contract.check()
