"""Find the exercises and their gated solutions in a chapter's MyST source.

A chapter (``chapters/NN_slug.md``, a jupytext MyST notebook) states each exercise in an ``exercise`` directive
with a ``:label:`` and gives its solution in the gated form::

    ````{exercise} Optional title
    :label: ex-c2-one-unit
    ...
    ````

    ````{solution-start} ex-c2-one-unit
    :class: dropdown
    ````
    prose, and code cells that execute
    ````{solution-end}
    ````

A one-piece ``{solution} ex-label`` directive (prose only) is recognised as well. Nothing is hard-coded: the
directives are found by parsing the Markdown cells line by line, with fences of backticks or colons of any length.
The result is a flat list of :class:`Piece` objects — Markdown text or code cells, each marked as belonging to a
solution or not — from which :mod:`lrnn.coursework.source` assembles the coursework notebooks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat

_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[A-Za-z0-9_:-]+)\}[ \t]*(?P<arg>.*?)[ \t]*$")
_LABEL = re.compile(r"^:label:\s*(\S+)\s*$")


@dataclass
class Piece:
    """A piece of a chapter: Markdown text or a code cell, inside a solution (``solution`` = label) or not."""

    kind: str                       # "markdown" or "code"
    text: str                       # Markdown text, or the code cell's source
    solution: str | None = None     # the exercise label when the piece belongs to its solution
    cell: nbformat.NotebookNode | None = None   # the original code cell (metadata, tags)


@dataclass
class Exercise:
    """An exercise found in a chapter: its label, title, number and whether its solution has prose and code.

    ``title`` is the directive's argument, or else a bold phrase that opens the statement
    (``**The best single exponential.**``); ``number`` is its position among the chapter's numbered exercises
    (1, 2, …), as sphinx-exercise numbers them within a chapter.
    """

    label: str
    title: str = ""
    number: int = 0
    has_solution: bool = False
    has_prose: bool = False
    has_code: bool = False


@dataclass
class Chapter:
    """A parsed chapter: the notebook metadata, the pieces in order, and the exercises in order."""

    path: Path
    metadata: dict
    pieces: list[Piece] = field(default_factory=list)
    exercises: list[Exercise] = field(default_factory=list)

    def exercise(self, label: str) -> Exercise:
        for ex in self.exercises:
            if ex.label == label:
                return ex
        raise KeyError(label)


def _closing(lines: list[str], start: int, fence: str) -> int:
    """Index of the line that closes the directive opened at ``start`` (same fence character, at least as long)."""
    char, n = fence[0], len(fence)
    pattern = re.compile(rf"^{re.escape(char)}{{{n},}}\s*$")
    for j in range(start + 1, len(lines)):
        if pattern.match(lines[j]):
            return j
    raise ValueError(f"unclosed directive opened with {fence!r} at line {start + 1}: {lines[start]!r}")


def parse_chapter(path: str | Path) -> Chapter:
    """Parse a chapter's MyST source into pieces and exercises.

    Parameters
    ----------
    path : str or Path
        A jupytext MyST Markdown notebook (``.md``) or a notebook (``.ipynb``).

    Returns
    -------
    Chapter
        Pieces in document order, each Markdown piece a contiguous run of lines of one Markdown cell, split at the
        boundaries of solutions; the exercises in order of appearance.

    Raises
    ------
    TypeError
        If ``path`` is not a path.
    ValueError
        If the file does not exist, a solution has no matching ``solution-end``, or a solution names an exercise
        that was not stated before it.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing chapter file, got {path}")
    nb = jupytext.read(path)
    chapter = Chapter(path=path, metadata=dict(nb.metadata))
    exercises: dict[str, Exercise] = {}
    open_solution: str | None = None

    for cell in nb.cells:
        if cell.cell_type == "code":
            chapter.pieces.append(Piece("code", cell.source, open_solution, cell))
            if open_solution:
                exercises[open_solution].has_code = True
            continue
        if cell.cell_type != "markdown":
            chapter.pieces.append(Piece(cell.cell_type, cell.source, open_solution, cell))
            continue
        lines = cell.source.split("\n")
        buf: list[str] = []
        buf_solution = open_solution

        def flush():
            text = "\n".join(buf).strip("\n")
            if text.strip():
                chapter.pieces.append(Piece("markdown", text, buf_solution))
                if buf_solution and not is_fence_only(text):
                    exercises[buf_solution].has_prose = True
            buf.clear()

        i = 0
        while i < len(lines):
            m = _OPEN.match(lines[i])
            if not m:
                buf.append(lines[i])
                i += 1
                continue
            name, arg, fence = m.group("name"), m.group("arg"), m.group("fence")
            end = _closing(lines, i, fence)
            block = lines[i:end + 1]
            if name == "exercise":
                label = next((lm.group(1) for lm in map(_LABEL.match, block[1:]) if lm), None)
                if label is None:
                    raise ValueError(f"{path.name}: an exercise directive without :label: at {lines[i]!r}")
                body = [line for line in block[1:-1] if not line.lstrip().startswith(":")]
                title = arg or _opening_bold(body)
                numbered = not any(line.strip() == ":nonumber:" for line in block[1:-1])
                count = sum(1 for e in chapter.exercises if e.number) + 1
                ex = Exercise(label, title=title, number=count if numbered else 0)
                exercises[label] = ex
                chapter.exercises.append(ex)
                buf.extend(block)
            elif name in ("solution-start", "solution"):
                label = arg.split()[0] if arg else ""
                if label not in exercises:
                    raise ValueError(f"{path.name}: solution for unknown exercise {label!r}")
                if open_solution:
                    raise ValueError(f"{path.name}: solution of {label!r} starts inside that of {open_solution!r}")
                flush()
                exercises[label].has_solution = True
                buf_solution = label
                if name == "solution":               # one piece: its content, without fences and options
                    buf.extend(line for line in block[1:-1] if not re.match(r"^:[\w-]+:", line.strip()))
                    exercises[label].has_prose = True
                    flush()
                    buf_solution = open_solution
                else:                                # the fences themselves belong to no piece
                    open_solution = label
            elif name == "solution-end":
                if not open_solution:
                    raise ValueError(f"{path.name}: solution-end without solution-start at {lines[i]!r}")
                flush()
                open_solution = None
                buf_solution = None
            else:
                buf.extend(block)
            i = end + 1
        flush()
    if open_solution:
        raise ValueError(f"{path.name}: the solution of {open_solution!r} has no solution-end")
    return chapter


def _opening_bold(body: list[str]) -> str:
    """The bold phrase that opens an exercise statement (``**Title.**``), without its final full stop."""
    text = " ".join(line.strip() for line in body).strip()
    m = re.match(r"^\*\*(.+?)\*\*", text)
    return m.group(1).strip().rstrip(".").strip() if m else ""


def is_fence_only(text: str) -> bool:
    """Whether a Markdown piece holds only directive fences and options (no prose)."""
    for line in text.split("\n"):
        s = line.strip()
        if s and not (_OPEN.match(s) or re.match(r"^(`{3,}|:{3,})$", s) or s.startswith(":class:")):
            return False
    return True
