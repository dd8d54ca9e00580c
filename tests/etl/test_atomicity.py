"""One `load` is one transaction: killed at any moment it leaves the database exactly as before
or exactly as after, and two loads at once are serialised by the lock, never interleaved."""

from __future__ import annotations

import fcntl
import json
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.pseudonyms import user_key_sql
from etl.validate import quote_literal
from tests.conftest import run_cli, write_csv
from tests.helpers import (
    ADOPTION,
    COSTS,
    EVENTS,
    LOAD_IDENTITY,
    Dump,
    audit_events,
    copy_store,
    dump_tables,
    events_csv,
    metrics_of,
    start_cli,
    wait_for_audit,
    write_initiatives,
)

ENV = {"SCALEBOARD_PSEUDONYM_KEY": "atomicity-test-key", "SCALEBOARD_LOCK_TIMEOUT_S": "120"}
EVENT_ROWS = 3_000_000


@dataclass(frozen=True)
class BigLoad:
    base_db: Path  # initiatives loaded (load 1), nothing else
    events: Path  # the 3M-row usage_events file
    before: Dump  # dump of base_db
    after_rows: Dump  # dump after one complete events load, without load ids, paths, times
    after_metrics: Any
    duration_s: float  # of one complete `scaleboard load` of `events`, process start included


@pytest.fixture(scope="module")
def big_load(tmp_path_factory: pytest.TempPathFactory) -> BigLoad:
    root = tmp_path_factory.mktemp("atomicity")
    months = ["2026-01", "2026-02", "2026-03"]
    events = events_csv(root / "in" / "usage_events.csv", EVENT_ROWS, ["a", "b", "c"], months, 1)
    base_db = root / "base" / "db.duckdb"
    first = run_cli("load", "--db", base_db, write_initiatives(root / "in"), env=ENV)
    assert first.returncode == 0, first.stderr
    reference = copy_store(base_db, root / "reference")
    started = time.monotonic()
    complete = run_cli("load", "--db", reference, events, "--json", env=ENV)
    duration_s = time.monotonic() - started
    assert complete.returncode == 0, complete.stderr
    assert json.loads(complete.stdout)["rows_loaded"] == EVENT_ROWS
    return BigLoad(
        base_db,
        events,
        dump_tables(base_db),
        dump_tables(reference, exclude=LOAD_IDENTITY),
        metrics_of(reference),
        duration_s,
    )


def _state_after_kill(db: Path, big: BigLoad) -> str:
    """'before' or 'after'; fails on anything else (a half-applied or unreadable database).
    'after' ignores load ids: killed attempts before it may have used some up."""
    if dump_tables(db) == big.before:
        return "before"
    assert dump_tables(db, exclude=LOAD_IDENTITY) == big.after_rows, "neither before nor after"
    return "after"


def _events_on_disk(db: Path) -> set[str]:
    folder = db.with_name(db.name + ".events")
    return {str(p.relative_to(db.parent)) for p in folder.rglob("*.parquet")}


def _partitions_of(db: Path) -> set[str]:
    return {str(r[2]) for r in dump_tables(db)["event_partitions"]}


@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_before_or_after(big_load: BigLoad, tmp_path: Path) -> None:
    """Kills the same load again and again (each attempt meets what the last one left), at
    delays spread over one load's duration, then lets it run to the end."""
    rng = random.Random(20261126)
    trials = 5
    delays = [big_load.duration_s * (k + rng.random()) / trials for k in range(trials)]
    db = copy_store(big_load.base_db, tmp_path / "store")
    seen: list[tuple[float, str, bool]] = []
    for delay in delays:
        process = start_cli("load", "--db", db, big_load.events, "--json", env=ENV)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        state = _state_after_kill(db, big_load)
        seen.append((round(delay, 2), state, db.with_name(db.name + ".next").exists()))
    assert any(state == "before" and orphan for _, state, orphan in seen), (
        f"no kill hit the write phase: {seen}"
    )

    rerun = run_cli("load", "--db", db, big_load.events, "--json", env=ENV)

    assert rerun.returncode == 0, (seen, rerun.stderr)
    summary = json.loads(rerun.stdout)
    if seen[-1][1] == "before":
        assert (summary["rows_loaded"], summary["rows_skipped"]) == (EVENT_ROWS, 0), seen
    else:
        assert summary["files"][0]["skipped"] is True, seen
        assert summary["rows_skipped"] == EVENT_ROWS
    assert dump_tables(db, exclude=LOAD_IDENTITY) == big_load.after_rows
    assert metrics_of(db) == big_load.after_metrics
    assert _events_on_disk(db) == _partitions_of(db), "orphan event partitions left behind"
    assert not db.with_name(db.name + ".next").exists()


@pytest.fixture
def initiatives_db(tmp_path: Path) -> Path:
    db = tmp_path / "store" / "db.duckdb"
    first = run_cli("load", "--db", db, write_initiatives(tmp_path / "first"), env=ENV)
    assert first.returncode == 0, first.stderr
    return db


def test_orphans_of_a_killed_load_do_not_disturb_the_next_one(
    initiatives_db: Path, tmp_path: Path
) -> None:
    db = initiatives_db
    db.with_name(db.name + ".next").write_bytes(b"half a database file" * 1000)
    db.with_name(db.name + ".next.wal").write_bytes(b"garbage")
    orphan = db.with_name(db.name + ".events") / "load-7" / "file-0" / "month=2026-01-01"
    orphan.mkdir(parents=True)
    (orphan / "events_0.parquet").write_bytes(b"not parquet")
    costs = write_csv(tmp_path / "costs.csv", COSTS, [("a", "2026-01", "compute", "100")])

    result = run_cli("load", "--db", db, costs, "--json", env=ENV)

    assert result.returncode == 0, result.stderr
    assert metrics_of(db)["total_cost"] == 100.0
    assert not db.with_name(db.name + ".next").exists()
    assert not db.with_name(db.name + ".next.wal").exists()
    assert not orphan.exists()


def test_a_kill_while_the_key_file_is_created_leaves_no_empty_key(
    initiatives_db: Path, tmp_path: Path
) -> None:
    """The first events load creates PATH.key; killed between creating and writing it, it
    leaves an empty file. The next load must not hash user ids with that empty secret."""
    db = initiatives_db
    db.with_name(db.name + ".key").touch(mode=0o600)  # what such a kill leaves behind
    rows = [("a", f"user-{n}", "2026-01-05T10:00:00", "open") for n in range(5)]
    events = write_csv(tmp_path / "usage_events.csv", EVENTS, rows)

    result = run_cli("load", "--db", db, events, env={"SCALEBOARD_PSEUDONYM_KEY": ""})

    assert result.returncode in (0, 2), result.stderr
    parts = [str(db.parent / p) for p in _partitions_of(db)]
    if result.returncode == 2:  # refused, saying what to do about the key file
        assert ".key" in result.stderr
        assert parts == []
        return
    with duckdb.connect() as con:
        unkeyed = con.execute(
            "select count(*) from read_parquet(?) where user_key in "
            f"(select {user_key_sql('md5-64', '', quote_literal('user-') + ' || n')} "
            "from range(5) as t(n))",
            [parts],
        ).fetchone()
    assert unkeyed == (0,), "user ids were hashed without a secret (an empty key file)"


# ---- two loads at once ---------------------------------------------------------------------


@pytest.fixture
def two_loads(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """A db with the initiatives, and two loads that correct the same cost row."""
    base = tmp_path / "in"
    db = tmp_path / "db" / "db.duckdb"
    assert run_cli("load", "--db", db, write_initiatives(base), env=ENV).returncode == 0
    first = base / "first"
    write_csv(first / "costs.csv", COSTS, [("a", "2026-01", "compute", "100")])
    events_csv(first / "usage_events.csv", 400_000, ["a", "b"], ["2026-01"], 2, users=300)
    second = base / "second"
    write_csv(second / "costs.csv", COSTS, [("a", "2026-01", "compute", "250")])
    write_csv(second / "adoption.csv", ADOPTION, [("c", "2026-01", "40", "80")])
    return base, db, first, second


def _sequential_metrics(folder: Path, base: Path, order: list[Path]) -> Any:
    """The metrics of loading the initiatives, then `order`, one command each, into a new db."""
    db = folder / "db.duckdb"
    for files in [base / "initiatives.csv", *order]:
        assert run_cli("load", "--db", db, files, env=ENV).returncode == 0
    return metrics_of(db)


def _commit_order(db: Path, candidates: dict[int, Path]) -> list[Path]:
    """The folders of `candidates` (load id -> folder) in the order their loads committed."""
    committed = [
        r
        for r in audit_events(db)
        if r["event"] in ("started", "committed") and r["load_id"] in candidates
    ]
    ids = [r["load_id"] for r in committed]
    # serialised: each load's started/committed pair is adjacent, never interleaved
    assert ids[0::2] == ids[1::2], committed
    by_command = {r["load_id"]: r["command"] for r in committed if r["event"] == "started"}
    assert sorted(ids[0::2]) == sorted(candidates), committed
    assert all(str(candidates[i]) in by_command[i] for i in candidates)
    return [candidates[i] for i in ids[0::2]]


def test_two_loads_at_once_run_one_after_the_other(
    two_loads: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    base, db, first, second = two_loads
    processes = [start_cli("load", "--db", db, f, "--json", env=ENV) for f in (first, second)]
    outputs = [p.communicate(timeout=120) for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    load_ids = [json.loads(out)["load_id"] for out, _ in outputs]
    order = _commit_order(db, dict(zip(load_ids, (first, second), strict=True)))
    assert metrics_of(db) == _sequential_metrics(tmp_path / "sequential", base, order)


def test_a_load_waits_for_the_lock_then_runs(
    two_loads: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    base, db, first, _ = two_loads
    before = dump_tables(db)
    with db.with_name(db.name + ".lock").open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another load holds the lock
        waiting = start_cli("load", "--db", db, first, "--json", env=ENV)
        time.sleep(1.5)
        assert waiting.poll() is None, "the load did not wait for the lock"
        assert dump_tables(db) == before
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert json.loads(out)["status"] == "loaded"
    assert metrics_of(db) == _sequential_metrics(tmp_path / "sequential", base, [first])


def test_a_load_refuses_at_once_with_zero_timeout(
    two_loads: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    base, db, first, _ = two_loads
    before, zero = dump_tables(db), {**ENV, "SCALEBOARD_LOCK_TIMEOUT_S": "0"}
    with db.with_name(db.name + ".lock").open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another load holds the lock
        as_text = run_cli("load", "--db", db, first, env=zero)
        as_json = run_cli("load", "--db", db, first, "--json", env=zero)
        fcntl.flock(lock, fcntl.LOCK_UN)

    assert as_text.returncode == 2
    assert "another load is writing" in as_text.stderr
    assert "SCALEBOARD_LOCK_TIMEOUT_S" in as_text.stderr
    assert as_json.returncode == 2
    assert json.loads(as_json.stdout)["status"] == "refused"
    assert "another load is writing" in json.loads(as_json.stdout)["error"]
    assert dump_tables(db) == before
    assert not db.with_name(db.name + ".next").exists()
    again = run_cli("load", "--db", db, first, env=zero)
    assert again.returncode == 0, again.stderr
    assert metrics_of(db) == _sequential_metrics(tmp_path / "sequential", base, [first])


def test_two_loads_at_once_with_zero_timeout_wait_or_refuse(
    two_loads: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    base, db, first, second = two_loads
    zero = {**ENV, "SCALEBOARD_LOCK_TIMEOUT_S": "0"}
    running = start_cli("load", "--db", db, first, "--json", env=zero)
    wait_for_audit(db, "started", count=2)  # the initiatives load was the first
    other = run_cli("load", "--db", db, second, "--json", env=zero)
    out, err = running.communicate(timeout=120)

    assert running.returncode == 0, err
    assert other.returncode in (0, 2), other.stderr
    if other.returncode == 2:  # refused while the first held the lock: nothing of it applied
        assert "another load is writing" in json.loads(other.stdout)["error"]
        assert metrics_of(db) == _sequential_metrics(tmp_path / "first", base, [first])
        assert run_cli("load", "--db", db, second, env=zero).returncode == 0
    else:  # the first had finished: the second ran after it
        load_ids = [json.loads(out)["load_id"], json.loads(other.stdout)["load_id"]]
        assert _commit_order(db, dict(zip(load_ids, (first, second), strict=True))) == [
            first,
            second,
        ]
    assert metrics_of(db) == _sequential_metrics(tmp_path / "both", base, [first, second])
