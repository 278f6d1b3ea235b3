"""Autograding of a student's notebook.

:func:`grade_notebook` runs a submitted notebook in a fresh kernel (``nbclient``), one cell at a time with a
timeout per cell, and scores every autograded exercise from the verdict of its self-check cell:

* the canonical source of each self-check cell is restored from :mod:`lrnn.checks` before running (an edited
  check cannot award itself points), and a check cell the student deleted is appended at the end;
* a cell that raises, times out or kills the kernel does not stop the run (the kernel is restarted if it died);
* an exercise scores its points when its check passes; ``fail`` (wrong or unanswered — an untouched stub is
  ``...`` and fails) and ``error`` (the check cell raised, e.g. a name was deleted) score zero;
* exercises without a computable answer are listed as ``manual``.

The report is a :class:`GradeReport`, printable as text (:meth:`GradeReport.to_text`) and JSON
(:meth:`GradeReport.to_dict`).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .. import checks
from .editions import _KEY, check_cell


@dataclass
class ExerciseScore:
    """The score of one exercise."""

    exercise: str
    status: str          # "pass", "fail", "error" or "manual"
    points: float
    max_points: float
    message: str = ""


@dataclass
class GradeReport:
    """A graded notebook: one :class:`ExerciseScore` per exercise, totals and timing."""

    notebook: str
    exercises: list[ExerciseScore] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    slowest: list[str] = field(default_factory=list)

    @property
    def cell_errors(self) -> int:
        """How many code cells raised (or timed out)."""
        return len(self.errors)

    @property
    def score(self) -> float:
        """Points earned on the autograded exercises."""
        return sum(e.points for e in self.exercises if e.status != "manual")

    @property
    def max_score(self) -> float:
        """Points available on the autograded exercises."""
        return sum(e.max_points for e in self.exercises if e.status != "manual")

    def to_dict(self) -> dict:
        """The report as JSON-serialisable data: totals, per-exercise scores and the cells that raised."""
        return {"notebook": self.notebook, "score": self.score, "max_score": self.max_score,
                "seconds": round(self.seconds, 2), "cell_errors": self.errors, "slowest_cells": self.slowest,
                "exercises": [asdict(e) for e in self.exercises]}

    def to_text(self) -> str:
        """The report as a table: one line per exercise (points, status, message), totals, cells that raised."""
        width = max([len(e.exercise) for e in self.exercises] + [8])
        lines = [f"Grading {self.notebook}  (ran in {self.seconds:.1f} s; {self.cell_errors} cell(s) raised)", ""]
        lines.append(f"{'exercise':<{width}}  {'points':>9}  status  message")
        for e in self.exercises:
            pts = "  manual" if e.status == "manual" else f"{e.points:g}/{e.max_points:g}"
            lines.append(f"{e.exercise:<{width}}  {pts:>9}  {e.status:<6}  {e.message}")
        lines += ["", f"autograded score: {self.score:g} / {self.max_score:g}"]
        manual = [e.exercise for e in self.exercises if e.status == "manual"]
        if manual:
            lines.append("to grade by hand: " + ", ".join(manual))
        if self.errors:
            lines += ["", "cells that raised:"] + [f"  {e}" for e in self.errors]
        if self.slowest:
            lines += ["", "slowest cells:"] + [f"  {e}" for e in self.slowest]
        return "\n".join(lines)


def _error_text(outputs) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
    return None


def _verdict(outputs) -> dict | None:
    for out in outputs:
        data = out.get("data", {}) if out.get("output_type") in ("display_data", "execute_result") else {}
        if checks.MIME_TYPE in data:
            v = data[checks.MIME_TYPE]
            return json.loads(v) if isinstance(v, str) else dict(v)
    return None


def grade_notebook(path: str | Path, *, timeout: float = 300.0, kernel_name: str = "python3",
                   env: dict[str, str] | None = None) -> GradeReport:
    """Run a student's notebook in a fresh kernel and score every exercise.

    Parameters
    ----------
    path : path
        The submitted notebook (a student edition with the answers filled in).
    timeout : float
        Seconds allowed per cell; a cell that runs longer is interrupted and counted as an error.
    kernel_name : str
        The Jupyter kernel to run.
    env : dict, optional
        Extra environment variables for the kernel (e.g. ``{"LRNN_FAST": "1"}``).

    Returns
    -------
    GradeReport
        Per-exercise status (``pass``/``fail``/``error``/``manual``), points and messages.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"path must be a str or Path, got {type(path).__name__}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing notebook, got {path}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    nb = nbformat.read(path, as_version=4)
    meta = nb.metadata.get(_KEY, {})
    expected = [e["label"] for e in meta.get("exercises", [])]

    # Restore the canonical check cells; re-append those the student deleted.
    present: dict[str, int] = {}
    for i, cell in enumerate(nb.cells):
        info = cell.metadata.get(_KEY, {})
        if info.get("role") == "check" and checks.get(info.get("exercise", "")) is not None:
            canonical = check_cell(info["exercise"])
            cell.cell_type, cell.source = "code", canonical.source
            present[info["exercise"]] = i
    for label in expected:
        if label not in present and checks.get(label) is not None:
            nb.cells.append(check_cell(label))
            present[label] = len(nb.cells) - 1
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None

    old_env = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    report = GradeReport(notebook=str(path))
    durations: list[tuple[float, int, str]] = []
    start = time.perf_counter()
    # The kernel talks over IPC sockets in a private folder rather than TCP ports. Over TCP, on a machine shared
    # with other kernels, a run occasionally waited a whole cell timeout for a reply (our guess: ports picked as
    # free by two processes at once); with IPC no port is involved.
    sockets = tempfile.TemporaryDirectory(prefix="lrnn-grade-")
    config = Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(sockets.name, "kernel")}})
    client = NotebookClient(nb, config=config, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(path.parent.resolve())}})
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    try:
        position = 0
        while position < len(code_cells):           # one kernel per segment: a dead kernel is replaced
            client.km, client.kc = None, None
            with client.setup_kernel():
                for index in code_cells[position:]:
                    position += 1
                    cell = nb.cells[index]
                    tick = time.perf_counter()
                    try:
                        client.execute_cell(cell, index)
                    except (CellExecutionError, CellTimeoutError) as err:
                        cell.outputs = list(cell.get("outputs", [])) + [nbformat.v4.new_output(
                            "error", ename=type(err).__name__, evalue=str(err).splitlines()[0] if str(err) else "",
                            traceback=[])]
                    except DeadKernelError as err:
                        cell.outputs = [nbformat.v4.new_output(
                            "error", ename="DeadKernelError",
                            evalue=f"{err} (the next cells run in a fresh kernel, without the state before)",
                            traceback=[])]
                        break
                    finally:
                        durations.append((time.perf_counter() - tick, index,
                                          cell.source.strip().split("\n")[0][:60]))
    finally:
        sockets.cleanup()
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    report.seconds = time.perf_counter() - start
    report.slowest = [f"cell {i} ({first!r}): {sec:.1f} s" for sec, i, first in sorted(durations, reverse=True)[:3]]
    for i, c in enumerate(nb.cells):
        text = _error_text(c.get("outputs", [])) if c.cell_type == "code" else None
        if text:
            first = c.source.strip().split("\n")[0][:60]
            report.errors.append(f"cell {i} ({first!r}): {text[:200]}")

    labels = expected or [c.metadata[_KEY]["exercise"] for c in nb.cells
                          if c.metadata.get(_KEY, {}).get("role") == "check"]
    for label in labels:
        chk = checks.get(label)
        if chk is None:
            report.exercises.append(ExerciseScore(label, "manual", 0.0, 0.0, "no self-check: grade by hand"))
            continue
        outputs = nb.cells[present[label]].get("outputs", [])
        verdict, error = _verdict(outputs), _error_text(outputs)
        if error is not None:
            report.exercises.append(ExerciseScore(label, "error", 0.0, chk.points, error))
        elif verdict is None:
            report.exercises.append(ExerciseScore(label, "error", 0.0, chk.points, "the self-check gave no verdict"))
        elif verdict.get("passed") is True:
            report.exercises.append(ExerciseScore(label, "pass", chk.points, chk.points, verdict.get("message", "")))
        else:
            report.exercises.append(ExerciseScore(label, "fail", 0.0, chk.points, verdict.get("message", "")))
    return report
