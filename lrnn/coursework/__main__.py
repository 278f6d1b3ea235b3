"""``python -m lrnn.coursework editions OUTDIR`` and ``python -m lrnn.coursework grade NOTEBOOK [--json FILE]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .editions import EDITIONS, write_editions
from .grade import grade_notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lrnn.coursework",
                                     description="Student/instructor editions of the book and an autograder.")
    sub = parser.add_subparsers(dest="command", required=True)
    ed = sub.add_parser("editions", help="write OUTDIR/student and OUTDIR/instructor from the chapters")
    ed.add_argument("outdir", type=Path)
    ed.add_argument("--book", type=Path, default=None,
                    help="the book's root (default: the current folder if it has chapters/, else the clone that "
                         "lrnn is installed from)")
    ed.add_argument("--chapter", action="append", type=Path, default=None,
                    help="a chapter's .md source (repeatable; default: every chapter of the book)")
    ed.add_argument("--edition", action="append", choices=EDITIONS, default=None,
                    help="only this edition (repeatable; default: both)")
    gr = sub.add_parser("grade", help="run a student's notebook in a fresh kernel and score each exercise")
    gr.add_argument("notebook", type=Path)
    gr.add_argument("--json", type=Path, default=None, help="also write the report as JSON to this file")
    gr.add_argument("--timeout", type=float, default=300.0, help="seconds per cell (default 300)")
    gr.add_argument("--fast", action="store_true", help="run with LRNN_FAST=1 (shorter experiments)")
    args = parser.parse_args(argv)

    try:
        return _run(args)
    except (ValueError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _default_book() -> Path:
    if (Path.cwd() / "chapters").is_dir():
        return Path.cwd()
    return Path(__file__).resolve().parents[2]


def _run(args) -> int:
    if args.command == "editions":
        written = write_editions(args.outdir, args.chapter, book=args.book or _default_book(),
                                 editions=tuple(args.edition) if args.edition else EDITIONS)
        for edition, paths in written.items():
            print(f"{edition}: {len(paths)} notebook(s) in {args.outdir / edition}")
            for p in paths:
                print(f"  {p}")
        return 0
    report = grade_notebook(args.notebook, timeout=args.timeout, env={"LRNN_FAST": "1"} if args.fast else None)
    print(report.to_text())
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
