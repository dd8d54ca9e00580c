"""Events load throughput: `scaleboard load` against DuckDB's own CSV ingest of the same file.

The reference is `CREATE TABLE AS SELECT * FROM read_csv(...)` into a new database file,
closed (checkpointed) like a load's release. Both are timed in the same run, best of N.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import duckdb

from bench.common import best_of, print_row, record, work_folder
from etl.config import Settings
from etl.load import load_files
from etl.sample import write_sample


def _clear(db: Path) -> None:
    for path in db.parent.glob(db.name + "*"):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def raw_ingest(csv: Path, db: Path) -> None:
    _clear(db)
    with contextlib.closing(duckdb.connect(str(db))) as con:
        con.execute("create table events as select * from read_csv(?)", [str(csv)])


def scaleboard_load(initiatives: Path, csv: Path, db: Path) -> None:
    result = load_files(db, [csv], Settings())
    if result.status != "loaded":
        raise RuntimeError(f"the benchmark load did not load: {result.error or result.status}")


def run(events: int, repeat: int, mode: str) -> dict[str, Any]:
    with work_folder("etl") as folder:
        counts = write_sample(folder / "in", scale=1, months=24, events=events)
        csv, initiatives = folder / "in" / "usage_events.csv", folder / "in" / "initiatives.csv"
        rows = counts["usage_events.csv"]
        raw_s = best_of(
            repeat,
            lambda: raw_ingest(csv, folder / "raw" / "raw.duckdb"),
            setup=lambda: (folder / "raw").mkdir(exist_ok=True),
        )
        db = folder / "db" / "db.duckdb"

        def fresh() -> None:
            (folder / "db").mkdir(exist_ok=True)
            _clear(db)
            load_files(db, [initiatives], Settings())

        load_s = best_of(repeat, lambda: scaleboard_load(initiatives, csv, db), setup=fresh)
        size_mb = csv.stat().st_size / 1e6
    figures = {
        "events_rows": rows,
        "events_csv_mb": round(size_mb, 1),
        "raw_ingest_rows_per_s": round(rows / raw_s),
        "load_rows_per_s": round(rows / load_s),
        "load_vs_raw_ratio": round(raw_s / load_s, 3),
    }
    print_row(
        f"events load ({rows:,} rows, {size_mb:.0f} MB CSV)",
        f"{rows / load_s:,.0f} rows/s",
        f"{rows / raw_s:,.0f} rows/s",
        raw_s / load_s,
        ">= 0.6x raw",
    )
    record("etl", mode, figures)
    return figures
