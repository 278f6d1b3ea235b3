"""Test-suite settings shared by the unit tests and the notebook (nbval) tests.

* ``LRNN_FAST=1`` lets chapters shorten their slowest experiments under nbval; it is set here, before any notebook
  kernel starts, and removed again for the book build test (the book is always built at full size).
* **Markers** sort the suite by what it needs, so that a contributor can run the fast part alone::

      python -m pytest -m unit                   # lrnn and the book's tooling, in seconds
      python -m pytest -m "not unit"             # the slow rest

  ``notebook`` (every chapter under nbval), ``book`` (builds the book), ``browser`` (the built book in headless
  Chromium), ``pdf`` (the PDF), ``jupyterlab`` (the chapters in a real JupyterLab), ``coursework`` (editions and
  grading in fresh kernels). Every test without one of these markers is a ``unit`` test. The markers follow from
  the test files here (``FILE_MARKERS``), so test modules need not repeat them; a test may also carry one itself.
* **nbval**: the chapter notebooks are collected in ``--nbval-lax`` mode (errors fail, outputs are not compared)
  whenever the run includes ``chapters/`` — the README's ``python -m pytest`` does — unless ``--nbval`` (strict)
  or ``--nbval-lax`` is given explicitly. Other runs (``python -m pytest tests/test_rnn.py``) collect no notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("LRNN_FAST", "1")

ROOT = Path(__file__).resolve().parent

#: marker -> what it means; test files that belong to a marker other than ``unit``.
MARKERS = {
    "unit": "fast tests of lrnn and of the book's tooling (no notebook kernel, no build, no browser)",
    "notebook": "a chapter notebook run under nbval in a fresh kernel",
    "book": "builds the book with jupyter-book (minutes the first time, then cached)",
    "browser": "the built book in headless Chromium (Debian: chromium chromium-driver)",
    "pdf": "the whole-book PDF (Debian: TeX Live, latexmk, xindy, poppler-utils)",
    "jupyterlab": "the chapter notebooks in a real JupyterLab driven by headless Chromium",
    "coursework": "student/instructor editions, nbgrader and the grader, run on notebooks in fresh kernels",
}
FILE_MARKERS = {
    "test_book_build.py": "book",
    "test_browser.py": "browser",
    "test_pdf.py": "pdf",
    "test_jupyterlab.py": "jupyterlab",
    "test_coursework.py": "coursework",
    "test_coursework_nbgrader.py": "coursework",
    "test_grading_adversarial.py": "coursework",
}
SLOW = set(MARKERS) - {"unit"}


def pytest_configure(config):
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    opt = config.option
    if hasattr(opt, "nbval_lax") and not (opt.nbval or opt.nbval_lax):
        chapters = (ROOT / "chapters").resolve()
        for arg in config.args:
            path = Path(str(arg).split("::", 1)[0])
            path = (Path(config.invocation_params.dir) / path).resolve()
            if path == chapters or chapters in path.parents or path in chapters.parents:
                opt.nbval_lax = True
                break


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(item.get_closest_marker(name) for name in SLOW):
            continue
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
        elif path.name in FILE_MARKERS:
            item.add_marker(getattr(pytest.mark, FILE_MARKERS[path.name]))
        else:
            item.add_marker(pytest.mark.unit)
