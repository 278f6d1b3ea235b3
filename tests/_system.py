"""System packages some tests need (Debian's Chromium, ChromeDriver, TeX, poppler).

A contributor who ran only the README's install command has none of them: their tests are *skipped* with one line
naming the packages and the command that installs them. Under CI (``CI=true``, which ``.ci/run`` runs under) their
absence *fails* the run instead, so a broken CI machine cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest


def under_ci() -> bool:
    """True when the suite runs under CI (the environment variable ``CI`` is ``true`` or ``1``)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(*executables: str, packages: str) -> None:
    """Skip the calling test module (fail it under CI) unless every executable is on the ``PATH``.

    Call at module level, before importing anything that needs the executables.

    Parameters
    ----------
    *executables
        Program names looked up with :func:`shutil.which` (e.g. ``"chromium"``, ``"chromedriver"``).
    packages
        The Debian packages that provide them, named in the message.
    """
    missing = [name for name in executables if shutil.which(name) is None]
    if not missing:
        return
    message = (f"needs {', '.join(missing)} (Debian packages: {packages}); "
               f"`bash .ci/run` installs them and runs the whole suite")
    if under_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)
