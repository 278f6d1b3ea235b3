"""The whole book builds with no warnings (`jupyter-book build . -W -n --keep-going`).

Executes every chapter (cached by jupyter-cache across runs) at full size:
``LRNN_FAST`` is removed from the environment of the build.
"""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_book_builds_without_warnings():
    exe = shutil.which("jupyter-book")
    assert exe, "jupyter-book is not installed: pip install -r requirements.txt"
    env = {k: v for k, v in os.environ.items() if k != "LRNN_FAST"}
    # --all: re-read every page so that warnings of unchanged pages are reported too.
    proc = subprocess.run([exe, "build", ".", "-W", "-n", "--keep-going", "--all"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=3600)
    log = proc.stdout + proc.stderr
    sphinx_warnings = [line for line in log.splitlines()
                       if "WARNING" in line and "Kernel is running over TCP" not in line]
    assert proc.returncode == 0, f"book build failed (exit {proc.returncode}):\n{log[-6000:]}"
    assert not sphinx_warnings, "book build warnings:\n" + "\n".join(sphinx_warnings)
    html = ROOT / "_build" / "html"
    for page in ["index.html", "intro.html", "chapters/01_linear_functionals.html", "pages/bibliography.html"]:
        assert (html / page).exists(), f"{page} missing from the built book"
