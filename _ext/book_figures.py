"""Vector figures for the book: the chapters' inline figures and figures drawn by ``lrnn`` at build time.

1. **Chapter figures.** Before any notebook is executed, this extension sets the environment
   variable ``LRNN_FIGURE_FORMATS=svg,pdf`` (unless it is already set). The kernels that
   myst-nb starts inherit it, and ``lrnn.plots.setup_notebook()`` — the first line of every
   chapter's preamble — then makes the inline backend emit each figure as SVG *and* PDF.
   myst-nb keeps one output per builder: ``image/svg+xml`` for HTML, ``application/pdf``
   for LaTeX (its default priorities), so the web pages and the PDF both get vector figures.
   The execution cache stores the outputs: a cache made before this setting keeps its PNGs
   until the chapter is executed again (``jupyter-book clean --all`` forces it).

2. **The ``lrnn-figure`` directive** draws a figure with a function of ``lrnn`` while the
   page is read, for pages that are not notebooks (the landing page)::

       ```{lrnn-figure} lrnn.plots.overview.story
       :name: fig-overview
       :alt: What the picture shows.

       The caption.
       ```

   It calls the function (no arguments; it must return a matplotlib Figure), writes
   ``_static/generated/<module>.<function>.svg`` and ``.pdf`` in the source folder
   (ignored by git) and emits a normal numbered ``figure`` whose image is
   ``<...>.*``, so that Sphinx picks the SVG for HTML and the PDF for LaTeX. Every option
   of ``figure`` is accepted.
"""

from __future__ import annotations

import importlib
import io
import os
import tempfile
from pathlib import Path

from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.directives.patches import Figure
from sphinx.errors import ExtensionError

#: The formats the book build asks of every inline figure (see ``lrnn.plots._style``).
FIGURE_FORMATS = "svg,pdf"
#: Where the directive writes its figures, relative to the source folder.
GENERATED = "_static/generated"


def on_config_inited(app: Sphinx, config) -> None:
    os.environ.setdefault("LRNN_FIGURE_FORMATS", FIGURE_FORMATS)


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write atomically, and only when the bytes differ (unchanged figures keep their time stamp)."""
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def render(function_path: str, srcdir: Path) -> tuple[str, Path]:
    """Draw ``module.function`` and save it as SVG and PDF; return (image URI, module file)."""
    module_name, _, func_name = function_path.rpartition(".")
    if not module_name or not func_name:
        raise ExtensionError(f"lrnn-figure: expected 'package.module.function', got {function_path!r}")
    module = importlib.import_module(module_name)
    func = getattr(module, func_name, None)
    if not callable(func):
        raise ExtensionError(f"lrnn-figure: {module_name} has no function {func_name!r}")

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from lrnn.plots._style import STYLE

    with matplotlib.rc_context(STYLE):
        fig = func()
        stem = f"{module_name}.{func_name}"
        for fmt in ("svg", "pdf"):
            buf = io.BytesIO()
            # no date in the files, so that unchanged figures are byte-identical
            metadata = {"Date": None} if fmt == "svg" else {"CreationDate": None}
            fig.savefig(buf, format=fmt, bbox_inches="tight", pad_inches=0.04, metadata=metadata)
            _write_if_changed(srcdir / GENERATED / f"{stem}.{fmt}", buf.getvalue())
        plt.close(fig)
    return f"/{GENERATED}/{stem}.*", Path(module.__file__)


class LrnnFigure(Figure):
    """``figure`` whose image is drawn by a function of ``lrnn`` (argument: its dotted path)."""

    option_spec = dict(Figure.option_spec)
    option_spec.setdefault("alt", directives.unchanged)

    def run(self):
        env = self.state.document.settings.env
        uri, source = render(self.arguments[0].strip(), Path(env.srcdir))
        env.note_dependency(str(source))  # re-read the page when the drawing code changes
        env.note_dependency(str(Path(__file__)))
        self.arguments = [uri]
        return super().run()


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", on_config_inited)
    app.add_directive("lrnn-figure", LrnnFigure)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
