"""The whole-book PDF: ``jupyter-book build . --builder pdflatex`` (xelatex, Debian's TeX Live).

Builds ``_build/latex/curse-of-memory.pdf`` (reusing the execution cache of the HTML build
of ``tests/test_book_build.py``) and checks, on the text that ``pdftotext`` extracts:

* the page count is that of a book (a floor per chapter),
* every page of ``_toc.yml`` is there, by its title,
* the PDF numbers its chapters as the web book does (the table of contents LaTeX writes:
  front matter unnumbered, Chapter 1 = the first chapter of the first numbered part, one
  contents entry per part), and so its theorems (``Theorem 3.1`` in Chapter 3) and figures
  (``Fig. 3.1``),
* every named figure is there with a numbered caption, as vector graphics (PDF),
* no chapter opens with setup code: the inputs the web book collapses (``hide-input``: the
  preamble, the live widgets) and the "Live experiment" notes are not printed,
* no widget or scrubber stand-in reaches the paper (``interactive(children=…``,
  ``<IPython.core.display.HTML object>``, the animation's HTML/JS) and no raw TeX is left.

It needs Debian's TeX Live and poppler (see ``tests/_system.py``: skipped on a machine
without them, a failure under CI). ``BOOK_PATH_OUTPUT`` builds elsewhere (``--path-output``);
the default is the repository.
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

from tests._system import require

TOOL_NAMES = ("xelatex", "latexmk", "pdftotext", "pdfinfo", "pdfimages")
require(*TOOL_NAMES, packages="latexmk texlive-xetex texlive-latex-extra texlive-latex-recommended "
        "texlive-fonts-recommended texlive-plain-generic tex-gyre fonts-freefont-otf xindy poppler-utils")

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("BOOK_PATH_OUTPUT", ROOT))
LATEX = OUT / "_build" / "latex"
PDF = LATEX / "curse-of-memory.pdf"
TOOLS = {t: shutil.which(t) for t in TOOL_NAMES}
#: Text of the chapter preamble and of the live-widget cells, which the PDF must not print.
SETUP_CODE = ["# Setup: the libraries this chapter uses", "setup_notebook()", "_widgets.", "lrnn.widgets.",
              "It needs a running kernel"]

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


def toc_parts() -> list[dict]:
    return yaml.safe_load((ROOT / "_toc.yml").read_text()).get("parts", [])


def contents_lines(toc_text: str) -> list[tuple[str, str | None, str]]:
    r"""``(level, number or None, title)`` of each line of a LaTeX ``.toc`` file (chapters and parts).

    ``\contentsline {chapter}{\numberline {3}Title}{12}{chapter.3}`` gives ``("chapter", "3", "Title")``.
    """
    out = []
    for m in re.finditer(r"^\\contentsline \{(part|chapter)\}\{(.*)\}\{[^{}]*\}\{[^{}]*\}%?\s*$", toc_text, flags=re.M):
        body = m.group(2)
        num = re.match(r"\\numberline \{([^{}]*)\}(.*)$", body)
        number, title = (num.group(1), num.group(2)) if num else (None, body)
        out.append((m.group(1), number, title))
    return out


def plain(tex: str) -> str:
    """A LaTeX title as text (``\\sphinxhyphen{}`` as ``-``, braces and other commands dropped)."""
    tex = re.sub(r"\\sphinxhyphen\s*\{\}", "-", tex)
    tex = re.sub(r"\\[A-Za-z]+\s?", "", tex)
    return tex.replace("{", "").replace("}", "").strip()


@pytest.fixture(scope="module")
def pdf() -> dict:
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
    tex = (LATEX / "curse-of-memory.tex").read_text()
    toc = (LATEX / "curse-of-memory.toc").read_text()
    return {"pages": pages, "text": text, "images": [ln for ln in images if " image " in ln], "log": proc.stdout,
            "tex": tex, "toc": toc}


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


def test_chapters_are_numbered_as_in_the_web_book(pdf):
    """Front matter unnumbered, the numbered parts' chapters 1, 2, ... in order, back matter unnumbered."""
    lines = contents_lines(pdf["toc"])
    chapters = [(num, plain(title)) for level, num, title in lines if level == "chapter"]
    expected, front_or_back = [], []
    for part in toc_parts():
        for ch in part.get("chapters", []):
            (expected if part.get("numbered") else front_or_back).append(title_of(ch["file"]))
    numbered = [(num, t) for num, t in chapters if num is not None]
    assert [normalise(t).casefold() for _, t in numbered] == [normalise(t).casefold() for t in expected], numbered
    assert [num for num, _ in numbered] == [str(i) for i in range(1, len(expected) + 1)], numbered
    unnumbered = {normalise(t).casefold() for num, t in chapters if num is None}
    missing = [t for t in front_or_back if normalise(t).casefold() not in unnumbered]
    assert not missing, f"front/back matter chapters missing or numbered: {missing}; contents: {chapters}"
    parts = [plain(title) for level, _, title in lines if level == "part"]
    assert [normalise(p) for p in parts] == [normalise(p["caption"]) for p in toc_parts() if p.get("caption")], parts


def test_theorems_and_figures_carry_their_chapter_number(pdf):
    """``Theorem k.1`` and ``Fig. k.1`` exist for each chapter k that has theorems / named figures."""
    bad = []
    for k, src in enumerate(toc_chapters(), start=1):
        text = src.read_text()
        if re.search(r"^[`:]{3,}\{prf:theorem\}", text, flags=re.M) and not re.search(
                rf"Theorem {k}\.1\b", pdf["text"]):
            bad.append(f"Theorem {k}.1 ({src.name})")
        if re.search(r"^\s+name: fig-", text, flags=re.M) and not re.search(rf"Fig\. {k}\.1\b", pdf["text"]):
            bad.append(f"Fig. {k}.1 ({src.name})")
    assert not bad, f"numbers of the web book missing from the PDF: {bad}"


def test_figures_are_in_the_pdf_as_vector_graphics(pdf):
    n = sum(len(re.findall(r"^\s+name: fig-", p.read_text(), flags=re.M)) for p in toc_chapters())
    captions = set(re.findall(r"Fig\. (\d+(?:\.\d+)?)", pdf["text"]))
    assert n >= 1
    assert len(captions) >= n, f"{n} named figures in the chapters, {len(captions)} numbered captions in the PDF"
    figures = re.findall(r"\\begin\{figure\}.*?\\end\{figure\}", pdf["tex"], flags=re.S)
    graphics = [re.findall(r"\\sphinxincludegraphics(?:\[[^]]*\])?\{\{([^{}]*)\}(\.[a-z]+)\}", f) for f in figures]
    raster = [name + ext for g in graphics for name, ext in g if ext != ".pdf"]
    # a scrubber's figure holds its caption and a pointer to the online edition, no picture
    assert len(figures) >= n, f"{len(figures)} figures in the LaTeX source for {n} named figures"
    assert sum(len(g) for g in graphics) >= n / 2, "most figures have no picture"
    assert not raster, f"figures included as raster images instead of PDF: {raster[:5]}"


def test_no_setup_code_or_live_widgets_in_the_pdf(pdf):
    """What the web book collapses (the preamble, the live widgets) and their notes are not printed."""
    flat = normalise(pdf["text"])
    found = [s for s in SETUP_CODE if normalise(s) in flat]
    assert not found, f"setup code or widget notes in the PDF: {found}"


def test_no_widget_text_or_raw_tex_reaches_the_pdf(pdf):
    leftovers = raw_leftovers(pdf["text"])
    assert not leftovers, "raw widget/scrubber text or TeX in the PDF:\n" + "\n".join(leftovers[:10])


def test_the_checks_catch_what_they_look_for():
    """The text checks fail on the defects they guard against (they are not vacuous)."""
    toc = ("\\contentsline {part}{Foundations}{1}{part*.3}%\n"
           "\\contentsline {chapter}{\\numberline {1}Linear functionals and their memory}{1}{chapter.1}%\n"
           "\\contentsline {chapter}{Notation}{v}{chapter*.2}%\n")
    assert contents_lines(toc) == [("part", None, "Foundations"), ("chapter", "1", "Linear functionals and their memory"),
                                   ("chapter", None, "Notation")]
    assert plain("Five\\sphinxhyphen{}step {\\sphinxstyleemphasis{proofs}}") == "Five-step proofs"
    assert plain("state\\sphinxhyphen {}space models") == "state-space models"
    assert raw_leftovers("Figure\n<IPython.core.display.HTML object>\nmore")
    assert raw_leftovers("interactive(children=(FloatSlider(value=0.5),))")
    assert raw_leftovers("the kernel \\(\\rho\\) decays")
    assert not raw_leftovers("the kernel ρ(t) = e^{−t} decays; Theorem 1 holds.")
    assert missing_titles("Chapter 1\nLinear func-\ntionals and their ﬁrst memory", ["Linear functionals and their first memory"]) == []
    assert missing_titles("Something else", ["Linear functionals and their memory"])
