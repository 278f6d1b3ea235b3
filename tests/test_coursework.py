"""lrnn.coursework without nbgrader: exercises parsed from the chapters, the instructor's nbgrader source of every
chapter, and the instructor's guide's tables.

nbgrader itself runs in ``tests/test_coursework_nbgrader.py`` (every chapter released, Chapter 1 graded end to end)
and ``tests/test_grading_adversarial.py`` (attacks on the grader, the ``grade`` command); the hidden tests are
checked in ``tests/test_hidden_tests.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from lrnn import checks
from lrnn.coursework import (build_source, discover_chapters, exercise_tables_markdown, load_hidden_tests,
                             parse_chapter, write_course)
from lrnn.coursework.course import book_root
from lrnn.coursework.source import chapter_number, load_exercise_meta

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = discover_chapters(ROOT)
TESTS = load_hidden_tests(ROOT / "coursework" / "hidden_tests")
META = load_exercise_meta(ROOT / "coursework" / "exercises.toml")
CH1 = ROOT / "chapters" / "01_linear_functionals.md"


def _labels_by_regex(md: Path) -> list[str]:
    """Exercise labels found by a plain regex over the source (independent of the parser)."""
    text = md.read_text(encoding="utf-8")
    return re.findall(r"^(?:`{3,}|:{3,})\{exercise\}[^\n]*\n(?::[a-z-]+:[^\n]*\n)*?:label:\s*(\S+)", text, re.M)


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


def _source(md):
    return build_source(parse_chapter(md), tests=TESTS, meta=META)


def _gid(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


# ------------------------------------------------------------------------------------------------ the chapters


def test_chapters_are_discovered():
    assert CH1 in CHAPTERS and len(CHAPTERS) >= 5
    assert [chapter_number(md) for md in CHAPTERS] == list(range(1, len(CHAPTERS) + 1))


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_parser_finds_every_exercise_and_solution(md):
    chapter = parse_chapter(md)
    assert [ex.label for ex in chapter.exercises] == _labels_by_regex(md)
    assert [ex.number for ex in chapter.exercises] == list(range(1, len(chapter.exercises) + 1))
    for ex in chapter.exercises:
        assert ex.has_solution, f"{ex.label}: no gated solution found"
    n_start = len(re.findall(r"^(?:`{3,}|:{3,})\{solution-start\}", md.read_text(encoding="utf-8"), re.M))
    assert len({p.solution for p in chapter.pieces if p.solution}) == n_start
    nb = jupytext.read(md)          # the pieces reassemble every code cell of the chapter, in order
    assert [c.source for c in nb.cells if c.cell_type == "code"] == [p.text for p in chapter.pieces
                                                                      if p.kind == "code"]
    assert not any("solution-start" in p.text or "solution-end" in p.text for p in chapter.pieces
                   if p.solution), "solution pieces carry prose and code, not the directive fences"


def test_every_exercise_has_instructor_data_and_the_data_names_exercises():
    labels = {ex.label for md in CHAPTERS for ex in parse_chapter(md).exercises}
    assert labels == set(META), (f"missing in coursework/exercises.toml: {sorted(labels - set(META))}; "
                                 f"not in any chapter: {sorted(set(META) - labels)}")
    assert set(TESTS) <= labels


def test_parser_rejects_broken_gating(tmp_path):
    src = CH1.read_text(encoding="utf-8")
    broken = tmp_path / "broken.md"
    broken.write_text(src.replace("````{solution-end}\n````", "", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="solution"):
        parse_chapter(broken)


# ------------------------------------------------------------------------------------------------ the source


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_source_notebook_is_valid_nbgrader_source(md):
    chapter = parse_chapter(md)
    nb = _source(md)
    nbformat.validate(nb)
    ids = [_gid(c) for c in nb.cells if _gid(c)]
    assert len(ids) == len(set(ids)), "grade ids are unique"
    for cell in nb.cells:
        if "nbgrader" in cell.metadata:
            m = cell.metadata["nbgrader"]
            assert m["schema_version"] == 3 and re.fullmatch(r"[A-Za-z0-9_-]+", m["grade_id"])
            assert ("BEGIN SOLUTION" in cell.source) == m["solution"] or m["grade_id"] == "coursework-note"
    for ex in chapter.exercises:
        cells = {_gid(c): c for c in nb.cells if _gid(c).startswith(ex.label + "-")}
        written = cells.get(f"{ex.label}-written")
        assert (written is not None) == (META[ex.label]["written"] > 0)
        if written is not None:
            assert written.cell_type == "markdown" and written.metadata["nbgrader"]["grade"]
            assert written.metadata["nbgrader"]["points"] == META[ex.label]["written"]
        test = TESTS.get(ex.label)
        if test is not None:
            cell = cells[f"{ex.label}-tests"]
            m = cell.metadata["nbgrader"]
            assert m["grade"] and m["locked"] and not m["solution"] and m["points"] == test.points
            assert test.report_source() in cell.source and "### END HIDDEN TESTS" in cell.source
            assert checks.get(ex.label).call_source() in cell.source
            answer = cells[f"{ex.label}-answer"].source
            assert all(f"\n{a.name} = ...   # " in answer for a in test.answers)
        else:
            assert f"{ex.label}-tests" not in cells
    kept = [p.text for p in chapter.pieces if p.solution is None and p.kind == "code"]
    assert [c.source for c in nb.cells if c.cell_type == "code" and "nbgrader" not in c.metadata] == kept
    first_code = next(c for c in jupytext.read(md).cells if c.cell_type == "code")
    assert next(c for c in nb.cells if c.cell_type == "code").source == first_code.source, \
        "the chapter's own install cell (with its pinned lrnn) opens the notebook"
    assert nb.metadata["lrnn_coursework"]["chapter_number"] == chapter_number(md)


def test_solutions_sit_only_in_solution_regions():
    chapter = parse_chapter(CH1)
    nb = _source(CH1)
    outside = []
    for cell in nb.cells:
        text = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", cell.source, flags=re.S)
        outside.append(text)
    outside = "\n".join(outside)
    leaks = [line for line in _solution_lines(chapter) if line in outside]
    assert not leaks, leaks[:3]


def test_markdown_passes_through_the_converter():
    seen = []

    def convert(text, docname):
        seen.append(docname)
        return "CONVERTED " + text
    nb = build_source(parse_chapter(CH1), tests=TESTS, meta=META, markdown=convert)
    chapter_md = [c for c in nb.cells if c.cell_type == "markdown" and "nbgrader" not in c.metadata]
    assert chapter_md and all(c.source.startswith("CONVERTED ") for c in chapter_md)
    written = next(c for c in nb.cells if _gid(c) == "ex-c1-two-by-two-written")
    assert "### BEGIN SOLUTION\nCONVERTED " in written.source
    assert set(seen) == {"chapters/01_linear_functionals"}
    with pytest.raises(TypeError, match="markdown"):
        build_source(parse_chapter(CH1), tests=TESTS, meta=META, markdown="yes")


def test_course_notebooks_are_jupyter_markdown(tmp_path):
    """write_course converts with the book's converter by default: no MyST directive, role or label, no book macro,
    and the chapter's section numbers continue across cells as in the Jupyter edition."""
    from lrnn.coursework import write_course
    written = write_course(tmp_path, [CH1], book=ROOT, manifest=False)
    nb = nbformat.read(written["ch01"], as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    prose = re.sub(r"`[^`\n]+`", "", re.sub(r"```.*?```", "", text, flags=re.S))
    assert not re.search(r"^\s*(?:> ?)*(`{3,}|:{3,})\{", prose, re.M), "a directive fence leaked"
    assert not re.search(r"\{[A-Za-z][\w:-]*\}`", text), "a role leaked"
    assert not re.search(r"^\([^()\s]+\)=\s*$", text, re.M), "a label leaked"
    assert not re.search(r"\\(norm|abs|dd|Hhat|rhohat|Lone|Ltwo)\b", text), "a book macro was not expanded"
    edition = nbformat.read(CH1.with_suffix(".ipynb"), as_version=4)
    headings = lambda book: [ln for c in book.cells if c.cell_type == "markdown"       # noqa: E731
                             for ln in c.source.splitlines() if ln.startswith("## ")]
    assert headings(nb) == headings(edition)


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="path"):
        parse_chapter(3)
    with pytest.raises(ValueError, match="path"):
        parse_chapter(ROOT / "chapters" / "no_such_chapter.md")
    with pytest.raises(ValueError, match="book"):
        discover_chapters(ROOT / "lrnn")
    with pytest.raises(ValueError, match="book"):
        book_root(tmp_path)
    with pytest.raises(ValueError, match="cell_timeout"):
        write_course(tmp_path / "c", [CH1], book=ROOT, cell_timeout=0)
    with pytest.raises(TypeError, match="kernel_env"):
        write_course(tmp_path / "c", [CH1], book=ROOT, kernel_env={"A": 1})
    meta = {k: v for k, v in META.items() if k != "ex-c1-bound"}
    with pytest.raises(ValueError, match="ex-c1-bound"):
        build_source(parse_chapter(CH1), tests=TESTS, meta=meta)
    text = CH1.read_text(encoding="utf-8")
    start = text.index("````{solution-start} ex-c1-bound")
    end = text.index("````{solution-end}\n````", start) + len("````{solution-end}\n````")
    lone = tmp_path / "01_lone.md"
    lone.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ValueError, match="no gated solution"):
        build_source(parse_chapter(lone), tests=TESTS, meta=META, number=1)


# ------------------------------------------------------------------------------------------------ the guide


def test_the_guide_has_the_generated_exercise_tables():
    guide = (ROOT / "pages" / "instructors_guide.md").read_text(encoding="utf-8")
    tables = exercise_tables_markdown(ROOT)
    assert tables in guide, ("the exercise tables of pages/instructors_guide.md differ from the chapters: "
                             "regenerate them with `python -m lrnn.coursework table`")
    for md in CHAPTERS:
        for ex in parse_chapter(md).exercises:
            assert f"{{numref}}`{ex.label}`" in guide
    bare = re.findall(r"(?<!`)`ex-c\d-[a-z-]+`(?!`)", re.sub(r"\{(num)?ref\}`[^`]*`", "", guide))
    assert not bare, f"exercises named by their internal label instead of a link: {bare[:3]}"
    for line in guide.splitlines():                       # tables fit the page: few columns, short rows
        if line.startswith("|") and not set(line) <= set("|-: "):
            assert line.count("|") <= 6 and len(re.sub(r"\{numref\}`[^`]*`", "Exercise 9.9", line)) <= 150, line


def test_table_command_prints_the_tables():
    proc = subprocess.run([sys.executable, "-m", "lrnn.coursework", "table"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == exercise_tables_markdown(ROOT)
