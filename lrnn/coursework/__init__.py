"""Coursework: nbgrader assignments generated from the chapters, graded with hidden tests the package does not hold.

Command line (from a clone of the book)::

    python -m lrnn.coursework course COURSEDIR [--chapter chapters/01_linear_functionals.md ...]
    python -m lrnn.coursework editions OUTDIR [--chapter ...]
    python -m lrnn.coursework grade NOTEBOOK [--student ID] [--json FILE] [--fast]
    python -m lrnn.coursework table

* :func:`write_course` — an nbgrader course directory: configuration with the grader plugins, one assignment per
  chapter (the instructor's source notebook, :func:`build_source`), and a manifest of the grader's files; then
  nbgrader's own ``generate_assignment``, ``autograde``, ``generate_feedback`` and ``export``;
* :func:`grade_notebook` — a convenience that grades one notebook through the same nbgrader pipeline;
* :mod:`lrnn.coursework.hidden` — how hidden tests are declared, reported by a submission and judged (the tests
  themselves are instructor material in the book's ``coursework/hidden_tests``, not in this package);
* :mod:`lrnn.coursework.nbgrader_plugin` — nbgrader plugins: robust execution, judging outside the kernel,
  restored grade cells, unreadable files, per-exercise CSV export (needs ``requirements-coursework.txt``);
* :func:`parse_chapter` — the exercises and gated solutions of a chapter, found by parsing its source.

The formative self-checks live in :mod:`lrnn.checks`.
"""

from .course import book_root, exercise_tables_markdown, write_course
from .grade import GradeReport, grade_notebook
from .hidden import Answer, HiddenTest, load_hidden_tests
from .parse import Chapter, Exercise, parse_chapter
from .source import ExerciseInfo, build_source, chapter_number, discover_chapters

__all__ = ["write_course", "book_root", "exercise_tables_markdown", "GradeReport", "grade_notebook", "Answer",
           "HiddenTest", "load_hidden_tests", "Chapter", "Exercise", "parse_chapter", "ExerciseInfo",
           "build_source", "chapter_number", "discover_chapters"]
