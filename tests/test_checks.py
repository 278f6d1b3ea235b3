"""lrnn.checks: every self-check passes on the reference answer and fails, with a hint, on wrong answers.

The reference answers here are computed by a second method, independent of the checks' own references (which use
quadrature, ODE solves and Lyapunov equations): closed forms, and lrnn's own solvers. ``tests/test_hidden_tests.py``
uses the same answers for the autograder's hidden tests.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest

import lrnn
from lrnn import approximation as approx
from lrnn import checks, kernels, memory, rates, reparam, training
from lrnn.coursework import parse_chapter

ROOT = Path(__file__).resolve().parents[1]


def _one_unit(laplace, norm2, bounds):
    from scipy import optimize
    res = optimize.minimize_scalar(lambda th: -2 * math.exp(th) * laplace(math.exp(th)) ** 2, bounds=bounds,
                                   method="bounded", options={"xatol": 1e-12})
    lam = math.exp(res.x)
    return lam, norm2 - 2 * lam * laplace(lam) ** 2


def _reference_answers():
    """Exercise label → keyword answers, by closed forms or lrnn (not by the checks' methods)."""
    refs = {}
    refs["ex-c1-two-by-two"] = dict(l1_norm=0.5, l2_norm=math.sqrt(1 / 12))
    r, u, d = 0.7, 1.3, 0.025
    refs["ex-c1-discretise"] = dict(A_zoh=math.exp(-r * d), B_zoh=u * -math.expm1(-r * d) / r)
    refs["ex-c1-vector"] = dict(operator_norm=1.5)
    refs["ex-c2-integrable"] = dict(l2_norm=math.sqrt(2 / (2 * 0.5) ** 3))
    rho = kernels.ExponentialSum([1.0, 3.0], [1.0, 1.0])
    one = lrnn.fit(rho, 1)
    refs["ex-c2-one-unit"] = dict(best_rate=-one.W[0, 0], l2_error=approx.l2_error(rho, one))
    refs["ex-c2-blaschke-two"] = dict(relative_error=(1.5 / 2.5) * (3 / 7))
    seq = lambda m: np.arange(1, m + 1) * np.log(np.arange(2, m + 2))
    refs["ex-c2-muntz"] = dict(errors=[approx.best_error(kernels.Exponential(0.37), seq(m)) for m in (10, 100, 1000)],
                               dense=True)
    pl = kernels.PowerLaw(0.5)
    lam, sq = _one_unit(lambda s: float(pl.laplace(s)), pl.norm(2) ** 2, (-6.0, 4.0))
    refs["ex-c3-one-term"] = dict(best_rate=lam, relative_error=math.sqrt(sq) / pl.norm(2))
    refs["ex-c3-exponential-rate"] = dict(constant=math.gamma(2.5) / abs(math.gamma(-0.5)))     # = 3/8
    refs["ex-c3-hankel-rank"] = dict(hsv=rates.hankel_singular_values(
        kernels.ExponentialSum([1.0, 3.0, 10.0], [1.0, -2.0, 0.5]), 4))
    osc = kernels.DampedOscillation(1.0, 2.0)
    refs["ex-c4-gradient"] = dict(grad_w=lambda w, a: training.loss_and_gradient(osc, w, a)[1])
    slow = kernels.Exponential(0.1)
    refs["ex-c4-barrier"] = dict(B=slow.norm(2) + math.sqrt(2 * training.white_noise_loss(slow, [1.0], [2.0])))
    refs["ex-c4-slope"] = dict(predicted_slope=3.0)
    w0s = np.linspace(0.15, 1.0, 6)
    refs["ex-c4-step"] = dict(w0s=w0s, eta_star=w0s / (1 / (w0s + 0.1) ** 2 - 1 / (4 * w0s ** 2)))
    W3 = np.array([[-1.0, 2.0, 0.0], [-2.0, -1.0, 0.0], [0.0, 0.0, -0.3]])
    dense = lrnn.LinearRNN(W3, np.array([1.0, 0.0, 1.0]), np.array([1.0, 1.0, -0.5]))
    ts = np.linspace(0.05, 10, 25)
    refs["ex-c5-dense"] = dict(ts=ts, M_dense=memory.memory_function(dense, ts))
    best = reparam.parameterisation("best", alpha=2.0, beta=0.5)
    refs["ex-c5-best"] = dict(f_best=best.forward, max_rate=best.max_rate)
    fit4 = lrnn.fit(pl, 4)
    r4 = float(np.min(-np.diag(fit4.W)))
    E = memory.perturbation_error(pl, fit4, [0.999 * r4, r4])
    refs["ex-c5-jump"] = dict(r_min=r4, E_below=E[0], E_at=E[1])
    fit2 = lrnn.fit(rho, 2)
    refs["ex-c5-eta"] = dict(eta_direct=reparam.stable_learning_rate(rho, fit2, "direct"),
                             eta_softplus=reparam.stable_learning_rate(rho, fit2, "softplus"))
    lam = np.array([0.5, 0.9, 0.99, 0.999])
    refs["ex-c5-sensitivity"] = dict(lam_e=lam, rel=1 / (1 - lam ** 2) ** 2, exponent=2, constant=0.25)
    return refs


REFS = _reference_answers()


def _perturbations(answers):
    """Wrong answers: each answer in turn made wrong (numbers by 1%, booleans flipped, functions scaled)."""
    out = []
    for name, value in answers.items():
        wrong = dict(answers)
        if isinstance(value, (bool, np.bool_)):
            wrong[name] = not value
        elif callable(value):
            wrong[name] = lambda *args, f=value: 1.01 * np.asarray(f(*args)) + 1e-3
        elif np.ndim(value) == 0 and math.isinf(value):
            wrong[name] = 1e6                # an infinite answer made finite
        elif np.ndim(value) == 0:
            wrong[name] = float(value) * 1.01 + 1e-3
        else:
            arr = np.array(value, dtype=float)
            arr[min(1, arr.size - 1)] *= 1.01
            arr[min(1, arr.size - 1)] += 1e-3
            if name == "w0s":            # moving a grid point makes eta_star wrong at that point
                arr = np.array(value, dtype=float)
                arr[2] += 0.05
            wrong[name] = arr
        out.append((name, wrong))
    return out


def _numbers(answers):
    vals = []
    for v in answers.values():
        if isinstance(v, (bool, np.bool_)) or callable(v):
            continue
        vals += [float(x) for x in np.ravel(v) if math.isfinite(float(x))]
    return vals


def _reveals(message: str, values) -> bool:
    """Whether a message shows any of the values to 3 significant digits or more."""
    shown = [float(x) for x in re.findall(r"\d+\.\d+(?:e[-+]?\d+)?", message)]
    return any(abs(s - v) <= 5e-3 * abs(v) and abs(v) > 0 for s in shown for v in values)


def test_every_check_has_a_reference_here():
    assert sorted(REFS) == checks.labels()


def test_every_check_names_an_exercise_of_a_chapter():
    labels = {ex.label for md in sorted((ROOT / "chapters").glob("*.md")) for ex in parse_chapter(md).exercises}
    missing = set(checks.labels()) - labels
    assert not missing, f"self-checks for exercises that no chapter states: {missing}"


@pytest.mark.parametrize("label", checks.labels())
def test_check_passes_on_the_reference_answer(label):
    chk = checks.get(label)
    result = chk.function(**REFS[label])
    assert isinstance(result, checks.CheckResult) and result.exercise == label
    assert result.passed, result.message
    assert "tolerance" in result.message


@pytest.mark.parametrize("label", checks.labels())
def test_check_fails_on_wrong_answers_with_a_hint_that_does_not_reveal(label):
    chk = checks.get(label)
    for name, wrong in _perturbations(REFS[label]):
        result = chk.function(**wrong)
        assert not result.passed, f"{label}: a wrong `{name}` passed"
        assert len(result.message) > 30 and ("Hint" in result.message or "hint" in result.message
                                             or "should" in result.message or "looks like" in result.message)
        assert not _reveals(result.message, _numbers(REFS[label])), (label, result.message)


@pytest.mark.parametrize("label", checks.labels())
def test_unanswered_stub_and_wrong_types_fail_naming_the_answer(label):
    chk = checks.get(label)
    first = chk.answers[0].name
    stub = {a.name: ... for a in chk.answers}
    result = chk.function(**stub)
    assert not result.passed and f"`{first}` is not answered" in result.message
    bad = dict(REFS[label])
    bad[first] = "forty-two"
    result = chk.function(**bad)
    assert not result.passed and f"`{first}`" in result.message
    result = chk.function()                         # forgotten arguments: a failure, not an exception
    assert not result.passed and first in result.message


def test_registry_sources_and_docstrings():
    for label in checks.labels():
        chk = checks.get(label)
        assert chk.function.__name__ == label.replace("-", "_")
        chapter = label.split("-")[1][1:]
        assert chk.function.__module__ == f"lrnn.checks.c{chapter}", "one module per chapter"
        assert chk.call_source().startswith(f"lrnn.checks.{chk.function.__name__}(")
        assert chk.stub_source().count("= ...") == len(chk.answers)
        assert "Tolerance" in chk.function.__doc__, f"{label}: state the tolerance in the docstring"
    assert checks.get("ex-does-not-exist") is None
    with pytest.raises(TypeError, match="label"):
        checks.get(3)


def test_the_package_holds_no_solution_and_no_literal_answer():
    """Nothing a student can import returns a solution: no solution bindings, no literal exact answers."""
    assert not hasattr(checks.ExerciseCheck, "solution_source")
    assert not any(hasattr(a, "solution") for label in checks.labels() for a in checks.get(label).answers)
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "lrnn" / "checks").glob("*.py"))
    for leak in ("2 * w0", "m2.norm", "pb2.", "eta_fast[", "E_pm[", "lam_star", "by_dets", "errs_klog",
                 "solution_source", "1 / 4"):
        assert leak not in sources, f"lrnn/checks contains {leak!r}"
    # the exact answers are compared by digest: the digest of a wrong value differs
    from lrnn.checks._core import digest
    assert digest("ex-c4-slope", "predicted_slope", "3.000000") != digest("ex-c4-slope", "predicted_slope",
                                                                         "2.000000")


def test_result_display():
    ok = checks.ex_c4_slope(predicted_slope=3.0)
    assert "PASSED" in str(ok) and bool(ok) and "correct" in ok._repr_html_()
    bad = checks.ex_c4_slope(predicted_slope=2.5)
    assert not bad and "NOT YET" in str(bad) and "not yet" in bad._repr_html_()
    with pytest.raises(AssertionError, match="ex-c4-slope"):
        bad.raise_if_failed()
    assert ok.raise_if_failed() is ok


def test_a_student_function_that_raises_fails_the_check():
    def broken(w, a):
        raise ZeroDivisionError("oops")
    result = checks.ex_c4_gradient(grad_w=broken)
    assert not result.passed and "ZeroDivisionError" in result.message
    result = checks.ex_c4_gradient(grad_w=3.0)
    assert not result.passed and "`grad_w` should be a function" in result.message


def test_chapter_5_checks_recognise_typical_mistakes():
    ref = REFS["ex-c5-dense"]
    ts, M = ref["ts"], ref["M_dense"]
    signed = np.exp(-ts) * (np.cos(2 * ts) - np.sin(2 * ts)) - 0.5 * np.exp(-0.3 * ts)     # ρ, not |ρ|
    assert np.allclose(np.abs(signed), M, atol=1e-7)
    result = checks.ex_c5_dense(ts=ts, M_dense=signed)
    assert not result.passed and "absolute value" in result.message
    result = checks.ex_c5_dense(ts=ts, M_dense=M[:-1])
    assert not result.passed and "one value per entry of `ts`" in result.message
    assert not checks.ex_c5_dense(ts=ts[:5], M_dense=M[:5]).passed                       # too few times

    def broken(v):
        raise ValueError("no")
    result = checks.ex_c5_best(f_best=broken, max_rate=2.0)
    assert not result.passed and "ValueError" in result.message
    result = checks.ex_c5_best(f_best=lambda v: 1 / (v ** 2 + 0.5), max_rate=2.0)       # α = 1, not 2
    assert not result.passed and "Hint" in result.message

    jump = dict(REFS["ex-c5-jump"])
    assert math.isinf(jump["E_at"]) and math.isfinite(jump["E_below"])
    result = checks.ex_c5_jump(**{**jump, "E_at": jump["E_below"]})
    assert not result.passed and "`E_at`" in result.message and "Hint" in result.message

    eta = REFS["ex-c5-eta"]
    result = checks.ex_c5_eta(eta_direct=eta["eta_direct"] / 2, eta_softplus=eta["eta_softplus"])
    assert not result.passed and "looks like" in result.message
    assert checks.ex_c5_eta(eta_direct=eta["eta_softplus"], eta_softplus=eta["eta_direct"]).passed is False

    sens = REFS["ex-c5-sensitivity"]
    lam = sens["lam_e"]
    no_cross = (1 + lam ** 2) / (1 - lam ** 2) ** 2         # the cross term dropped
    result = checks.ex_c5_sensitivity(**{**sens, "rel": no_cross})
    assert not result.passed and "cross term" in result.message
    for wrong in (dict(exponent=3), dict(constant=1.0), dict(lam_e=np.append(lam[:-1], 1.0))):
        result = checks.ex_c5_sensitivity(**{**sens, **wrong})
        assert not result.passed and not _reveals(result.message, [0.25, 2.0])
