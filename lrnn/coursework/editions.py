"""Student and instructor editions of the chapters.

Both editions are notebooks generated from the chapters' MyST sources (the single source of truth):

* the **instructor edition** keeps every solution (prose and code, including the chapter's hidden checks) and adds,
  after each solution, an *answer cell* that binds the names a self-check expects, and the *self-check cell*;
* the **student edition** replaces every solution by stubs that say what to write — a Markdown cell for the
  argument when the solution has prose, a code cell for the computation (with one ``name = ...`` line per answer
  the self-check expects) — followed by the same self-check cell. Nothing of a solution survives: its text, its
  code, its outputs (editions carry none) and its metadata are dropped.

Cells carry ``metadata["lrnn_coursework"]`` (``role`` and ``exercise``), which the autograder uses, and
nbgrader-style ``metadata["nbgrader"]`` (schema 3): answer cells are solution cells, self-check cells are locked,
autograded cells worth the exercise's points, Markdown answers are manually graded. In the instructor edition
solution code is wrapped in ``### BEGIN SOLUTION`` / ``### END SOLUTION``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from .. import checks
from .parse import Chapter, Exercise, Piece, parse_chapter

EDITIONS = ("student", "instructor")
_KEY = "lrnn_coursework"


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if grade:
        meta["points"] = float(points or 0.0)
    return meta


def _md(text: str, role: str | None = None, label: str | None = None, nbgrader: dict | None = None):
    cell = nbformat.v4.new_markdown_cell(text)
    if role:
        cell.metadata[_KEY] = {"role": role, "exercise": label}
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def _code(source: str, role: str | None = None, label: str | None = None, nbgrader: dict | None = None,
          tags: list[str] | None = None):
    cell = nbformat.v4.new_code_cell(source)
    if role:
        cell.metadata[_KEY] = {"role": role, "exercise": label}
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def check_cell(label: str):
    """The self-check cell of an exercise (identical in both editions), or ``None`` without a registered check."""
    chk = checks.get(label)
    if chk is None:
        return None
    source = (f"# Self-check for exercise {label}: run it after your answer above.\nimport lrnn.checks\n"
              f"display({chk.call_source()})")
    return _code(source, "check", label,
                 _nbgrader(f"{label}-check", solution=False, grade=True, locked=True, points=chk.points))


def _student_stubs(ex: Exercise) -> list:
    chk = checks.get(ex.label)
    cells = []
    if ex.has_prose:
        cells.append(_md(f"**Your answer to exercise `{ex.label}`.** Replace this text by your argument: the "
                         "derivation or proof the exercise asks for and your explanation of what you observe "
                         "(Markdown, with mathematics between `$…$`).", "answer-prose", ex.label,
                         _nbgrader(f"{ex.label}-prose", solution=True, grade=True, locked=False, points=0)))
    if chk is not None:
        names = ", ".join(f"`{a.name}`" for a in chk.answers)
        source = (f"# Exercise {ex.label}: your code here. Compute what the exercise asks for with lrnn, numpy and\n"
                  f"# scipy, then assign your answers ({names.replace('`', '')}) below; the self-check reads them.\n"
                  f"{chk.stub_source()}")
        cells.append(_code(source, "answer", ex.label,
                           _nbgrader(f"{ex.label}-answer", solution=True, grade=False, locked=False)))
    elif ex.has_code:
        cells.append(_code(f"# Exercise {ex.label}: your code here (the numerical part of the exercise).", "answer",
                           ex.label, _nbgrader(f"{ex.label}-answer", solution=True, grade=False, locked=False)))
    return cells


def _instructor_code(piece: Piece, label: str, k: int):
    cell = copy.deepcopy(piece.cell)
    cell.outputs, cell.execution_count = [], None
    cell.metadata.pop("lrnn_coursework", None)
    cell.metadata[_KEY] = {"role": "solution", "exercise": label}
    cell.metadata["nbgrader"] = _nbgrader(f"{label}-solution-{k}", solution=True, grade=False,
                                          locked=False)
    cell.source = f"### BEGIN SOLUTION\n{piece.text}\n### END SOLUTION"
    return cell


def build_edition(chapter: Chapter | str | Path, edition: str) -> nbformat.NotebookNode:
    """Build one edition of a chapter as a notebook (no outputs).

    Parameters
    ----------
    chapter : Chapter or path
        A parsed chapter, or the path of its MyST source.
    edition : {"student", "instructor"}
        Which edition.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, with ``metadata["lrnn_coursework"]`` listing the chapter, the edition and, per exercise,
        its label, whether it is autograded (has a self-check) and its points.
    """
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}, got {edition!r}")
    if not isinstance(chapter, Chapter):
        chapter = parse_chapter(chapter)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = chapter.metadata.get(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata[_KEY] = {
        "chapter": chapter.path.stem, "edition": edition,
        "exercises": [{"label": ex.label, "autograded": checks.get(ex.label) is not None,
                       "points": checks.get(ex.label).points if checks.get(ex.label) else 0.0}
                      for ex in chapter.exercises],
    }
    cells = nb.cells
    pieces = chapter.pieces
    for k, piece in enumerate(pieces):
        label = piece.solution
        first = label is not None and (k == 0 or pieces[k - 1].solution != label)
        last = label is not None and (k + 1 == len(pieces) or pieces[k + 1].solution != label)
        if label is None:
            if piece.kind == "code":
                cell = copy.deepcopy(piece.cell)
                cell.outputs, cell.execution_count = [], None
                cells.append(cell)
            elif piece.kind == "markdown":
                cells.append(_md(piece.text))
            else:
                cells.append(nbformat.v4.new_raw_cell(piece.text))
            continue
        ex = chapter.exercise(label)
        if edition == "student":
            if first:
                cells.extend(_student_stubs(ex))
        else:
            if piece.kind == "code":
                cells.append(_instructor_code(piece, label, k))
            else:
                cells.append(_md(piece.text, "solution", label,
                                 _nbgrader(f"{label}-prose-{k}", solution=True, grade=True, locked=False, points=0)
                                 if not _fence_only(piece.text) else None))
            if last and checks.get(label) is not None:
                chk = checks.get(label)
                cells.append(_code(f"# Answers for the self-check, from the solution above.\n"
                                   f"### BEGIN SOLUTION\n{chk.solution_source()}\n### END SOLUTION",
                                   "answer", label,
                                   _nbgrader(f"{label}-answer", solution=True, grade=False, locked=False)))
        if last:
            cell = check_cell(label)
            if cell is not None:
                cells.append(cell)
    n_auto = sum(1 for ex in chapter.exercises if checks.get(ex.label) is not None)
    if edition == "student":
        note = ("**Student edition.** The solutions of the exercises are replaced by cells for your answers. Write "
                "arguments in the Markdown cells and computations in the code cells; where a code cell ends with "
                "`name = ...` lines, assign your answers to those names and run the self-check cell below it, which "
                f"says whether they are right and gives a hint if not. {n_auto} of the "
                f"{len(chapter.exercises)} exercises are checked this way; the others are graded by hand. "
                "Run the notebook from the top: the chapter's own cells define what the exercises use.")
    else:
        note = ("**Instructor edition — contains the solutions; do not hand it out.** Each solution is followed by "
                "the answer cell that binds the names its self-check expects, and by the self-check itself.")
    intro = _md(note, "edition-note", None)
    first_md = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"), -1)
    cells.insert(first_md + 1, intro)
    for i, cell in enumerate(cells):          # stable, unique ids (nbformat 4.5)
        cell["id"] = f"{chapter.path.stem[:40]}-{i}"
    return nb


def _fence_only(text: str) -> bool:
    from .parse import is_fence_only
    return is_fence_only(text)


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


def write_editions(outdir: str | Path, chapters: list[str | Path] | None = None, *, book: str | Path = ".",
                   editions: tuple[str, ...] = EDITIONS) -> dict[str, list[Path]]:
    """Write the editions of the chapters into ``outdir/student`` and ``outdir/instructor``.

    Parameters
    ----------
    outdir : path
        The output folder (created). ``outdir/student`` is what students receive; ``outdir/instructor`` holds the
        solutions and must not be handed out.
    chapters : list of paths, optional
        The chapters' MyST sources; by default every chapter of ``book`` (:func:`discover_chapters`).
    book : path
        The book's root, used when ``chapters`` is not given.
    editions : tuple of str
        Which editions to write.

    Returns
    -------
    dict
        Edition → the notebooks written.
    """
    if chapters is None:
        chapters = discover_chapters(book)
    if not chapters:
        raise ValueError("chapters must name at least one chapter (none found)")
    for e in editions:
        if e not in EDITIONS:
            raise ValueError(f"editions must be among {EDITIONS}, got {e!r}")
    outdir = Path(outdir)
    written: dict[str, list[Path]] = {e: [] for e in editions}
    for md in chapters:
        chapter = parse_chapter(md)
        for e in editions:
            nb = build_edition(chapter, e)
            nbformat.validate(nb)
            target = outdir / e / f"{Path(md).stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target)
            written[e].append(target)
    return written
