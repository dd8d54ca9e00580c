"""Helpers shared by the storage tests: database dumps, copies of a store, metrics, processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import ROOT, write_csv

Dump = dict[str, list[tuple[Any, ...]]]

INITIATIVES_HEADER = (
    "initiative_id",
    "name",
    "business_unit",
    "stage",
    "stage_entered_on",
    "executive_sponsor",
    "target_users",
)
INITIATIVES = [
    ("a", "Invoice matching", "Finance", "Operationalization", "2025-01-10", "Ann", 1000),
    ("b", "Contract triage", "Legal", "Experimentation", "2025-06-01", "", 500),
    ("c", "Demand forecast", "Supply", "Standardization", "2024-11-01", "Cy", 800),
]
COSTS = ("initiative_id", "month", "category", "amount")
ADOPTION = ("initiative_id", "month", "active_users", "eligible_users")
EVENTS = ("initiative_id", "user_id", "event_time", "action")

# Columns that differ between two runs of the very same load (wall-clock times).
TIMESTAMPS = frozenset({"started_at", "finished_at"})
# ... and what differs when a killed attempt used up a load id (load ids, partition paths).
LOAD_IDENTITY = TIMESTAMPS | {"load_id", "path"}


def write_initiatives(folder: Path, rows: list[tuple[Any, ...]] = INITIATIVES) -> Path:
    """`initiatives.csv` in `folder` (default: the three initiatives a, b, c)."""
    return write_csv(folder / "initiatives.csv", INITIATIVES_HEADER, rows)


def dump_tables(db: Path, exclude: Collection[str] = ()) -> Dump:
    """Every table of `db` (opened read-only), rows sorted; `exclude` drops columns by name."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where not temporary order by 1"
        ).fetchall()
        dump: Dump = {}
        for (table,) in tables:
            names = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where table_name = ? "
                    "and not list_contains(?, column_name) order by column_index",
                    [table, list(exclude)],
                ).fetchall()
            ]
            columns = ", ".join(f'"{n}"' for n in names)
            rows = con.execute(f'select {columns} from "{table}" order by all').fetchall()
            dump[table] = rows
    return dump


def sidecars(db: Path) -> dict[str, int]:
    """Every file and folder named after `db` beside it (the db included) -> its size (0 for
    a folder), recursing into the folders."""
    found: dict[str, int] = {}
    for path in db.parent.iterdir():
        if not path.name.startswith(db.name):
            continue
        found[path.name] = path.stat().st_size if path.is_file() else 0
        if path.is_dir():
            for inner in path.rglob("*"):
                found[str(inner.relative_to(db.parent))] = inner.stat().st_size
    return found


def copy_store(db: Path, target_dir: Path) -> Path:
    """Copies `db` and every file named after it into `target_dir`; returns the new db path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in db.parent.iterdir():
        if path.name.startswith(db.name):
            if path.is_dir():
                shutil.copytree(path, target_dir / path.name)
            else:
                shutil.copy2(path, target_dir / path.name)
    return target_dir / db.name


def as_json(value: Any) -> Any:
    """The value as `metrics --json` would print it and a reader would parse it."""
    return json.loads(json.dumps(value, default=str))


def metrics_of(db: Path, as_of: str | None = None) -> Any:
    """`compute_metrics` of the current release of `db` with default settings, as JSON."""
    from etl.config import Settings
    from etl.metrics import Filters, compute_metrics
    from etl.storage import open_reader

    with open_reader(db) as con:
        return compute_metrics(con, Filters(as_of=as_of), Settings()).to_json()


def events_csv(
    path: Path, rows: int, initiatives: list[str], months: list[str], seed: int, users: int = 40000
) -> Path:
    """A usage_events CSV of `rows` events of up to `users` users over `initiatives` and
    `months`, made by DuckDB (no Python loop over rows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(
            f"""
            copy (
                select $ids[1 + (i % len($ids))] as initiative_id,
                       'user-' || ((i * 7919 + $seed) % $users) as user_id,
                       strftime(($months[1 + (i // 7 % len($months))] || '-01')::timestamp
                                + to_seconds((i * 104729 + $seed) % (27 * 86400)),
                                '%Y-%m-%dT%H:%M:%S') as event_time,
                       'open' as action
                from range({int(rows)}) as t(i)
            ) to '{path}' (header)
            """,
            {"ids": initiatives, "months": months, "seed": seed, "users": users},
        )
    return path


def start_cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Starts `scaleboard ARGS` in a real subprocess, without waiting for it."""
    return subprocess.Popen(
        [sys.executable, "-m", "scaleboard", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def audit_events(db: Path) -> list[dict[str, Any]]:
    log = db.with_name(db.name + ".audit.jsonl")
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def wait_for_audit(db: Path, event: str, count: int = 1, timeout_s: float = 60.0) -> None:
    """Waits until the audit log holds `count` records of `event` (e.g. a load has started)."""
    deadline = time.monotonic() + timeout_s
    while sum(r.get("event") == event for r in audit_events(db)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {event!r} record in the audit log of {db}")
        time.sleep(0.02)


def read_metrics_until(db: str, out: str, stop: Any) -> None:
    """Reader process: opens the current release and computes the metrics, again and again,
    until `stop` is set; writes one JSON line per read: {load_id, metrics} or {error}."""
    from etl.config import Settings
    from etl.metrics import Filters, compute_metrics
    from etl.storage import committed_load_id, open_reader

    settings = Settings()
    with open(out, "w", encoding="utf-8") as sink:
        while not stop.is_set():
            try:
                with open_reader(Path(db)) as con:
                    con.execute("set threads = 1")
                    load_id = committed_load_id(con)
                    result = compute_metrics(con, Filters(), settings).to_json()
                line: dict[str, Any] = {"load_id": load_id, "metrics": result}
            except Exception as exc:  # every error is a finding: record it, keep reading
                line = {"error": f"{type(exc).__name__}: {exc}"}
            sink.write(json.dumps(line, default=str) + "\n")
            sink.flush()
