"""Readers never see half a load: while loads run one after another, every read succeeds and
equals the metrics of the state after some load (the one whose id it reads)."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from etl.config import Settings
from etl.load import load_files
from tests.conftest import ROOT, write_csv
from tests.helpers import (
    ADOPTION,
    COSTS,
    as_json,
    events_csv,
    metrics_of,
    read_metrics_until,
    write_initiatives,
)

MONTHS = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(24)]
READS_PER_LOAD = 5
"""Reads let overlap each load: with 24 loads, enough to interleave (the test asks for 6
distinct states at least) at a few seconds per load."""


def _month_files(folder: Path, month: str, k: int) -> list[Path]:
    """One month of costs and adoption (and, every third month, usage events)."""
    files = [
        write_csv(
            folder / f"costs-{month}.csv",
            COSTS,
            [("a", month, "compute", 1000 + k), ("b", month, "people", 500 + 3 * k)],
        ),
        write_csv(
            folder / f"adoption-{month}.csv",
            ADOPTION,
            [("a", month, 10 + k, 1000), ("c", month, 2 * k, 800)],
        ),
    ]
    if k % 3 == 0:
        files.append(events_csv(folder / f"usage_events-{month}.csv", 20_000, ["b"], [month], k))
    return files


def _load_months(
    db: Path, folder: Path, months: list[str], reads: Callable[[], int], per_load: int
) -> dict[int, Any]:
    """Loads one month per load, each time letting the reader get `per_load` reads done
    (counted from the load's start, so they overlap it); returns load id -> metrics after."""
    settings = Settings()
    expected: dict[int, Any] = {}
    for k, month in enumerate(months):
        files = _month_files(folder / month, month, k)
        target = reads() + per_load
        result = load_files(db, files, settings)
        assert result.exit_code == 0, (k, result.error)
        assert result.load_id is not None
        expected[result.load_id] = metrics_of(db)
        _wait_for_reads(reads, target)
    return expected


def _wait_for_reads(reads: Callable[[], int], count: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while reads() < count:
        assert time.monotonic() < deadline, "the reader stopped reading"
        time.sleep(0.02)


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.mark.slow
def test_metrics_readers_see_whole_loads_only(tmp_path: Path) -> None:
    db = tmp_path / "db" / "db.duckdb"
    first = load_files(db, [write_initiatives(tmp_path / "first")], Settings())
    assert first.exit_code == 0
    before_loads = {first.load_id: metrics_of(db)}
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    out = tmp_path / "reads.jsonl"
    reader = context.Process(target=read_metrics_until, args=(str(db), str(out), stop))
    reader.start()
    try:
        _wait_for_reads(lambda: _lines(out), 1)
        expected = before_loads | _load_months(
            db, tmp_path / "in", MONTHS, lambda: _lines(out), per_load=READS_PER_LOAD
        )
    finally:
        stop.set()
        reader.join(timeout=60)

    assert reader.exitcode == 0
    reads = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["error"] for r in reads if "error" in r] == []
    assert len(reads) >= READS_PER_LOAD * len(MONTHS)
    seen = [r["load_id"] for r in reads]
    assert seen == sorted(seen), "a reader went back to an older state"
    assert len(set(seen)) >= 6, f"reads did not interleave with the loads: {sorted(set(seen))}"
    for read in reads:
        assert as_json(read["metrics"]) == expected[read["load_id"]], read["load_id"]


def test_cli_metrics_during_loads_always_show_a_whole_state(tmp_path: Path) -> None:
    db = tmp_path / "db" / "db.duckdb"
    first = load_files(db, [write_initiatives(tmp_path / "first")], Settings())
    assert first.exit_code == 0
    answers: list[tuple[int, str, str]] = []
    done = threading.Event()

    def hammer() -> None:
        while not done.is_set():
            shown = subprocess.run(
                [sys.executable, "-m", "scaleboard", "metrics", "--db", str(db), "--json"],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=120,
                check=False,
            )
            answers.append((shown.returncode, shown.stdout, shown.stderr))

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        expected = {first.load_id: metrics_of(db)} | _load_months(
            db, tmp_path / "in", MONTHS[:8], lambda: len(answers), per_load=1
        )
    finally:
        done.set()
        thread.join(timeout=120)

    assert [a for a in answers if a[0] != 0] == []
    states = [json.loads(out) for _, out, _ in answers]
    assert len(answers) >= 8
    assert all(state in expected.values() for state in states)
    assert len({json.dumps(state) for state in states}) >= 2, "no read saw a load happen"
