"""Jupyter editions of the chapters: plain Jupyter notebooks generated from the MyST sources.

``python _ext/jupyter_editions.py`` regenerates every ``chapters/NN_x.ipynb`` from ``chapters/NN_x.md`` (the one
source) so that JupyterLab 4 (Binder), Google Colab and VS Code show a notebook that reads like the book:

* the math macros of ``_config.yml`` (``sphinx.config.mathjax3_config.tex.macros``) are expanded to standard LaTeX,
  including macros with arguments (``\\norm{x}``, ``\\ip{f}{g}``);
* ``prf:*`` theorems, definitions, proofs, ``exercise`` and ``admonition`` blocks become blockquotes with a bold,
  numbered heading ("**Theorem 3.1** (Jackson-type rate)"); solutions are collapsed in ``<details>``; labelled
  display equations carry ``\\tag{3.1}``; code-cell figure captions follow the cell as "**Fig. 3.2** ...";
* labels ``(name)=`` disappear; ``{numref}``, ``{prf:ref}``, ``{ref}``, ``{eq}`` and ``{doc}`` become the text the
  built book shows ("Theorem 3.1", "Section 3.4", "Fig. 3.2", "Exercise 3.5", "(1.2)") linked to the online book
  (``html.baseurl`` + page + ``#anchor``); ``{cite:t}``/``{cite:p}`` become "Author (year)" / "(Author, year)"
  linked to the book's bibliography page;
* numbers follow the book's rules, replicated here: chapters numbered across the numbered parts of ``_toc.yml``
  (``use_multitoc_numbering``), sections ``3.4.2``, and per-chapter counters (``numfig_secnum_depth``) for figures,
  equations, each sphinx-proof type and exercises. ``tests/test_jupyter_editions.py`` checks them against the
  built HTML;
* the install cell, the preamble, hidden claim checks (``remove-cell``) and other hidden inputs stay in the
  notebook (nbval still runs the claims) but collapsed: ``metadata.jupyter.source_hidden`` (JupyterLab, VS Code)
  and Colab's form view (a ``#@title`` first line and ``cellView: form``).

Anything the converter does not know (a directive, a role, a substitution, a footnote) raises
:class:`EditionError` naming the file and the construct: raw MyST never leaks into a notebook.

Usage::

    python _ext/jupyter_editions.py             # regenerate chapters/*.ipynb
    python _ext/jupyter_editions.py --check     # exit 1 when a committed edition differs
    python _ext/jupyter_editions.py --out DIR   # write the editions into DIR instead

The functions :func:`convert_chapter` (one ``.md`` -> :class:`nbformat.NotebookNode`) and
:func:`convert_markdown` (one markdown text -> Jupyter Markdown) are the library interface, reused by the
coursework editions.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import mimetypes
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["Book", "EditionError", "convert_chapter", "convert_markdown", "expand_macros", "chapter_sources",
           "write_editions", "main"]


class EditionError(ValueError):
    """A construct of the MyST source that the Jupyter edition cannot represent (raised, never leaked)."""


# --------------------------------------------------------------------------------------------------------------
# Math macros
# --------------------------------------------------------------------------------------------------------------

def _read_group(tex: str, i: int) -> tuple[str, int]:
    """The macro argument starting at ``tex[i]`` (after optional spaces): a braced group (returned without its
    braces), a control sequence, or one character. Returns ``(argument, index after it)``."""
    n = len(tex)
    while i < n and tex[i] in " \t\n":
        i += 1
    if i >= n:
        raise EditionError(f"a math macro is missing an argument at the end of {tex!r}")
    if tex[i] == "{":
        depth, j = 0, i
        while j < n:
            c = tex[j]
            if c == "\\":
                j += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return tex[i + 1:j], j + 1
            j += 1
        raise EditionError(f"unbalanced braces in math {tex!r}")
    if tex[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        return m.group(0), i + len(m.group(0))
    return tex[i], i + 1


def expand_macros(tex: str, macros: dict) -> str:
    """Expand the book's macros in one piece of TeX.

    ``macros`` maps a name (without backslash) to its replacement, or to ``[replacement, n_args]`` as in MathJax's
    configuration; ``#1``, ``#2`` are the arguments. A macro name matches only as a whole control word (``\\R``
    is not the start of ``\\rho``). Arguments are braced groups, control sequences (``\\norm\\rho``) or single
    characters, as in TeX. A replacement that follows ``^`` or ``_`` is braced, so that it stays one script.
    Expansion is repeated until no macro is left (macros may use other macros).
    """
    if not macros:
        return tex
    table = {}
    for name, value in macros.items():
        if isinstance(value, (list, tuple)):
            table[name] = (str(value[0]), int(value[1]) if len(value) > 1 else 0)
        else:
            table[name] = (str(value), 0)
    pattern = re.compile(r"\\(" + "|".join(sorted(map(re.escape, table), key=len, reverse=True)) + r")(?![A-Za-z])")
    for _ in range(20):
        out, pos, changed = [], 0, False
        for m in pattern.finditer(tex):
            if m.start() < pos:
                continue
            # an escaped backslash before the macro (\\R) is a line break followed by R: leave it alone
            k, slashes = m.start() - 1, 0
            while k >= 0 and tex[k] == "\\":
                slashes += 1
                k -= 1
            if slashes % 2:
                continue
            body, nargs = table[m.group(1)]
            j = m.end()
            for a in range(1, nargs + 1):
                arg, j = _read_group(tex, j)
                body = body.replace(f"#{a}", arg)
            prev = tex[:m.start()].rstrip(" ")
            if prev.endswith(("^", "_")):
                body = "{" + body + "}"
            else:
                if j < len(tex) and re.match(r"[A-Za-z]", tex[j]) and re.search(r"\\[A-Za-z]+$", body):
                    body += " "      # \T x -> \top x, never \topx
                if re.match(r"[A-Za-z]", body) and re.search(r"\\[A-Za-z]+$", tex[:m.start()]):
                    body = " " + body    # \in\Lone -> \in L^1, never \inL^1
            out.append(tex[pos:m.start()])
            out.append(body)
            pos, changed = j, True
        out.append(tex[pos:])
        tex = "".join(out)
        if not changed:
            return tex
    raise EditionError(f"math macros expand without end (a macro uses itself?): {tex[:200]!r}")


def _strip_tex_comments(tex: str) -> str:
    """Drop TeX comments (an unescaped ``%`` to the end of its line), so that math can be joined into one line."""
    lines = []
    for line in tex.split("\n"):
        m = re.search(r"(?<!\\)(?:\\\\)*%", line)
        lines.append(line[:m.start() + len(m.group(0)) - 1] if m else line)
    return "\n".join(lines)


def _one_line(tex: str) -> str:
    return re.sub(r"\s*\n\s*", " ", _strip_tex_comments(tex)).strip()


# --------------------------------------------------------------------------------------------------------------
# Block-level parsing of MyST Markdown
# --------------------------------------------------------------------------------------------------------------

_FENCE = re.compile(r"^(?P<indent>[ ]{0,3}|\s*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_LABEL = re.compile(r"^\s*\((?P<name>[^()\s]+)\)=\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?\s*$")
_OPTION = re.compile(r"^:(?P<key>[A-Za-z][\w-]*):(?:\s+(?P<value>.*))?$")


@dataclass
class Block:
    """One block of a MyST document: text, blank, heading, label, math, fence (verbatim code), directive,
    comment."""

    kind: str
    lines: list = field(default_factory=list)
    indent: str = ""
    name: str = ""
    arg: str = ""
    options: dict = field(default_factory=dict)
    level: int = 0
    label: str = ""
    line: int = 0


def parse_blocks(text: str, where: str = "", offset: int = 0) -> list[Block]:
    """Split MyST Markdown into blocks (fence-aware, nested directive bodies kept as raw lines)."""
    lines = text.split("\n")
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        lineno = offset + i + 1
        m = _FENCE.match(line)
        if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            fence, info, indent = m.group("fence"), m.group("info").strip(), m.group("indent")
            j = i + 1
            close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
            while j < n and not close.match(lines[j]):
                j += 1
            if j >= n and fence[0] == ":":
                raise EditionError(f"{where}:{lineno}: unclosed colon fence {line.strip()!r}")
            body = [ln[len(indent):] if ln.startswith(indent) else ln.lstrip() for ln in lines[i + 1:j]]
            if info.startswith("{"):
                dm = re.match(r"^\{(?P<name>[^}\s]+)\}\s*(?P<arg>.*)$", info)
                if not dm:
                    raise EditionError(f"{where}:{lineno}: cannot read the directive {line.strip()!r}")
                options, content = _directive_options(body, where, lineno)
                blocks.append(Block("directive", content, indent, dm.group("name"), dm.group("arg").strip(),
                                    options, line=lineno))
            elif fence[0] == ":":
                raise EditionError(f"{where}:{lineno}: a colon fence needs a directive name: {line.strip()!r}")
            else:
                blocks.append(Block("fence", lines[i:j + 1], indent, line=lineno))
            i = j + 1
            continue
        stripped = line.strip()
        if _LABEL.match(line):
            blocks.append(Block("label", [line], label=_LABEL.match(line).group("name"), line=lineno))
        elif stripped.startswith("$$") and _display_math_start(stripped):
            # display math: $$ ... $$ (label), possibly on one line
            indent = line[:len(line) - len(line.lstrip())]
            rest = stripped[2:]
            body_lines, j, label = [], i, ""
            if "$$" in rest:
                k = rest.index("$$")
                body_lines = [rest[:k]]
                after = rest[k + 2:].strip()
                label = after[1:-1] if after else ""
            else:
                if rest.strip():
                    body_lines.append(rest)
                j = i + 1
                while j < n:
                    s = lines[j].strip()
                    lm = re.search(r"\$\$\s*(?:\((?P<label>[^()\s]+)\))?\s*$", s)
                    if lm:
                        if s[:lm.start()].strip():
                            body_lines.append(s[:lm.start()])
                        label = lm.group("label") or ""
                        break
                    body_lines.append(lines[j])
                    j += 1
                if j >= n:
                    raise EditionError(f"{where}:{lineno}: unclosed $$ display math")
            blocks.append(Block("math", body_lines, indent, label=label, line=lineno))
            i = j + 1
            continue
        elif _HEADING.match(line):
            hm = _HEADING.match(line)
            blocks.append(Block("heading", [hm.group("text")], level=len(hm.group("hashes")), line=lineno))
        elif re.match(r"^\s*%", line):
            blocks.append(Block("comment", [line], line=lineno))
        elif not stripped:
            blocks.append(Block("blank", [""], line=lineno))
        elif stripped == "+++" or stripped.startswith("+++ "):
            raise EditionError(f"{where}:{lineno}: a '+++' cell break inside a markdown cell")
        else:
            if blocks and blocks[-1].kind == "text":
                blocks[-1].lines.append(line)
            else:
                blocks.append(Block("text", [line], line=lineno))
        i += 1
    return blocks


def _display_math_start(stripped: str) -> bool:
    """Whether a line opens a display-math block: ``$$`` alone, ``$$ tex``, or ``$$ tex $$`` with at most a
    ``(label)`` after it (``$$x$$ and more text`` is inline math in a paragraph)."""
    rest = stripped[2:]
    if "$$" not in rest:
        return True
    after = rest[rest.index("$$") + 2:].strip()
    return not after or re.fullmatch(r"\([^()\s]+\)", after) is not None


def _directive_options(body: list[str], where: str, lineno: int) -> tuple[dict, list[str]]:
    options: dict = {}
    k = 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is None:
            raise EditionError(f"{where}:{lineno}: unclosed YAML options of a directive")
        options = yaml.safe_load("\n".join(body[1:end])) or {}
        k = end + 1
    else:
        while k < len(body):
            om = _OPTION.match(body[k].strip()) if body[k].strip() else None
            if not om:
                break
            options[om.group("key")] = (om.group("value") or "").strip()
            k += 1
    content = body[k:]
    while content and not content[0].strip():
        content = content[1:]
    while content and not content[-1].strip():
        content = content[:-1]
    return options, content


# --------------------------------------------------------------------------------------------------------------
# The book: configuration, numbering and every cross-reference target
# --------------------------------------------------------------------------------------------------------------

PROOF_TYPES = ("axiom", "theorem", "lemma", "algorithm", "definition", "remark", "conjecture", "corollary",
               "criterion", "example", "property", "observation", "proposition", "assumption", "notation")
ADMONITION_TITLES = {"note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
                     "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
                     "seealso": "See also"}


@dataclass
class Target:
    """A cross-reference target of the book: where it lives and how the book names it."""

    label: str
    docname: str
    anchor: str
    kind: str                  # section, figure, equation, exercise, solution, proof type, chapter, target
    number: str = ""           # "3.4.2", "3.1", ""
    title: str = ""            # MyST source of the title (section heading, figure caption, exercise title)
    figtype: str = ""          # numfig key: section, figure, displaymath, exercise, theorem, ...


def _make_id(name: str) -> str:
    from docutils.nodes import make_id
    return make_id(name)


class Book:
    """The book as Sphinx numbers it: configuration, table of contents, labels, numbers and the bibliography.

    Parameters
    ----------
    root : path
        The repository root (``_config.yml``, ``_toc.yml``, ``references.bib``).
    """

    def __init__(self, root: str | Path = ROOT):
        self.root = Path(root)
        self.config = yaml.safe_load((self.root / "_config.yml").read_text(encoding="utf-8"))
        self.toc = yaml.safe_load((self.root / "_toc.yml").read_text(encoding="utf-8"))
        sphinx_cfg = (self.config.get("sphinx") or {}).get("config") or {}
        self.macros = (((sphinx_cfg.get("mathjax3_config") or {}).get("tex") or {}).get("macros") or {})
        baseurl = (self.config.get("html") or {}).get("baseurl") or ""
        if not baseurl:
            raise EditionError("_config.yml has no html.baseurl: the notebooks link to the online book")
        self.baseurl = baseurl if baseurl.endswith("/") else baseurl + "/"
        self.repository = (self.config.get("repository") or {}).get("url", "")
        # Sphinx's numfig_format, then sphinx-proof's and sphinx-exercise's defaults, then the book's overrides
        fmt = {"section": "Section %s", "figure": "Fig. %s", "table": "Table %s", "code-block": "Listing %s"}
        fmt.update({t: f"{t} %s" for t in PROOF_TYPES})
        fmt["exercise"] = "Exercise %s"
        fmt.update(sphinx_cfg.get("numfig_format") or {})
        self.numfig_format = fmt
        self.secnum_depth = int(sphinx_cfg.get("numfig_secnum_depth", 1))
        self.math_number_all = bool(sphinx_cfg.get("math_number_all", False))
        self.eqref_format = sphinx_cfg.get("math_eqref_format") or "({number})"
        self.proof_title_format = sphinx_cfg.get("proof_title_format", " (%t)")
        self.countertype = dict(sphinx_cfg.get("prf_realtyp_to_countertyp") or {})
        if not sphinx_cfg.get("numfig", True):
            raise EditionError("numfig is off in _config.yml: the editions replicate numbered references")
        self.docs, self.chapter_numbers = self._read_toc()
        self.targets: dict[str, Target] = {}
        self.doc_titles: dict[str, str] = {}
        self.doc_cites: dict[str, list[str]] = {}
        self.heading_numbers: dict[str, list[str]] = {}
        self._fig_counters: dict = {}
        self._bib = None
        self._style = None
        self._bib_page = ""
        self._cite_labels: dict[str, tuple[str, str]] = {}
        for doc in self.docs:
            self._index(doc)

    # -- table of contents -----------------------------------------------------------------------------------
    def _read_toc(self):
        if self.toc.get("format") != "jb-book":
            raise EditionError("_toc.yml: only the jb-book format is supported")
        docs = [self.toc["root"]]
        numbers: dict[str, int] = {}
        multitoc = bool((self.config.get("html") or {}).get("use_multitoc_numbering", True))
        count = 0
        for part in self.toc.get("parts", []):
            if not multitoc:
                count = 0
            numbered = part.get("numbered", False)
            for ch in part.get("chapters", []):
                docs.append(ch["file"])
                if ch.get("sections"):
                    raise EditionError(f"_toc.yml: {ch['file']} has sub-pages; the editions' numbering does not "
                                       "support them yet")
                if numbered:
                    count += 1
                    numbers[ch["file"]] = count
        return docs, numbers

    def source(self, docname: str) -> Path:
        for ext in (".md", ".ipynb"):
            p = self.root / f"{docname}{ext}"
            if p.exists():
                return p
        raise EditionError(f"_toc.yml lists {docname}, which has no .md source")

    def url(self, docname: str, anchor: str = "") -> str:
        return self.baseurl + f"{docname}.html" + (f"#{anchor}" if anchor else "")

    # -- indexing: replicate Sphinx's numbering ---------------------------------------------------------------
    def _doc_items(self, docname: str):
        """Markdown texts and code-cell metadata of a document, in order."""
        path = self.source(docname)
        if path.suffix != ".md":
            raise EditionError(f"{path}: only MyST Markdown sources are supported")
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and "jupytext:" in text.split("\n---", 1)[0]:
            nb = jupytext.reads(text, fmt="md:myst")
            for cell in nb.cells:
                yield cell.cell_type, cell.source, cell.metadata
        else:
            yield "markdown", text, {}

    def _next_number(self, docname: str, figtype: str, secnum: tuple) -> str:
        if docname not in self.chapter_numbers:
            return ""
        prefix = secnum[:self.secnum_depth]
        counter = self._fig_counters.setdefault(figtype, {})
        counter[prefix] = counter.get(prefix, 0) + 1
        return ".".join(map(str, prefix + (counter[prefix],)))

    def _add(self, target: Target, where: str):
        if target.label in self.targets:
            other = self.targets[target.label]
            raise EditionError(f"{where}: duplicate label {target.label!r} (also in {other.docname})")
        self.targets[target.label] = target

    def _index(self, docname: str):
        chapter = self.chapter_numbers.get(docname)
        secnum: tuple = ()
        counts: list[int] = []
        pending: list[str] = []
        cites: list[str] = []
        where = str(self.source(docname).relative_to(self.root))
        first_title = None
        stack: list[list[int]] = []      # [heading level, number of sub-sections so far]
        headings: list[str] = []

        def walk(blocks: list[Block]):
            nonlocal secnum, counts, pending, first_title, stack
            for b in blocks:
                if b.kind in ("blank", "comment"):
                    continue
                if b.kind == "label":
                    pending.append(b.label)
                    continue
                labels, pending = pending, []
                if b.kind == "text":
                    cites.extend(_cited_keys("\n".join(b.lines)))
                if b.kind == "heading":
                    title = b.lines[0]
                    cites.extend(_cited_keys(title))
                    if first_title is None:
                        first_title = title
                    # sections nest by the order of heading levels (as myst-parser nests them)
                    while stack and stack[-1][0] >= b.level:
                        stack.pop()
                    if stack:
                        stack[-1][1] += 1
                    stack.append([b.level, 0])
                    depth = len(stack)
                    if chapter is not None:
                        if depth == 1:
                            if headings:
                                raise EditionError(f"{where}:{b.line}: a second top-level heading in a chapter")
                            counts = [chapter]
                        else:
                            counts = counts[:depth - 1]
                            while len(counts) < depth - 1:
                                counts.append(0)
                            counts.append(stack[-2][1])
                        secnum = tuple(counts)
                        number = ".".join(map(str, secnum))
                    else:
                        number = ""
                    headings.append(number)
                    for lab in labels:
                        kind = "chapter" if depth == 1 else "section"
                        self._add(Target(lab, docname, _make_id(lab), kind, number, title, "section"), where)
                    continue
                if b.kind == "math":
                    if b.label or self.math_number_all:
                        number = self._next_number(docname, "displaymath", secnum)
                        if b.label:
                            self._add(Target(b.label, docname, _make_id(f"equation-{b.label}"), "equation",
                                             number, "", "displaymath"), where)
                    for lab in labels:
                        self._add(Target(lab, docname, _make_id(lab), "target"), where)
                    continue
                if b.kind == "directive":
                    self._index_directive(docname, b, labels, secnum, where, walk, cites)
                    continue
                for lab in labels:
                    self._add(Target(lab, docname, _make_id(lab), "target"), where)

        for cell_type, source, metadata in self._doc_items(docname):
            if cell_type == "markdown":
                walk(parse_blocks(source, where))
            elif cell_type == "code":
                if pending:
                    for lab in pending:
                        self._add(Target(lab, docname, _make_id(lab), "target"), where)
                    pending = []
                fig = ((metadata.get("mystnb") or {}).get("figure") or {})
                if fig.get("name"):
                    name = str(fig["name"])
                    caption = str(fig.get("caption", "") or "").strip()
                    number = self._next_number(docname, "figure", secnum) if caption else ""
                    self._add(Target(name, docname, _make_id(name), "figure", number, caption, "figure"), where)
                    cites.extend(_cited_keys(caption))
        self.doc_titles[docname] = first_title or docname
        self.doc_cites[docname] = cites
        self.heading_numbers[docname] = headings

    def _index_directive(self, docname, b: Block, labels, secnum, where, walk, cites):
        name = b.name
        typ = name.split(":", 1)[1] if name.startswith("prf:") else ""
        if typ and typ != "proof":
            if typ not in PROOF_TYPES:
                raise EditionError(f"{where}:{b.line}: unknown directive {{{name}}}")
            countertype = self.countertype.get(typ, typ)
            label = b.options.get("label") or ""
            number = ""
            if "nonumber" not in b.options:
                if not b.arg:
                    raise EditionError(f"{where}:{b.line}: {{{name}}} has no title; Sphinx does not number an "
                                       "untitled sphinx-proof block (give it a title or :nonumber:)")
                number = self._next_number(docname, countertype, secnum)
            if label:
                self._add(Target(label, docname, label, typ, number, b.arg, countertype), where)
        elif name == "exercise":
            label = b.options.get("label") or ""
            if "hidden" in b.options:
                raise EditionError(f"{where}:{b.line}: hidden exercises are not supported in the editions")
            number = "" if "nonumber" in b.options else self._next_number(docname, "exercise", secnum)
            if label:
                self._add(Target(label, docname, label, "exercise", number, b.arg, "exercise"), where)
        elif name in ("figure",):
            fname = b.options.get("name") or (labels[0] if labels else "")
            caption = "\n".join(b.lines).strip()
            if fname:
                number = self._next_number(docname, "figure", secnum) if caption else ""
                self._add(Target(fname, docname, _make_id(fname), "figure", number, caption, "figure"), where)
            labels = []
        elif name == "math":
            label = b.options.get("label") or ""
            if label or self.math_number_all:
                number = self._next_number(docname, "displaymath", secnum)
                if label:
                    self._add(Target(label, docname, _make_id(f"equation-{label}"), "equation", number, "",
                                     "displaymath"), where)
        elif name in ("solution", "solution-start"):
            label = b.options.get("label") or ""
            if label:
                self._add(Target(label, docname, label, "solution", "", b.arg, "solution"), where)
        for lab in labels:
            self._add(Target(lab, docname, _make_id(lab), "target"), where)
        # directives whose body is MyST: walk it for nested numbered things and citations
        if name in ("exercise", "solution", "admonition", "figure", "dropdown") or name in ADMONITION_TITLES \
                or name.startswith("prf:"):
            walk(parse_blocks("\n".join(b.lines), where, b.line))

    # -- bibliography --------------------------------------------------------------------------------------------
    def bibliography(self):
        if self._bib is None:
            from pybtex.database import parse_file
            files = self.config.get("bibtex_bibfiles") or []
            data = None
            for f in files:
                d = parse_file(str(self.root / f))
                if data is None:
                    data = d
                else:
                    for k, e in d.entries.items():
                        data.entries[k] = e
            self._bib = data
        return self._bib

    def cite_label(self, key: str) -> tuple[str, str]:
        """("Li et al.", "2021") for a bibliography key, as sphinxcontrib-bibtex's author_year style names it."""
        if key in self._cite_labels:
            return self._cite_labels[key]
        from pybtex.richtext import Text
        bib = self.bibliography()
        if bib is None or key not in bib.entries:
            raise EditionError(f"unknown citation key {key!r} (not in {self.config.get('bibtex_bibfiles')})")
        e = bib.entries[key]
        persons = e.persons.get("author") or e.persons.get("editor") or []
        # str() of pybtex's rich text is its plain text (render_as would look its backend up on every call)
        names = [str(Text.from_latex(" ".join(p.prelast_names + p.last_names))) for p in persons]
        if not names:
            who = str(Text.from_latex(e.fields.get("key", key)))
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        self._cite_labels[key] = (who, e.fields.get("year", "n.d."))
        return self._cite_labels[key]

    def cite_url(self, key: str) -> str:
        """The entry on the book's bibliography page (anchor ``cite-<key>``: ``bibtex_cite_id``)."""
        page = self._bibliography_page()
        anchor = ""
        tmpl = ((self.config.get("sphinx") or {}).get("config") or {}).get("bibtex_cite_id")
        if tmpl and "{key}" in tmpl and "{bibliography_count}" not in tmpl:
            anchor = _make_id(tmpl.format(key=key))
        return self.url(page, anchor)

    def _bibliography_page(self) -> str:
        if self._bib_page:
            return self._bib_page
        for doc in self.docs:
            try:
                text = self.source(doc).read_text(encoding="utf-8")
            except EditionError:
                continue
            if re.search(r"^[`:]{3,}\{bibliography\}[^\n]*\n(?::[^\n]*\n)*?:all:", text, re.M):
                self._bib_page = doc
                return doc
        raise EditionError("no page of the book has a {bibliography} with :all: (the citations link there)")

    def _bib_style(self):
        """The book's pybtex formatting style (``bibtex_default_style``).

        A style that a local Sphinx extension registers in its ``setup`` (not at import) is found as the pybtex
        ``Style`` subclass that extension module defines; pybtex's ``alpha`` is the last resort.
        """
        if self._style is not None:
            return self._style
        self._style = self._find_bib_style()
        return self._style

    def _find_bib_style(self):
        from pybtex.plugin import PluginNotFound, find_plugin
        from pybtex.style.formatting import BaseStyle
        name = ((self.config.get("sphinx") or {}).get("config") or {}).get("bibtex_default_style", "alpha")
        try:
            return find_plugin("pybtex.style.formatting", name)()
        except PluginNotFound:
            pass
        import importlib.util
        local = ((self.config.get("sphinx") or {}).get("local_extensions") or {})
        for module, folder in local.items():
            path = self.root / folder / f"{module}.py"
            if not path.exists():
                continue
            spec = importlib.util.spec_from_file_location(f"_book_ext_{module}", path)
            mod = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(mod)
            except Exception:        # an extension that needs Sphinx to import: not a style
                continue
            for obj in vars(mod).values():
                if isinstance(obj, type) and issubclass(obj, BaseStyle) and obj.__module__ == mod.__name__:
                    return obj()
        return find_plugin("pybtex.style.formatting", "alpha")()

    def format_references(self, keys: list[str]) -> list[str]:
        """Markdown list items for the given bibliography keys, formatted and sorted as the book's style does
        (math in titles typeset, macros expanded)."""
        from pybtex.backends.markdown import Backend
        markdown = Backend()
        bib = self.bibliography()
        style = self._bib_style()
        entries = []
        for k in dict.fromkeys(keys):
            if k not in bib.entries:
                raise EditionError(f"unknown citation key {k!r}")
            entries.append(bib.entries[k])
        items = []
        for fe in style.format_entries(style.sort(entries)):
            text = fe.text.render(markdown).replace("\n", " ")
            # pybtex escapes Markdown inside $...$ too: undo it there, so that the math renders
            parts = re.split(r"(\$[^$]+\$)", text)
            for i, part in enumerate(parts):
                if i % 2:
                    tex = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|~<>$])", r"\1", part[1:-1])
                    parts[i] = "$" + expand_macros(tex, self.macros).strip() + "$"
                else:       # escapes that are never needed inside a list item's text
                    parts[i] = re.sub(r"\\([.()\-!+#:])", r"\1", part)
            text = "".join(parts)
            items.append(f"* [[{fe.label}]]({self.cite_url(fe.key)}) {text}")
        return items


def _cited_keys(text: str) -> list[str]:
    keys = []
    for m in re.finditer(r"\{cite(?::[a-z]+)?\}`([^`]+)`", text):
        keys += [k.strip() for k in m.group(1).split(",") if k.strip()]
    return keys


# --------------------------------------------------------------------------------------------------------------
# Inline conversion: roles, math, substitutions
# --------------------------------------------------------------------------------------------------------------

_ROLE_TARGET = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


@dataclass
class _Context:
    book: Book
    docname: str
    where: str
    keyprefix: str = ""
    cited: list = field(default_factory=list)
    headings_done: int = 0
    attachments: dict = field(default_factory=dict)
    depth: int = 0               # nesting of directives being converted
    section_level: int = 1       # Markdown level of the current section's heading

    @property
    def exercise_level(self) -> int:
        """Heading level of an exercise: two below its section's (#### under ##), at most 5."""
        return min(self.section_level + 2, 5)


def _link(text: str, url: str) -> str:
    text = text.replace("[", "\\[").replace("]", "\\]")
    return f"[{text}]({url})"


def _split_role(content: str) -> tuple[str, str]:
    m = _ROLE_TARGET.match(content.strip())
    if m and m.group("title"):
        return m.group("title"), m.group("target").strip()
    return "", content.strip()


def _api_anchor(target: str) -> str:
    """The anchor of an ``lrnn`` name in the API appendix (pages/api.md): where autodoc documents the object —
    kernels under ``lrnn.kernels``, everything else under the module that defines it (re-exports followed)."""
    import importlib

    parts = target.split(".")
    obj = None
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
        break
    if obj is None:
        raise EditionError(f"{{py:...}}`{target}`: no such lrnn object (the API appendix cannot link it)")
    if isinstance(obj, type(importlib)):
        return "module-" + obj.__name__
    module = getattr(obj, "__module__", None) or ""
    qual = getattr(obj, "__qualname__", parts[-1])
    if module.startswith("lrnn.kernels."):
        module = "lrnn.kernels"
    return f"{module}.{qual}"


def _role(name: str, content: str, ctx: _Context) -> str:
    book = ctx.book
    if name == "math":
        return "$" + _one_line(expand_macros(content, book.macros)) + "$"
    if name in ("sub", "sup"):
        return f"<{name}>{content}</{name}>"
    if name in ("cite", "cite:p", "cite:t", "cite:ps", "cite:ts"):
        keys = [k.strip() for k in content.split(",") if k.strip()]
        parts = []
        for key in keys:
            bare = key[len(ctx.keyprefix):] if ctx.keyprefix and key.startswith(ctx.keyprefix) else key
            ctx.cited.append(bare)
            who, year = book.cite_label(bare)
            url = book.cite_url(bare)
            if name in ("cite:t", "cite:ts"):
                parts.append(f"{who} ({_link(year, url)})")
            else:
                parts.append(_link(f"{who}, {year}", url))
        return "; ".join(parts) if name in ("cite:t", "cite:ts") else "(" + "; ".join(parts) + ")"
    if name in ("py:func", "py:class", "py:meth", "py:mod", "py:data", "py:attr", "py:obj"):
        title, target = _split_role(content)
        tilde, target = target.startswith("~"), target.lstrip("~")
        shown = title if title and title != target and title != "~" + target else (
            target.split(".")[-1] if tilde else target)
        if name in ("py:func", "py:meth") and not title:
            shown += "()"                                  # as Sphinx prints a function's name
        return _link(f"`{shown}`", book.baseurl + "pages/api.html#" + _api_anchor(target))
    if name in ("numref", "prf:ref", "ref", "eq", "doc", "prf:proof"):
        title, label = _split_role(content)
        if name == "doc":
            doc = _resolve_doc(label, ctx)
            text = title or _plain(convert_inline(book.doc_titles[doc], ctx))
            return _link(text, book.url(doc))
        target = book.targets.get(label)
        if target is None:
            raise EditionError(f"{ctx.where}: {{{name}}}`{content}`: no target labelled {label!r} in the book")
        url = book.url(target.docname, target.anchor)
        if name == "eq":
            if target.kind != "equation":
                raise EditionError(f"{ctx.where}: {{eq}}`{label}` does not name an equation")
            return _link(title or book.eqref_format.format(number=target.number), url)
        if name == "numref":
            if not target.number:
                raise EditionError(f"{ctx.where}: {{numref}}`{content}`: {label!r} is not numbered in the book")
            fmt = title or book.numfig_format.get(target.figtype, "%s")
            plain_title = _plain(convert_inline(target.title, ctx)) if target.title else ""
            text = fmt.replace("%s", target.number).replace("{number}", target.number).replace("{name}",
                                                                                               plain_title)
            return _link(text, url)
        if name == "prf:ref":
            if target.kind not in PROOF_TYPES:
                raise EditionError(f"{ctx.where}: {{prf:ref}}`{label}` does not name a sphinx-proof block")
            return _link(title or f"{target.kind.title()} {target.number}", url)
        # {ref}
        if title:
            return _link(title, url)
        if target.kind == "exercise" and target.number:
            return _link(book.numfig_format["exercise"].replace("%s", target.number), url)
        if target.kind in ("section", "chapter", "figure") and target.title:
            return _link(_plain(convert_inline(target.title, ctx)), url)
        raise EditionError(f"{ctx.where}: {{ref}}`{label}` has no title in the book; give the role a text")
    raise EditionError(f"{ctx.where}: unknown role {{{name}}}`{content}` (the Jupyter edition cannot show it)")


def _resolve_doc(label: str, ctx: _Context) -> str:
    base = Path(ctx.docname).parent
    cand = (base / label).as_posix() if not label.startswith("/") else label.lstrip("/")
    parts = []
    for p in cand.split("/"):
        if p == "..":
            parts = parts[:-1]
        elif p and p != ".":
            parts.append(p)
    doc = "/".join(parts)
    if doc not in ctx.book.doc_titles:
        raise EditionError(f"{ctx.where}: {{doc}}`{label}`: no such page in _toc.yml")
    return doc


def _plain(markdown: str) -> str:
    """Link text from converted Markdown: drop links and emphasis markers, keep math."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"(\*\*|__)", "", text).strip()


def convert_inline(text: str, ctx: _Context) -> str:
    """Roles, inline and display math (macros expanded, one line each) of a run of text lines."""
    out = []
    i, n = 0, len(text)
    buf = []

    def flush_text():
        chunk = "".join(buf)
        buf.clear()
        if "{{" in chunk:
            raise EditionError(f"{ctx.where}: a MyST substitution {{{{ ... }}}} (not supported in the editions)")
        if re.search(r"\[\^[^\]]+\]", chunk):
            raise EditionError(f"{ctx.where}: a footnote [^...] (Jupyter Markdown has no footnotes)")
        out.append(chunk)

    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            buf.append(text[i:i + 2])
            i += 2
            continue
        if c == "{":
            m = re.match(r"\{(?P<name>[A-Za-z][\w:-]*)\}(?P<ticks>`+)", text[i:])
            if m:
                ticks = m.group("ticks")
                start = i + m.end()
                end = text.find(ticks, start)
                while end != -1 and end + len(ticks) < n and text[end + len(ticks)] == "`":
                    end = text.find(ticks, end + len(ticks) + 1)
                if end == -1:
                    raise EditionError(f"{ctx.where}: unclosed role {{{m.group('name')}}}")
                flush_text()
                out.append(_role(m.group("name"), text[start:end], ctx))
                i = end + len(ticks)
                continue
        if c == "`":
            m = re.match(r"`+", text[i:])
            ticks = m.group(0)
            end = text.find(ticks, i + len(ticks))
            while end != -1 and end + len(ticks) < n and text[end + len(ticks)] == "`":
                end = text.find(ticks, end + len(ticks) + 1)
            if end == -1:
                buf.append(ticks)
                i += len(ticks)
                continue
            flush_text()            # a code span is verbatim: no substitution or footnote checks inside
            out.append(text[i:end + len(ticks)])
            i = end + len(ticks)
            continue
        if c == "$":
            if text.startswith("$$", i):
                end = text.find("$$", i + 2)
                if end == -1:
                    raise EditionError(f"{ctx.where}: unclosed $$ in {text[i:i + 60]!r}")
                flush_text()
                out.append("$$" + _one_line(expand_macros(text[i + 2:end], ctx.book.macros)) + "$$")
                i = end + 2
                continue
            # dollarmath: no space after the opening $, none before the closing $, no digit after it
            if i + 1 < n and not text[i + 1].isspace():
                j = i + 1
                while j < n:
                    if text[j] == "\\":
                        j += 2
                        continue
                    if text[j] == "$" and not text[j - 1].isspace() and not (j + 1 < n and text[j + 1].isdigit()):
                        break
                    j += 1
                if j < n:
                    flush_text()
                    out.append("$" + _one_line(expand_macros(text[i + 1:j], ctx.book.macros)) + "$")
                    i = j + 1
                    continue
        buf.append(c)
        i += 1
    flush_text()
    return "".join(out)


# --------------------------------------------------------------------------------------------------------------
# Block conversion
# --------------------------------------------------------------------------------------------------------------

def _quote(lines: list[str]) -> list[str]:
    return [("> " + ln) if ln.strip() else ">" for ln in lines]


def _indent(lines: list[str], indent: str) -> list[str]:
    return [(indent + ln) if ln.strip() else "" for ln in lines]


def _display_math(body: str, number: str, ctx: _Context) -> str:
    tex = _one_line(expand_macros(body, ctx.book.macros))
    if number:
        tex += f" \\tag{{{number}}}"
    return f"$$ {tex} $$"


def _heading_line(b: Block, ctx: _Context) -> str:
    """A heading with the book's section number ("## 3.4. Title"), taken in order from the Book's index."""
    title = convert_inline(b.lines[0], ctx)
    numbers = ctx.book.heading_numbers.get(ctx.docname)
    number = ""
    if numbers is not None:
        if ctx.headings_done >= len(numbers):
            raise EditionError(f"{ctx.where}: more headings than the book's index of {ctx.docname} has")
        number = numbers[ctx.headings_done]
        ctx.headings_done += 1
    ctx.section_level = b.level
    return "#" * b.level + " " + (f"{number}. " if number else "") + title


def _convert_blocks(blocks: list[Block], ctx: _Context) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind in ("label", "comment"):
            continue
        if b.kind == "blank":
            if out and out[-1] != "":
                out.append("")
            continue
        if b.kind == "text":
            converted = convert_inline("\n".join(b.lines), ctx)
            out.extend(converted.split("\n"))
        elif b.kind == "heading":
            out.append(_heading_line(b, ctx))
        elif b.kind == "fence":
            out.extend(b.lines)
        elif b.kind == "math":
            number = ""
            if b.label:
                number = ctx.book.targets[b.label].number
            out.append(b.indent + _display_math("\n".join(b.lines), number, ctx))
        elif b.kind == "directive":
            ctx.depth += 1
            try:
                out.extend(_indent(_directive(b, ctx), b.indent))
            finally:
                ctx.depth -= 1
        else:  # pragma: no cover - parse_blocks makes no other kinds
            raise EditionError(f"{ctx.where}: unexpected block {b.kind}")
    while out and out[-1] == "":
        out.pop()
    while out and out[0] == "":
        out.pop(0)
    return out


def _body(b: Block, ctx: _Context) -> list[str]:
    return _convert_blocks(parse_blocks("\n".join(b.lines), ctx.where, b.line), ctx)


def _boxed(heading: str, body: list[str]) -> list[str]:
    lines = [heading]
    if body:
        lines += [""] + body
    return _quote(lines) + [""]


def _directive(b: Block, ctx: _Context) -> list[str]:
    name, book = b.name, ctx.book
    where = f"{ctx.where}:{b.line}"
    if name.startswith("prf:"):
        typ = name.split(":", 1)[1]
        if typ == "proof":
            title = f" {convert_inline(b.arg, ctx)}" if b.arg else ""
            body = _body(b, ctx)
            return _boxed(f"*Proof.*{title}", body)
        if typ not in PROOF_TYPES:
            raise EditionError(f"{where}: unknown directive {{{name}}}")
        label = b.options.get("label", "")
        number = book.targets[label].number if label else ""
        if not label and "nonumber" not in b.options:
            raise EditionError(f"{where}: {{{name}}} without a :label: cannot be numbered in the editions")
        heading = f"**{typ.title()}{(' ' + number) if number else ''}**"
        if b.arg:
            heading += book.proof_title_format.replace("%t", convert_inline(b.arg, ctx))
        return _boxed(heading, _body(b, ctx))
    if name == "exercise":
        label = b.options.get("label", "")
        if not label and "nonumber" not in b.options:
            raise EditionError(f"{where}: an {{exercise}} without a :label: cannot be numbered in the editions")
        number = book.targets[label].number if label else ""
        title = f"Exercise{(' ' + number) if number else ''}" + (f" ({convert_inline(b.arg, ctx)})" if b.arg else "")
        if ctx.depth == 1:
            # a heading (JupyterLab's outline, and the end of the previous collapsed solution) above a blockquote
            return ["#" * ctx.exercise_level + " " + title, ""] + _quote(_body(b, ctx)) + [""]
        return _boxed(f"**{title}**", _body(b, ctx))
    if name == "admonition":
        if not b.arg:
            raise EditionError(f"{where}: an {{admonition}} needs a title")
        return _boxed(f"**{convert_inline(b.arg, ctx)}**", _body(b, ctx))
    if name in ADMONITION_TITLES:
        title = ADMONITION_TITLES[name] + (f": {convert_inline(b.arg, ctx)}" if b.arg else "")
        return _boxed(f"**{title}**", _body(b, ctx))
    if name == "math":
        label = b.options.get("label", "")
        number = book.targets[label].number if label else ""
        return [_display_math("\n".join(b.lines), number, ctx)]
    if name == "solution":
        summary = _solution_summary(b.arg, ctx, where)
        return _details(summary, _body(b, ctx))
    if name == "dropdown":
        return _details(convert_inline(b.arg or "Details", ctx), _body(b, ctx))
    if name == "bibliography":
        return _references(b, ctx, where)
    if name == "figure":
        return _figure(b, ctx, where)
    if name in ("code-block", "code", "sourcecode"):
        return ["```" + b.arg] + b.lines + ["```"]
    if name in ("solution-start", "solution-end"):
        raise EditionError(f"{where}: a gated {{{name}}} inside another directive")
    raise EditionError(f"{where}: unknown directive {{{name}}} (the Jupyter edition cannot show it: add it to "
                       "_ext/jupyter_editions.py)")


def _solution_summary(exercise_label: str, ctx: _Context, where: str) -> str:
    target = ctx.book.targets.get(exercise_label)
    if target is None or target.kind != "exercise":
        raise EditionError(f"{where}: the solution names {exercise_label!r}, which is not an exercise")
    text = "Solution to " + ctx.book.numfig_format["exercise"].replace("%s", target.number)
    if target.title:
        text += f" ({convert_inline(target.title, ctx)})"
    return text


def _details(summary: str, body: list[str]) -> list[str]:
    return ["<details>", f"<summary><b>{summary}</b></summary>", ""] + body + ["", "</details>", ""]


def _references(b: Block, ctx: _Context, where: str) -> list[str]:
    opts = b.options
    prefix = opts.get("keyprefix", "")
    if prefix != ctx.keyprefix:
        raise EditionError(f"{where}: the bibliography's :keyprefix: {prefix!r} differs from the chapter's")
    if "all" in opts:
        keys = list(ctx.book.bibliography().entries)
    elif opts.get("filter", "").strip() == "docname in docnames":
        keys = [k[len(prefix):] if prefix and k.startswith(prefix) else k
                for k in ctx.book.doc_cites.get(ctx.docname, [])]
    else:
        raise EditionError(f"{where}: only ':filter: docname in docnames' and ':all:' bibliographies are supported")
    if not keys:
        return []
    return ctx.book.format_references(keys) + [""]


def _figure(b: Block, ctx: _Context, where: str) -> list[str]:
    path = (ctx.book.root / Path(ctx.docname).parent / b.arg).resolve()
    if not path.exists():
        raise EditionError(f"{where}: figure file {b.arg!r} not found")
    alt = b.options.get("alt", "")
    if not alt:
        raise EditionError(f"{where}: the figure {b.arg!r} needs :alt: text")
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    ctx.attachments[path.name] = {mime: base64.b64encode(path.read_bytes()).decode("ascii")}
    lines = [f"![{alt}](attachment:{path.name})", ""]
    fname = b.options.get("name", "")
    caption = "\n".join(b.lines).strip()
    if caption:
        number = ctx.book.targets[fname].number if fname else ""
        prefix = f"**{ctx.book.numfig_format['figure'].replace('%s', number)}** " if number else ""
        lines.append(prefix + convert_inline(caption, ctx))
    return lines


def convert_markdown(text: str, book: Book | None = None, docname: str = "", *, keyprefix: str = "",
                     context: _Context | None = None) -> str:
    """Convert one MyST Markdown text (one markdown cell) into Jupyter Markdown.

    Parameters
    ----------
    text : str
        MyST Markdown without gated solutions (a notebook's gated solutions span cells: :func:`convert_chapter`
        handles them).
    book : Book, optional
        The book whose numbers, labels, macros and bibliography are used (default: this repository).
    docname : str
        The document the text belongs to (``chapters/03_approximation_rates``), for its numbers and relative links.
    keyprefix : str
        The citation key prefix of the document (``c3-``).
    """
    ctx = context or _Context(book or Book(), docname, docname or "<markdown>", keyprefix)
    blocks = parse_blocks(text, ctx.where)
    for b in blocks:
        if b.kind == "directive" and b.name in ("solution-start", "solution-end"):
            raise EditionError(f"{ctx.where}:{b.line}: gated solutions need convert_chapter")
    result = "\n".join(_convert_blocks(blocks, ctx))
    _assert_clean(result, ctx.where)
    return result


_FENCE_LEAK = re.compile(r"^\s*(?:> ?)*(`{3,}|:{3,})\{", re.M)
_LABEL_LEAK = re.compile(r"^\s*(?:> ?)*\([^()\s]+\)=\s*$", re.M)
_ROLE_LEAK = re.compile(r"\{[A-Za-z][\w:-]*\}`")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def _assert_clean(markdown: str, where: str):
    """Raise when Jupyter Markdown still carries MyST: a directive fence, a label line, or a role.

    Code blocks and code spans may show MyST on purpose (e.g. a CONTRIBUTING-like example): they are ignored,
    except that a code span right after ``{name}`` is a role.
    """
    text = re.sub(r"^(\s*(?:> ?)*)(`{3,}|~{3,})(?!\{)[^\n]*\n.*?^\s*(?:> ?)*\2\s*$", "", markdown,
                  flags=re.M | re.S)
    for pattern, what in ((_FENCE_LEAK, "a directive fence"), (_LABEL_LEAK, "a label")):
        m = pattern.search(text)
        if m:
            raise EditionError(f"{where}: raw MyST ({what}) left in the edition: {m.group(0).strip()!r}")
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        before = text[pos:m.start()]
        out.append(before + ("`" if re.search(r"\{[A-Za-z][\w:-]*\}$", before) else ""))
        pos = m.end()
    out.append(text[pos:])
    m = _ROLE_LEAK.search("".join(out))
    if m:
        raise EditionError(f"{where}: raw MyST (a role) left in the edition: {m.group(0)!r}")


# --------------------------------------------------------------------------------------------------------------
# Chapters
# --------------------------------------------------------------------------------------------------------------

HIDDEN_TITLES = {
    "install": "Install the book's package lrnn (Colab and fresh kernels)",
    "remove-cell": "Check the numbers stated in the text",
    "hide-input": "Code",
    "widget": "Live experiment (needs a running kernel)",
}


def _cell_id(source: str, seen: dict) -> str:
    h = hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]
    seen[h] = seen.get(h, 0) + 1
    return h if seen[h] == 1 else f"{h}-{seen[h]}"


def _collapse_code(cell, title: str):
    """Collapse a code cell's input in JupyterLab/VS Code (jupyter.source_hidden) and in Colab (form view)."""
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    lines = cell.source.split("\n")
    if lines and lines[0].startswith("%%"):
        return            # a cell magic must stay first: no Colab form title
    first = lines[0] if lines else ""
    if first.startswith("#@title"):
        return
    # a one-line comment that opens the cell is its title ("# Setup: ..."); a comment that runs on is not
    m = re.match(r"^#\s*(.+?)\s*$", first)
    if m and not first.startswith("#!") and len(m.group(1)) <= 90 and not (len(lines) > 1 and lines[1].startswith("#")):
        title, lines = m.group(1), lines[1:]
    cell.source = "\n".join([f"#@title {title}"] + lines)
    cell.metadata["cellView"] = "form"


def chapter_sources(book: Book | None = None) -> list[Path]:
    """The chapter sources that get a Jupyter edition: the jupytext MyST notebooks of ``_toc.yml``."""
    book = book or Book()
    out = []
    for doc in book.docs:
        try:
            p = book.source(doc)
        except EditionError:
            continue
        if p.suffix == ".md" and "jupytext:" in p.read_text(encoding="utf-8").split("\n---", 1)[0]:
            out.append(p)
    return out


def convert_chapter(md_path: str | Path, book: Book | None = None) -> nbformat.NotebookNode:
    """The Jupyter edition of one chapter.

    Parameters
    ----------
    md_path : path
        A chapter's MyST Markdown notebook (``chapters/NN_x.md``), listed in ``_toc.yml``.
    book : Book, optional
        The book (default: the repository this file belongs to). Pass one :class:`Book` to convert several
        chapters without re-reading the configuration.

    Returns
    -------
    nbformat.NotebookNode
        An nbformat 4.5 notebook with empty outputs, deterministic cell ids and no jupytext pairing metadata.
    """
    book = book or Book()
    md_path = Path(md_path).resolve()
    try:
        docname = md_path.relative_to(book.root.resolve()).with_suffix("").as_posix()
    except ValueError:
        raise EditionError(f"{md_path} is not inside the book at {book.root}") from None
    if docname not in book.doc_titles:
        raise EditionError(f"{md_path.name} is not listed in _toc.yml")
    text = md_path.read_text(encoding="utf-8")
    src = jupytext.reads(text, fmt="md:myst")
    where = md_path.relative_to(book.root.resolve()).as_posix()
    prefix_m = re.search(r"^:keyprefix:\s*(\S+)", text, re.M)
    ctx = _Context(book, docname, where, prefix_m.group(1) if prefix_m else "")
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "colab": {"provenance": [], "toc_visible": True},
    }
    solutions_with_code = _solutions_with_code(src.cells, where)
    cells: list = []
    seg: list[str] = []          # the markdown cell being assembled
    sol = {"summary": None, "parts": 0, "heading": 0, "start": 0}
    groups: list[tuple[int, int, int]] = []     # (heading cell, last cell, heading level) of collapsible solutions

    def flush():
        body = "\n".join(seg).strip("\n")
        seg.clear()
        if body.strip():
            _assert_clean(body, where)
            cell = nbformat.v4.new_markdown_cell(body)
            if ctx.attachments:
                cell.attachments = dict(ctx.attachments)
                ctx.attachments.clear()
            cells.append(cell)

    def close_solution_part():
        """Emit the solution's prose since the last code cell as one collapsed <details> block."""
        content = "\n".join(seg).strip("\n")
        seg.clear()
        if not content.strip():
            return
        if sol["heading"]:
            summary = "Solution" + (", continued" if sol["parts"] else "")
        else:
            summary = sol["summary"]
        seg.extend(_details(summary, content.split("\n")))
        flush()
        sol["parts"] += 1

    first_code = True
    title_done = False
    for cell in src.cells:
        if cell.cell_type == "markdown":
            if "remove-cell" in cell.metadata.get("tags", []):
                raise EditionError(f"{where}: a markdown cell tagged remove-cell (not supported)")
            pending: list[Block] = []

            def emit():
                if pending:
                    seg.extend(_convert_blocks(pending, ctx) + [""])
                    pending.clear()

            for b in parse_blocks(cell.source, where):
                if b.kind == "directive" and b.name == "solution-start":
                    emit()
                    if sol["summary"]:
                        raise EditionError(f"{where}:{b.line}: a solution starts inside another solution")
                    flush()
                    summary = _plain(_solution_summary(b.arg, ctx, f"{where}:{b.line}"))
                    sol.update(summary=summary, parts=0, heading=0)
                    if b.arg in solutions_with_code:
                        # JupyterLab hides every cell under a collapsed heading, outputs included, until the next
                        # heading of the same or a higher level (the next exercise's heading, or a section)
                        level = min(ctx.exercise_level + 1, 6)
                        cell_md = nbformat.v4.new_markdown_cell("#" * level + " " + summary)
                        cell_md.metadata["jp-MarkdownHeadingCollapsed"] = True
                        cells.append(cell_md)
                        sol.update(heading=level, start=len(cells) - 1)
                elif b.kind == "directive" and b.name == "solution-end":
                    emit()
                    if not sol["summary"]:
                        raise EditionError(f"{where}:{b.line}: a solution-end without solution-start")
                    close_solution_part()
                    if sol["heading"]:
                        groups.append((sol["start"], len(cells) - 1, sol["heading"]))
                    sol.update(summary=None, parts=0, heading=0)
                elif b.kind == "directive" and b.name == "exercise" and sol["summary"] is None:
                    emit()
                    flush()          # an exercise opens its own cell: its heading ends a collapsed solution
                    pending.append(b)
                elif b.kind == "heading" and not title_done:
                    emit()
                    seg.extend([_heading_line(b, ctx), "", _edition_note(book, docname), ""])
                    title_done = True
                else:
                    pending.append(b)
            emit()
            if sol["summary"] is None:
                flush()
            continue

        # a code cell
        if sol["summary"] is not None:
            close_solution_part()
        else:
            flush()
        code = nbformat.v4.new_code_cell(cell.source)
        meta = copy.deepcopy(dict(cell.metadata))
        meta.pop("mystnb", None)
        code.metadata = nbformat.from_dict(meta)
        tags = list(meta.get("tags", []))
        if first_code and re.search(r"(%pip|pip) install", cell.source):
            _collapse_code(code, HIDDEN_TITLES["install"])
        elif "remove-cell" in tags:
            _collapse_code(code, HIDDEN_TITLES["remove-cell"])
        elif sol["summary"] is not None:
            _collapse_code(code, sol["summary"])
        elif "hide-input" in tags or "remove-input" in tags:
            _collapse_code(code, HIDDEN_TITLES["widget" if "remove-output" in tags else "hide-input"])
        if "hide-output" in tags or (sol["summary"] is not None and not sol["heading"]):
            code.metadata.setdefault("jupyter", {})["outputs_hidden"] = True
        if sol["summary"] is not None:
            sol["parts"] += 1
        first_code = False
        cells.append(code)
        fig = ((cell.metadata.get("mystnb") or {}).get("figure") or {})
        caption = str(fig.get("caption", "") or "").strip()
        if caption:
            name = str(fig.get("name", ""))
            number = book.targets[name].number if name else ""
            prefix = f"**{book.numfig_format['figure'].replace('%s', number)}** " if number else ""
            cap = prefix + convert_inline(caption, ctx).replace("\n", " ")
            _assert_clean(cap, where)
            cells.append(nbformat.v4.new_markdown_cell(cap))
    if sol["summary"] is not None:
        raise EditionError(f"{where}: a solution-start without solution-end")
    flush()
    _end_collapsed_solutions(cells, groups)

    seen: dict = {}
    for c in cells:
        c.id = _cell_id(c.cell_type + "\n" + c.source, seen)
    nb.cells = cells
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb


def _solutions_with_code(cells, where: str) -> set:
    """Labels of the exercises whose gated solution contains at least one code cell."""
    found, current = set(), None
    for cell in cells:
        if cell.cell_type == "code":
            if current:
                found.add(current)
            continue
        for b in parse_blocks(cell.source, where):
            if b.kind == "directive" and b.name == "solution-start":
                current = b.arg
            elif b.kind == "directive" and b.name == "solution-end":
                current = None
    return found


def _heading_level(source: str) -> int:
    m = re.match(r"^(#{1,6})\s", source)
    return len(m.group(1)) if m else 0


def _end_collapsed_solutions(cells: list, groups: list):
    """Keep a solution's heading collapsed only where the next cell is a heading that ends the collapse.

    JupyterLab hides the cells after a collapsed heading up to the next heading of the same or a higher level. If
    something else follows a solution (prose, code, the end of the notebook), the heading would hide it too: then
    the solution's heading becomes a bold line, and its code cells keep their outputs collapsed on opening.
    """
    for start, last, level in groups:
        nxt = cells[last + 1] if last + 1 < len(cells) else None
        lvl = _heading_level(nxt.source) if nxt is not None and nxt.cell_type == "markdown" else 0
        if lvl and lvl <= level:
            continue
        head = cells[start]
        head.source = "**" + head.source.lstrip("#").strip() + "**"
        del head.metadata["jp-MarkdownHeadingCollapsed"]
        for c in cells[start + 1:last + 1]:
            if c.cell_type == "code":
                c.metadata.setdefault("jupyter", {})["outputs_hidden"] = True


def _edition_note(book: Book, docname: str) -> str:
    chapter = book.chapter_numbers.get(docname)
    what = f"Chapter {chapter}" if chapter else "this page"
    return (f"The Jupyter edition of {what} of *{book.config.get('title', 'the book')}* "
            f"([read it online]({book.url(docname)})). Collapsed cells (installation, setup, checks of the numbers "
            "in the text, solutions) run with the others: use Run All.")


def dumps(nb: nbformat.NotebookNode) -> str:
    """The notebook's JSON as committed (nbformat's layout, one trailing newline)."""
    return nbformat.writes(nb) + "\n"


def write_editions(book: Book | None = None, out: str | Path | None = None, check: bool = False) -> list[Path]:
    """Regenerate the Jupyter edition of every chapter (or, with ``check``, list the ones that differ).

    Returns the editions written (or, with ``check=True``, those whose committed file differs).
    """
    book = book or Book()
    changed = []
    for md in chapter_sources(book):
        nb = convert_chapter(md, book)
        text = dumps(nb)
        target = md.with_suffix(".ipynb") if out is None else Path(out) / md.with_suffix(".ipynb").name
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old != text:
            changed.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the Jupyter editions (chapters/*.ipynb) of the book.")
    parser.add_argument("--check", action="store_true", help="only report editions that differ (exit 1)")
    parser.add_argument("--out", help="write the editions into this folder instead of next to the sources")
    parser.add_argument("--root", default=str(ROOT), help="the book's root folder (default: this repository)")
    args = parser.parse_args(argv)
    try:
        book = Book(args.root)
        changed = write_editions(book, args.out, check=args.check)
    except EditionError as exc:
        print(f"jupyter_editions: {exc}", file=sys.stderr)
        return 2
    root = Path(args.root)
    for p in changed:
        shown = p.relative_to(root) if p.is_relative_to(root) else p
        print(("differs: " if args.check else "wrote: ") + str(shown))
    if args.check and changed:
        print("run `python _ext/jupyter_editions.py` to regenerate them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
