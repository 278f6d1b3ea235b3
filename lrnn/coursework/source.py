"""The instructor's nbgrader source notebook of a chapter, generated from the chapter's MyST source.

The chapters are the single source: the coursework notebook of a chapter is the chapter itself — its text, figures,
experiments and hidden claim checks, unchanged — in which the gated solution of every exercise is replaced by
nbgrader cells (schema 3):

* a **written answer** cell (Markdown, manually graded, worth the written points of ``coursework/exercises.toml``)
  holding the solution's prose between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
* an **answer** cell (code, a solution cell) with one ``name = ...`` stub line per answer the test reads, then the
  solution's code and the answers' bindings between ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
* a **test** cell (code, locked, autograded, worth the points of the exercise's hidden test) whose visible part
  runs the formative self-check of :mod:`lrnn.checks` and whose hidden part, between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS``, reports the answers to the grader (see :mod:`lrnn.coursework.hidden`).

``nbgrader generate_assignment`` turns it into the students' release: solutions become stubs, hidden tests vanish,
and the grade cells are recorded in the gradebook, so that the list of exercises and their points always come from
this source, never from a submission. Markdown cells pass through an optional converter (for instance the book's
MyST-to-Jupyter converter), so the notebooks render in JupyterLab and Colab.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from .. import __version__, checks
from .hidden import HiddenTest
from .parse import Chapter, Exercise, parse_chapter

__all__ = ["ExerciseInfo", "build_source", "chapter_number", "discover_chapters", "exercise_table",
           "load_exercise_meta", "SOURCE_KEY"]

#: Notebook and cell metadata key of the coursework (chapter, exercises, points; the role of each added cell).
SOURCE_KEY = "lrnn_coursework"

#: What a Markdown converter receives: the text and the chapter's document name (``chapters/01_linear_functionals``).
MarkdownConverter = Callable[[str, str], str]


@dataclass(frozen=True)
class ExerciseInfo:
    """An exercise as students see it and as it is graded."""

    label: str
    number: str            # "3.2"
    title: str
    written: float         # points of the written part (graded by hand)
    auto: float            # points of the hidden test (autograded)
    minutes: int
    difficulty: int
    autograded: bool

    @property
    def points(self) -> float:
        return self.written + self.auto


def discover_chapters(book: str | Path = ".") -> list[Path]:
    """The chapters of a book: ``chapters/*.md`` files that are jupytext notebooks, sorted by name."""
    book = Path(book)
    if not (book / "chapters").is_dir():
        raise ValueError(f"book must be the root of the book (with a chapters/ folder), got {book}")
    found = []
    for md in sorted((book / "chapters").glob("*.md")):
        head = md.read_text(encoding="utf-8")[:2000]
        if "jupytext:" in head and "kernelspec:" in head:
            found.append(md)
    return found


def chapter_number(md: str | Path, book: str | Path | None = None) -> int:
    """The number the book gives a chapter: its position among the chapters of the numbered parts of
    ``_toc.yml`` (the book numbers across parts); without a table of contents, the ``NN_`` prefix of its name."""
    md = Path(md)
    root = Path(book) if book is not None else md.resolve().parent.parent
    toc = root / "_toc.yml"
    if toc.is_file():
        data = yaml.safe_load(toc.read_text(encoding="utf-8")) or {}
        n = 0
        for part in data.get("parts", []):
            if not part.get("numbered"):
                continue
            for entry in part.get("chapters", []):
                n += 1
                if Path(str(entry.get("file", ""))).with_suffix("").as_posix() == f"chapters/{md.stem}":
                    return n
    m = re.match(r"^(\d+)_", md.stem)
    if not m:
        raise ValueError(f"md must be a chapter listed in _toc.yml or named NN_slug.md, got {md.name}")
    return int(m.group(1))


def load_exercise_meta(path: str | Path) -> dict[str, dict]:
    """The instructor's data on every exercise (``coursework/exercises.toml``): label → minutes, difficulty,
    written points and what it asks."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    for label, entry in data.items():
        for key, kind in (("minutes", int), ("difficulty", int), ("written", (int, float)), ("asks", str)):
            if not isinstance(entry.get(key), kind):
                raise ValueError(f"{path}: [{label}] needs {key} ({kind})")
        if entry["difficulty"] not in (1, 2, 3) or entry["written"] < 0:
            raise ValueError(f"{path}: [{label}] difficulty must be 1, 2 or 3 and written points non-negative")
    return data


def exercise_table(chapter: Chapter, number: int, tests: dict[str, HiddenTest],
                   meta: dict[str, dict]) -> list[ExerciseInfo]:
    """The chapter's exercises with their numbers, titles and points.

    Raises
    ------
    ValueError
        If an exercise has no entry in ``meta`` (``coursework/exercises.toml``).
    """
    rows = []
    for ex in chapter.exercises:
        if ex.label not in meta:
            raise ValueError(f"exercise {ex.label} of {chapter.path.name} has no entry in coursework/exercises.toml")
        m = meta[ex.label]
        test = tests.get(ex.label)
        title = ex.title or (m["asks"][:1].upper() + m["asks"][1:])
        rows.append(ExerciseInfo(ex.label, f"{number}.{ex.number}" if ex.number else "", title,
                                 float(m["written"]), test.points if test else 0.0, m["minutes"], m["difficulty"],
                                 test is not None))
    return rows


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if grade:
        meta["points"] = float(points or 0.0)
    return meta


def _cell(kind: str, source: str, role: str, label: str | None, nbgrader: dict | None = None):
    cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
    cell.metadata[SOURCE_KEY] = {"role": role, "exercise": label}
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def _points(x: float) -> str:
    return f"{x:g} point" + ("" if x == 1 else "s")


def _exercise_cells(ex: Exercise, info: ExerciseInfo, pieces, test: HiddenTest | None, convert) -> list:
    """The nbgrader cells that replace the gated solution of one exercise."""
    cells = []
    name = f"Exercise {info.number}" if info.number else "This exercise"
    prose = "\n\n".join(convert(p.text) for p in pieces if p.kind == "markdown" and p.text.strip())
    code = "\n\n".join(p.text.strip("\n") for p in pieces if p.kind == "code" and p.text.strip())
    if info.written > 0:
        head = (f"**{name} — written part** ({_points(info.written)}, graded by hand). Replace the line below by "
                "your answer: the derivation, proof or explanation the exercise asks for (Markdown, with "
                "mathematics between `$…$`).")
        body = prose or "_The model answer is the computation below._"
        cells.append(_cell("markdown", f"{head}\n\n### BEGIN SOLUTION\n{body}\n### END SOLUTION", "written",
                           ex.label, _nbgrader(f"{ex.label}-written", solution=True, grade=True, locked=False,
                                               points=info.written)))
    if test is not None or code:
        chk = checks.get(ex.label)
        lines = [f"# {name}: your computation."]
        if test is not None:
            described = {a.name: a.description for a in chk.answers} if chk else {}
            lines[0] += " Assign the answers that the test below reads:"
            lines += [f"{a.name} = ...   # {described.get(a.name, 'your answer')}" for a in test.answers]
        solution = [code] if code else []
        if test is not None:
            solution += [f"# {a.name} is defined by the solution above" if a.binding in ("", a.name)
                         else f"{a.name} = {a.binding}" for a in test.answers]
        lines += ["### BEGIN SOLUTION", *solution, "### END SOLUTION"]
        cells.append(_cell("code", "\n".join(lines), "answer", ex.label,
                           _nbgrader(f"{ex.label}-answer", solution=True, grade=False, locked=False)))
    if test is not None:
        chk = checks.get(ex.label)
        visible = [f"# Test of {name} ({_points(test.points)}): run it to check your answers. When the notebook "
                   "is graded,", "# hidden tests run here as well."]
        if chk is not None:
            visible += ["import lrnn.checks", f"display({chk.call_source()})"]
        source = "### BEGIN HIDDEN TESTS\n" + test.report_source() + "\n### END HIDDEN TESTS\n" + "\n".join(visible)
        cells.append(_cell("code", source, "test", ex.label,
                           _nbgrader(f"{ex.label}-tests", solution=False, grade=True, locked=True,
                                     points=test.points)))
    return cells


def build_source(chapter: Chapter | str | Path, *, tests: dict[str, HiddenTest], meta: dict[str, dict],
                 number: int | None = None, markdown: MarkdownConverter | None = None) -> nbformat.NotebookNode:
    """Build the nbgrader source notebook of a chapter (no outputs).

    Parameters
    ----------
    chapter : Chapter or path
        A parsed chapter, or the path of its MyST source.
    tests : dict
        The hidden tests, label → :class:`~lrnn.coursework.hidden.HiddenTest` (``load_hidden_tests``).
    meta : dict
        The instructor's exercise data (``load_exercise_meta``).
    number : int, optional
        The chapter's number in the book (default: :func:`chapter_number`).
    markdown : callable, optional
        ``markdown(text, docname) -> text``, applied to every Markdown cell taken from the chapter (text and
        solution prose), e.g. a MyST-to-Jupyter-Markdown converter. Default: the text unchanged.

    Returns
    -------
    nbformat.NotebookNode
        The notebook. ``metadata["lrnn_coursework"]`` lists the chapter, its number, the ``lrnn`` version that
        generated it and, per exercise, its label, number, title and points.

    Raises
    ------
    ValueError
        If an exercise has no gated solution (the answer cells take its place) or no entry in ``meta``.
    """
    if not isinstance(chapter, Chapter):
        chapter = parse_chapter(chapter)
    if markdown is not None and not callable(markdown):
        raise TypeError(f"markdown must be a callable (text, docname) -> text, got {type(markdown).__name__}")
    number = chapter_number(chapter.path) if number is None else number
    docname = f"chapters/{chapter.path.stem}"
    convert = (lambda text: markdown(text, docname)) if markdown else (lambda text: text)
    infos = {i.label: i for i in exercise_table(chapter, number, tests, meta)}
    for ex in chapter.exercises:
        if not ex.has_solution:
            raise ValueError(f"exercise {ex.label} of {chapter.path.name} has no gated solution: the coursework "
                             "puts the answer cells in its place")

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata[SOURCE_KEY] = {
        "chapter": chapter.path.stem, "chapter_number": number, "lrnn_version": __version__,
        "exercises": [{"label": i.label, "number": i.number, "title": i.title, "written": i.written,
                       "auto": i.auto} for i in infos.values()],
    }
    cells = nb.cells
    pieces = chapter.pieces
    k = 0
    while k < len(pieces):
        piece = pieces[k]
        if piece.solution is None:
            if piece.kind == "code":
                cell = copy.deepcopy(piece.cell)
                cell.outputs, cell.execution_count = [], None
                cell.metadata.pop(SOURCE_KEY, None)
                cell.metadata.pop("nbgrader", None)
                cells.append(cell)
            elif piece.kind == "markdown":
                cells.append(nbformat.v4.new_markdown_cell(convert(piece.text)))
            else:
                cells.append(nbformat.v4.new_raw_cell(piece.text))
            k += 1
            continue
        label = piece.solution
        group = []
        while k < len(pieces) and pieces[k].solution == label:
            group.append(pieces[k])
            k += 1
        cells.extend(_exercise_cells(chapter.exercise(label), infos[label], group, tests.get(label), convert))

    auto = sum(i.auto for i in infos.values())
    written = sum(i.written for i in infos.values())
    note = (f"**Coursework edition of Chapter {number}.** Each exercise is followed by cells for your answer: a "
            "Markdown cell for the written part and a code cell for the computation, whose lines `name = ...` "
            "name the answers that the test cell below it reads. Run a test cell to check your answers; it gives "
            "a hint when one is not yet right. Your notebook is graded by running it from the top in a fresh "
            "kernel, with hidden tests and a time limit: keep the chapter's cells and the answers' names, and "
            f"check that *Run All* works. Points: {auto:g} autograded, {written:g} for the written parts.")
    first_md = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"), -1)
    cells.insert(first_md + 1, _cell("markdown", note, "note", None,
                                     _nbgrader("coursework-note", solution=False, grade=False, locked=True)))
    seen: set[str] = set()
    for i, cell in enumerate(cells):          # stable, unique ids (nbformat 4.5)
        cid = f"{chapter.path.stem[:40]}-{i}"
        cell["id"] = cid if cid not in seen else f"c{i}"
        seen.add(cell["id"])
    return nb
