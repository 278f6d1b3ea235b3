"""Grade one notebook with nbgrader and the book's hidden tests, without managing a course (a convenience).

:func:`grade_notebook` sets up a throw-away nbgrader course for the notebook's chapter
(:func:`~lrnn.coursework.course.write_course`), releases the assignment, submits the notebook as one student, and
runs ``nbgrader autograde`` — exactly the pipeline of a real course, so the scores are those nbgrader would give.
It returns the per-exercise rows of :func:`~lrnn.coursework.nbgrader_plugin.exercise_rows` as a
:class:`GradeReport` (text and JSON, with the student, chapter, submission and grading times and the grader's
version). For a class, use a course directory and nbgrader's commands instead (see the instructor's guide).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from .. import __version__
from .course import assignment_name, book_root, nbgrader, nbgrader_available, write_course
from .source import discover_chapters

__all__ = ["GradeReport", "grade_notebook"]


@dataclass
class GradeReport:
    """The grade of one notebook: one row per exercise and part, totals, and what happened while it ran."""

    notebook: str
    student: str
    chapter: str
    assignment: str
    rows: list[dict] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    graded_at: str = ""
    seconds: float = 0.0
    log: str = ""

    @property
    def score(self) -> float:
        """Autograded points earned."""
        return float(sum(r["score"] for r in self.rows if r["part"] == "auto"))

    @property
    def max_score(self) -> float:
        """Autograded points available (from the instructor's source)."""
        return float(sum(r["max_score"] for r in self.rows if r["part"] == "auto"))

    @property
    def written_max_score(self) -> float:
        """Points of the written parts, to be graded by hand."""
        return float(sum(r["max_score"] for r in self.rows if r["part"] == "written"))

    def to_dict(self) -> dict:
        """JSON-serialisable: identification, totals, incidents and the per-exercise rows."""
        return {"notebook": self.notebook, "student": self.student, "chapter": self.chapter,
                "assignment": self.assignment, "graded_at": self.graded_at, "grader": f"lrnn {__version__}",
                "score": self.score, "max_score": self.max_score, "written_max_score": self.written_max_score,
                "seconds": round(self.seconds, 2), "incidents": self.incidents, "exercises": self.rows}

    def to_text(self) -> str:
        """A table: one line per autograded exercise, the totals, the written parts to grade, the incidents."""
        auto = [r for r in self.rows if r["part"] == "auto"]
        lines = [f"{self.notebook}: student {self.student}, {self.assignment} ({self.chapter}), graded "
                 f"{self.graded_at} in {self.seconds:.1f} s", ""]
        width = max([len(r["number"] or r["exercise"]) for r in auto] + [8])
        lines.append(f"{'exercise':<{width}}  {'points':>7}  {'status':<10}  message")
        for r in auto:
            points = f"{r['score']:g}/{r['max_score']:g}"
            lines.append(f"{r['number'] or r['exercise']:<{width}}  {points:>7}  {r['status']:<10}  {r['message']}")
        lines += ["", f"autograded score: {self.score:g} / {self.max_score:g}"]
        written = [r["number"] or r["exercise"] for r in self.rows if r["part"] == "written"]
        if written:
            lines.append(f"written parts to grade by hand ({self.written_max_score:g} points): " + ", ".join(written))
        if self.incidents:
            lines += ["", "incidents:"] + [f"  {i}" for i in self.incidents]
        return "\n".join(lines)


def grade_notebook(path: str | Path, *, chapter: str | Path | None = None, student: str = "student",
                   book: str | Path | None = None, cell_timeout: int = 120, notebook_timeout: int = 900,
                   fast: bool = False, workdir: str | Path | None = None) -> GradeReport:
    """Autograde one submitted notebook with nbgrader and the hidden tests.

    Parameters
    ----------
    path : path
        The submission (a notebook released from the chapter's coursework edition, with answers).
    chapter : path, optional
        The chapter's MyST source; default: the chapter whose file name matches the notebook's.
    student : str
        The student id recorded in the report.
    book : path, optional
        The book's root (default: :func:`~lrnn.coursework.course.book_root`).
    cell_timeout, notebook_timeout : int
        Seconds a cell, and the whole notebook, may run.
    fast : bool
        Run the kernel with ``LRNN_FAST=1`` (the chapters' shorter experiments).
    workdir : path, optional
        Keep the course directory there (for ``nbgrader generate_feedback``); default: a temporary folder.

    Returns
    -------
    GradeReport

    Raises
    ------
    ValueError
        If the file or chapter does not exist, or nbgrader is not installed.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing notebook file, got {path}")
    if not isinstance(student, str) or not student or not student.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"student must be a non-empty id of letters, digits, '-' and '_', got {student!r}")
    if not nbgrader_available():
        raise ValueError("grading needs nbgrader: pip install -r requirements-coursework.txt")
    book = book_root(book)
    if chapter is None:
        matches = [md for md in discover_chapters(book) if md.stem == path.stem]
        if not matches:
            raise ValueError(f"chapter must be given: no chapter of the book is named like {path.name}")
        chapter = matches[0]
    chapter = Path(chapter)
    if not chapter.is_file():
        raise ValueError(f"chapter must be an existing chapter source, got {chapter}")
    assignment = assignment_name(chapter, book)
    tmp = None
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="lrnn-grade-")
        root = Path(tmp.name)
    else:
        root = Path(workdir)
        if root.exists():
            shutil.rmtree(root)
    start = datetime.now(timezone.utc)
    try:
        write_course(root, [chapter], book=book, force=True, cell_timeout=cell_timeout, manifest=False,
                     notebook_timeout=notebook_timeout, kernel_env={"LRNN_FAST": "1"} if fast else None)
        log = []
        proc = nbgrader("generate_assignment", assignment, "--force", cwd=root)
        log.append(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{proc.stdout}{proc.stderr}")
        target = root / "submitted" / student / assignment / f"{chapter.stem}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        proc = nbgrader("autograde", assignment, "--student", student, "--force", cwd=root)
        log.append(proc.stdout + proc.stderr)
        from nbgrader.api import Gradebook

        from .nbgrader_plugin import GRADE_KEY, _coursedir_for, exercise_rows
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            rows = exercise_rows(gb, _coursedir_for(root), assignments=[assignment], students=[student])
        report = GradeReport(str(path), student, chapter.stem, assignment, rows=rows, log="\n".join(log))
        graded = root / "autograded" / student / assignment / f"{chapter.stem}.ipynb"
        if graded.is_file():
            meta = nbformat.read(graded, as_version=4).metadata.get(GRADE_KEY, {})
            report.incidents = list(meta.get("incidents", []))
            report.graded_at = meta.get("graded_at", "")
            report.seconds = float(meta.get("seconds", 0.0))
        else:
            report.incidents = ["nbgrader did not produce an autograded notebook; see the log"]
        report.graded_at = report.graded_at or start.isoformat(timespec="seconds")
        return report
    finally:
        if tmp is not None:
            tmp.cleanup()
