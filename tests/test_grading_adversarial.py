"""Adversarial submissions, graded for real by nbgrader with the book's plugins: each scores what it should.

A small chapter (three autograded exercises of the book, worth 2 + 1 + 1 points, and one written exercise) is made
into an nbgrader course with ``lrnn.coursework.write_course``; nbgrader releases it; thirteen submissions built
from the release are collected and graded in **one** ``nbgrader autograde`` run, with a per-cell limit of 15 s,
a notebook limit of 30 s, and a broken ``python3`` kernelspec on the Jupyter path (the grader must use its own
kernel). Then ``generate_feedback`` and ``export`` run, and a second autograde after a submission tampered with the
grader's files refuses to grade. Expected scores (out of 4):

================  ===================================================================  =====
student           submission                                                           score
================  ===================================================================  =====
correct           the reference answers                                                4
blank             the release, untouched                                               0
wrong_raising     one answer wrong (1 of 2 parts right), one answer cell raises        2
sigint            a cell that ignores SIGINT and loops forever, between exercises      4
slow              cells that outlast the notebook's time limit before the last test    3
crash             a cell that kills the kernel, between exercises                      4
monkeypatch       wrong answers; self-checks patched, errors swallowed, fake report    0
edited            wrong answers; test cells rewritten to print "passed", points 100    0
deleted           one wrong answer whose test cell (and metadata) was deleted          3
duplicated        one right exercise whose test cell is repeated five times            2
stripped          the reference answers, every cell's nbgrader metadata removed        4
corrupt           a truncated file                                                     0
zz_tamper         the reference answers, and a cell that edits a grader file           0
================  ===================================================================  =====
"""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from _system import under_ci

try:
    import nbgrader  # noqa: F401
except ImportError:                                                  # pragma: no cover - depends on the machine
    _MESSAGE = "needs nbgrader (pip install -r requirements-coursework.txt; .ci/run installs it)"
    if under_ci():
        pytest.fail(_MESSAGE, pytrace=False)
    pytest.skip(_MESSAGE, allow_module_level=True)

from nbgrader.api import Gradebook  # noqa: E402

from lrnn.coursework import write_course  # noqa: E402
from lrnn.coursework.course import nbgrader  # noqa: E402
from lrnn.coursework.nbgrader_plugin import GRADE_KEY, _coursedir_for, exercise_rows  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

MINI = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---

    # A small chapter

    Three autograded exercises of the book and a written one.

    ```{code-cell} ipython3
    import math
    ```

    ## Exercises

    ````{exercise} Norms of a triangular RNN
    :label: ex-c1-two-by-two

    Compute the $L^1$ and $L^2$ norms of the kernel of $W=\\begin{pmatrix}-1&1\\\\0&-2\\end{pmatrix}$,
    $U=(0,1)^T$, $c=(1,0)^T$.
    ````

    ````{solution-start} ex-c1-two-by-two
    :class: dropdown
    ````

    The kernel is $e^{-t}-e^{-2t}$.

    ```{code-cell} ipython3
    import lrnn
    m2 = lrnn.LinearRNN([[-1.0, 1.0], [0.0, -2.0]], [0.0, 1.0], [1.0, 0.0])
    ```

    ````{solution-end}
    ````

    ````{exercise} A two-input model
    :label: ex-c1-vector

    The operator norm of $W=\\operatorname{diag}(-1,-2)$, $U=I_2$, $c=(1,-1)^T$.
    ````

    ````{solution-start} ex-c1-vector
    :class: dropdown
    ````

    The norm is $1 + 1/2$.

    ```{code-cell} ipython3
    import numpy as np
    vec = lrnn.LinearRNN(np.diag([-1.0, -2.0]), np.eye(2), [1.0, -1.0])
    ```

    ````{solution-end}
    ````

    ````{exercise} Predict the slope
    :label: ex-c4-slope

    Predict the limit of the slope of $\\log\\tau$ against the lag for $w_0=1.5$.
    ````

    ````{solution-start} ex-c4-slope
    :class: dropdown
    ````

    The prediction is $2w_0$.

    ````{solution-end}
    ````

    ````{exercise} A hidden mode
    :label: ex-c1-hidden-mode

    Why is a decaying kernel from an unstable $W$ rejected?
    ````

    ````{solution-start} ex-c1-hidden-mode
    :class: dropdown
    ````

    The state explodes.

    ````{solution-end}
    ````
    ''')

# Answers in closed form: the submissions' kernels never import lrnn (and torch), which keeps each run short.
RIGHT = {"ex-c1-two-by-two": "l1_norm = 1 - 1 / 2\nl2_norm = (1 / 2 - 2 / 3 + 1 / 4) ** 0.5",
         "ex-c1-vector": "operator_norm = 1 + 1 / 2",
         "ex-c4-slope": "predicted_slope = 2 * 1.5"}
WRONG = {"ex-c1-two-by-two": "l1_norm = l2_norm = 1.0", "ex-c1-vector": "operator_norm = 1.0",
         "ex-c4-slope": "predicted_slope = 1.0"}
LABELS = list(RIGHT)
POINTS = {"ex-c1-two-by-two": 2.0, "ex-c1-vector": 1.0, "ex-c4-slope": 1.0}

EXPECTED = {"correct": 4, "blank": 0, "wrong_raising": 2, "sigint": 4, "slow": 3, "crash": 4, "monkeypatch": 0,
            "edited": 0, "deleted": 3, "duplicated": 2, "stripped": 4, "corrupt": 0, "zz_tamper": 0}


def _gid(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if _gid(c) == grade_id)


def _answered(release, answers: dict[str, str]):
    nb = copy.deepcopy(release)
    for label, code in answers.items():
        nb.cells[_index(nb, f"{label}-answer")].source = code
    return nb


def _code(source: str):
    return nbformat.v4.new_code_cell(source)


def _submissions(release, watched: Path) -> dict[str, object]:
    subs = {"correct": _answered(release, RIGHT), "blank": copy.deepcopy(release)}

    nb = _answered(release, {**RIGHT, "ex-c1-two-by-two": RIGHT["ex-c1-two-by-two"] + "\nl1_norm = 0.4",
                             "ex-c1-vector": "raise RuntimeError('half-done')\noperator_norm = 1.5"})
    subs["wrong_raising"] = nb

    nb = _answered(release, RIGHT)
    nb.cells.insert(_index(nb, "ex-c1-two-by-two-tests") + 1, _code(
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"))
    subs["sigint"] = nb

    nb = _answered(release, RIGHT)
    at = _index(nb, "ex-c1-vector-tests") + 1
    for _ in range(14):
        nb.cells.insert(at, _code("import time\ntime.sleep(2.5)"))
    subs["slow"] = nb

    nb = _answered(release, RIGHT)
    nb.cells.insert(_index(nb, "ex-c1-two-by-two-tests") + 1, _code("import os\nos._exit(1)"))
    subs["crash"] = nb

    nb = _answered(release, WRONG)
    fake = json.dumps({"exercise": "ex-c1-vector", "answers": {"operator_norm": {
        "status": "ok", "value": {"shape": [], "data": ["1.5"]}}}})
    nb.cells.insert(_index(nb, "ex-c1-two-by-two-answer"), _code(textwrap.dedent(f'''\
        import builtins, json, numpy
        import lrnn.checks, lrnn.checks._core as core
        from IPython.display import display
        core.close = lambda *a, **k: None
        core.Fail = type("Never", (Exception,), {{}})
        for name in dir(lrnn.checks):
            if name.startswith("ex_"):
                setattr(lrnn.checks, name, lambda *a, _n=name, **k: lrnn.checks.CheckResult(_n, True, "ok"))
        numpy.isclose = lambda *a, **k: True
        builtins.abs = lambda x: 0.0
        get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)
        get_ipython().events.register("post_run_cell", lambda result: display(
            {{"application/vnd.lrnn.answers+json": json.loads({fake!r}), "text/plain": "ok"}}, raw=True))''')))
    subs["monkeypatch"] = nb

    nb = _answered(release, WRONG)
    for label in LABELS:
        cell = nb.cells[_index(nb, f"{label}-tests")]
        cell.source = "print('passed')"
        cell.metadata["nbgrader"]["points"] = 100.0
    subs["edited"] = nb

    nb = _answered(release, {**RIGHT, "ex-c1-vector": "operator_norm = 2.0"})
    del nb.cells[_index(nb, "ex-c1-vector-tests")]
    nb.cells[_index(nb, "ex-c1-vector-answer")].metadata.pop("nbgrader")
    subs["deleted"] = nb

    nb = _answered(release, {"ex-c1-two-by-two": RIGHT["ex-c1-two-by-two"]})
    at = _index(nb, "ex-c1-two-by-two-tests")
    for _ in range(4):
        nb.cells.insert(at + 1, copy.deepcopy(nb.cells[at]))
    subs["duplicated"] = nb

    nb = _answered(release, RIGHT)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell.metadata.pop("lrnn_coursework", None)
    nb.metadata.pop("lrnn_coursework", None)
    subs["stripped"] = nb

    subs["corrupt"] = '{"cells": [ {"cell_type": "code", "sour'

    nb = _answered(release, RIGHT)
    nb.cells.append(_code(f"with open({str(watched)!r}, 'a') as fh:\n    fh.write('# all answers pass\\n')"))
    subs["zz_tamper"] = nb
    for nb in subs.values():
        if not isinstance(nb, str):
            for i, cell in enumerate(nb.cells):
                cell["id"] = f"s{i}"
    return subs


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adversarial")
    book = tmp / "book" / "chapters"
    book.mkdir(parents=True)
    mini = book / "90_small.md"
    mini.write_text(MINI, encoding="utf-8")
    watched = tmp / "grader_file.py"
    watched.write_text("# a file of the grader\n", encoding="utf-8")
    root = tmp / "course"
    written = write_course(root, [mini], book=ROOT, cell_timeout=15, notebook_timeout=30,
                           watch=[ROOT / "coursework", watched])
    assert list(written) == ["ch90"]
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        fh.write("c.RobustExecute.interrupt_grace = 2.0\n")
    proc = nbgrader("generate_assignment", "ch90", cwd=root, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    release = nbformat.read(root / "release" / "ch90" / "90_small.ipynb", as_version=4)
    for student, nb in _submissions(release, watched).items():
        target = root / "submitted" / student / "ch90" / "90_small.ipynb"
        target.parent.mkdir(parents=True)
        if isinstance(nb, str):
            target.write_text(nb, encoding="utf-8")
        else:
            nbformat.write(nb, target)
    # a python3 kernelspec that cannot start, first on the Jupyter path: the grader must not use it
    spec = tmp / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": ["/bin/false", "{connection_file}"],
                                                  "display_name": "broken", "language": "python"}))
    env = {"JUPYTER_PATH": str(tmp / "jupyter")}
    auto = nbgrader("autograde", "ch90", cwd=root, timeout=900, env=env)
    feedback = nbgrader("generate_feedback", "ch90", cwd=root, timeout=300)
    export = nbgrader("export", cwd=root, timeout=300)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        totals = {s.student.id: (s.score, s.max_score) for s in gb.assignment_submissions("ch90")}
        rows = exercise_rows(gb, _coursedir_for(root))
    again = nbgrader("autograde", "ch90", "--student", "correct", "--force", cwd=root, timeout=300, env=env)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        regraded = exercise_rows(gb, _coursedir_for(root), students=["correct"])
    return dict(root=root, auto=auto, feedback=feedback, export=export, totals=totals, rows=rows, again=again,
                regraded=regraded, release=release, mini=mini)


def _auto(rows, student):
    return {r["exercise"]: r for r in rows if r["student_id"] == student and r["part"] == "auto"}


def _incidents(course, student) -> list[str]:
    path = course["root"] / "autograded" / student / "ch90" / "90_small.ipynb"
    return nbformat.read(path, as_version=4).metadata[GRADE_KEY]["incidents"]


def test_the_release_hides_solutions_and_hidden_tests(course):
    raw = json.dumps(course["release"])
    assert "BEGIN SOLUTION" not in raw and "HIDDEN TESTS" not in raw and "_lrnn_hidden_test" not in raw
    assert "m2.norm(1)" not in raw and "2 * 1.5" not in raw and "The state explodes" not in raw
    assert "Instructor" not in raw and "instructor" not in raw


def test_autograde_grades_every_submission(course):
    assert course["auto"].returncode == 0, course["auto"].stdout[-3000:] + course["auto"].stderr[-3000:]
    assert set(course["totals"]) == set(EXPECTED)


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_scores_what_it_should(course, student):
    rows = _auto(course["rows"], student)
    assert sorted(rows) == sorted(LABELS), "every exercise of the source, once, whatever the submission did"
    assert {label: r["max_score"] for label, r in rows.items()} == POINTS
    score = sum(r["score"] for r in rows.values())
    assert score == pytest.approx(EXPECTED[student]), {k: (r["score"], r["status"], r["message"])
                                                       for k, r in rows.items()}
    written = [r for r in course["rows"] if r["student_id"] == student and r["part"] == "written"]
    assert {r["exercise"] for r in written} == set(LABELS) | {"ex-c1-hidden-mode"}
    total, maximum = course["totals"][student]
    assert maximum == pytest.approx(4 + sum(r["max_score"] for r in written))
    assert total == pytest.approx(EXPECTED[student])          # written parts are not graded yet


def test_what_the_report_says(course):
    rows = course["rows"]
    assert all(r["status"] == "pass" for r in _auto(rows, "correct").values())
    assert all("not answered" in r["message"] for r in _auto(rows, "blank").values())
    wr = _auto(rows, "wrong_raising")
    assert wr["ex-c1-two-by-two"]["status"] == "partial" and wr["ex-c1-two-by-two"]["score"] == 1.0
    assert "`operator_norm` is not defined" in wr["ex-c1-vector"]["message"]
    assert any("killed the kernel" in i for i in _incidents(course, "sigint"))
    slow = _auto(rows, "slow")
    assert slow["ex-c4-slope"]["status"] == "not-run" and "time limit of 30 s" in slow["ex-c4-slope"]["message"]
    assert any("crashed the kernel" in i for i in _incidents(course, "crash"))
    assert {r["status"] for r in _auto(rows, "monkeypatch").values()} <= {"fail", "tampered"}
    assert _auto(rows, "monkeypatch")["ex-c1-vector"]["status"] == "tampered"      # two reports: rejected
    graded = nbformat.read(course["root"] / "autograded" / "monkeypatch" / "ch90" / "90_small.ipynb", as_version=4)
    attack = next(c for c in graded.cells if "set_custom_exc" in c.source)
    assert attack.metadata["lrnn_grading"]["status"] == "ok", "the attack itself ran to the end"
    assert all(r["status"] == "fail" for r in _auto(rows, "edited").values())
    assert _auto(rows, "deleted")["ex-c1-vector"]["status"] == "fail"
    assert any("ex-c1-vector-tests" in i for i in _incidents(course, "deleted"))
    assert all(r["status"] == "pass" for r in _auto(rows, "stripped").values())
    assert all(r["status"] == "unreadable" and "could not be read" in r["message"]
               for r in _auto(rows, "corrupt").values())
    assert all(r["status"] == "tampered" for r in _auto(rows, "zz_tamper").values())
    assert any("grader_file.py" in i for i in _incidents(course, "zz_tamper"))


def test_feedback_and_csv_gradebook(course):
    assert course["feedback"].returncode == 0, course["feedback"].stderr[-2000:]
    for student in EXPECTED:
        html = (course["root"] / "feedback" / student / "ch90" / "90_small.html").read_text(encoding="utf-8")
        assert "_lrnn_hidden_test" not in html and "m2.norm(1)" not in html
    assert "could not be read" in (course["root"] / "feedback" / "corrupt" / "ch90" / "90_small.html").read_text()
    assert course["export"].returncode == 0, course["export"].stderr[-2000:]
    with open(course["root"] / "grades.csv", encoding="utf-8") as fh:
        grades = {r["student_id"]: float(r["score"]) for r in csv.DictReader(fh)}
    assert grades == pytest.approx({s: float(v) for s, v in EXPECTED.items()})
    with open(course["root"] / "grades_by_exercise.csv", encoding="utf-8") as fh:
        by_exercise = list(csv.DictReader(fh))
    assert len(by_exercise) == len(EXPECTED) * (3 + 4)
    corrupt = [r for r in by_exercise if r["student_id"] == "corrupt" and r["part"] == "auto"]
    assert len(corrupt) == 3 and all(r["status"] == "unreadable" for r in corrupt)
    assert all(r["grader"].startswith("lrnn ") and r["graded_at"] for r in by_exercise)


def test_a_changed_grader_file_stops_later_grading(course):
    assert course["again"].returncode == 0
    assert "changed since the course was set up" in course["again"].stdout + course["again"].stderr
    rows = _auto(course["regraded"], "correct")
    assert all(r["status"] == "not-graded" and r["score"] == 0 for r in rows.values())


def test_grade_command_on_one_notebook(course, tmp_path):
    """``python -m lrnn.coursework grade``: the same pipeline for one notebook, a report that identifies it."""
    submission = tmp_path / "90_small.ipynb"
    nbformat.write(_answered(course["release"], {**RIGHT, "ex-c4-slope": "predicted_slope = 1.0"}), submission)
    report_file = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "lrnn.coursework", "grade", str(submission), "--chapter",
                           str(course["mini"]), "--book", str(ROOT), "--student", "bea", "--json", str(report_file)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(report_file.read_text())
    assert (report["score"], report["max_score"], report["written_max_score"]) == (3, 4, 7)
    assert (report["student"], report["chapter"], report["assignment"]) == ("bea", "90_small", "ch90")
    assert report["graded_at"] and report["grader"].startswith("lrnn ")
    slope = next(r for r in report["exercises"] if r["exercise"] == "ex-c4-slope" and r["part"] == "auto")
    assert slope["status"] == "fail" and "Hint" in slope["message"] and slope["number"] == "90.3"
    assert "autograded score: 3 / 4" in proc.stdout
    missing = subprocess.run([sys.executable, "-m", "lrnn.coursework", "grade", str(tmp_path / "nothing.ipynb")],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "path must be an existing notebook" in missing.stderr


# ------------------------------------------------------------------------------------------------ the executor


def _execute(cells, tmp_path, **limits):
    from lrnn.coursework.nbgrader_plugin import RobustExecute
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb, _ = RobustExecute(**limits).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    statuses = [c.metadata["lrnn_grading"]["status"] for c in nb.cells]
    text = ["".join(o.get("text", "") for o in c.outputs if o.get("output_type") == "stream") for c in nb.cells]
    return nb, statuses, text


def test_executor_interrupts_kills_replays_and_uses_its_own_kernel(tmp_path, monkeypatch):
    """Directly: a loop is interrupted and the kernel keeps its state; a loop that ignores SIGINT and a crash each
    cost a kernel, after which the earlier cells are replayed; the kernel is this Python, with a private home,
    whatever python3 kernelspec is installed."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": ["/bin/false"], "display_name": "x", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    cells = ["x = 1",
             "while True:\n    pass",
             "x += 1",
             "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
             "x += 10",
             "import os\nos._exit(3)",
             "import os, sys\nprint(x, sys.executable, os.environ['HOME'])"]
    nb, statuses, text = _execute(cells, tmp_path, timeout=4, interrupt_grace=2, notebook_timeout=120)
    assert statuses == ["ok", "timeout", "ok", "killed", "ok", "crashed", "ok"], statuses
    x, python, home = text[-1].split()
    assert x == "12" and python == sys.executable and "lrnn-grader-" in home
    run = nb.metadata["lrnn_grading"]["run"]
    assert run["restarts"] == 2 and len(run["incidents"]) == 2


def test_executor_stops_at_the_notebook_time_limit(tmp_path):
    cells = ["import time"] + ["time.sleep(1.5)"] * 12
    start = time.monotonic()
    nb, statuses, _ = _execute(cells, tmp_path, timeout=5, notebook_timeout=8)
    assert time.monotonic() - start < 8 + 15
    assert statuses[-1] == "not-run" and "time limit of 8 s" in nb.cells[-1].metadata["lrnn_grading"]["reason"]
    assert "ok" in statuses and set(statuses) <= {"ok", "not-run", "timeout"}
