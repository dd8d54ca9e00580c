"""Events to monthly actives on Spark against DuckDB: `aggregate-events` of the same files
into a fresh database, `--engine spark` on `local[1]` and `local[2]` against the DuckDB
engine, best of N each. The events are the sample generator's, as Parquet files in Hive
`month=YYYY-MM/` folders, the shape of a data lake (one file per month: Spark reads files
in parallel).

Spark's session starts once per run and is timed apart (a cluster keeps one running). The
honest reading is in docs/scale-out.md: on one 2-core machine Spark is the slower engine;
the figures show its overhead per event and what a second core buys.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.common import best_of, print_row, record, work_folder
from etl.aggregate import aggregate_into_db
from etl.config import Settings
from etl.events_duckdb import DuckDBEvents
from etl.load import load_files
from etl.sample import write_sample


def available() -> str | None:
    """Why the section cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (make setup-spark)"
    if shutil.which("java") is None:
        return "Java is not installed (make setup-spark)"
    return None


def _lake(folder: Path, events: int) -> tuple[Path, Path]:
    """The sample's initiatives file and its events as one Parquet file per month."""
    write_sample(folder / "in", scale=1, months=24, events=events)
    lake = folder / "lake"
    with contextlib.closing(duckdb.connect()) as con:
        con.execute(
            f"""
            copy (
                select *, substr(event_time, 1, 7) as month
                from read_csv(?, all_varchar = true)
            ) to '{lake}' (format parquet, partition_by (month))
            """,
            [str(folder / "in" / "usage_events.csv")],
        )
    return folder / "in" / "initiatives.csv", lake


def _fresh(db: Path, initiatives: Path) -> None:
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    load_files(db, [initiatives], Settings())


def _aggregate(db: Path, lake: Path, engine: Any) -> None:
    result = aggregate_into_db(db, [str(lake)], Settings(), engine)
    if result.status != "loaded":
        raise RuntimeError(f"the benchmark events did not load: {result.error or result.status}")


MASTERS = ("local[1]", "local[2]")


def _spark_times(lakes: dict[int, tuple[Path, Path]], db: Path, repeat: int) -> dict[str, Any]:
    """Best time per master and size, and each session's start: one session at a time (a
    process holds a single Spark context)."""
    from etl.events_spark import SparkEvents, spark_session

    times: dict[str, Any] = {}
    for master in MASTERS:
        start = time.perf_counter()
        session = spark_session(master, {"spark.sql.shuffle.partitions": "4"})
        times[f"{master} start"] = time.perf_counter() - start
        try:
            for events, (initiatives, lake) in lakes.items():
                engine = SparkEvents(session=session)
                times[f"{master} {events}"] = best_of(
                    repeat,
                    functools.partial(_aggregate, db, lake, engine),
                    functools.partial(_fresh, db, initiatives),
                )
        finally:
            session.stop()
    return times


def run(sizes: list[int], repeat: int, mode: str) -> dict[str, Any] | None:
    missing = available()
    if missing:
        print(f"spark: skipped, {missing}")
        return None
    with work_folder("spark") as folder:
        lakes = {n: _lake(folder / f"events-{n}", n) for n in sizes}
        db = folder / "db" / "db.duckdb"
        duckdb_s = {
            n: best_of(
                repeat,
                functools.partial(_aggregate, db, lake, DuckDBEvents()),
                functools.partial(_fresh, db, initiatives),
            )
            for n, (initiatives, lake) in lakes.items()
        }
        spark = _spark_times(lakes, db, repeat)
    by_size = {}
    for n in sizes:
        one, two = spark[f"local[1] {n}"], spark[f"local[2] {n}"]
        by_size[str(n)] = {
            "duckdb_s": round(duckdb_s[n], 2),
            "spark_local1_s": round(one, 2),
            "spark_local2_s": round(two, 2),
            "spark_vs_duckdb_ratio": round(two / duckdb_s[n], 2),
            "local2_vs_local1_ratio": round(two / one, 2),
        }
        print_row(
            f"events to user-months, Spark local[2] ({n:,})",
            f"{two:.1f} s",
            f"{duckdb_s[n]:.1f} s DuckDB",
            two / duckdb_s[n],
            "none: docs/scale-out.md",
        )
    largest = by_size[str(max(sizes))]
    figures = {
        "events": max(sizes),
        **largest,
        # the first session starts the JVM; the second reuses it
        "spark_start_s": round(spark["local[1] start"], 1),
        "by_events": by_size,
    }
    record("spark", mode, figures)
    return figures
