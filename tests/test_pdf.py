"""The whole-book PDF: ``jupyter-book build . --builder pdflatex`` (xelatex, Debian's TeX Live).

Builds ``_build/latex/curse-of-memory.pdf`` (reusing the execution cache of the HTML build
of ``tests/test_book_build.py``) and checks, on the text that ``pdftotext`` extracts:

* the page count is that of a book (a floor per chapter),
* every page of ``_toc.yml`` is there, by its title,
* theorems are numbered (``Theorem 1`` … as many as ``prf:theorem`` directives in the sources),
* every named figure is there as an image with a numbered caption,
* no widget or scrubber stand-in reaches the paper (``interactive(children=…``,
  ``<IPython.core.display.HTML object>``, the animation's HTML/JS) and no raw TeX is left.

``BOOK_PATH_OUTPUT`` builds elsewhere (``--path-output``); the default is the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("BOOK_PATH_OUTPUT", ROOT))
PDF = OUT / "_build" / "latex" / "curse-of-memory.pdf"
TOOLS = {t: shutil.which(t) for t in ("xelatex", "latexmk", "pdftotext", "pdfinfo", "pdfimages")}

#: Text that must never reach the PDF: widget reprs, scrubber placeholders and their HTML/JS.
RAW_WIDGET = [r"interactive\(children=", r"(HBox|VBox|Output|Tab)\(children=", r"IPython\.core\.display",
              r"<script", r"<div", r"_anim_img", r"new Animation\(", r"widget-state\+json", r"anim-controls",
              r"ipywidgets"]
#: TeX that was not typeset (a macro the PDF's preamble lacks is a build error already).
RAW_TEX = [r"\\\(", r"\\\)", r"\\\[", r"\\\]", r"\$\$", r"\\begin\{", r"\\frac\b", r"\\int\b"]


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for ch in part.get("chapters", []):
            files.append(ch["file"])
            files += [s["file"] for s in ch.get("sections", [])]
    return files


def toc_chapters() -> list[Path]:
    """The chapter sources that the table of contents includes (drafts not yet listed are not built)."""
    return [ROOT / f"{p}.md" for p in toc_pages() if p.startswith("chapters/")]


def title_of(page: str) -> str:
    src = ROOT / f"{page}.md"
    m = re.search(r"^# (.+)$", src.read_text(), flags=re.M)
    assert m, f"{src} has no title"
    return m.group(1).strip()


def normalise(text: str) -> str:
    """NFKC (ligatures such as 'ﬁ'), typographic quotes as straight ones (LaTeX typesets ' as ’), without
    whitespace and hyphens (line breaks, hyphenation)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def raw_leftovers(text: str) -> list[str]:
    """Snippets of widget/scrubber stand-ins or raw TeX found in ``text``."""
    found = []
    for pat in RAW_WIDGET + RAW_TEX:
        for m in re.finditer(pat, text):
            found.append(text[max(0, m.start() - 40):m.end() + 40])
    return found


def missing_titles(text: str, titles: list[str]) -> list[str]:
    flat = normalise(text).casefold()
    return [t for t in titles if normalise(t).casefold() not in flat]


@pytest.fixture(scope="module")
def pdf() -> dict:
    missing = [t for t, p in TOOLS.items() if not p]
    if missing:
        pytest.fail(f"TeX/poppler tools missing: {missing}: run .ci/run (apt-get install latexmk texlive-xetex "
                    "texlive-latex-extra fonts-freefont-otf poppler-utils ...)", pytrace=False)
    env = {k: v for k, v in os.environ.items() if k != "LRNN_FAST"}
    cmd = ["jupyter-book", "build", ".", "--builder", "pdflatex"]
    if OUT != ROOT:
        cmd += ["--path-output", str(OUT)]
    if PDF.exists():
        PDF.unlink()  # the test checks the PDF it builds, never a stale one
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0 and PDF.exists(), (
        f"PDF build failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    print(f"PDF build: {seconds:.1f} s")
    info = subprocess.run([TOOLS["pdfinfo"], str(PDF)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run([TOOLS["pdftotext"], "-enc", "UTF-8", str(PDF), "-"], capture_output=True, text=True,
                          check=True).stdout
    images = subprocess.run([TOOLS["pdfimages"], "-list", str(PDF)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    pages = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    return {"pages": pages, "text": text, "images": [ln for ln in images if " image " in ln], "log": proc.stdout}


def test_page_count_is_that_of_the_whole_book(pdf):
    n_chapters = len(toc_chapters())
    assert pdf["pages"] >= 10 * n_chapters + 10, f"{pdf['pages']} pages for {n_chapters} chapters"
    assert pdf["pages"] < 2000


def test_every_page_of_the_toc_is_in_the_pdf(pdf):
    titles = [title_of(p) for p in toc_pages() if p != yaml.safe_load((ROOT / "_toc.yml").read_text())["root"]]
    assert len(titles) >= 4
    missing = missing_titles(pdf["text"], titles)
    assert not missing, f"titles missing from the PDF: {missing}"


def test_theorems_are_numbered(pdf):
    n = sum(len(re.findall(r"^[`:]{3,}\{prf:theorem\}", p.read_text(), flags=re.M))
            for p in toc_chapters())
    # numbered per chapter ("Theorem 3.2") in a book whose chapters are numbered, else 1..n
    numbers = set(re.findall(r"^\s*Theorem (\d+(?:\.\d+)?)\b", pdf["text"], flags=re.M))
    assert n >= 1
    assert len(numbers) >= n, f"{n} theorems in the sources, numbered in the PDF: {sorted(numbers)}"


def test_figures_are_in_the_pdf(pdf):
    n = sum(len(re.findall(r"^\s+name: fig-", p.read_text(), flags=re.M)) for p in toc_chapters())
    captions = set(re.findall(r"Fig\. (\d+(?:\.\d+)?)", pdf["text"]))
    assert n >= 1
    assert len(captions) >= n, f"{n} named figures in the chapters, {len(captions)} numbered captions in the PDF"
    assert len(pdf["images"]) >= n, f"{len(pdf['images'])} images in the PDF for {n} named figures"


def test_no_widget_text_or_raw_tex_reaches_the_pdf(pdf):
    leftovers = raw_leftovers(pdf["text"])
    assert not leftovers, "raw widget/scrubber text or TeX in the PDF:\n" + "\n".join(leftovers[:10])


def test_the_checks_catch_what_they_look_for():
    """The text checks fail on the defects they guard against (they are not vacuous)."""
    assert raw_leftovers("Figure\n<IPython.core.display.HTML object>\nmore")
    assert raw_leftovers("interactive(children=(FloatSlider(value=0.5),))")
    assert raw_leftovers("the kernel \\(\\rho\\) decays")
    assert not raw_leftovers("the kernel ρ(t) = e^{−t} decays; Theorem 1 holds.")
    assert missing_titles("Chapter 1\nLinear func-\ntionals and their ﬁrst memory", ["Linear functionals and their first memory"]) == []
    assert missing_titles("Something else", ["Linear functionals and their memory"])
