r"""The bibliography as a reader expects it: typeset mathematics, linked preprints and code.

1. **Style ``book``** (``bibtex_default_style: book`` in ``_config.yml``): pybtex's ``alpha``
   style, except that an entry's ``url`` field pointing to a code repository (GitHub, GitLab)
   is shown as "Code: <link>" rather than "URL: <link>" — the book links the public code of
   the papers it discusses — and ``eprint`` fields become "arXiv:NNNN.NNNNN" links.
2. **Mathematics in titles.** A title such as ``Approximation of $1/x$ ...`` reaches the page
   as plain text with its dollar signs. Inside the bibliography's entries (docutils
   ``citation`` nodes), every ``$...$`` becomes a math node, which MathJax typesets on the
   web pages and LaTeX in the PDF (and the search page's snippets, see
   ``_static/search-math.js``).
"""

from __future__ import annotations

import re

from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.template import field, href, words
from sphinx.application import Sphinx

#: Hosts whose links are code repositories.
CODE_HOSTS = ("github.com", "gitlab.com")
#: ``$...$`` in a text node (no nested dollars; at least one character).
INLINE_MATH = re.compile(r"\$([^$]+)\$")


class BookStyle(AlphaStyle):
    """pybtex's ``alpha`` with "Code:" links for repositories (see the module docstring)."""

    def format_url(self, e):
        url = e.fields.get("url", "")
        label = "Code:" if any(host in url for host in CODE_HOSTS) else "URL:"
        link = field("url", raw=True)
        return words[label, href(link)[link]]


def math_in_citations(doctree: nodes.document) -> int:
    """Replace ``$...$`` in the text of every citation by math nodes; return how many."""
    count = 0
    for citation in list(doctree.findall(nodes.citation)):
        for text in list(citation.findall(nodes.Text)):
            source = str(text)
            if "$" not in source or isinstance(text.parent, (nodes.math, nodes.literal, nodes.raw)):
                continue
            pieces, pos = [], 0
            for m in INLINE_MATH.finditer(source):
                if m.start() > pos:
                    pieces.append(nodes.Text(source[pos:m.start()]))
                tex = m.group(1).strip()
                pieces.append(nodes.math(tex, tex))
                pos = m.end()
                count += 1
            if not pieces:
                continue
            if pos < len(source):
                pieces.append(nodes.Text(source[pos:]))
            parent = text.parent
            index = parent.index(text)
            parent.remove(text)
            for offset, piece in enumerate(pieces):
                parent.insert(index + offset, piece)
    return count


def on_doctree_resolved(app: Sphinx, doctree, docname) -> None:
    math_in_citations(doctree)


def setup(app: Sphinx) -> dict:
    register_plugin("pybtex.style.formatting", "book", BookStyle, force=True)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
