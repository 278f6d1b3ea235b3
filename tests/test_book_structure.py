"""The book's invariants: paired twins in sync, table of contents complete, one canonical URL."""

import json
import re
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


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_twin_is_in_sync_and_clean(md):
    """`jupytext --to ipynb` of the .md equals the committed twin (cells, ignoring metadata); no outputs."""
    twin = md.with_suffix(".ipynb")
    assert twin.exists(), f"{md.name} has no paired {twin.name}: run `jupytext --to ipynb {md.relative_to(ROOT)}`"
    expected = jupytext.read(md)
    committed = nbformat.read(twin, as_version=4)
    got = [(c.cell_type, c.source) for c in committed.cells]
    want = [(c.cell_type, c.source) for c in expected.cells]
    assert got == want, f"{twin.name} is out of sync with {md.name}: run `jupytext --to ipynb {md.relative_to(ROOT)}`"
    tags_got = [c.metadata.get("tags", []) for c in committed.cells]
    tags_want = [c.metadata.get("tags", []) for c in expected.cells]
    assert tags_got == tags_want, f"{twin.name}: cell tags differ from {md.name}"
    for c in committed.cells:
        if c.cell_type == "code":
            assert not c.outputs and c.execution_count is None, f"{twin.name} carries outputs: clear them"
    assert committed.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_chapter_is_in_toc_and_installs_from_the_canonical_url(md):
    assert str(md.relative_to(ROOT).with_suffix("")) in toc_files(), f"{md.name} is missing from _toc.yml"
    nb = jupytext.read(md)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "remove-cell" in first.metadata.get("tags", []), "the install cell must be tagged remove-cell"
    urls = re.findall(r"git\+(https://\S+?)[\"']", first.source)
    assert urls == [CONFIG["repository"]["url"]], (
        f"{md.name}: the install cell must install from the canonical repository URL of _config.yml "
        f"({CONFIG['repository']['url']}), found {urls}")


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
    """The repository URL appears in _config.yml and nowhere else in the book's configuration or README
    except as that same value."""
    url = CONFIG["repository"]["url"]
    for path in [ROOT / "README.md", *CHAPTERS]:
        for found in re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", path.read_text()):
            assert found == url, f"{path.name} names {found}, not the canonical {url}"


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


def test_twins_are_valid_notebooks():
    for md in CHAPTERS:
        nbformat.validate(nbformat.read(md.with_suffix(".ipynb"), as_version=4))
        json.loads(md.with_suffix(".ipynb").read_text())


def test_instructors_guide_lists_every_exercise():
    """The guide's syllabus and exercise table must name every exercise of every chapter (new ones included)."""
    guide = (ROOT / "pages" / "instructors_guide.md").read_text()
    for md in CHAPTERS:
        for label in re.findall(r"^````?\{exercise\}[^\n]*\n(?::[^\n]*\n)*?:label: (\S+)", md.read_text(), re.M):
            assert label in guide, f"{label} ({md.name}) is missing from pages/instructors_guide.md"
