"""Timing helpers shared by the benchmark scripts (run as ``python benchmarks/<name>.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """The best wall-clock time (s) of ``repeat`` calls of ``fn``, and the last call's result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def best_seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    """The best wall-clock time (s) of ``repeat`` calls of ``fn``."""
    return best_of(fn, repeat)[0]
