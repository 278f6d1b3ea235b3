r"""The PDF edition (``jupyter-book build . --builder pdflatex``): numbered like the web book, no setup code.

Sphinx's LaTeX writer makes every page of the table of contents a numbered chapter, so the
front matter (introduction, how to use the book, notation) used to push Chapter 1 of the web
book to "Chapter 5" of the PDF, and the code cells that are collapsed on the web (each
chapter's preamble, the live widgets) were printed in full. This extension, for the LaTeX
builder only,

1. uses the ``book`` class (one-sided, chapters open on any page) and frames the chapters as
   the web book does: ``\frontmatter`` (unnumbered chapters, roman page numbers) for the
   landing page and the unnumbered parts before the first numbered one, ``\mainmatter`` from
   the first numbered part on (Chapter 1 of the PDF is Chapter 1 online, so are its sections,
   figures — ``Fig. 3.2`` — and the theorems that sphinx-proof numbers), ``\backmatter``
   for the unnumbered parts after them (bibliography, instructor's guide); each part of
   ``_toc.yml`` is an entry of the table of contents and of the PDF outline; the bibliography
   (LaTeX's, of every cited work) stands where the web book's bibliography page does;
2. shows chapter numbers as digits (fncychap's ``Sonny`` style instead of ``Bjarne``'s
   "Chapter Seven");
3. removes what the web book collapses: the input of code cells tagged ``hide-input``
   (the preambles, the live widgets), hidden outputs, and the "Live experiment" notes, which
   point to sliders that paper cannot have;
4. makes the landing page one chapter, "Introduction" (otherwise each of its sections would
   become a chapter);
5. drops the sections left empty (each chapter's "References": LaTeX prints one bibliography of
   all cited works) and names the table of contents "Contents" (Sphinx would use the first
   part's caption);
6. replaces the text stand-ins of scrubbers (``<IPython.core.display.HTML object>``) by a
   one-line pointer to the online edition, and drops widget reprs;
7. defines the MathJax macros of ``_config.yml`` in the LaTeX preamble, so that the PDF
   typesets the same TeX as the pages.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex.nodes import thebibliography

#: LaTeX section numbering depth of the main matter: the web book numbers every level.
MAIN_SECNUMDEPTH = 3
#: Title of the admonitions that introduce a live widget (the chapter template's form).
LIVE_NOTE_TITLE = "Live experiment"
#: Plain-text stand-ins of rich outputs that mean nothing on paper: the scrubbers' HTML
#: and, should a live widget's output ever be kept, its repr.
PLACEHOLDER = re.compile(r"^\s*(<IPython\.core\.display\.(HTML|Javascript) object>|interactive\(children=.*"
                         r"|(HBox|VBox|Output|Tab|Accordion)\(.*children=.*)\s*$", re.S)
SCRUBBER_NOTE = "(An interactive scrubber of this experiment is in the online edition of the book.)"


# -- configuration ---------------------------------------------------------------------------

def latex_macros(mathjax3_config: dict | None) -> str:
    r"""LaTeX definitions of the MathJax macros of ``mathjax3_config["tex"]["macros"]``.

    ``name: body`` becomes ``\providecommand{\name}{}\renewcommand{\name}{body}`` and
    ``name: [body, n]`` a macro with ``n`` arguments, so that the PDF typesets the same
    TeX as the HTML from the single list of macros in ``_config.yml``.
    """
    macros = ((mathjax3_config or {}).get("tex") or {}).get("macros") or {}
    lines = [r"\usepackage{amsmath,amssymb}"]
    for name, value in macros.items():
        body, nargs = (value[0], int(value[1])) if isinstance(value, (list, tuple)) else (value, 0)
        args = f"[{nargs}]" if nargs else ""
        lines.append(rf"\providecommand{{\{name}}}{{}}\renewcommand{{\{name}}}{args}{{{body}}}")
    return "\n".join(lines) + "\n"


def on_config_inited(app: Sphinx, config) -> None:
    docclass = dict(config.latex_docclass or {})
    docclass.setdefault("manual", "book")  # \frontmatter, \mainmatter, \backmatter
    config.latex_docclass = docclass
    elements = dict(config.latex_elements or {})
    elements.setdefault("classoptions", ",openany,oneside")
    elements.setdefault("fncychap", r"\usepackage[Sonny]{fncychap}")
    # Sphinx names the table of contents after the first part ("Start here"); it is the Contents
    # ("\addto\captions<language>{...}", replayed by every \selectlanguage): override it the same way
    contents = ("\\makeatletter\\@ifundefined{captionsenglish}{}"
                "{\\addto\\captionsenglish{\\renewcommand{\\contentsname}{Contents}}}\\makeatother\n"
                "\\AtBeginDocument{\\renewcommand{\\contentsname}{Contents}}\n")
    elements["preamble"] = elements.get("preamble", "") + latex_macros(config.mathjax3_config) + contents
    config.latex_elements = elements


# -- the book's parts ------------------------------------------------------------------------

def toc_parts(app: Sphinx) -> list[dict]:
    """The parts of the table of contents: ``[{"caption", "numbered", "docs"}]``, in order.

    Read from the root document's toctrees (one per part of ``_toc.yml``) as Sphinx parsed
    them, before the LaTeX builder inlines them.
    """
    root = app.env.get_doctree(app.config.root_doc)
    parts = []
    for toc in root.findall(addnodes.toctree):
        docs = [doc for _, doc in toc.get("entries", []) if doc]
        if docs:
            parts.append({"caption": toc.get("caption") or "", "numbered": bool(toc.get("numbered")),
                          "docs": docs})
    return parts


def _latex(text: str) -> nodes.raw:
    return nodes.raw("", text + "\n", format="latex")


def _escape(text: str) -> str:
    return re.sub(r"([#$%&_{}])", r"\\\1", text).replace("~", r"\textasciitilde{}")


def frame_matter(app: Sphinx, tree: nodes.document) -> None:
    r"""Insert ``\frontmatter``/``\mainmatter``/``\backmatter`` and the parts' contents entries.

    Sphinx gathers every citation of the book into one bibliography at the end of the LaTeX
    document; it takes the place of the web book's bibliography page
    (``print_edition_bibliography``), whose entries it holds, so that it sits in the
    same part as online.
    """
    parts = toc_parts(app)
    files = {n.get("docname"): n for n in tree.findall(addnodes.start_of_file)}
    numbered_seen = False
    for part in parts:
        start = files.get(part["docs"][0])
        if start is None:
            continue
        commands = []
        if part["numbered"] and not numbered_seen:
            commands.append(rf"\mainmatter\setcounter{{secnumdepth}}{{{MAIN_SECNUMDEPTH}}}")
            numbered_seen = True
        elif not part["numbered"] and numbered_seen:
            commands.append(r"\backmatter\setcounter{secnumdepth}{-1}")
            numbered_seen = False
        if part["caption"]:
            commands.append(r"\clearpage\phantomsection"
                            rf"\addcontentsline{{toc}}{{part}}{{{_escape(part['caption'])}}}")
        start.parent.insert(start.parent.index(start), _latex("\n".join(commands)))
    page = files.get(app.config.print_edition_bibliography)
    gathered = next(iter(tree.findall(thebibliography)), None)
    if page is not None and gathered is not None:
        gathered.parent.remove(gathered)
        page.replace_self(gathered)
    # everything before the first numbered part is front matter
    top = next(iter(tree.findall(nodes.section)), None)
    if top is not None:
        top.insert(1 if top.children and isinstance(top[0], nodes.title) else 0,
                   _latex(r"\frontmatter\setcounter{secnumdepth}{-1}"))


def make_intro_one_chapter(tree: nodes.document) -> None:
    """The landing page's sections become one chapter, "Introduction" (the chapters stay at the top)."""
    top = next(iter(tree.findall(nodes.section)), None)
    if top is None or len(top) <= 1 or not isinstance(top[0], nodes.title):
        return
    inner = nodes.section("", ids=["book-introduction"], names=["book-introduction"])
    inner += nodes.title("", "Introduction")
    rest = list(top.children[1:])

    # the chapters (inlined toctrees: start_of_file nodes) stay at the top level
    def holds_chapters(n) -> bool:
        return any(isinstance(m, (addnodes.toctree, addnodes.start_of_file)) for m in n.findall())

    tocs = [n for n in rest if holds_chapters(n)]
    del top[1:]
    inner.extend([n for n in rest if n not in tocs])
    top += inner
    top.extend(tocs)


# -- what paper cannot show ------------------------------------------------------------------

def remove_collapsed_code(tree: nodes.document) -> None:
    """Drop the inputs (and hidden outputs) that the web book collapses, and cells left empty."""
    for cell in list(tree.findall(nodes.container)):
        if cell.get("nb_element") != "cell_code" or not cell.get("hide_mode"):
            continue
        mode = cell["hide_mode"]
        for child in list(cell.children):
            element = child.get("nb_element") if isinstance(child, nodes.Element) else None
            if element == "cell_code_source" and mode in ("input", "input+output", "all"):
                cell.remove(child)
            elif element == "cell_code_output" and mode in ("output", "input+output", "all"):
                cell.remove(child)
        if not cell.children and cell.parent is not None:
            cell.parent.remove(cell)


def remove_live_notes(tree: nodes.document) -> None:
    """Drop the "Live experiment" notes: their sliders exist only in a running notebook."""
    for adm in list(tree.findall(nodes.admonition)):
        title = next(iter(adm.findall(nodes.title)), None)
        if title is not None and title.astext().strip() == LIVE_NOTE_TITLE and adm.parent is not None:
            adm.parent.remove(adm)


def _has_content(node) -> bool:
    return bool(node.astext().strip()) or any(
        True for _ in node.findall(lambda n: isinstance(n, (nodes.image, nodes.raw, nodes.math_block))))


def remove_empty_sections(tree: nodes.document) -> None:
    """Drop sections left with nothing but a title: the chapters' "References" sections, whose
    entries Sphinx gathers into the book's one bibliography (an empty container stays behind)."""
    for section in list(tree.findall(nodes.section)):
        body = [c for c in section.children if not isinstance(c, (nodes.title, nodes.target)) and _has_content(c)]
        if not body and section.parent is not None:
            section.parent.remove(section)


def replace_placeholders(tree: nodes.document) -> None:
    """Scrubber stand-ins become a pointer to the online edition; widget reprs disappear."""
    for block in list(tree.findall(nodes.literal_block)):
        if PLACEHOLDER.match(block.astext()):
            if "IPython.core.display" in block.astext():
                block.replace_self(nodes.paragraph("", "", nodes.emphasis("", SCRUBBER_NOTE)))
            else:
                block.parent.remove(block)


def on_doctree_resolved(app: Sphinx, doctree, docname) -> None:
    if app.builder is None or app.builder.format != "latex":
        return
    if docname == app.config.root_doc:
        # the LaTeX builder resolves the whole book as one tree, under the root's name
        make_intro_one_chapter(doctree)
        frame_matter(app, doctree)
    remove_collapsed_code(doctree)
    remove_live_notes(doctree)
    replace_placeholders(doctree)
    if docname == app.config.root_doc:
        remove_empty_sections(doctree)


def setup(app: Sphinx) -> dict:
    # the web page whose place the PDF's bibliography (all cited works) takes
    app.add_config_value("print_edition_bibliography", "pages/bibliography", "env")
    app.connect("config-inited", on_config_inited, priority=900)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
