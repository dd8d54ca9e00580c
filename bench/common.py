"""What every benchmark shares: timing, the work folder, and the results file."""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def best_of(repeat: int, run: Callable[[], Any], setup: Callable[[], Any] | None = None) -> float:
    """The fastest of `repeat` timed runs (seconds); `setup` runs untimed before each."""
    times = []
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def work_folder(prefix: str) -> Iterator[Path]:
    """A scratch folder removed afterwards, whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix=f"scaleboard-bench-{prefix}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def record(section: str, mode: str, figures: dict[str, Any]) -> None:
    """Merges one section's figures into bench/results.json under its mode (quick/full)."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault(mode, {})[section] = figures
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def print_row(name: str, value: str, reference: str, ratio: float, target: str) -> None:
    print(f"{name:<44} {value:>16} {reference:>16} {ratio:>7.2f}x  target {target}")
