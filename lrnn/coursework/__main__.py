"""``python -m lrnn.coursework {course,editions,grade,table}`` (see :mod:`lrnn.coursework`)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lrnn.coursework",
                                     description="nbgrader coursework generated from the book's chapters.")
    sub = parser.add_subparsers(dest="command", required=True)
    book = dict(type=Path, default=None, help="the book's root (default: the current folder if it is a clone of "
                                              "the book, else the clone lrnn is installed from)")
    chapter = dict(action="append", type=Path, default=None,
                   help="a chapter's .md source (repeatable; default: every chapter)")

    co = sub.add_parser("course", help="make COURSEDIR an nbgrader course: configuration, source notebooks "
                                       "(one assignment chNN per chapter) and the grader's manifest")
    co.add_argument("coursedir", type=Path)
    co.add_argument("--book", **book)
    co.add_argument("--chapter", **chapter)
    co.add_argument("--force", action="store_true", help="rewrite source notebooks that exist already")
    co.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell when autograding (120)")
    co.add_argument("--notebook-timeout", type=int, default=900, help="seconds per notebook (900)")
    co.add_argument("--fast", action="store_true", help="grade with LRNN_FAST=1 (shorter experiments)")

    ed = sub.add_parser("editions", help="write OUTDIR/instructor (nbgrader sources, with solutions) and "
                                         "OUTDIR/student (the notebooks nbgrader releases)")
    ed.add_argument("outdir", type=Path)
    ed.add_argument("--book", **book)
    ed.add_argument("--chapter", **chapter)

    gr = sub.add_parser("grade", help="autograde one notebook through nbgrader with the hidden tests")
    gr.add_argument("notebook", type=Path)
    gr.add_argument("--chapter", type=Path, default=None, help="its chapter (default: the chapter of the same "
                                                               "file name)")
    gr.add_argument("--student", default="student", help="the student id for the report")
    gr.add_argument("--book", **book)
    gr.add_argument("--json", type=Path, default=None, help="also write the report as JSON to this file")
    gr.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell (120)")
    gr.add_argument("--notebook-timeout", type=int, default=900, help="seconds for the notebook (900)")
    gr.add_argument("--fast", action="store_true", help="run with LRNN_FAST=1 (shorter experiments)")

    tb = sub.add_parser("table", help="print the instructor's guide's exercise tables, from the chapters")
    tb.add_argument("--book", **book)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (ValueError, TypeError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _run(args) -> int:
    from .course import book_root, exercise_tables_markdown, nbgrader, write_course
    if args.command == "table":
        print(exercise_tables_markdown(args.book), end="")
        return 0
    if args.command == "course":
        written = write_course(args.coursedir, args.chapter, book=args.book, force=args.force,
                               cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                               kernel_env={"LRNN_FAST": "1"} if args.fast else None)
        print(f"nbgrader course in {args.coursedir.resolve()}:")
        for name, path in written.items():
            print(f"  {name}: {path}")
        first = next(iter(written))
        print(f"next, from that folder: nbgrader generate_assignment {first} (then autograde, generate_feedback, "
              "export; see the instructor's guide)")
        return 0
    if args.command == "editions":
        root = book_root(args.book)
        with tempfile.TemporaryDirectory(prefix="lrnn-editions-") as tmp:
            written = write_course(tmp, args.chapter, book=root, force=True)
            proc = nbgrader("generate_assignment", "*", "--force", cwd=tmp)      # every assignment, one process
            if proc.returncode != 0:
                raise RuntimeError(f"nbgrader generate_assignment failed:\n{proc.stdout}{proc.stderr}")
            for name, source in written.items():
                for edition, src in (("instructor", source),
                                     ("student", Path(tmp) / "release" / name / source.name)):
                    dest = args.outdir / edition / source.name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dest)
                    print(f"{edition}: {dest}")
        return 0
    from .grade import grade_notebook
    report = grade_notebook(args.notebook, chapter=args.chapter, student=args.student, book=args.book,
                            cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, fast=args.fast)
    print(report.to_text())
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
