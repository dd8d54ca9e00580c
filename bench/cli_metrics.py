"""`scaleboard metrics --json` wall time on the portfolio, against the same command on an
empty database (the fixed cost: interpreter, imports, opening a file)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import median, print_row, record
from bench.data import Portfolio


def _wall(db: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "scaleboard", "metrics", "--db", str(db), "--json"],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return median(times)


def _empty_database(db: Path) -> Path:
    """A database with no rows (a load of a header-only initiatives file): `metrics` on a
    path with no database is an error, not an empty answer."""
    header = db.with_name("empty-bench-in") / "initiatives.csv"
    header.parent.mkdir(parents=True, exist_ok=True)
    header.write_text("initiative_id,name,business_unit,stage,stage_entered_on\n", "utf-8")
    command = [sys.executable, "-m", "scaleboard", "load", "--db", str(db), str(header)]
    subprocess.run(command, check=True, capture_output=True)
    return db


def run(portfolio: Portfolio, repeat: int, mode: str) -> dict[str, Any]:
    wall = _wall(portfolio.db, repeat)
    empty = _wall(_empty_database(portfolio.db.with_name("empty-bench.duckdb")), repeat)
    figures = {
        "events": portfolio.scale.events,
        "metrics_wall_s": round(wall, 3),
        "metrics_empty_db_wall_s": round(empty, 3),
        "metrics_vs_empty_ratio": round(wall / empty, 3),
    }
    print_row(
        f"metrics --json wall time ({portfolio.scale.events:,} events)",
        f"{wall:.3f} s",
        f"{empty:.3f} s",
        wall / empty,
        "<= 1 s",
    )
    record("metrics_cli", mode, figures)
    return figures
