"""The validation layer (lrnn._validation, lrnn._limits): what each check accepts, what it refuses, and how it says so."""

import fractions

import numpy as np
import pytest

from lrnn import _limits
from lrnn import _validation as V


# ----------------------------------------------------------------------------- scalars
@pytest.mark.parametrize("value, expected", [(1, 1.0), (2.5, 2.5), (np.float32(0.5), 0.5), (np.int64(3), 3.0),
                                             (np.array(4.0), 4.0), (fractions.Fraction(1, 4), 0.25)])
def test_real_scalar_accepts_real_numbers(value, expected):
    out = V.as_real_scalar("a", value)
    assert out == expected and type(out) is float


@pytest.mark.parametrize("value, exc, match", [
    (True, TypeError, "a must be a real number, got bool"),
    (np.bool_(False), TypeError, "a must be a real number"),
    ("1.0", TypeError, "a must be a real number, got str"),
    (None, TypeError, "a must be a real number, got NoneType"),
    (1 + 2j, TypeError, "a must be a real number, got the complex number"),
    (np.array([1.0, 2.0]), TypeError, r"a must be a real scalar, got an array of shape \(2,\)"),
    (np.array(True), TypeError, "a must be a real number, got an array of dtype bool"),
    (np.nan, ValueError, "a must be finite, got nan"),
    (np.inf, ValueError, "a must be finite, got inf"),
    (10**400, ValueError, "a must be finite, got inf"),
])
def test_real_scalar_refuses_non_reals(value, exc, match):
    with pytest.raises(exc, match=match):
        V.as_real_scalar("a", value)


def test_real_scalar_bounds():
    assert V.as_real_scalar("a", np.inf, allow_inf=True) == np.inf
    with pytest.raises(ValueError, match="a must be positive, got 0.0"):
        V.as_real_scalar("a", 0.0, positive=True)
    with pytest.raises(ValueError, match="a must be non-negative, got -1e-300"):
        V.as_real_scalar("a", -1e-300, nonnegative=True)
    with pytest.raises(ValueError, match="a must be at most 1"):
        V.as_real_scalar("a", 1.5, maximum=1)
    with pytest.raises(ValueError, match="a must be less than 1"):
        V.as_real_scalar("a", 1.0, below=1)
    with pytest.raises(ValueError, match="a must be greater than 0"):
        V.as_real_scalar("a", 0.0, above=0)
    assert V.as_real_scalar("a", 0.0, minimum=0, below=1) == 0.0


# ----------------------------------------------------------------------------- arrays
def test_real_array_accepts_numbers_and_copies():
    src = np.arange(3)
    out = V.as_real_array("x", src)
    assert out.dtype == np.float64 and np.array_equal(out, [0.0, 1.0, 2.0])
    out[0] = 7.0
    assert src[0] == 0  # a copy
    assert np.array_equal(V.as_real_array("x", [[1, 2.5], [3, 4]]), [[1.0, 2.5], [3.0, 4.0]])
    assert V.as_real_array("x", np.array([fractions.Fraction(1, 2)], dtype=object))[0] == 0.5
    assert V.as_real_array("x", 2.0).shape == ()


@pytest.mark.parametrize("value, exc, match", [
    (["1.0", "2.0"], TypeError, "x must be an array of real numbers, got an entry of type str"),
    (np.array(["1.0"]), TypeError, "got strings or bytes"),
    ([True, False], TypeError, "got an entry of type bool"),
    ([1.0, True], TypeError, "got an entry of type bool"),
    ([[1.0], [np.True_]], TypeError, "got an entry of type bool"),
    (np.array([True]), TypeError, "got booleans"),
    ([1 + 1j], TypeError, "got an entry of type complex"),
    (np.array([1.0 + 0j]), TypeError, "x must be real-valued"),
    (np.array([[1.0, 2.0], [3.0]], dtype=object), TypeError, "Python objects"),
    (np.array([None]), TypeError, "Python objects"),
    (None, TypeError, "x must be an array of real numbers, got NoneType"),
    ("abc", TypeError, "got str"),
    (True, TypeError, "got bool"),
    ([np.nan], ValueError, "x must contain only finite values"),
    ([1.0, -np.inf], ValueError, "x must contain only finite values"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "dates"),
])
def test_real_array_refuses_non_numbers(value, exc, match):
    with pytest.raises(exc, match=match):
        V.as_real_array("x", value)


def test_real_array_shapes():
    with pytest.raises(ValueError, match="x must be 1-D or 2-D, got shape"):
        V.as_real_array("x", np.ones((2, 2, 2)), ndim=(1, 2))
    with pytest.raises(ValueError, match=r"x must have shape \(any, 3\), got \(2, 2\)"):
        V.as_real_array("x", np.ones((2, 2)), shape=(None, 3))
    with pytest.raises(ValueError, match="x must not be empty"):
        V.as_real_array("x", [], nonempty=True)
    assert V.as_real_array("x", [np.inf], finite=False)[0] == np.inf
    with pytest.raises(ValueError, match="x must not contain NaN"):
        V.as_real_array("x", [np.nan], finite=False)


def test_times_laplace_points_and_norm_order():
    with pytest.raises(ValueError, match="t must be non-negative times"):
        V.as_times("t", [-1e-300])
    assert V.as_times("t", []).shape == (0,)
    with pytest.raises(ValueError, match="s must be positive"):
        V.as_laplace_points("s", [1.0, 0.0])
    assert V.as_norm_order(1) == 1 and V.as_norm_order(2.0) == 2 and V.as_norm_order(np.int64(2)) == 2
    for bad in (True, 3, np.inf, np.nan, "1", None, np.array([1, 2]), [1]):
        with pytest.raises(ValueError, match="p must be 1 or 2"):
            V.as_norm_order(bad)


# ----------------------------------------------------------------------------- integers and sizes
def test_integers_and_sizes():
    assert V.as_integer("n", np.int32(5)) == 5
    with pytest.raises(TypeError, match="n must be an integer, got the float 2.0"):
        V.as_integer("n", 2.0)
    with pytest.raises(TypeError, match="n must be an integer, got bool"):
        V.as_integer("n", True)
    with pytest.raises(TypeError, match="n must be an integer, got str"):
        V.as_integer("n", "3")
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        V.as_integer("n", 0)
    with pytest.raises(ValueError, match="n must be at most 9, got 10"):
        V.as_integer("n", 10, maximum=9)
    assert V.as_size("n", 2**20, limit=_limits.MAX_STEPS, why="the longest input") == 2**20
    with pytest.raises(ValueError, match=r"n must be at most 8388608 \(the longest input\), got 1000000000000"):
        V.as_size("n", 10**12, limit=_limits.MAX_STEPS, why="the longest input")
    with pytest.raises(ValueError, match="n must be at most"):
        V.as_size("n", 2**63, limit=_limits.MAX_STEPS, why="the longest input")
    V.check_table("t", 2**10, 2**10)
    with pytest.raises(ValueError, match=r"t is too large: 1000000 × 1000000 = .* 256 MiB"):
        V.check_table("t", 10**6, 10**6)


def test_limits_are_consistent():
    assert _limits.CHUNK_ENTRIES <= _limits.MAX_TABLE_ENTRIES
    assert _limits.MAX_STEPS * 8 <= 2**30          # one float64 input of the longest length fits in 64 MiB
    assert _limits.MAX_HIDDEN**2 <= _limits.MAX_TABLE_ENTRIES


# ----------------------------------------------------------------------------- flags, seeds, pairs, choices
def test_bool():
    assert V.as_bool("relative", np.True_) is True and V.as_bool("relative", False) is False
    for bad in ("no", "yes", 0, 1, None, np.nan, [True]):
        with pytest.raises(TypeError, match="relative must be True or False"):
            V.as_bool("relative", bad)


def test_seeds():
    g = np.random.default_rng(3)
    assert V.as_seed("seed", None) is None and V.as_seed("seed", g) is g and V.as_seed("seed", np.int64(4)) == 4
    assert V.as_seed("seed", 2**80) == 2**80
    assert V.as_rng("seed", g) is g
    assert V.as_rng("seed", 5).standard_normal() == np.random.default_rng(5).standard_normal()
    with pytest.raises(ValueError, match="seed must be a non-negative integer, got -1"):
        V.as_seed("seed", -1)
    for bad in (1.5, "a", np.nan, True, [1, 2], object()):
        with pytest.raises(TypeError, match="seed must be None, a non-negative integer or a numpy.random.Generator"):
            V.as_seed("seed", bad)


def test_pairs_and_choices():
    assert V.as_pair("betas", (0.9, np.float64(0.999)), minimum=0, below=1) == (0.9, 0.999)
    assert V.as_pair("rate_range", np.array([1.0, 2.0]), increasing=True, positive=True) == (1.0, 2.0)
    with pytest.raises(ValueError, match=r"betas\[0\] must be less than 1, got 1.0"):
        V.as_pair("betas", (1.0, 0.999), minimum=0, below=1)
    with pytest.raises(ValueError, match="rate_range must be an increasing pair"):
        V.as_pair("rate_range", (2.0, 1.0), increasing=True)
    with pytest.raises(ValueError, match="rate_range must be a pair .* got 3 entries"):
        V.as_pair("rate_range", (1.0, 2.0, 3.0))
    with pytest.raises(TypeError, match="rate_range must be a pair"):
        V.as_pair("rate_range", "12")
    with pytest.raises(TypeError, match=r"rate_range\[1\] must be a real number"):
        V.as_pair("rate_range", (1.0, None))
    with pytest.raises(ValueError, match=r"rate_range must be a pair .* shape \(1, 2\)"):
        V.as_pair("rate_range", np.array([[1.0, 2.0]]))
    assert V.as_choice("method", "gram", ("blaschke", "gram")) == "gram"
    for bad in ("Gram", "", None, 1):
        with pytest.raises(ValueError, match=r"method must be one of \('blaschke', 'gram'\)"):
            V.as_choice("method", bad, ("blaschke", "gram"))


# ----------------------------------------------------------------------------- model parameters and inputs
def test_rates_weights_and_inputs():
    r, w = V.as_rates_weights([1, 2], [3, 4])
    assert r.dtype == w.dtype == np.float64
    with pytest.raises(ValueError, match="rates must be positive"):
        V.as_rates_weights([1.0, 0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="weights must have the shape of rates"):
        V.as_rates_weights([1.0, 2.0], [1.0])
    with pytest.raises(TypeError, match="weights must be an array of real numbers"):
        V.as_rates_weights([1.0], ["1"])
    X = V.as_input(np.arange(4.0), 1)
    assert X.shape == (4, 1)
    with pytest.raises(ValueError, match=r"x must have shape \(T,\) or \(T, 2\)"):
        V.as_input(np.ones((4, 3)), 2)
    with pytest.raises(ValueError, match="x must contain at least one time step"):
        V.as_input(np.ones((0, 2)), 2)
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        V.as_input([True, False], 1)
