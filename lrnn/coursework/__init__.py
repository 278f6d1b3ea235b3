"""Coursework: student and instructor editions of the chapters, and an autograder.

Command line (from the book's root)::

    python -m lrnn.coursework editions OUTDIR [--chapter chapters/01_linear_functionals.md ...]
    python -m lrnn.coursework grade NOTEBOOK [--json FILE] [--timeout SECONDS] [--fast]

* :func:`write_editions` / :func:`build_edition` — generate ``OUTDIR/student`` (solutions replaced by stubs and
  self-checks) and ``OUTDIR/instructor`` (solutions, answer bindings and self-checks) from the MyST sources;
* :func:`grade_notebook` — run a submission in a fresh kernel and score each exercise (pass / fail / error);
* :func:`parse_chapter` — the exercises and gated solutions of a chapter, found by parsing its source.

The self-checks themselves live in :mod:`lrnn.checks`.
"""

from .editions import EDITIONS, build_edition, discover_chapters, write_editions
from .grade import ExerciseScore, GradeReport, grade_notebook
from .parse import Chapter, Exercise, parse_chapter

__all__ = ["EDITIONS", "build_edition", "discover_chapters", "write_editions", "ExerciseScore", "GradeReport",
           "grade_notebook", "Chapter", "Exercise", "parse_chapter"]
