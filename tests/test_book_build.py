"""The whole book builds with no warnings (`jupyter-book build . -W -n --keep-going`), with vector figures.

Executes every chapter (cached by jupyter-cache across runs) at full size:
``LRNN_FAST`` is removed from the environment of the build. ``BOOK_PATH_OUTPUT`` builds
elsewhere (``--path-output``); the default is the repository's ``_build``.

Beyond "no warnings", the build must give the pages what they are designed for: the
chapters' figures as SVG (``lrnn.plots.setup_notebook()`` in each chapter's preamble, with
``LRNN_FIGURE_FORMATS=svg,pdf`` set by ``_ext/book_figures.py``), the landing page's
figure drawn by ``lrnn`` at build time, and MathJax 4 served from the book's own files.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("BOOK_PATH_OUTPUT", ROOT))
HTML = OUT / "_build" / "html"


def test_book_builds_without_warnings():
    exe = shutil.which("jupyter-book")
    assert exe, "jupyter-book is not installed: pip install -r requirements.txt"
    env = {k: v for k, v in os.environ.items() if k != "LRNN_FAST"}
    # --all: re-read every page so that warnings of unchanged pages are reported too.
    cmd = [exe, "build", ".", "-W", "-n", "--keep-going", "--all"]
    if OUT != ROOT:
        cmd += ["--path-output", str(OUT)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    log = proc.stdout + proc.stderr
    sphinx_warnings = [line for line in log.splitlines()
                       if "WARNING" in line and "Kernel is running over TCP" not in line]
    assert proc.returncode == 0, f"book build failed (exit {proc.returncode}):\n{log[-6000:]}"
    assert not sphinx_warnings, "book build warnings:\n" + "\n".join(sphinx_warnings)
    for page in ["index.html", "intro.html", "chapters/01_linear_functionals.html", "pages/bibliography.html"]:
        assert (HTML / page).exists(), f"{page} missing from the built book"


def test_the_chapters_figures_are_vector_graphics():
    """Every chapter shows its figures as SVG, none as a raster <img> of its own (scrubbers aside)."""
    chapters = sorted((HTML / "chapters").glob("*.html"))
    assert chapters, "build the book first (test_book_builds_without_warnings)"
    bad = {}
    for page in chapters:
        html = page.read_text()
        srcs = re.findall(r'<img[^>]*\ssrc="(\.\./_images/[^"]+)"', html)
        svg = [s for s in srcs if s.endswith(".svg")]
        raster = [s for s in srcs if not s.endswith(".svg")]
        if raster or not svg:
            bad[page.name] = f"{len(svg)} SVG, raster: {[s.rsplit('/', 1)[-1][:16] for s in raster][:4]}"
    assert not bad, f"chapters whose figures are not SVG (is setup_notebook() in the preamble?): {bad}"


def test_the_landing_page_figure_and_mathjax_4_are_served():
    intro = (HTML / "intro.html").read_text()
    assert re.search(r'<img[^>]*src="_images/lrnn\.plots\.overview\.story\.svg"', intro)
    assert 'id="fig-overview"' in intro
    mathjax = HTML / "_static" / "offline" / "mathjax" / "tex-mml-chtml.js"
    assert mathjax.exists() and re.search(r'mathjaxVersion="4\.', mathjax.read_text())
    assert (HTML / "_static" / "offline" / "mathjax-newcm-font" / "chtml" / "woff2").is_dir()


def test_no_warnings_or_stderr_reach_the_pages():
    """A static page shows no stderr output of its cells (library warnings, logging)."""
    chapters = sorted((HTML / "chapters").glob("*.html"))
    assert chapters, "build the book first (test_book_builds_without_warnings)"
    leaks = {}
    for page in chapters:
        html = page.read_text()
        blocks = re.findall(r'<div class="output stderr[^"]*">.*?<pre>(.*?)</pre>', html, flags=re.S)
        if blocks:
            leaks[page.name] = [re.sub(r"<[^>]+>", "", b).strip()[:100] for b in blocks][:3]
    assert not leaks, f"stderr output shown on the pages: {leaks}"
