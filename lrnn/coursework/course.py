"""An nbgrader course directory for the book, and thin wrappers over nbgrader's commands.

:func:`write_course` turns a folder into an nbgrader course: ``nbgrader_config.py`` (from the template in the book's
``coursework/`` folder, with the grader plugins, time limits and the path of the hidden tests), one assignment per
chapter, ``source/chNN/NN_slug.ipynb`` (:func:`lrnn.coursework.source.build_source`), and ``grader_manifest.json``
(the digests of the grader's files, checked before every autograde). Everything after that is nbgrader's own
commands, run from the course directory::

    nbgrader generate_assignment ch01      # release/ch01/: the students' notebooks
    nbgrader autograde ch01                # submitted/<student>/ch01/ -> autograded/, gradebook.db
    nbgrader generate_feedback ch01        # feedback/<student>/ch01/*.html
    nbgrader export                        # grades.csv and grades_by_exercise.csv

:func:`nbgrader` runs one of them in a subprocess. The book's root is found by :func:`book_root`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from .hidden import HiddenTest, load_hidden_tests
from .parse import parse_chapter
from .source import (MarkdownConverter, build_source, chapter_number, discover_chapters, exercise_table,
                     load_exercise_meta)

__all__ = ["book_root", "assignment_name", "write_course", "nbgrader", "exercise_tables_markdown",
           "default_watch", "nbgrader_available"]


def book_root(book: str | Path | None = None) -> Path:
    """The book's root: ``book`` if given, else the current folder if it has ``chapters/`` and ``coursework/``,
    else the clone that :mod:`lrnn` is installed from (an editable install).

    Raises
    ------
    ValueError
        If no such folder is found (``lrnn`` installed from a wheel, outside a clone).
    """
    candidates = [Path(book)] if book is not None else [Path.cwd(), Path(__file__).resolve().parents[2]]
    for root in candidates:
        if (root / "chapters").is_dir() and (root / "coursework" / "hidden_tests").is_dir():
            return root.resolve()
    raise ValueError(f"book must be the root of a clone of the book (with chapters/ and coursework/), "
                     f"got {candidates[0]}")


def assignment_name(md: str | Path, book: str | Path | None = None) -> str:
    """The nbgrader assignment of a chapter: ``ch`` and its two-digit number (``ch03``)."""
    return f"ch{chapter_number(md, book):02d}"


def default_watch(book: str | Path) -> list[str]:
    """The grader's files whose changes :class:`~lrnn.coursework.nbgrader_plugin.JudgeAnswers` detects: the
    book's ``coursework/`` folder and the installed ``lrnn`` package."""
    return [str(Path(book) / "coursework"), str(Path(__file__).resolve().parents[1])]


def jupyter_markdown(book: str | Path) -> MarkdownConverter | None:
    """The book's MyST → Jupyter Markdown converter (``_ext/jupyter_editions.py``), as ``f(text, docname)``.

    The same conversion as the chapters' Jupyter editions: macros expanded, theorems and exercises as numbered
    blocks, cross-references and citations as the book's text linking to the online book — so that the
    coursework notebooks read in JupyterLab (nbgrader's formgrader, a hub) as the book does. ``None`` when the book
    has no converter (an older clone): the Markdown is then copied as written. The converter is stateful (it
    numbers a chapter's sections in order): make a new one for each pass over the chapters.
    """
    import importlib.util

    path = Path(book) / "_ext" / "jupyter_editions.py"
    if not path.is_file():
        return None
    name = "lrnn_book_jupyter_editions"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module          # before exec: the module defines dataclasses
        spec.loader.exec_module(module)
    edition_book = module.Book(Path(book))
    contexts = {}      # one per chapter: section numbers are taken in order, across the chapter's cells

    def convert(text: str, docname: str) -> str:
        if docname not in contexts:
            number = chapter_number(Path(book) / f"{docname}.md", book)
            contexts[docname] = module._Context(edition_book, docname, docname, f"c{number}-")
        return module.convert_markdown(text, edition_book, docname, context=contexts[docname])

    return convert


def nbgrader_available() -> bool:
    """Whether nbgrader is importable (``pip install -r requirements-coursework.txt``)."""
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        return False
    return True


def write_course(root: str | Path, chapters: Sequence[str | Path] | None = None, *, book: str | Path | None = None,
                 force: bool = False, cell_timeout: int = 120, notebook_timeout: int = 900,
                 kernel_env: dict[str, str] | None = None, watch: Sequence[str | Path] | None = None,
                 markdown: MarkdownConverter | None = None, manifest: bool = True) -> dict[str, Path]:
    """Make ``root`` an nbgrader course directory for the book's chapters.

    Parameters
    ----------
    root : path
        The course directory (created).
    chapters : list of paths, optional
        The chapters' MyST sources; default: every chapter of the book.
    book : path, optional
        The book's root (default: :func:`book_root`).
    force : bool
        Rewrite source notebooks that exist already. By default an existing source is kept, since nbgrader's
        gradebook records the grade cells of a released assignment; the configuration and the manifest are always
        rewritten.
    cell_timeout, notebook_timeout : int
        Seconds a cell, and a whole notebook, may run when autograded.
    kernel_env : dict, optional
        Environment variables for the grading kernel (e.g. ``{"LRNN_FAST": "1"}``).
    watch : list of paths, optional
        The grader's files to protect (default: :func:`default_watch`).
    markdown : callable, optional
        Converter applied to the Markdown cells (see :func:`~lrnn.coursework.source.build_source`); default: the
        book's own converter to Jupyter Markdown (:func:`jupyter_markdown`), as for the chapters' editions.
    manifest : bool
        Record the digests of the watched files in ``grader_manifest.json``, which every later ``autograde``
        compares with the files (default). Without it, changes are only detected while a run grades.

    Returns
    -------
    dict
        Assignment name → its source notebook.
    """
    book = book_root(book)
    root = Path(root).resolve()
    for name, value in (("cell_timeout", cell_timeout), ("notebook_timeout", notebook_timeout)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    if kernel_env is not None and not (isinstance(kernel_env, dict)
                                       and all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in kernel_env.items())):
        raise TypeError("kernel_env must be a dict of str -> str")
    chapters = [Path(c) for c in chapters] if chapters else discover_chapters(book)
    if not chapters:
        raise ValueError("chapters must name at least one chapter (none found)")
    if markdown is None:
        markdown = jupyter_markdown(book)
    tests = load_hidden_tests(book / "coursework" / "hidden_tests")
    meta = load_exercise_meta(book / "coursework" / "exercises.toml")
    root.mkdir(parents=True, exist_ok=True)
    written = {}
    for md in chapters:
        name = assignment_name(md, book)
        target = root / "source" / name / f"{Path(md).stem}.ipynb"
        if target.exists() and not force:
            written[name] = target
            continue
        nb = build_source(parse_chapter(md), tests=tests, meta=meta, number=chapter_number(md, book),
                          markdown=markdown)
        nbformat.validate(nb)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written[name] = target
    watch = [str(w) for w in (watch if watch is not None else default_watch(book))]
    manifest_file = root / "grader_manifest.json"
    if manifest:
        from .nbgrader_plugin import manifest as digests      # needs nbgrader only for its imports
        manifest_file.write_text(json.dumps(digests(watch), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    template = (book / "coursework" / "nbgrader_config.py").read_text(encoding="utf-8")
    for key, value in (("BOOK", repr(str(book))), ("ROOT", repr(str(root))), ("CELL_TIMEOUT", str(cell_timeout)),
                       ("NOTEBOOK_TIMEOUT", str(notebook_timeout)), ("KERNEL_ENV", repr(dict(kernel_env or {}))),
                       ("WATCH", repr(watch)), ("MANIFEST", repr(str(manifest_file) if manifest else ""))):
        template = template.replace(f'"@{key}@"', value)
    (root / "nbgrader_config.py").write_text(template, encoding="utf-8")
    return written


def nbgrader(*args: str, cwd: str | Path, timeout: float | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` (this Python's) in the course directory ``cwd``; output captured, never raises on
    nbgrader's exit status."""
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=full_env)


def exercise_tables_markdown(book: str | Path | None = None) -> str:
    """The instructor's guide's exercise tables, one per chapter, generated from the chapters and
    ``coursework/``: number (a link to the exercise), title, time, difficulty and points."""
    book = book_root(book)
    tests: dict[str, HiddenTest] = load_hidden_tests(book / "coursework" / "hidden_tests")
    meta = load_exercise_meta(book / "coursework" / "exercises.toml")
    out = []
    for md in discover_chapters(book):
        n = chapter_number(md, book)
        chapter = parse_chapter(md)
        out += [f"**Chapter {n}**", "", "| exercise | minutes | difficulty | autograded | written |",
                "|---|---|---|---|---|"]
        for info in exercise_table(chapter, n, tests, meta):
            auto = f"{info.auto:g}" if info.autograded else "—"
            out.append(f"| {{numref}}`{info.label}` — {info.title} | {info.minutes} | "
                       f"{'★' * info.difficulty} | {auto} | {info.written:g} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
