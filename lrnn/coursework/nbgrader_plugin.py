"""nbgrader plugins that make autograding robust to what a submission does (needs ``nbgrader``, see
``requirements-coursework.txt``).

A course directory written by ``python -m lrnn.coursework course`` configures nbgrader with these classes
(``nbgrader_config.py``); nbgrader stays the grading engine — its gradebook, ``generate_assignment``,
``autograde``, ``generate_feedback``, ``export`` and formgrader — and the plugins change what it does with a
submission:

:class:`SubmissionExporter`
    reads a submission; a file that is not a readable notebook is graded as an empty submission that says why, so
    that it appears in the gradebook with zero per exercise instead of stopping or vanishing.
:class:`RestoreCells` (sanitising step, after nbgrader's ``OverwriteCells``)
    puts back every grade cell of the instructor's source that the submission lost — deleted, or stripped of its
    metadata — so that the exercises and points always come from the source; duplicated cells lose their grade
    metadata in nbgrader's ``DeduplicateIds``.
:class:`RobustExecute` (replaces nbgrader's ``Execute``)
    runs the notebook in an explicit kernel (this Python's ``ipykernel``, whatever kernelspecs exist), with a
    per-cell timeout that interrupts the cell and kills the kernel if the interrupt is ignored, a whole-notebook
    time limit enforced by a watchdog that kills the kernel's process group, and, when the kernel dies, a fresh
    kernel in which the cells before the crash are replayed so that later exercises are still graded. Every code
    cell gets its status (``ok``, ``error``, ``timeout``, ``killed``, ``crashed``, ``not-run``).
:class:`JudgeAnswers` (after ``RobustExecute``)
    judges each exercise's reported answers against the hidden tests **in the grading process**, not in the
    student's kernel, and writes the verdict (points, per-part messages) into the test cell's outputs, which
    nbgrader's ``SaveAutoGrades`` then records. It also checks that the grader's own files did not change.
:class:`ByExerciseCsvExport`
    ``nbgrader export`` writes nbgrader's CSV gradebook and, next to it, one row per student, exercise and part
    (autograded or written) with its score, status and message.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import hmac
import json
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from queue import Empty

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbconvert.exporters import NotebookExporter
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Dict, Float, Instance, Integer, List, Unicode

from .. import __version__
from .hidden import MIME, HiddenTest, load_hidden_tests

__all__ = ["SubmissionExporter", "RestoreCells", "RobustExecute", "JudgeAnswers", "ByExerciseCsvExport",
           "exercise_rows", "GRADING_KEY", "GRADE_KEY"]

#: Metadata written by the grader (run status of cells, incidents); anything a submission puts here is discarded.
GRADING_KEY = "lrnn_grading"
#: Metadata of a judged test cell (score, status, messages) and of a graded notebook (totals, incidents).
GRADE_KEY = "lrnn_grade"
_SOURCE_KEY = "lrnn_coursework"

# A per-process secret that marks the placeholder of an unreadable submission (a submission cannot forge it).
_SECRET = secrets.token_bytes(32)


def _token(*parts: str) -> str:
    return hmac.new(_SECRET, "|".join(parts).encode(), hashlib.sha256).hexdigest()


def _coursedir(configurable) -> CourseDirectory:
    """The course directory of the running nbgrader converter (walking up the parents), or one from the config."""
    obj = configurable
    while obj is not None:
        cd = getattr(obj, "coursedir", None)
        if isinstance(cd, CourseDirectory):
            return cd
        obj = getattr(obj, "parent", None)
    return CourseDirectory(config=configurable.config)


def _coursedir_for(root) -> CourseDirectory:
    """The course directory at ``root`` (for code that runs outside an nbgrader command)."""
    return CourseDirectory(root=str(root))


def _source_notebook(coursedir: CourseDirectory, assignment: str, notebook: str) -> nbformat.NotebookNode:
    path = Path(coursedir.format_path(coursedir.source_directory, ".", assignment)) / f"{notebook}.ipynb"
    return nbformat.read(path, as_version=4)


def _hidden_region_removed(source: str) -> str:
    """A test cell's source as released: without its hidden-test region (as nbgrader's ClearHiddenTests)."""
    out, hidden = [], False
    for line in source.split("\n"):
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


def _is_test_cell(cell) -> bool:
    nbg = cell.metadata.get("nbgrader", {})
    return (cell.cell_type == "code" and nbg.get("grade") is True and not nbg.get("solution")
            and str(nbg.get("grade_id", "")).endswith("-tests"))


# ---------------------------------------------------------------------------------------------------- reading


class SubmissionExporter(NotebookExporter):
    """nbgrader's notebook exporter, except that an unreadable submission becomes an empty notebook flagged as
    unreadable (with the reason), which :class:`RestoreCells` fills with the source's grade cells and
    :class:`RobustExecute` does not run: every exercise then scores zero with the reason in the gradebook."""

    def from_file(self, file_stream, resources=None, **kw):
        try:
            nb = nbformat.read(file_stream, as_version=4)
            if not isinstance(nb.get("cells"), list) or not all(
                    isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")
                    and isinstance(c.get("source", ""), str) for c in nb.cells):
                raise ValueError("the file is JSON but not a notebook (no list of cells)")
            for cell in nb.cells:
                cell.setdefault("metadata", nbformat.NotebookNode())
                if cell.cell_type == "code":
                    cell.setdefault("outputs", [])
                    cell.setdefault("execution_count", None)
        except Exception as err:                                     # noqa: BLE001 - any unreadable file
            reason = f"{type(err).__name__}: {err}".splitlines()[0][:300]
            name = (resources or {}).get("metadata", {}).get("name", "")
            self.log.error("Submission %s is not a readable notebook (%s); grading it as empty", name, reason)
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nb.metadata[GRADING_KEY] = {"unreadable": reason, "token": _token("unreadable", reason)}
            nb.cells.append(nbformat.v4.new_markdown_cell(
                f"**This submission could not be read** ({reason}). It is graded as an empty notebook: every "
                "exercise scores zero. The original file is kept in the `submitted` folder."))
        return self.from_notebook_node(nb, resources, **kw)


def _unreadable(nb) -> str | None:
    info = nb.metadata.get(GRADING_KEY, {})
    reason = info.get("unreadable") if isinstance(info, dict) else None
    if isinstance(reason, str) and hmac.compare_digest(str(info.get("token", "")), _token("unreadable", reason)):
        return reason
    return None


# ---------------------------------------------------------------------------------------------------- sanitising


class RestoreCells(NbGraderPreprocessor):
    """Put back the grade cells of the instructor's source that a submission lost.

    Runs in nbgrader's sanitising step after ``OverwriteCells``. A test cell without metadata whose code is the
    released test is recognised and given back its metadata; any grade cell still missing is re-inserted from the
    gradebook (with its hidden tests): a test cell just before the next cell of the source that the submission
    still has (so it runs after the student's own cells for that exercise), a written-answer cell just after the
    previous one. Grader metadata that a submission carries is discarded.
    """

    def preprocess(self, nb, resources):
        reason = _unreadable(nb)
        nb.metadata.pop(GRADING_KEY, None)
        nb.metadata.pop(GRADE_KEY, None)
        for cell in nb.cells:
            cell.metadata.pop(GRADING_KEY, None)
            cell.metadata.pop(GRADE_KEY, None)
        if reason is not None:
            nb.metadata[GRADING_KEY] = {"unreadable": reason, "token": _token("unreadable", reason)}
        for cell in nb.cells:                 # nbgrader metadata without a known grade_id (see OverwriteCells)
            if "nbgrader" in cell.metadata and not cell.metadata["nbgrader"].get("grade_id"):
                del cell.metadata["nbgrader"]
        info = resources["nbgrader"]
        source = _source_notebook(_coursedir(self), info["assignment"], info["notebook"])
        order = [c.metadata["nbgrader"]["grade_id"] for c in source.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id")]
        released = {c.metadata["nbgrader"]["grade_id"]: _hidden_region_removed(c.source).strip()
                    for c in source.cells if _is_test_cell(c)}
        with Gradebook(info["db_url"]) as gb:
            present = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                       if c.metadata.get("nbgrader", {}).get("grade_id")}
            # 1. test cells that lost their metadata, recognised by their released code
            for cell in nb.cells:
                if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("grade_id"):
                    continue
                match = next((gid for gid, src in released.items()
                              if gid not in present and src and cell.source.strip() == src), None)
                if match:
                    self._adopt(cell, gb, match, info)
                    present.add(match)
                    self.log.warning("Test cell %s had lost its metadata; restored", match)
            # 2. grade cells still missing, re-inserted from the gradebook
            restored = []
            for k, gid in enumerate(order):
                if gid in present:
                    continue
                try:
                    graded = gb.find_graded_cell(gid, info["notebook"], info["assignment"])
                except MissingEntry:
                    continue                               # not a grade cell (an answer stub or a locked note)
                src = gb.find_source_cell(gid, info["notebook"], info["assignment"])
                cell = (nbformat.v4.new_code_cell(src.source) if src.cell_type == "code"
                        else nbformat.v4.new_markdown_cell(src.source))
                cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": src.locked,
                                             "schema_version": 3, "solution": not src.locked, "task": False,
                                             "points": float(graded.max_score), "checksum": src.checksum}
                ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
                following = [g for g in order[k + 1:] if g in present]
                previous = [g for g in order[:k] if g in present]
                if src.cell_type == "markdown" and previous:
                    at = ids.index(previous[-1]) + 1
                else:
                    at = ids.index(following[0]) if following else len(nb.cells)
                nb.cells.insert(at, cell)
                present.add(gid)
                restored.append(gid)
                self.log.warning("Grade cell %s was missing from the submission; restored from the source", gid)
        if restored:
            nb.metadata.setdefault(GRADING_KEY, {})["restored"] = restored
        for i, cell in enumerate(nb.cells):
            cell["id"] = cell.get("id") or f"restored-{i}"
        return nb, resources

    def _adopt(self, cell, gb, gid, info):
        src = gb.find_source_cell(gid, info["notebook"], info["assignment"])
        graded = gb.find_graded_cell(gid, info["notebook"], info["assignment"])
        cell.source = src.source
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": True, "schema_version": 3,
                                     "solution": False, "task": False, "points": float(graded.max_score),
                                     "checksum": src.checksum}


# ---------------------------------------------------------------------------------------------------- execution


class _PinnedKernelSpecs(KernelSpecManager):
    """A kernel-spec manager that knows one kernel, whatever is installed: the grader's own."""

    spec = Instance(KernelSpec)

    def find_kernel_specs(self):
        return {"lrnn-grader": ""}

    def get_kernel_spec(self, kernel_name):
        return self.spec


class RobustExecute(Execute):
    """Run a submission with time limits, an explicit kernel, and recovery from a dead kernel.

    Each code cell runs with a timeout (``timeout``, seconds); a cell that exceeds it is interrupted (SIGINT) and,
    if the kernel does not answer within ``interrupt_grace`` seconds, the kernel's whole process group is killed.
    The whole notebook has ``notebook_timeout`` seconds; cells that had not started by then are not run, and a
    watchdog kills the kernel if the limit passes during a cell. When the kernel dies (a crash, or a kill), a new
    kernel starts, replays the cells that had run before (their outputs are not kept) and the run goes on with the
    next cell, at most ``max_restarts`` times. The kernel is ``kernel_python -m ipykernel_launcher`` (default: the
    grader's own Python), never a kernelspec found on the machine; ``kernel_env`` adds environment variables, and
    with ``isolate_home`` the kernel's ``HOME``, ``IPYTHONDIR`` and ``MPLCONFIGDIR`` are a private temporary folder,
    so a submission cannot leave startup files for later kernels there.
    """

    timeout = Integer(120, help="Seconds a cell may run before it is interrupted.").tag(config=True)
    notebook_timeout = Integer(900, help="Seconds the whole notebook may run (kernel start and replays "
                                         "included).").tag(config=True)
    interrupt_grace = Float(5.0, help="Seconds to wait for an interrupted cell before killing the "
                                      "kernel.").tag(config=True)
    max_restarts = Integer(3, help="How many times a dead kernel is replaced.").tag(config=True)
    kernel_python = Unicode(sys.executable, help="The Python whose ipykernel runs submissions.").tag(config=True)
    kernel_env = Dict({}, help="Extra environment variables for the kernel.").tag(config=True)
    isolate_home = Bool(True, help="Give the kernel a private HOME, IPYTHONDIR and MPLCONFIGDIR.").tag(config=True)
    iopub_timeout = Integer(10).tag(config=True)
    raise_on_iopub_timeout = Bool(False).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._incidents: list[str] = []
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for i in code:
            nb.cells[i].metadata[GRADING_KEY] = {"status": "not-run", "reason": "not reached"}
        reason = _unreadable(nb)
        if reason is not None:
            for i in code:
                nb.cells[i].metadata[GRADING_KEY] = {"status": "not-run", "reason": f"unreadable file: {reason}"}
            nb.metadata.setdefault(GRADING_KEY, {})["run"] = {"seconds": 0.0, "incidents": [], "restarts": 0}
            return nb, resources

        from nbclient import NotebookClient
        NotebookClient.__init__(self, nb, None)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.skip_cells_with_tag = "lrnn-grader-" + secrets.token_hex(8)   # a submission cannot skip cells
        self.interrupt_on_timeout = False       # handled here: interrupt, then kill if ignored
        start = time.monotonic()
        self._deadline = start + self.notebook_timeout
        replayable: list[int] = []
        restarts, pos = 0, 0
        watchdog = threading.Timer(self.notebook_timeout + self.interrupt_grace + 5, self._kill_kernel)
        watchdog.daemon = True
        watchdog.start()
        private = tempfile.TemporaryDirectory(prefix="lrnn-grader-")
        try:
            while pos < len(code):
                if restarts > self.max_restarts:
                    self._not_run(nb, code[pos:], f"the kernel died {restarts} times; the rest was not run")
                    break
                if time.monotonic() >= self._deadline:
                    self._not_run(nb, code[pos:], f"the notebook's time limit of {self.notebook_timeout} s was "
                                                  "reached")
                    self._incidents.append(f"time limit of {self.notebook_timeout} s reached")
                    break
                self.km, self.kc = self._kernel_manager(private.name, restarts), None
                try:
                    with self.setup_kernel():
                        if restarts and not self._replay(nb, replayable):
                            restarts += 1
                            continue
                        while pos < len(code):
                            index = code[pos]
                            remaining = self._deadline - time.monotonic()
                            if remaining < 1:
                                self._not_run(nb, code[pos:], f"the notebook's time limit of "
                                                              f"{self.notebook_timeout} s was reached")
                                self._incidents.append(f"time limit of {self.notebook_timeout} s reached")
                                pos = len(code)
                                break
                            status = self._run(nb.cells[index], index, remaining)
                            pos += 1
                            if status in ("ok", "error"):
                                replayable.append(index)
                            if status in ("crashed", "killed"):
                                restarts += 1
                                first = nb.cells[index].source.strip().split("\n")[0][:60]
                                self._incidents.append(f"cell {index} ({first!r}) {status} the kernel; the cells "
                                                       "after it ran in a fresh kernel after replaying those "
                                                       "before it")
                                break
                except (DeadKernelError, RuntimeError) as err:       # the kernel did not start or died at once
                    restarts += 1
                    self._incidents.append(f"kernel failure: {type(err).__name__}: {err}"[:200])
        finally:
            watchdog.cancel()
            self._kill_kernel()
            private.cleanup()
        nb.metadata.setdefault(GRADING_KEY, {})["run"] = {
            "seconds": round(time.monotonic() - start, 2), "incidents": self._incidents, "restarts": restarts,
            "cell_timeout": self.timeout, "notebook_timeout": self.notebook_timeout}
        self.set_widgets_metadata()
        return nb, self.resources

    # -- kernels

    def _kernel_manager(self, private: str, generation: int) -> AsyncKernelManager:
        env = dict(self.kernel_env)
        if self.isolate_home:
            home = os.path.join(private, f"home-{generation}")
            os.makedirs(home, exist_ok=True)
            env.update(HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"),
                       MPLCONFIGDIR=os.path.join(home, ".matplotlib"))
        spec = KernelSpec(argv=[self.kernel_python, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                                "--HistoryManager.hist_file=:memory:"],
                          display_name="lrnn grader", language="python", env=env)
        km = AsyncKernelManager(kernel_name="lrnn-grader", kernel_spec_manager=_PinnedKernelSpecs(spec=spec),
                                transport="ipc", ip=os.path.join(private, f"kernel-{generation}"))
        self._km_current = km
        return km

    def _kill_kernel(self):
        """SIGKILL the current kernel's process group (it may ignore SIGINT, or have started children)."""
        km = getattr(self, "_km_current", None)
        provisioner = getattr(km, "provisioner", None) if km is not None else None
        if provisioner is None:
            return
        pgid = getattr(provisioner, "pgid", None)
        process = getattr(provisioner, "process", None)
        try:
            if pgid and hasattr(os, "killpg"):
                os.killpg(pgid, signal.SIGKILL)
            elif process is not None:
                process.kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass

    # -- cells

    def _run(self, cell, index: int, remaining: float) -> str:
        """Run one cell; record and return its status."""
        tick = time.monotonic()
        limit = max(1, int(min(self.timeout, remaining)))
        self.timeout_func = None
        saved, self.timeout = self.timeout, limit
        try:
            self.execute_cell(cell, index, store_history=True)
            status = "error" if any(o.get("output_type") == "error" for o in cell.get("outputs", [])) else "ok"
        except CellTimeoutError:
            limit_kind = ("the notebook's time limit" if limit < saved else "the cell time limit")
            if self._interrupted():
                status = "timeout"
                text = f"the cell ran longer than {limit} s ({limit_kind}) and was interrupted"
            else:
                status = "killed"
                text = (f"the cell ran longer than {limit} s ({limit_kind}) and ignored the interrupt: the kernel "
                        "was killed")
                self._kill_kernel()
            cell.outputs.append(nbformat.v4.new_output("error", ename="CellTimeoutError", evalue=text,
                                                       traceback=[f"CellTimeoutError: {text}"]))
        except DeadKernelError:
            status = "crashed"
            text = "the kernel died while this cell ran"
            cell.outputs.append(nbformat.v4.new_output("error", ename="DeadKernelError", evalue=text,
                                                       traceback=[f"DeadKernelError: {text}"]))
        finally:
            self.timeout = saved
        cell.metadata[GRADING_KEY] = {"status": status, "seconds": round(time.monotonic() - tick, 2)}
        return status

    def _interrupted(self) -> bool:
        """Interrupt the kernel; whether it finished the cell (sent its execute reply) within the grace period."""
        try:
            run_sync(self.km.interrupt_kernel)()
        except Exception:                                            # noqa: BLE001 - a dying kernel
            return False
        end = time.monotonic() + self.interrupt_grace
        while time.monotonic() < end:
            try:
                msg = run_sync(self.kc.shell_channel.get_msg)(timeout=max(0.05, end - time.monotonic()))
            except Empty:
                continue
            except Exception:                                        # noqa: BLE001 - channel closed
                return False
            if msg.get("msg_type") == "execute_reply":
                return True
        return False

    def _replay(self, nb, replayable: list[int]) -> bool:
        """Re-run the cells that ran before a crash in the new kernel (outputs discarded); False if it failed."""
        for index in list(replayable):
            remaining = self._deadline - time.monotonic()
            if remaining < 1:
                return True          # the main loop reports the time limit
            scratch = copy.deepcopy(nb.cells[index])
            status = self._run(scratch, index, remaining)
            if status in ("timeout", "crashed", "killed"):
                replayable.remove(index)
                self._incidents.append(f"cell {index} {status} when replayed; it is left out of later replays")
                return False
        return True

    def _not_run(self, nb, indices, reason: str):
        for i in indices:
            nb.cells[i].metadata[GRADING_KEY] = {"status": "not-run", "reason": reason}


# ---------------------------------------------------------------------------------------------------- judging


def _digest_files(paths) -> dict[str, str]:
    out = {}
    for root in paths:
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*")
                                                     if p.is_file() and p.suffix in (".py", ".toml", ".json")
                                                     and "__pycache__" not in p.parts)
        for f in files:
            try:
                out[str(f)] = hashlib.sha256(f.read_bytes()).hexdigest()
            except OSError:
                out[str(f)] = "unreadable"
    return out


def manifest(paths) -> dict[str, str]:
    """SHA-256 of every Python, TOML and JSON file under ``paths`` (the grader's files)."""
    return _digest_files(paths)


class JudgeAnswers(NbGraderPreprocessor):
    """Score every exercise's test cell from the answers it reported, with the hidden tests, in this process.

    For a test cell ``<label>-tests`` with a hidden test: the answers reported by the cell (one report, under the
    MIME type of :mod:`lrnn.coursework.hidden`) are judged part by part; the cell's outputs become the verdict —
    a text report, then nothing (full marks), the partial score (nbgrader's partial credit) or an error (zero) —
    and the cell's metadata records score, status and messages for :class:`ByExerciseCsvExport`. A test that did
    not run, timed out, died with the kernel or reported nothing scores zero, with the reason. The points are those
    of the gradebook (the source's); the parts' points are scaled to them.

    ``watch`` lists the grader's files (the hidden tests, the ``lrnn`` package): they are hashed before grading,
    compared with the course's ``manifest`` file if there is one (grading refuses to start if they changed), and
    re-hashed after each notebook; a submission that changed them scores zero and is reported.
    """

    hidden_tests = Unicode("", help="The folder of the hidden tests (coursework/hidden_tests).").tag(config=True)
    watch = List(Unicode(), [], help="Files or folders of the grader whose changes are detected.").tag(config=True)
    manifest_file = Unicode("", help="JSON manifest of the watched files written when the course was set "
                                     "up.").tag(config=True)

    _tests: dict[str, HiddenTest] | None = None
    _baseline: dict[str, str] | None = None
    _stale: list[str] = []          # watched files that differ from the course's manifest
    _broken: str = ""               # why the hidden tests could not be loaded
    _warned: list[str] = []

    def __init__(self, **kw):
        super().__init__(**kw)
        cls = type(self)
        if cls._tests is None:
            try:
                if not self.hidden_tests:
                    raise ValueError("JudgeAnswers.hidden_tests must name the folder of the hidden tests")
                tests = load_hidden_tests(self.hidden_tests)
                for test in tests.values():          # compute every reference before any submission runs
                    test.warm()
                cls._tests = tests
            except Exception as err:                                 # noqa: BLE001 - reported per exercise
                cls._tests, cls._broken = {}, f"{type(err).__name__}: {err}"
                self.log.error("The hidden tests could not be loaded (%s): nothing is autograded", cls._broken)
        if cls._baseline is None:
            cls._baseline = _digest_files(self.watch)
            if self.manifest_file and Path(self.manifest_file).is_file():
                recorded = json.loads(Path(self.manifest_file).read_text(encoding="utf-8"))
                changed = sorted(f for f in set(recorded) | set(cls._baseline)
                                 if recorded.get(f) != cls._baseline.get(f))
                if changed:
                    cls._stale = changed
                    self.log.error(
                        "The grader's files changed since the course was set up: %s. Nothing is autograded until "
                        "you check them (git status in the book's clone) and, if the change is yours, run "
                        "`python -m lrnn.coursework course` again to accept it.", ", ".join(changed[:5]))

    def preprocess(self, nb, resources):
        tests = type(self)._tests
        info = resources["nbgrader"]
        unreadable = _unreadable(nb)
        grading = nb.metadata.get(GRADING_KEY, {})
        incidents = list(grading.get("run", {}).get("incidents", []))
        if grading.get("restored"):
            incidents.append("restored from the source (missing in the submission): "
                             + ", ".join(grading["restored"]))
        now = _digest_files(self.watch)
        baseline = type(self)._baseline
        tampered = sorted(f for f in set(now) | set(baseline) if now.get(f) != baseline.get(f))
        if tampered:
            incidents.append("this submission changed the grader's files: " + ", ".join(tampered[:5]))
            self.log.error("Submission of %s changed the grader's files %s: its autograded scores are set to zero; "
                           "restore the files (git checkout) and grade it again in a sandbox", info["student"],
                           tampered)
            type(self)._warned.append(info["student"])
            type(self)._baseline = now
        elif type(self)._warned:
            incidents.append("an earlier submission in this run changed the grader's files ("
                             + ", ".join(type(self)._warned) + "); the lrnn package may differ — grade again "
                             "after restoring it")
        total = maximum = 0.0
        for cell in nb.cells:
            if not _is_test_cell(cell):
                continue
            label = cell.metadata["nbgrader"]["grade_id"][: -len("-tests")]
            test = tests.get(label)
            if test is None:
                if type(self)._broken:
                    message = f"not graded: the hidden tests could not be loaded ({type(self)._broken})"
                    cell.outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue=message,
                                                           traceback=[])]
                    points = float(cell.metadata["nbgrader"].get("points", 0.0))
                    maximum += points
                    cell.metadata[GRADE_KEY] = {"exercise": label, "score": 0.0, "max_score": points,
                                                "status": "not-graded", "message": message, "parts": []}
                continue
            points = float(cell.metadata["nbgrader"].get("points", test.points))
            status, parts, message = self._judge(cell, test, unreadable, bool(tampered))
            if type(self)._stale:
                status, parts = "not-graded", []
                message = ("not graded: the grader's files changed since the course was set up ("
                           + ", ".join(type(self)._stale[:3]) + "); the instructor must check them and re-run "
                           "`python -m lrnn.coursework course`")
            earned = points * sum(p.earned for p in parts) / test.points if parts else 0.0
            earned = round(earned, 6)
            total += earned
            maximum += points
            lines = [f"{label}: {earned:g} / {points:g} point(s) — {status}"]
            lines += [f"  {'✔' if p.passed else '✘'} {p.part} ({p.earned:g}/{p.points:g}): {p.message}"
                      for p in parts]
            if message:
                lines.append(f"  {message}")
            outputs = [nbformat.v4.new_output("stream", name="stdout", text="\n".join(lines) + "\n")]
            if earned <= 0:
                outputs.append(nbformat.v4.new_output("error", ename="NotGraded" if not parts else "WrongAnswer",
                                                      evalue=message or "no part of the answer is right yet",
                                                      traceback=[]))
            elif earned < points:
                outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": f"{earned:g}"},
                                                      execution_count=cell.get("execution_count")))
            cell.outputs = outputs
            # the feedback shows the cell as released, not the reporting code that ran in its hidden part
            cell.source = ("# (Hidden tests ran here: they reported the answers above to the grader, which "
                           "judged them.)\n" + _hidden_region_removed(cell.source).lstrip("\n"))
            cell.metadata[GRADE_KEY] = {
                "exercise": label, "score": earned, "max_score": points, "status": status, "message": message,
                "parts": [{"part": p.part, "earned": p.earned, "points": p.points, "message": p.message}
                          for p in parts]}
        nb.metadata[GRADE_KEY] = {
            "student": info["student"], "assignment": info["assignment"], "notebook": info["notebook"],
            "graded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "grader": f"lrnn {__version__}", "autograded_score": round(total, 6),
            "autograded_max_score": maximum, "incidents": incidents,
            "seconds": grading.get("run", {}).get("seconds", 0.0)}
        return nb, resources

    def _judge(self, cell, test: HiddenTest, unreadable: str | None, tampered: bool):
        """(status, parts, message) of one test cell."""
        if unreadable is not None:
            return "unreadable", [], f"the submitted file could not be read ({unreadable})"
        if tampered:
            return "tampered", [], "the submission changed the grader's files; not graded"
        run = cell.metadata.get(GRADING_KEY, {})
        state = run.get("status", "not-run")
        if state == "not-run":
            return "not-run", [], f"the test did not run: {run.get('reason', 'not reached')}"
        if state in ("timeout", "killed"):
            return "timeout", [], "the test ran out of time while evaluating your answers"
        if state == "crashed":
            return "crashed", [], "the kernel died while the test evaluated your answers"
        reports = [o["data"][MIME] for o in cell.get("outputs", [])
                   if o.get("output_type") == "display_data" and MIME in o.get("data", {})]
        if len(reports) != 1:
            return ("no-report", [], "the test reported no answers (its cell failed before reporting, or its "
                                     "output was suppressed)") if not reports else \
                   ("tampered", [], "the test cell reported answers more than once; not graded")
        report = reports[0]
        if isinstance(report, str):
            try:
                report = json.loads(report)
            except ValueError:
                report = {}
        if not isinstance(report, dict) or report.get("exercise") != test.label:
            return "no-report", [], "the test's report does not belong to this exercise"
        parts = test.judge(report)
        status = "pass" if all(p.passed for p in parts) else ("fail" if not any(p.passed for p in parts)
                                                               else "partial")
        return status, parts, ""


# ---------------------------------------------------------------------------------------------------- reporting

_FIELDS = ["assignment", "notebook", "student_id", "exercise", "number", "title", "part", "score", "max_score",
           "status", "message", "submitted", "graded_at", "grader", "incidents"]


def exercise_rows(gradebook: Gradebook, coursedir: CourseDirectory, *, assignments=(), students=()) -> list[dict]:
    """One row per student, exercise and part (``auto``: the hidden test; ``written``: graded by hand).

    Scores come from the gradebook (a manual score overrides the autograder's); statuses and messages from the
    autograded notebooks; exercise numbers and titles from the instructor's source notebooks.
    """
    rows = []
    for assignment in gradebook.assignments:
        if assignments and assignment.name not in assignments:
            continue
        for notebook in assignment.notebooks:
            try:
                source = _source_notebook(coursedir, assignment.name, notebook.name)
                exercises = source.metadata.get(_SOURCE_KEY, {}).get("exercises", [])
            except (OSError, ValueError):
                exercises = []
            for student in gradebook.students:
                if students and student.id not in students:
                    continue
                try:
                    submission = gradebook.find_submission(assignment.name, student.id)
                except MissingEntry:
                    submission = None
                graded_nb = Path(coursedir.format_path(coursedir.autograded_directory, student.id,
                                                       assignment.name)) / f"{notebook.name}.ipynb"
                verdicts, meta = {}, {}
                if submission is not None and graded_nb.is_file():
                    try:
                        graded = nbformat.read(graded_nb, as_version=4)
                        meta = graded.metadata.get(GRADE_KEY, {})
                        verdicts = {c.metadata[GRADE_KEY]["exercise"]: c.metadata[GRADE_KEY]
                                    for c in graded.cells if GRADE_KEY in c.metadata}
                    except (OSError, ValueError, KeyError):
                        pass
                for ex in exercises:
                    for part, gid in (("auto", f"{ex['label']}-tests"), ("written", f"{ex['label']}-written")):
                        try:
                            graded_cell = gradebook.find_graded_cell(gid, notebook.name, assignment.name)
                        except MissingEntry:
                            continue
                        row = {"assignment": assignment.name, "notebook": notebook.name, "student_id": student.id,
                               "exercise": ex["label"], "number": ex.get("number", ""),
                               "title": ex.get("title", ""), "part": part, "max_score": graded_cell.max_score,
                               "submitted": "", "graded_at": meta.get("graded_at", ""),
                               "grader": meta.get("grader", ""), "incidents": "; ".join(meta.get("incidents", []))}
                        if submission is None:
                            row.update(score=0.0, status="missing", message="no submission")
                        else:
                            row["submitted"] = str(submission.timestamp or "")
                            try:
                                grade = gradebook.find_grade(gid, notebook.name, assignment.name, student.id)
                                score = grade.score
                            except MissingEntry:
                                grade, score = None, None
                            if part == "auto":
                                v = verdicts.get(ex["label"], {})
                                status = v.get("status", "not-graded" if score is None else "graded")
                                message = v.get("message", "") or "; ".join(
                                    f"{p['part']}: {p['message']}" for p in v.get("parts", []))
                                if grade is not None and grade.manual_score is not None:
                                    status += " (score overridden by hand)"
                            else:
                                if grade is None or (grade.manual_score is None and grade.auto_score is None):
                                    status, message = "to grade by hand", ""
                                elif grade.manual_score is not None:
                                    status, message = "graded by hand", ""
                                else:
                                    status, message = "no response", "the written answer was left blank"
                            row.update(score=score if score is not None else 0.0, status=status, message=message)
                        rows.append(row)
    return rows


class ByExerciseCsvExport(CsvExportPlugin):
    """nbgrader's CSV export (``grades.csv`` or ``--to FILE``) plus ``<name>_by_exercise.csv`` beside it: one row
    per student, exercise and part, with score, status, message, submission time and grader version."""

    def export(self, gradebook: Gradebook) -> None:
        super().export(gradebook)
        dest = Path(self.to or "grades.csv")
        by_exercise = dest.with_name(dest.stem + "_by_exercise" + (dest.suffix or ".csv"))
        rows = exercise_rows(gradebook, _coursedir(self), assignments=[str(a) for a in self.assignment],
                             students=[str(s) for s in self.student])
        self.log.info("Exporting per-exercise grades to %s", by_exercise)
        with open(by_exercise, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=_FIELDS)
            writer.writeheader()
            writer.writerows(rows)
