"""What the tests of the events seam share: event files in both formats, an engine's output
read back, and `metrics --json` compared as figures (sums of doubles may differ in their
last bit from one DuckDB run to the next, whatever loaded the data)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from etl.config import Settings
from etl.period import PlausibleMonths
from etl.pseudonyms import KeySpec
from etl.user_months import MANIFEST, REJECTS_DIR, USERS_DIR, EventsEngine, EventsJob, Manifest
from tests.conftest import write_csv

EVENTS = ("initiative_id", "user_id", "event_time", "action")
Row = tuple[str | None, ...]
KEY = KeySpec("md5-64", "a test secret")


def write_events(path: Path, rows: Sequence[Row], header: Sequence[str] = EVENTS) -> Path:
    """Events as CSV or, for a `.parquet` name, as Parquet with text columns."""
    if path.suffix == ".parquet":
        path.parent.mkdir(parents=True, exist_ok=True)
        columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
        pq.write_table(
            pa.table(columns, schema=pa.schema([(n, pa.string()) for n in header])), path
        )
        return path
    return write_csv(path, header, rows)


def job_of(
    engine: EventsEngine, paths: Sequence[Path | str], known: Sequence[str], key: KeySpec = KEY
) -> EventsJob:
    months = PlausibleMonths.of(Settings().earliest_month, Settings().years_ahead)
    return EventsJob(engine.describe([str(p) for p in paths]), sorted(known), key, months)


def output_of(folder: Path) -> dict[str, Any]:
    """An output folder as plain values: its manifest, its user-months and rejects, sorted."""
    manifest = Manifest.model_validate_json((folder / MANIFEST).read_text())
    with contextlib.closing(duckdb.connect()) as con:

        def rows(sub: str, columns: str) -> list[tuple[Any, ...]]:
            files = sorted(str(p) for p in (folder / sub).glob("*.parquet"))
            if not files:
                return []
            sql = f"select {columns} from read_parquet(?) order by all"
            return [tuple(r) for r in con.execute(sql, [files]).fetchall()]

        users = rows(USERS_DIR, "initiative_id, month, user_key::varchar")
        rejects = rows(REJECTS_DIR, "file_index, row_number, column_name, value, reason")
    shown = manifest.model_dump(exclude={"engine"})
    return {"manifest": shown, "users": users, "rejects": rejects}


def run_engine(engine: EventsEngine, job: EventsJob, out: Path) -> dict[str, Any]:
    engine.aggregate(job, str(out))
    return output_of(out)


def same_figures(left: Any, right: Any, path: str = "") -> list[str]:
    """Where two `metrics --json` objects differ: any value but a float exactly, a float to
    1e-9 relative (what summing the same doubles in another order can change)."""
    if isinstance(left, float) and isinstance(right, float | int):
        close = math.isclose(left, float(right), rel_tol=1e-9, abs_tol=1e-9)
        return [] if close else [f"{path}: {left!r} != {right!r}"]
    if type(left) is not type(right):
        return [f"{path}: {left!r} != {right!r}"]
    if isinstance(left, dict):
        keys = sorted(set(left) | set(right))
        return [d for k in keys for d in same_figures(left.get(k), right.get(k), f"{path}.{k}")]
    if isinstance(left, list):
        if len(left) != len(right):
            return [f"{path}: {len(left)} items != {len(right)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for d in same_figures(a, b, f"{path}[{i}]")
        ]
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]


def monthly_actives(db: Path) -> list[tuple[Any, ...]]:
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        return con.execute("select * from usage_monthly_active order by all").fetchall()


def rejects_of(db: Path) -> list[tuple[Any, ...]]:
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        return con.execute(
            "select source_file, entity, row_number, column_name, value, reason from rejects "
            "order by all"
        ).fetchall()
