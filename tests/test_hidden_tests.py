"""The autograder's hidden tests (coursework/hidden_tests): full marks on independently computed answers, zero on
wrong, unanswered and ill-typed ones, the same verdicts as the formative self-checks, and bindings that exist in
the chapters' solutions.

The answers are reported the way a test cell reports them in the student's kernel: the reporting code of each test
(``HiddenTest.report_source``) runs here in a namespace holding the answers, and its report is judged.
"""

from __future__ import annotations

import ast
import builtins
import math

import jupytext
import numpy as np
import pytest
from test_checks import REFS, ROOT, _numbers, _perturbations, _reveals

from lrnn import checks
from lrnn.coursework import load_hidden_tests, parse_chapter
from lrnn.coursework.hidden import MIME, Answer, HiddenTest

TESTS = load_hidden_tests(ROOT / "coursework" / "hidden_tests")


def _report(test: HiddenTest, answers: dict, monkeypatch) -> dict:
    """Run the test's reporting code on ``answers`` (as a kernel would) and return its report."""
    shown = []
    import IPython.display
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    namespace = dict(answers)
    exec(compile(test.report_source(), f"<hidden test {test.label}>", "exec"), namespace)
    assert len(shown) == 1 and MIME in shown[0]
    assert "_lrnn_hidden_test" not in namespace, "the reporting code leaves nothing behind"
    return shown[0][MIME]


def _score(test, answers, monkeypatch):
    parts = test.judge(_report(test, answers, monkeypatch))
    return sum(p.earned for p in parts), parts


def test_every_self_checked_exercise_has_a_hidden_test_with_the_same_answers():
    assert sorted(TESTS) == checks.labels()
    for label, test in TESTS.items():
        assert [a.name for a in test.answers] == [a.name for a in checks.get(label).answers], label
        assert test.points > 0 and all(p.points > 0 for p in test.parts)


@pytest.mark.parametrize("label", sorted(TESTS))
def test_full_marks_on_the_reference_answers(label, monkeypatch):
    test = TESTS[label]
    score, parts = _score(test, REFS[label], monkeypatch)
    assert score == test.points, [(p.part, p.message) for p in parts]


@pytest.mark.parametrize("label", sorted(TESTS))
def test_wrong_answers_lose_points_and_agree_with_the_self_check(label, monkeypatch):
    test = TESTS[label]
    for name, wrong in _perturbations(REFS[label]):
        score, parts = _score(test, wrong, monkeypatch)
        assert score < test.points, f"{label}: a wrong `{name}` kept full marks"
        failed = [p for p in parts if not p.passed]
        assert all(len(p.message) > 20 for p in failed)
        assert not any(_reveals(p.message, _numbers(REFS[label])) for p in failed), [p.message for p in failed]
        assert checks.get(label).function(**wrong).passed is False       # the formative check agrees


@pytest.mark.parametrize("label", sorted(TESTS))
def test_unanswered_missing_and_ill_typed_answers_score_zero(label, monkeypatch):
    test = TESTS[label]
    first = test.answers[0].name
    score, parts = _score(test, {a.name: ... for a in test.answers}, monkeypatch)
    assert score == 0 and all("not answered" in p.message for p in parts)
    score, parts = _score(test, {}, monkeypatch)
    assert score == 0 and any(f"`{first}` is not defined" in p.message for p in parts)
    bad = dict(REFS[label])
    bad[first] = "forty-two"
    score, parts = _score(test, bad, monkeypatch)
    assert score < test.points and any(f"`{first}`" in p.message for p in parts if not p.passed)
    assert test.judge(None) and sum(p.earned for p in test.judge(None)) == 0     # no report at all


def test_function_answers_are_evaluated_in_the_kernel_and_errors_reported(monkeypatch):
    test = TESTS["ex-c4-gradient"]

    def broken(w, a):
        raise ZeroDivisionError("oops")
    score, parts = _score(test, {"grad_w": broken}, monkeypatch)
    assert score == 0 and "ZeroDivisionError: oops" in parts[0].message
    score, parts = _score(test, {"grad_w": 3.0}, monkeypatch)
    assert score == 0 and "expected a function" in parts[0].message
    score, parts = _score(test, {"grad_w": lambda w, a: np.zeros(2)}, monkeypatch)
    assert score == 0 and "one derivative per unit" in parts[0].message
    report = _report(test, {"grad_w": lambda w, a: np.zeros(3)}, monkeypatch)
    assert len(report["answers"]["grad_w"]["calls"]) == 3                       # three hidden test points


def test_reports_encode_special_values(monkeypatch):
    jump = TESTS["ex-c5-jump"]
    answers = dict(REFS["ex-c5-jump"])
    report = _report(jump, answers, monkeypatch)
    assert report["answers"]["E_at"]["value"]["data"] == ["inf"]
    score, parts = _score(jump, {**answers, "E_at": float("nan")}, monkeypatch)
    assert [p.part for p in parts if not p.passed] == ["E_at"]
    report = _report(TESTS["ex-c2-muntz"], {"errors": np.zeros(10 ** 6), "dense": np.bool_(True)}, monkeypatch)
    assert report["answers"]["errors"]["status"] == "invalid" and "too many" in report["answers"]["errors"]["error"]
    assert report["answers"]["dense"]["value"] == {"bool": True}


def test_the_reporting_code_fails_closed_under_autograde(monkeypatch):
    test = TESTS["ex-c1-vector"]
    import IPython.display
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: None)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(RuntimeError, match="judged outside the kernel"):
        exec(test.report_source(), {"operator_norm": 1.5})
    assert "1.5" not in test.report_source()                  # no reference value in the kernel


def test_declarations_are_checked(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        Answer("x", "matrix")
    with pytest.raises(ValueError, match="calls"):
        Answer("f", "function")
    with pytest.raises(ValueError, match="identifier"):
        Answer("not a name", "number")
    with pytest.raises(ValueError, match="distinct"):
        HiddenTest("ex-x", [Answer("a", "number"), Answer("a", "number")])
    with pytest.raises(ValueError, match="points"):
        HiddenTest("ex-x", [Answer("a", "number")]).part("a", points=0)
    with pytest.raises(ValueError, match="hidden tests"):
        load_hidden_tests(tmp_path)                                      # no __init__.py
    (tmp_path / "__init__.py").write_text("TESTS = [1]\n")
    with pytest.raises(ValueError, match="TESTS"):
        load_hidden_tests(tmp_path)
    with pytest.raises(TypeError, match="path"):
        load_hidden_tests(3)


def _assigned_names(md) -> set[str]:
    """Every name a chapter's code binds (assignments, loop targets, imports, defs)."""
    names = set()
    for cell in jupytext.read(md).cells:
        if cell.cell_type != "code":
            continue
        src = "\n".join(line for line in cell.source.split("\n") if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


@pytest.mark.parametrize("label", sorted(TESTS))
def test_bindings_use_names_the_chapter_defines(label):
    """The instructor source binds each answer from the chapter's solution: those names must exist there."""
    md = next(md for md in sorted((ROOT / "chapters").glob("*.md"))
              if label in {ex.label for ex in parse_chapter(md).exercises})
    defined = _assigned_names(md) | set(dir(builtins))
    for answer in TESTS[label].answers:
        if answer.binding in ("", answer.name):
            assert answer.name in defined, f"{label}: the solution does not define {answer.name}"
            continue
        tree = ast.parse(answer.binding, mode="eval")
        bound = {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound
        assert used <= defined, f"{label}: {answer.name} = {answer.binding} uses undefined {used - defined}"


def test_references_are_independent_of_the_self_checks():
    """The hidden tests compute their references themselves (closed forms, mpmath, scipy), not with lrnn.checks."""
    for path in (ROOT / "coursework" / "hidden_tests").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert all(m == "lrnn.coursework.hidden" or not m.startswith("lrnn") for m in imported), (path.name,
                                                                                                  imported)
    assert math.isclose(TESTS["ex-c3-exponential-rate"].points, 1.0)
