"""The Jupyter editions of the chapters (``_ext/jupyter_editions.py``).

* The converter on a small synthetic book: macros (with arguments, prefixes, scripts), numbered blocks,
  admonitions of every class, cross-references and citations as the book's text with links, gated solutions that
  span code cells, hidden cells collapsed for JupyterLab/VS Code and Colab, attachments, loud failures.
* The committed ``chapters/*.ipynb`` are exactly what ``python _ext/jupyter_editions.py`` generates, and no
  markdown cell of them carries raw MyST (a directive fence, a role, a label) or an unexpanded macro.
* The numbers (sections, figures, equations, theorems, exercises) and every cross-reference text equal those of
  the built book's HTML (``_build/html``, or ``BOOK_HTML``; built here when missing, as ``test_browser.py`` does).
"""

from __future__ import annotations

import html as _html
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load():
    if "jupyter_editions" in sys.modules:
        return sys.modules["jupyter_editions"]
    spec = importlib.util.spec_from_file_location("jupyter_editions", ROOT / "_ext" / "jupyter_editions.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["jupyter_editions"] = mod
    spec.loader.exec_module(mod)
    return mod


je = _load()
MACROS = {"Lone": "L^1", "R": "\\mathbb{R}", "dd": "\\,\\mathrm{d}", "T": "\\top", "rhohat": "\\hat\\rho",
          "norm": ["\\left\\lVert #1 \\right\\rVert", 1], "ip": ["\\left\\langle #1, #2 \\right\\rangle", 2]}


# ---------------------------------------------------------------------------------------------------- macros
@pytest.mark.parametrize("tex, want", [
    (r"\R^d", r"\mathbb{R}^d"),
    (r"\rho + \R", r"\rho + \mathbb{R}"),                                   # \R is not the start of \rho
    (r"\rhohat(t)", r"\hat\rho(t)"),                                      # the longer name wins
    (r"\norm{x}_2", r"\left\lVert x \right\rVert_2"),
    (r"\norm\rho^2", r"\left\lVert \rho \right\rVert^2"),                  # unbraced control-sequence argument
    (r"\norm{\rhohat - \rho}", r"\left\lVert \hat\rho - \rho \right\rVert"),  # nested macros
    (r"\ip{f}{\norm{g}}", r"\left\langle f, \left\lVert g \right\rVert \right\rangle"),
    (r"\ip {f} {g}", r"\left\langle f, g \right\rangle"),                  # spaces before arguments
    (r"c^\T h", r"c^{\top} h"),                                           # one script, braced
    (r"\int f\dd t", r"\int f\,\mathrm{d} t"),
    (r"a \\R", r"a \\R"),                                                 # \\ is a line break, R a letter
    (r"\Tx", r"\Tx"),                                                     # another control word
    (r"\rho\in\Lone", r"\rho\in L^1"),                                    # never \inL^1 (found by KaTeX)
])
def test_macros_expand_like_mathjax(tex, want):
    assert je.expand_macros(tex, MACROS) == want


def test_macro_errors_are_loud():
    with pytest.raises(je.EditionError, match="missing an argument"):
        je.expand_macros(r"\norm", MACROS)
    with pytest.raises(je.EditionError, match="without end"):
        je.expand_macros(r"\A", {"A": "\\A"})


# ---------------------------------------------------------------------------------------------- a tiny book
CONFIG = """
title: "Tiny Book"
repository:
  url: https://github.com/example/tiny
html:
  baseurl: https://example.org/tiny/
  use_multitoc_numbering: true
bibtex_bibfiles: [refs.bib]
sphinx:
  config:
    bibtex_cite_id: "cite-{key}"
    mathjax3_config:
      tex:
        macros:
          R: "\\\\mathbb{R}"
          norm: ["\\\\left\\\\lVert #1 \\\\right\\\\rVert", 1]
"""
TOC = """
format: jb-book
root: intro
parts:
  - caption: Front
    chapters:
      - file: pages/front
  - caption: One
    numbered: true
    chapters:
      - file: chapters/01_a
  - caption: Two
    numbered: true
    chapters:
      - file: chapters/02_b
"""
BIB = """
@article{smith2020,
  author = {Smith, Ann and Jones, Bob and Brown, Carl},
  title = {On things},
  journal = {J. Things},
  year = {2020},
}
@book{erdos1990,
  author = {Erd{\\H{o}}s, Paul},
  title = {A book},
  publisher = {P},
  year = {1990},
}
"""
HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
CH1 = HEADER + """
(ch-a)=
# First chapter

```{code-cell} ipython3
:tags: [remove-cell]

# Colab / fresh kernels: install the book's package when it is missing.
%pip install -q "tiny @ git+https://github.com/example/tiny"
```

Opening with $\\norm\\rho \\in \\R$ and {cite:t}`c1-smith2020`, also {cite:p}`c1-smith2020,c1-erdos1990`.

```{admonition} Learning objectives
:class: tip

* learn $\\R$
```

```{code-cell} ipython3
:tags: [hide-input]

# Setup: the libraries this chapter uses.
import math
```

(c1-sec-two)=
## Second section

```{prf:definition} Thing
:label: def-c1-thing

A thing is $x\\in\\R$.
```

```{prf:theorem} Big
:label: thm-c1-big

$$
\\norm{x} \\le 1
$$ (eq-c1-one)
```

```{prf:proof}
Obvious by {eq}`eq-c1-one`.
```

```{prf:theorem} Second
:label: thm-c1-second

Also.
```

### Deeper

:::{warning}
Careful with {numref}`fig-c1-plot` and {numref}`Figure %s shows <fig-c1-plot>`.
:::

```{code-cell} ipython3
---
mystnb:
  figure:
    caption: |
      A plot of $\\R$.
    name: fig-c1-plot
  image:
    alt: A plot.
---
x = 1
```

```{code-cell} ipython3
:tags: [remove-cell]

assert x == 1
```

## Exercises

````{exercise} Warm-up
:label: ex-c1-warm

Show {prf:ref}`thm-c1-big` and read {numref}`c1-sec-two`.
````

````{solution-start} ex-c1-warm
:class: dropdown
````

Some prose with $\\R$.

```{code-cell} ipython3
y = 2
```

More prose.

````{solution-end}
````

````{exercise}
:label: ex-c1-cold

Only prose here.
````

````{solution-start} ex-c1-cold
:class: dropdown
````

```{code-cell} ipython3
z = 3
```

````{solution-end}
````

## References

```{bibliography}
:filter: docname in docnames
:keyprefix: c1-
```
"""
CH2 = HEADER + """
# Second chapter

See {prf:ref}`thm-c1-second`, {ref}`ex-c1-warm`, {ref}`c1-sec-two`, {ref}`the chapter <ch-a>` and
{doc}`../pages/front`.

```{math}
:label: eq-c2-m
a = b
```

```{note}
A note with {eq}`eq-c2-m`.
```

```{code-cell} ipython3
%%time
# a cell magic stays first
z = 1
```
"""


@pytest.fixture
def tiny(tmp_path):
    (tmp_path / "_config.yml").write_text(CONFIG)
    (tmp_path / "_toc.yml").write_text(TOC)
    (tmp_path / "refs.bib").write_text(BIB)
    (tmp_path / "intro.md").write_text("# Tiny\n\nHello.\n")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "front.md").write_text("# Front matter\n\n```{bibliography}\n:all:\n```\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01_a.md").write_text(CH1)
    (tmp_path / "chapters" / "02_b.md").write_text(CH2)
    return tmp_path


def _md(nb):
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def test_numbers_follow_the_books_rules(tiny):
    book = je.Book(tiny)
    assert book.chapter_numbers == {"chapters/01_a": 1, "chapters/02_b": 2}
    t = book.targets
    assert (t["def-c1-thing"].number, t["thm-c1-big"].number, t["thm-c1-second"].number) == ("1.1", "1.1", "1.2")
    assert (t["c1-sec-two"].number, t["fig-c1-plot"].number, t["eq-c1-one"].number) == ("1.1", "1.1", "1.1")
    assert (t["ex-c1-warm"].number, t["ex-c1-cold"].number, t["eq-c2-m"].number) == ("1.1", "1.2", "2.1")
    assert book.heading_numbers["chapters/01_a"] == ["1", "1.1", "1.1.1", "1.2", "1.3"]
    assert t["eq-c1-one"].anchor == "equation-eq-c1-one" and t["ch-a"].kind == "chapter"


def test_chapter_edition_reads_like_the_book(tiny):
    nb = je.convert_chapter(tiny / "chapters" / "01_a.md", je.Book(tiny))
    text = "\n\n".join(_md(nb))
    url = "https://example.org/tiny/chapters/01_a.html"
    bib = "https://example.org/tiny/pages/front.html"
    assert text.startswith("# 1. First chapter\n")
    assert "## 1.1. Second section" in text and "### 1.1.1. Deeper" in text and "## 1.2. Exercises" in text
    # macros expanded, also inside blockquotes, display math on one line with the book's number
    assert r"$\left\lVert \rho \right\rVert \in \mathbb{R}$" in text
    assert r"> $$ \left\lVert x \right\rVert \le 1 \tag{1.1} $$" in text
    # citations: "Author (year)" / "(Author, year; ...)" linked to the bibliography page's entries
    assert f"Smith et al. ([2020]({bib}#cite-smith2020))" in text
    assert f"([Smith et al., 2020]({bib}#cite-smith2020); [Erdős, 1990]({bib}#cite-erdos1990))" in text
    # numbered blocks as blockquotes with the book's headings
    assert "> **Definition 1.1** (Thing)\n>\n> A thing is $x\\in\\mathbb{R}$." in text
    assert "> **Theorem 1.1** (Big)" in text and "> **Theorem 1.2** (Second)" in text
    assert f"> *Proof.*\n>\n> Obvious by [(1.1)]({url}#equation-eq-c1-one)." in text
    assert "> **Learning objectives**\n>\n> * learn $\\mathbb{R}$" in text
    assert f"> **Warning**\n>\n> Careful with [Fig. 1.1]({url}#fig-c1-plot) and [Figure 1.1 shows]({url}#fig-c1-plot)." \
        in text
    # exercises: a heading (two levels below their section) above a blockquote
    assert f"#### Exercise 1.1 (Warm-up)\n\n> Show [Theorem 1.1]({url}#thm-c1-big) and read " \
           f"[Section 1.1]({url}#c1-sec-two)." in text
    assert "#### Exercise 1.2\n\n> Only prose here." in text
    # the figure caption follows its cell
    cells = nb.cells
    i = next(k for k, c in enumerate(cells) if c.source.endswith("x = 1"))
    assert cells[i + 1].source == "**Fig. 1.1** A plot of $\\mathbb{R}$."
    # references of the chapter, formatted by the book's style
    refs = [s for s in _md(nb) if s.startswith("## 1.3. References")][0]
    assert "Ann Smith, Bob Jones, and Carl Brown. On things." in refs and f"({bib}#cite-smith2020)" in refs
    # no raw MyST anywhere
    for src in _md(nb):
        je._assert_clean(src, "test")
        assert "(c1-sec-two)=" not in src and "{prf:" not in src


def test_gated_solutions_are_collapsed_around_their_code(tiny):
    nb = je.convert_chapter(tiny / "chapters" / "01_a.md", je.Book(tiny))
    cells = nb.cells
    k = next(i for i, c in enumerate(cells) if c.source == "##### Solution to Exercise 1.1 (Warm-up)")
    head, first, code, rest, nxt = cells[k:k + 5]
    # JupyterLab: the heading is collapsed, hiding prose, code and outputs up to the next exercise's heading
    assert head.metadata["jp-MarkdownHeadingCollapsed"] is True
    assert nxt.source.startswith("#### Exercise 1.2")
    # other frontends: the prose in <details>, the code collapsed (Colab's form, jupyter.source_hidden)
    assert first.source.startswith("<details>\n<summary><b>Solution</b></summary>\n")
    assert "Some prose with $\\mathbb{R}$." in first.source and first.source.rstrip().endswith("</details>")
    assert code.cell_type == "code" and code.source == "#@title Solution to Exercise 1.1 (Warm-up)\ny = 2"
    assert code.metadata["jupyter"] == {"source_hidden": True} and code.metadata["cellView"] == "form"
    assert rest.source.startswith("<details>\n<summary><b>Solution, continued</b></summary>")
    assert "More prose." in rest.source
    # a solution that is only code: the heading and the code cell, then the next section's heading
    j = next(i for i, c in enumerate(cells) if c.source == "##### Solution to Exercise 1.2")
    assert cells[j + 1].source == "#@title Solution to Exercise 1.2\nz = 3"
    assert cells[j + 2].source.startswith("## 1.3. References")


def test_solutions_followed_by_prose_do_not_hide_it(tiny):
    ch = CH2 + """
````{exercise}
:label: ex-c2-x

Do it.
````

````{solution-start} ex-c2-x
:class: dropdown
````

```{code-cell} ipython3
w = 1
```

````{solution-end}
````

Prose that follows the solution and must stay visible.

````{exercise}
:label: ex-c2-y

Prose-only solution.
````

````{solution-start} ex-c2-y
:class: dropdown
````

Just text, with $\\R$.

````{solution-end}
````
"""
    (tiny / "chapters" / "02_b.md").write_text(ch)
    nb = je.convert_chapter(tiny / "chapters" / "02_b.md", je.Book(tiny))
    cells = nb.cells
    k = next(i for i, c in enumerate(cells) if "Solution to Exercise 2.1" in c.source)
    assert cells[k].source == "**Solution to Exercise 2.1**" and "jp-MarkdownHeadingCollapsed" not in cells[k].metadata
    assert cells[k + 1].metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert cells[k + 2].source.startswith("Prose that follows the solution")
    only = next(c for c in cells if "Solution to Exercise 2.2" in c.source)
    assert only.source == ("<details>\n<summary><b>Solution to Exercise 2.2</b></summary>\n\nJust text, with "
                           "$\\mathbb{R}$.\n\n</details>")


def test_hidden_cells_are_collapsed_for_every_frontend(tiny):
    book = je.Book(tiny)
    nb = je.convert_chapter(tiny / "chapters" / "01_a.md", book)
    code = [c for c in nb.cells if c.cell_type == "code"]
    install, preamble, figure, check = code[:4]
    assert install.source.startswith("#@title Colab / fresh kernels: install the book's package when it is missing.\n")
    assert install.metadata["jupyter"]["source_hidden"] and install.metadata["cellView"] == "form"
    assert preamble.source.startswith("#@title Setup: the libraries this chapter uses.\nimport math")
    assert preamble.metadata["tags"] == ["hide-input"] and preamble.metadata["jupyter"]["source_hidden"]
    assert "jupyter" not in figure.metadata and "mystnb" not in figure.metadata
    assert check.source.startswith("#@title Check the numbers stated in the text\nassert")
    assert check.metadata["tags"] == ["remove-cell"]
    # every code cell keeps its code: only a #@title line may be added in front
    src = je.jupytext.read(tiny / "chapters" / "01_a.md")
    original = [c.source for c in src.cells if c.cell_type == "code"]
    assert [re.sub(r"^#@title [^\n]*\n", "", c.source) for c in code] == [
        re.sub(r"^# [^\n]*\n", "", s) if s.startswith("# ") else s for s in original]
    # the notebook is plain: no jupytext pairing, outputs empty, valid nbformat 4.5, deterministic
    assert "jupytext" not in nb.metadata and nb.metadata["kernelspec"]["name"] == "python3"
    assert all(not c.outputs for c in code)
    nbformat.validate(nb)
    assert je.dumps(nb) == je.dumps(je.convert_chapter(tiny / "chapters" / "01_a.md", je.Book(tiny)))


def test_cross_chapter_references_and_cell_magics(tiny):
    nb = je.convert_chapter(tiny / "chapters" / "02_b.md", je.Book(tiny))
    text = "\n\n".join(_md(nb))
    u1 = "https://example.org/tiny/chapters/01_a.html"
    assert f"See [Theorem 1.2]({u1}#thm-c1-second), [Exercise 1.1]({u1}#ex-c1-warm), " \
           f"[Second section]({u1}#c1-sec-two), [the chapter]({u1}#ch-a) and\n" \
           "[Front matter](https://example.org/tiny/pages/front.html)." in text
    assert "$$ a = b \\tag{2.1} $$" in text
    assert "> **Note**\n>\n> A note with [(2.1)](https://example.org/tiny/chapters/02_b.html#equation-eq-c2-m)." \
        in text
    magic = [c for c in nb.cells if c.cell_type == "code"][0]
    assert magic.source.startswith("%%time") and "cellView" not in magic.metadata


@pytest.mark.parametrize("snippet, message", [
    ("```{glue} x\n```", "unknown directive"),
    ("{term}`thing`", "unknown role"),
    ("{numref}`no-such-label`", "no target"),
    ("Text {{ sub }}", "substitution"),
    ("A footnote[^1].", "footnote"),
    ("```{prf:theorem} T\nbody\n```", "without a :label:"),
    (":::\nplain colon fence\n:::", "needs a directive name"),
    ("{eq}`thm-c1-big`", "does not name an equation"),
])
def test_unknown_constructs_fail_loudly(tiny, snippet, message):
    with pytest.raises(je.EditionError, match=message):
        je.convert_markdown(snippet, je.Book(tiny), "chapters/01_a", keyprefix="c1-")


def test_code_spans_are_verbatim(tiny):
    text = "Use `f\"{{x}}\"` and `a[^1]` and `{numref}` literally, with $\\R$."
    assert je.convert_markdown(text, je.Book(tiny), "chapters/01_a") == \
        "Use `f\"{{x}}\"` and `a[^1]` and `{numref}` literally, with $\\mathbb{R}$."


def test_assert_clean_catches_leaks():
    for leak in ["```{note}\nx\n```", "see {numref}`fig`", "(my-label)=\n# Title", "> :::{tip}\n> x\n> :::"]:
        with pytest.raises(je.EditionError, match="raw MyST"):
            je._assert_clean(leak, "t")
    je._assert_clean("code `{numref}` shown literally\n\n```md\n```{note}\n```\n", "t")


def test_figure_directive_becomes_an_attachment(tiny):
    (tiny / "chapters" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    ch = (tiny / "chapters" / "01_a.md").read_text().replace(
        "## Exercises", "```{figure} pic.png\n:name: fig-c1-pic\n:alt: A picture.\n\nA caption.\n```\n\n## Exercises")
    (tiny / "chapters" / "01_a.md").write_text(ch)
    book = je.Book(tiny)
    assert book.targets["fig-c1-pic"].number == "1.2"
    nb = je.convert_chapter(tiny / "chapters" / "01_a.md", book)
    cell = next(c for c in nb.cells if "attachment:pic.png" in c.source)
    assert "![A picture.](attachment:pic.png)" in cell.source and "**Fig. 1.2** A caption." in cell.source
    assert cell.attachments["pic.png"]["image/png"]


def test_cli_writes_and_checks(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["--root", str(tiny), "--out", str(out)]
    assert je.main(args) == 0
    assert sorted(p.name for p in out.glob("*.ipynb")) == ["01_a.ipynb", "02_b.ipynb"]
    assert je.main(args + ["--check"]) == 0
    (out / "02_b.ipynb").write_text("{}")
    capsys.readouterr()
    assert je.main(args + ["--check"]) == 1 and "02_b.ipynb" in capsys.readouterr().out
    assert (out / "02_b.ipynb").read_text() == "{}", "--check must not write"
    (tiny / "chapters" / "02_b.md").write_text(CH2 + "\n{bogus}`x`\n")
    assert je.main(args) == 2 and "unknown role" in capsys.readouterr().err
    # and as the script the README names
    run = subprocess.run([sys.executable, str(ROOT / "_ext" / "jupyter_editions.py"), "--help"],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "--check" in run.stdout


# ------------------------------------------------------------------------------------- the book's own editions
BOOK = je.Book(ROOT)
CHAPTERS = je.chapter_sources(BOOK)


def _is_edition(path: Path) -> bool:
    return path.exists() and "jupytext" not in json.loads(path.read_text()).get("metadata", {})


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_converts(md):
    nb = je.convert_chapter(md, BOOK)
    checked = 0
    for src in _md(nb):
        je._assert_clean(src, md.name)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_committed_edition_equals_generated(md):
    """The committed notebook is what `python _ext/jupyter_editions.py` writes.

    Transitional: while the chapter notebooks are still jupytext twins (until the lead regenerates them with the
    command), the twin must match `jupytext --to ipynb` instead; once one edition is committed, all must be.
    """
    twin = md.with_suffix(".ipynb")
    assert twin.exists(), f"{twin.name} is missing: run `python _ext/jupyter_editions.py`"
    if not any(_is_edition(m.with_suffix(".ipynb")) for m in CHAPTERS):
        expected = je.jupytext.read(md)
        committed = nbformat.read(twin, as_version=4)
        assert [(c.cell_type, c.source) for c in committed.cells] == \
            [(c.cell_type, c.source) for c in expected.cells], f"run `jupytext --to ipynb {md.relative_to(ROOT)}`"
        return
    assert twin.read_text(encoding="utf-8") == je.dumps(je.convert_chapter(md, BOOK)), (
        f"{twin.relative_to(ROOT)} differs from its source: run `python _ext/jupyter_editions.py`")


_RAW = [re.compile(r"[`:]{3,}\{[\w:-]+\}"), re.compile(r"\{[a-z][\w:-]*\}`"), re.compile(r"^\([^()\s]+\)=\s*$", re.M)]


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_committed_edition_has_no_raw_myst_or_macros(md):
    twin = md.with_suffix(".ipynb")
    if not _is_edition(twin):
        pytest.skip(f"{twin.name} is still a jupytext twin (the lead regenerates the editions)")
    macros = [re.compile(r"\\" + re.escape(name) + r"(?![A-Za-z])") for name in BOOK.macros]
    for cell in nbformat.read(twin, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"```.*?```", "", cell.source, flags=re.S)
        text = re.sub(r"`[^`\n]+`", "", text)
        for pattern in _RAW:
            assert not pattern.search(text), f"{twin.name}: raw MyST {pattern.pattern} in {cell.source[:200]!r}"
        for math in re.findall(r"\$\$.*?\$\$|\$[^$]+\$", text, flags=re.S):
            for m in macros:
                assert not m.search(math), f"{twin.name}: unexpanded macro in {math!r}"


# ------------------------------------------------------------------------------- numbers against the built book
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))


def _built_book() -> Path:
    if not (HTML / "index.html").exists():
        env = {k: v for k, v in os.environ.items() if k != "LRNN_FAST"}
        proc = subprocess.run(["jupyter-book", "build", ".", "-W", "-n", "--keep-going"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=3600)
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return HTML


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def html_number(page: str, anchor: str) -> str | None:
    """The number the built page prints for the element with this id (section, figure, block, equation)."""
    i = page.find(f'id="{anchor}"')
    if i < 0:
        return None
    number = re.compile(r'class="(?:section-number|caption-number|eqno)">([^<]*)<')
    if page.startswith("<figure", page.rfind("<", 0, i)):
        # a figure: its number is in its <figcaption>, after the (possibly very long) output it wraps
        end = page.find("</figure>", i)
        cap = page.find("<figcaption", i, end)
        m = number.search(page, cap, end) if cap >= 0 else None
    else:
        m = number.search(page, i, i + 800)
    return m.group(1).strip().rstrip(".").strip("()") if m else None


@pytest.mark.book
@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_numbers_and_reference_texts_match_the_built_book(md):
    built = _built_book()
    doc = md.relative_to(ROOT).with_suffix("").as_posix()
    page = (built / f"{doc}.html").read_text(encoding="utf-8")
    fmt = BOOK.numfig_format
    for label, t in BOOK.targets.items():
        if t.docname != doc or not t.number:
            continue
        want = {"section": t.number, "chapter": t.number, "displaymath": t.number,
                "figure": fmt["figure"] % t.number, "exercise": fmt["exercise"] % t.number}.get(
            t.figtype, f"{t.kind.title()} {t.number}")
        got = html_number(page, t.anchor)
        assert got == want, f"{label}: the book prints {got!r}, the edition {want!r}"
    headings = [_text(h).rstrip(".") for h in re.findall(r'<h[1-6][^>]*>\s*<span class="section-number">([^<]*)</span>',
                                                          page)]
    assert headings == BOOK.heading_numbers[doc], "section numbers differ from the built book"
    # every cross-reference of the edition says what the book says and points where the book points
    book_refs = set()
    for m in re.finditer(r'<a class="reference internal" href="([^"]*)"[^>]*>(.*?)</a>', page, re.S):
        href = m.group(1)
        target = href.split("#", 1)
        page_part = target[0] or f"{Path(doc).name}.html"
        resolved = (Path(doc).parent / page_part).as_posix() if target[0] else f"{doc}.html"
        book_refs.add((re.sub(r"(^|/)[^/]+/\.\./", r"\1", resolved), target[1] if len(target) > 1 else "",
                       _text(m.group(2))))
    nb = je.convert_chapter(md, BOOK)
    checked = 0
    for src in _md(nb):
        for text, url in re.findall(r"\[((?:[^\[\]]|\\\[|\\\])+)\]\((" + re.escape(BOOK.baseurl) + r"[^)]*)\)", src):
            rel = url[len(BOOK.baseurl):]
            path, _, anchor = rel.partition("#")
            if path.startswith(("pages/bibliography", "pages/api")) or not anchor:
                continue                 # citations and API names: checked by their own tests below
            text = text.replace("\\[", "[").replace("\\]", "]")
            if "$" in text:
                continue
            if (path, anchor, text) not in book_refs:
                # two labels on one heading: docutils gives the second an automatic id ("id1"); the edition links
                # the first label's id, the same place
                auto = {(p, a, t) for p, a, t in book_refs if p == path and t == text and re.fullmatch(r"id\d+", a)}
                target_page = (built / path).read_text(encoding="utf-8") if (built / path).exists() else ""
                assert auto and f'id="{anchor}"' in target_page, \
                    f"{md.name}: the edition links {text!r} to {rel}, which the built book does not"
            checked += 1
    assert checked or not re.search(r"\{(?:numref|prf:ref|ref|eq)\}`", md.read_text()), "no reference was compared"


@pytest.mark.book
def test_links_to_the_api_appendix_point_at_documented_objects():
    """Every {py:...} role of the chapters becomes, in the editions, a link to an id of the built API appendix."""
    built = _built_book()
    page = (built / "pages" / "api.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', page))
    links = []
    for nb in sorted((ROOT / "chapters").glob("0*.ipynb")):
        text = nb.read_text(encoding="utf-8")
        links += re.findall(r"pages/api\.html#([\w.\-]+)\)", text)
    assert len(links) >= 8, links
    missing = sorted(set(links) - ids)
    assert not missing, f"links into the API appendix with no such id: {missing}"
