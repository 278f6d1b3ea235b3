"""The package's layers (CONTRIBUTING.md, "The house, bottom-up"): import-linter's contracts of pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.unit
def test_import_layers_are_kept():
    """Every import runs down the layers: lint-imports exits 0 and reports every contract kept."""
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("import-linter is not installed (pip install -r requirements.txt)")
    res = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


@pytest.mark.unit
def test_the_layers_contract_catches_an_upward_import(tmp_path):
    """The contract can fail: a copy of the package where the kernels import the figures is reported broken."""
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("import-linter is not installed (pip install -r requirements.txt)")
    shutil.copytree(ROOT / "lrnn", tmp_path / "lrnn", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    base = tmp_path / "lrnn" / "kernels" / "_base.py"
    base.write_text(base.read_text() + "\nfrom .. import plots  # an upward import\n")
    res = subprocess.run([exe, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)})
    assert res.returncode != 0
    assert "BROKEN" in res.stdout
