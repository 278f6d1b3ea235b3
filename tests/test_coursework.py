"""lrnn.coursework: exercises parsed from the sources, leak-free student editions, and the autograder.

The editions are generated for every chapter (cheap: no execution); the autograder runs chapter 1 (under
LRNN_FAST=1) twice: unanswered (zero) and filled in with the reference solutions (full marks); a small synthetic
submission covers errors, tampered and deleted checks and a cell timeout.
"""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from lrnn import checks
from lrnn.coursework import build_edition, discover_chapters, grade_notebook, parse_chapter, write_editions
from lrnn.coursework.parse import is_fence_only

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = discover_chapters(ROOT)
GRADED = ROOT / "chapters" / "01_linear_functionals.md"
KEY = "lrnn_coursework"


def _labels_by_regex(md: Path) -> list[str]:
    """Exercise labels found by a plain regex over the source (independent of the parser)."""
    text = md.read_text(encoding="utf-8")
    return re.findall(r"^(?:`{3,}|:{3,})\{exercise\}[^\n]*\n(?::[a-z-]+:[^\n]*\n)*?:label:\s*(\S+)", text, re.M)


def _solution_lines(chapter) -> list[str]:
    """Distinctive lines of every solution (prose and code), to look for in a student edition."""
    public = "\n".join(p.text for p in chapter.pieces if p.solution is None)
    lines = []
    for piece in chapter.pieces:
        if piece.solution is None or is_fence_only(piece.text):
            continue
        for line in piece.text.split("\n"):
            s = line.strip()
            if len(s) >= 16 and s not in public and not s.startswith(("```", ":::", ":tags:", ":class:")):
                lines.append(s)
    return lines


def test_chapters_are_discovered():
    assert GRADED in CHAPTERS and len(CHAPTERS) >= 2


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_parser_finds_every_exercise_and_solution(md):
    chapter = parse_chapter(md)
    assert [ex.label for ex in chapter.exercises] == _labels_by_regex(md)
    assert chapter.exercises, f"{md.name} has no exercises"
    for ex in chapter.exercises:
        assert ex.has_solution, f"{ex.label}: no gated solution found"
    n_start = len(re.findall(r"^(?:`{3,}|:{3,})\{solution-start\}", md.read_text(encoding="utf-8"), re.M))
    assert len({p.solution for p in chapter.pieces if p.solution}) == n_start
    # the pieces reassemble every code cell of the chapter, in order
    nb = jupytext.read(md)
    assert [c.source for c in nb.cells if c.cell_type == "code"] == [p.text for p in chapter.pieces
                                                                      if p.kind == "code"]


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_student_edition_does_not_leak_solutions(md, tmp_path):
    chapter = parse_chapter(md)
    written = write_editions(tmp_path, [md])
    student = written["student"][0]
    raw = student.read_text(encoding="utf-8")
    nb = nbformat.read(student, as_version=4)
    nbformat.validate(nb)
    body = json.loads(raw)
    serialised = json.dumps(body, ensure_ascii=False)       # source, outputs and metadata, unescaped
    leaks = [line for line in _solution_lines(chapter) if line in serialised or line in raw]
    assert not leaks, f"solution text in the student edition: {leaks[:3]}"
    assert "BEGIN SOLUTION" not in raw and "solution-start" not in raw and "solution-end" not in raw
    for cell in nb.cells:
        assert cell.metadata.get(KEY, {}).get("role") != "solution"
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
    for ex in chapter.exercises:
        chk = checks.get(ex.label)
        if chk is not None:
            for a in chk.answers:
                if a.solution not in (a.name,) and len(a.solution) > 8:
                    assert a.solution not in raw, f"{ex.label}: the solution binding of {a.name} leaked"
    # every non-solution cell of the chapter is kept, in order
    kept = [p.text for p in chapter.pieces if p.solution is None and p.kind == "code"]
    got = [c.source for c in nb.cells if c.cell_type == "code" and KEY not in c.metadata]
    assert got == kept


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_editions_have_stubs_checks_and_solutions(md):
    chapter = parse_chapter(md)
    student, instructor = build_edition(chapter, "student"), build_edition(chapter, "instructor")
    inst_src = "\n".join(c.source for c in instructor.cells)
    for line in _solution_lines(chapter):
        assert line in inst_src
    for ex in chapter.exercises:
        roles = [c.metadata[KEY]["role"] for c in student.cells if c.metadata.get(KEY, {}).get("exercise") == ex.label]
        assert "answer" in roles or "answer-prose" in roles, f"{ex.label}: no stub in the student edition"
        chk = checks.get(ex.label)
        if chk is not None:
            assert roles.count("check") == 1
            stub = next(c for c in student.cells if c.metadata.get(KEY) == {"role": "answer", "exercise": ex.label})
            assert all(f"{a.name} = ..." in stub.source for a in chk.answers)
            nbg = next(c for c in student.cells
                       if c.metadata.get(KEY) == {"role": "check", "exercise": ex.label}).metadata["nbgrader"]
            assert nbg["grade"] and nbg["locked"] and nbg["points"] == chk.points
    meta = student.metadata[KEY]
    assert [e["label"] for e in meta["exercises"]] == [ex.label for ex in chapter.exercises]
    with pytest.raises(ValueError, match="edition"):
        build_edition(chapter, "teacher")


def test_bad_arguments():
    with pytest.raises(TypeError, match="path"):
        parse_chapter(3)
    with pytest.raises(ValueError, match="path"):
        parse_chapter(ROOT / "chapters" / "no_such_chapter.md")
    with pytest.raises(ValueError, match="book"):
        discover_chapters(ROOT / "lrnn")
    with pytest.raises(ValueError, match="timeout"):
        grade_notebook(ROOT / "chapters" / "01_linear_functionals.ipynb", timeout=0)
    with pytest.raises(ValueError, match="path"):
        grade_notebook(ROOT / "missing.ipynb")


def test_parser_rejects_broken_gating(tmp_path):
    src = GRADED.read_text(encoding="utf-8")
    broken = tmp_path / "broken.md"
    broken.write_text(src.replace("````{solution-end}\n````", "", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="solution"):
        parse_chapter(broken)


# ------------------------------------------------------------------------------------------------ autograding


def _fill(student, instructor, skip=()):
    """A student notebook with each exercise's stubs replaced by the instructor's solution and answer cells."""
    filled = copy.deepcopy(student)
    cells = []
    done = set()
    for cell in filled.cells:
        info = cell.metadata.get(KEY, {})
        label = info.get("exercise")
        if info.get("role") in ("answer", "answer-prose") and label not in skip:
            if label not in done:
                done.add(label)
                cells += [copy.deepcopy(c) for c in instructor.cells
                          if c.metadata.get(KEY, {}).get("exercise") == label
                          and c.metadata[KEY]["role"] in ("solution", "answer")]
            continue
        cells.append(cell)
    for i, cell in enumerate(cells):
        cell["id"] = f"submission-{i}"
    filled.cells = cells
    return filled


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    proc = subprocess.run([sys.executable, "-m", "lrnn.coursework", "editions", str(out), "--chapter", str(GRADED)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


def test_unanswered_student_edition_scores_zero_and_runs_to_the_end(editions, tmp_path):
    student = editions / "student" / "01_linear_functionals.ipynb"
    report_file = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "lrnn.coursework", "grade", str(student), "--json", str(report_file),
                           "--fast", "--timeout", "120"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(report_file.read_text())
    auto = [e for e in report["exercises"] if e["status"] != "manual"]
    assert auto and report["score"] == 0 and report["max_score"] == len(auto)
    assert all(e["status"] == "fail" and "not answered" in e["message"] for e in auto)
    assert report["cell_errors"] == []               # the stubs do not break the rest of the notebook
    assert "autograded score: 0 / " in proc.stdout
    manual = [e["exercise"] for e in report["exercises"] if e["status"] == "manual"]
    assert manual == [ex.label for ex in parse_chapter(GRADED).exercises if checks.get(ex.label) is None]


def test_filled_in_student_edition_gets_full_marks(editions, tmp_path):
    student = nbformat.read(editions / "student" / "01_linear_functionals.ipynb", as_version=4)
    instructor = nbformat.read(editions / "instructor" / "01_linear_functionals.ipynb", as_version=4)
    path = tmp_path / "submission.ipynb"
    nbformat.write(_fill(student, instructor), path)
    report = grade_notebook(path, timeout=120, env={"LRNN_FAST": "1"})
    assert report.max_score == sum(1 for ex in parse_chapter(GRADED).exercises if checks.get(ex.label))
    assert report.score == report.max_score, report.to_text()
    assert all(e.status in ("pass", "manual") for e in report.exercises)
    assert report.errors == []
    assert "autograded score: 3 / 3" in report.to_text() or report.max_score != 3


def test_errors_and_tampering_do_not_stop_grading(tmp_path):
    """A small submission: a raising answer, a tampered and a deleted check, a timeout, a dead kernel."""
    from lrnn.coursework.editions import check_cell
    labels = ["ex-c1-vector", "ex-c4-slope", "ex-c1-two-by-two", "ex-c2-blaschke-two", "ex-c1-bound"]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata[KEY] = {"chapter": "synthetic", "edition": "student",
                        "exercises": [{"label": l, "autograded": checks.get(l) is not None, "points": 1.0}
                                      for l in labels]}
    answer = lambda label, src: nbformat.v4.new_code_cell(src, metadata={KEY: {"role": "answer", "exercise": label}})
    tampered = check_cell("ex-c4-slope")
    tampered.source = "print('all good')"                              # restored by the grader
    nb.cells = [
        nbformat.v4.new_code_cell("import lrnn"),
        answer("ex-c1-vector", "raise RuntimeError('half-done')"),        # raises: operator_norm undefined
        check_cell("ex-c1-vector"),
        answer("ex-c4-slope", "predicted_slope = 2.5"),                   # wrong
        tampered,
        nbformat.v4.new_code_cell("import time; time.sleep(30)"),         # times out, run continues
        nbformat.v4.new_code_cell("import os; os._exit(1)"),              # kills the kernel: a fresh one goes on
        answer("ex-c1-two-by-two", "l1_norm, l2_norm = 0.5, (1 / 12) ** 0.5"),   # right; its check was deleted
        answer("ex-c2-blaschke-two", "relative_error = (1.5 / 2.5) * (3 / 7)"),
        check_cell("ex-c2-blaschke-two"),
    ]
    path = tmp_path / "partial.ipynb"
    nbformat.write(nb, path)
    report = grade_notebook(path, timeout=5)
    status = {e.exercise: e for e in report.exercises}
    assert status["ex-c1-vector"].status == "error" and "NameError" in status["ex-c1-vector"].message
    assert status["ex-c4-slope"].status == "fail" and "Hint" in status["ex-c4-slope"].message
    assert status["ex-c1-two-by-two"].status == "pass"
    assert status["ex-c2-blaschke-two"].status == "pass"
    assert status["ex-c1-bound"].status == "manual"
    assert report.score == 2 and report.max_score == 4
    assert any("half-done" in e for e in report.errors) and any("sleep" in e for e in report.errors)
    assert any("DeadKernelError" in e for e in report.errors)
    assert json.loads(json.dumps(report.to_dict()))["score"] == 2
