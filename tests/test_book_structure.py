"""The book's invariants: table of contents complete, one canonical URL, the install cell pinned to the book's
version (the Jupyter editions' sync with their sources is tests/test_jupyter_editions.py)."""

import json
import re
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.md"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def toc_files():
    files = [TOC["root"]]
    for part in TOC.get("parts", []):
        for ch in part.get("chapters", []):
            files.append(ch["file"])
            files += [s["file"] for s in ch.get("sections", [])]
    return files


def test_there_are_chapters():
    assert CHAPTERS, "no chapters/*.md found"


# The twins' sync is checked by tests/test_jupyter_editions.py: the committed notebooks are the generated
# Jupyter editions (`python _ext/jupyter_editions.py`), no longer `jupytext --to ipynb` copies.

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
URL = CONFIG["repository"]["url"]
#: The install cell of /work/brief/install_cell.md (README "Releasing"): pinned to the book's version, stops with one
#: sentence when pip fails.
PINNED = f"lrnn @ git+{URL}@v{VERSION}"


def _install_cell(md: Path):
    nb = jupytext.read(md)
    return next(c for c in nb.cells if c.cell_type == "code")


def _pinned(md: Path) -> bool:
    return "_render_traceback_" in _install_cell(md).source


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_chapter_is_in_toc_and_installs_the_books_version(md):
    """The install cell installs `lrnn @ git+<repository.url>@v<version>` (URL from _config.yml, version from
    pyproject.toml), hidden in the book, and stops with one sentence when pip fails.

    Transitional: until the lead puts the new cell into the chapters, the former unpinned `%pip` cell passes as
    long as no chapter has the new one; once one has it, all must.
    """
    assert str(md.relative_to(ROOT).with_suffix("")) in toc_files(), f"{md.name} is missing from _toc.yml"
    cell = _install_cell(md)
    assert "remove-cell" in cell.metadata.get("tags", []), "the install cell must be tagged remove-cell"
    urls = re.findall(r"git\+(https://[^\"'@\s]+)", cell.source)
    assert urls == [URL], f"{md.name}: the install cell must install from _config.yml's repository.url ({URL}), " \
                          f"found {urls}"
    if not any(_pinned(m) for m in CHAPTERS):
        return
    assert _pinned(md), f"{md.name}: use the install cell of the other chapters (pinned, one-sentence failure)"
    assert f'"{PINNED}"' in cell.source, f"{md.name}: the install cell must pin {PINNED!r}"
    assert re.findall(r"lrnn (\d[\w.]*)", cell.source) == [VERSION] * 2, \
        f"{md.name}: the install cell names another version than pyproject.toml's {VERSION}"
    assert "%pip" not in cell.source, "%pip hides pip's failure: use subprocess"


def _run_in_fresh_kernel(sources: list[str]):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=300, kernel_name="python3")
    try:
        client.execute()
    except CellExecutionError:
        pass
    return nb


@pytest.mark.notebook
def test_install_cell_fails_with_one_sentence_and_stops_run_all():
    """In a fresh kernel where lrnn is missing and pip cannot install it, the install cell's only output is one
    error line naming what failed and what to do, and the next cell does not run."""
    pinned = [m for m in CHAPTERS if _pinned(m)]
    if not pinned:
        pytest.skip("no chapter has the pinned install cell yet (/work/brief/install_cell.md)")
    source = _install_cell(pinned[0]).source
    broken = (source.replace('importlib.util.find_spec("lrnn") is None', "True")
                    .replace(PINNED, "lrnn @ git+file:///nonexistent/curse-of-memory@v0.0.0"))
    assert broken != source
    nb = _run_in_fresh_kernel([broken, "print('the next cell ran')"])
    first, second = nb.cells
    errors = [o for o in first.outputs if o.output_type == "error"]
    assert len(errors) == 1 and not [o for o in first.outputs if o.output_type != "error"], first.outputs
    (err,) = errors
    assert err.ename == "InstallError" and len(err.traceback) == 1, err.traceback
    message = err.traceback[0]
    assert message.startswith("Installing lrnn ") and "failed (" in message and "Binder or Colab" in message
    assert "pip install" in message and message.count(".") >= 1 and "Traceback" not in message
    assert not second.outputs and second.execution_count is None, "Run All must stop at the install cell"


def test_every_toc_entry_exists():
    for f in toc_files():
        assert any((ROOT / f"{f}{ext}").exists() for ext in (".md", ".ipynb")), f"_toc.yml lists missing {f}"


def test_toc_has_the_numbered_parts():
    captions = [p["caption"] for p in TOC["parts"]]
    for part in ["Foundations", "Approximation", "Optimisation", "Beyond the paper", "Appendix"]:
        assert part in captions


def test_config_settings_that_matter():
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    assert CONFIG["execute"]["allow_errors"] is False
    assert CONFIG["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert CONFIG["sphinx"]["recursive_update"] is True
    assert "**.ipynb" in CONFIG["exclude_patterns"]
    assert CONFIG["launch_buttons"]["binderhub_url"] and CONFIG["launch_buttons"]["colab_url"]
    assert {"sphinx_proof", "sphinx_exercise"} <= set(CONFIG["sphinx"]["extra_extensions"])


def test_canonical_url_is_defined_once():
    """The book's repository is named by one URL, _config.yml's repository.url: every link to the same GitHub
    owner in the README and the chapters, and every `git+` install URL, is exactly that value (links to other
    projects' code are fine)."""
    url = CONFIG["repository"]["url"]
    owner = url.rstrip("/").split("/")[-2]
    for path in [ROOT / "README.md", *CHAPTERS]:
        text = path.read_text()
        for found in re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", text):
            if found.split("/")[3].lower() == owner.lower():
                assert found == url, f"{path.name} names {found}, not the canonical {url}"
        for found in re.findall(r"git\+(https://[^\s\"'@]+)", text):
            assert found == url, f"{path.name} installs from {found}, not the canonical {url}"


def test_citation_keys_exist():
    bib = (ROOT / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for md in CHAPTERS:
        text = md.read_text()
        prefix = re.search(r":keyprefix: (\S+)", text)
        for group in re.findall(r"\{(?:cite|cite:p|cite:t|cite:ps|cite:ts)\}`([^`]+)`", text):
            for key in group.split(","):
                key = key.strip()
                if prefix and key.startswith(prefix.group(1)):
                    key = key[len(prefix.group(1)):]
                assert key in keys, f"{md.name} cites unknown key {key!r}"


def test_chapter_notebooks_are_valid_and_clean():
    for md in CHAPTERS:
        nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
        nbformat.validate(nb)
        json.loads(md.with_suffix(".ipynb").read_text())
        assert nb.metadata["kernelspec"]["name"] == "python3"
        for c in nb.cells:
            if c.cell_type == "code":
                assert not c.outputs and c.execution_count is None, f"{md.name}: the notebook carries outputs"


def test_instructors_guide_lists_every_exercise():
    """The guide's syllabus and exercise table must name every exercise of every chapter (new ones included)."""
    guide = (ROOT / "pages" / "instructors_guide.md").read_text()
    for md in CHAPTERS:
        for label in re.findall(r"^````?\{exercise\}[^\n]*\n(?::[^\n]*\n)*?:label: (\S+)", md.read_text(), re.M):
            assert label in guide, f"{label} ({md.name}) is missing from pages/instructors_guide.md"
