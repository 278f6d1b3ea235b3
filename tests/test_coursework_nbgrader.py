"""nbgrader on the book's chapters: every chapter released by nbgrader with no solution and no hidden test, and
Chapter 1 graded end to end (submitted with the model solutions, autograded under LRNN_FAST=1, feedback and CSV
export): full marks, every cell of the chapter run without error.

Needs ``requirements-coursework.txt``; skipped without nbgrader, except under CI.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from _system import under_ci
from lrnn.coursework import discover_chapters, load_hidden_tests, parse_chapter, write_course
from lrnn.coursework.course import nbgrader, nbgrader_available

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = discover_chapters(ROOT)
TESTS = load_hidden_tests(ROOT / "coursework" / "hidden_tests")
CH1 = ROOT / "chapters" / "01_linear_functionals.md"

if not nbgrader_available():                                         # pragma: no cover - depends on the machine
    _MESSAGE = "needs nbgrader (pip install -r requirements-coursework.txt; .ci/run installs it)"
    if under_ci():
        pytest.fail(_MESSAGE, pytrace=False)
    pytest.skip(_MESSAGE, allow_module_level=True)


def _gid(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def _solution_lines(chapter) -> list[str]:
    """Distinctive lines of every solution (prose and code), to look for in a release."""
    public = "\n".join(p.text for p in chapter.pieces if p.solution is None)
    lines = []
    for piece in chapter.pieces:
        if piece.solution is None:
            continue
        for line in piece.text.split("\n"):
            s = line.strip()
            if len(s) >= 16 and s not in public and not s.startswith(("```", ":::", ":tags:", ":class:", "#")):
                lines.append(s)
    return lines


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    proc = subprocess.run([sys.executable, "-m", "lrnn.coursework", "editions", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_nbgrader_release_has_no_solution_and_no_hidden_test(editions, md):
    chapter = parse_chapter(md)
    student = editions / "student" / f"{md.stem}.ipynb"
    raw = student.read_text(encoding="utf-8")
    nb = nbformat.read(student, as_version=4)
    nbformat.validate(nb)
    serialised = json.dumps(json.loads(raw), ensure_ascii=False)
    leaks = [line for line in _solution_lines(chapter) if line in serialised]
    assert not leaks, f"solution text in the release: {leaks[:3]}"
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "_lrnn_hidden_test", "solution-start",
                   "Instructor edition", "contains the solutions"):
        assert marker not in raw, marker
    for label, test in TESTS.items():
        for a in test.answers:
            if len(a.binding) > 8:
                assert a.binding not in raw, f"{label}: the binding of {a.name} leaked"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
    for ex in chapter.exercises:
        answer = next((c for c in nb.cells if _gid(c) == f"{ex.label}-answer"), None)
        if ex.label in TESTS:
            assert "# YOUR CODE HERE" in answer.source and "raise NotImplementedError" not in answer.source
    instructor = nbformat.read(editions / "instructor" / f"{md.stem}.ipynb", as_version=4)
    assert instructor.cells[0].source == nb.cells[0].source


def _correct_submission(source, release):
    """The release with every answer cell replaced by the source's solution (what nbgrader's solution shows)."""
    by_id = {_gid(c): c for c in source.cells if _gid(c)}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            src = by_id[_gid(cell)].source
            cell.source = src.replace("### BEGIN SOLUTION\n", "").replace("\n### END SOLUTION", "")
    return nb


@pytest.fixture(scope="module")
def chapter_one(tmp_path_factory):
    """Chapter 1 as a course (LRNN_FAST=1): released, submitted with the solutions, autograded, exported."""
    root = tmp_path_factory.mktemp("course-ch01")
    write_course(root, [CH1], book=ROOT, kernel_env={"LRNN_FAST": "1"}, watch=[ROOT / "coursework"])
    proc = nbgrader("generate_assignment", "ch01", cwd=root, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    source = nbformat.read(root / "source" / "ch01" / f"{CH1.stem}.ipynb", as_version=4)
    release = nbformat.read(root / "release" / "ch01" / f"{CH1.stem}.ipynb", as_version=4)
    target = root / "submitted" / "ada" / "ch01" / f"{CH1.stem}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(_correct_submission(source, release), target)
    auto = nbgrader("autograde", "ch01", cwd=root, timeout=900)
    feedback = nbgrader("generate_feedback", "ch01", cwd=root, timeout=600)
    export = nbgrader("export", cwd=root, timeout=300)
    return dict(root=root, auto=auto, feedback=feedback, export=export, release=release)


def test_chapter_one_with_the_solutions_scores_full_marks(chapter_one):
    root = chapter_one["root"]
    assert chapter_one["auto"].returncode == 0, chapter_one["auto"].stderr[-3000:]
    graded = nbformat.read(root / "autograded" / "ada" / "ch01" / f"{CH1.stem}.ipynb", as_version=4)
    meta = graded.metadata["lrnn_grade"]
    expected = sum(TESTS[ex.label].points for ex in parse_chapter(CH1).exercises if ex.label in TESTS)
    assert meta["autograded_max_score"] == expected and meta["autograded_score"] == expected, meta
    assert meta["incidents"] == []
    statuses = {c.metadata["lrnn_grading"]["status"] for c in graded.cells
                if c.cell_type == "code" and "nbgrader" not in c.metadata}
    assert statuses == {"ok"}, "every cell of the chapter ran without error under the grader"
    assert chapter_one["feedback"].returncode == 0
    html = (root / "feedback" / "ada" / "ch01" / f"{CH1.stem}.html").read_text(encoding="utf-8")
    assert "_lrnn_hidden_test" not in html and "ex-c1-two-by-two" in html
    assert chapter_one["export"].returncode == 0
    rows = (root / "grades_by_exercise.csv").read_text(encoding="utf-8").splitlines()
    n = len(parse_chapter(CH1).exercises)
    assert len(rows) == 1 + n + sum(1 for ex in parse_chapter(CH1).exercises if ex.label in TESTS)
