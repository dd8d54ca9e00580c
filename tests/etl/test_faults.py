"""Fault injection: a full disk at each write of a load, a `kill -9` at each of its steps,
a torn audit log, damaged database files. Each leaves the database exactly as before or as
after the load ("never between"), and each says what happened and how to fix it.

A full disk is real: a small tmpfs that the test mounts (root only; skipped otherwise) and
fills to a chosen free space. A kill is real too: `SCALEBOARD_KILL_AT=<step>` makes the load
SIGKILL itself at that step (`etl.failpoints`)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.failpoints import STEPS
from tests.conftest import run_cli, write_csv
from tests.helpers import (
    COSTS,
    LOAD_IDENTITY,
    Dump,
    audit_events,
    copy_store,
    dump_tables,
    events_csv,
    write_initiatives,
)

ENV = {"SCALEBOARD_PSEUDONYM_KEY": "faults-test-key", "SCALEBOARD_LOCK_TIMEOUT_S": "30"}
PAGE = 4096


@dataclass(frozen=True)
class Base:
    db: Path  # initiatives loaded (load 1)
    files: Path  # a folder: costs and usage events
    before: Dump
    after: Dump  # after loading `files`, without load ids, partition paths, times


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    root = tmp_path_factory.mktemp("faults")
    db = root / "base" / "db.duckdb"
    assert run_cli("load", "--db", db, write_initiatives(root / "in"), env=ENV).returncode == 0
    files = root / "files"
    categories = ("compute", "licensing", "people", "data", "integration")
    costs = [  # 300 distinct keys: 3 initiatives x 24 months x 5 categories, in part
        ("abc"[n % 3], f"{2024 + n // 3 % 24 // 12}-{1 + n // 3 % 12:02d}", categories[n // 72], n)
        for n in range(300)
    ]
    write_csv(files / "costs.csv", COSTS, costs)
    events_csv(files / "usage_events.csv", 60_000, ["a", "b"], ["2026-01", "2026-02"], 3)
    reference = copy_store(db, root / "reference")
    done = run_cli("load", "--db", reference, files, env=ENV)
    assert done.returncode == 0, done.stderr
    return Base(db, files, dump_tables(db), dump_tables(reference, exclude=LOAD_IDENTITY))


def _state(db: Path, base: Base) -> str:
    """'before' or 'after'; fails on anything between."""
    if dump_tables(db) == base.before:
        return "before"
    assert dump_tables(db, exclude=LOAD_IDENTITY) == base.after, "neither before nor after"
    return "after"


def _closed_audit(db: Path) -> list[dict[str, Any]]:
    """The audit log, asserting that every line is whole and every started load closed."""
    log = db.with_name(db.name + ".audit.jsonl")
    lines = log.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # no torn line
    started = {r["load_id"] for r in records if r["event"] == "started"}
    closing = {"committed", "refused", "dry_run", "abandoned"}
    closed = {r["load_id"] for r in records if r["event"] in closing}
    assert started <= closed, records
    return records


def _no_leftovers(db: Path) -> None:
    for suffix in (".next", ".next.wal", ".next.tmp"):
        assert not db.with_name(db.name + suffix).exists(), suffix


def _load(db: Path, files: Path, env: dict[str, str] | None = None) -> Any:
    done = run_cli("load", "--db", db, files, "--json", env={**ENV, **(env or {})})
    assert "Traceback" not in done.stderr, done.stderr
    return done


# ---- a full disk -------------------------------------------------------------------------


@contextlib.contextmanager
def _tmpfs(folder: Path, size: int) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (a real full disk) needs root")
    folder.mkdir(parents=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """A file taking all the free space of `folder`'s file system but `leave` bytes."""
    filler = folder / "filler"
    take = shutil.disk_usage(folder).free - leave
    with filler.open("wb") as handle:
        if take > 0:
            os.posix_fallocate(handle.fileno(), 0, take)
    return filler


def _pad_audit(log: Path, room: int) -> None:
    """Pads the audit log with a harmless record so that its last page has `room` bytes
    left: a line longer than that needs a new page, which a full tmpfs cannot give."""
    size = log.stat().st_size
    gap = (PAGE - (size + room) % PAGE) % PAGE
    overhead = len(json.dumps({"event": "note", "pad": ""})) + 1
    while gap < overhead:
        gap += PAGE
    with log.open("a") as handle:
        handle.write(json.dumps({"event": "note", "pad": "x" * (gap - overhead)}) + "\n")
    assert (log.stat().st_size + room) % PAGE == 0


@dataclass(frozen=True)
class DiskFull:
    name: str
    files: str  # what is loaded: "all" (costs and events) or "costs"
    leave: str  # the free space left: "none", "half_db", "db_and_a_bit"
    names: str  # the path the message must name


DISK_FULL = [
    DiskFull("audit line before the load", "costs", "none", ".audit.jsonl"),
    DiskFull("copy of the release", "costs", "half_db", ".next"),
    DiskFull("DuckDB writing the release", "costs", "db_and_a_bit", ".next"),
    DiskFull("events file", "all", "db_and_a_bit", ".events"),
]


@pytest.mark.parametrize("case", DISK_FULL, ids=[c.name for c in DISK_FULL])
def test_a_full_disk_at_each_write_changes_nothing_and_names_the_path(
    base: Base, tmp_path: Path, case: DiskFull
) -> None:
    db_size = base.db.stat().st_size
    with _tmpfs(tmp_path / "disk", 4 * db_size + 16 * 1024 * 1024) as disk:
        db = copy_store(base.db, disk / "store")
        files = base.files if case.files == "all" else base.files / "costs.csv"
        if case.leave == "none":
            _pad_audit(db.with_name(db.name + ".audit.jsonl"), 0)
        leave = {"none": 0, "half_db": db_size // 2, "db_and_a_bit": db_size + 256 * 1024}
        filler = _fill(disk, leave[case.leave])

        full = _load(db, files)

        summary = json.loads(full.stdout)
        assert (full.returncode, summary["status"]) == (2, "refused"), full.stdout
        error = summary["error"]
        assert "No space left on device" in error and "free on its disk" in error, error
        assert case.names in error, error
        assert "cannot be read" not in error, error  # the input is not to blame
        assert dump_tables(db) == base.before
        _no_leftovers(db)

        filler.unlink()
        again = _load(db, files)

        assert again.returncode == 0, again.stderr
        if case.files == "costs":
            assert json.loads(again.stdout)["rows_loaded"] == 300
        else:
            assert dump_tables(db, exclude=LOAD_IDENTITY) == base.after
        _closed_audit(db)


def test_a_full_disk_at_the_audit_line_after_the_switch_reports_the_committed_load(
    base: Base, tmp_path: Path
) -> None:
    """The `started` line fits, the `committed` one does not: the load is committed, so it
    says so (exit 0, its summary) with a warning, and the next run completes the log."""
    db = copy_store(base.db, tmp_path / "store")
    log = db.with_name(db.name + ".audit.jsonl")
    with _tmpfs(tmp_path / "audit-disk", 64 * 1024) as disk:
        on_disk = disk / log.name
        shutil.copy(log, on_disk)
        log.unlink()
        log.symlink_to(on_disk)  # the audit log alone lives on the small disk
        started = json.dumps(
            {
                "at": "2026-01-01T00:00:00+00:00",
                "load_id": 2,
                "event": "started",
                "command": f"load {base.files}",
            }
        )
        _pad_audit(on_disk, len(started) + 1 + 20)  # the committed line needs ~100 bytes
        filler = _fill(disk, 0)

        full = _load(db, base.files)

        summary = json.loads(full.stdout)
        assert full.returncode == 0, (full.stdout, full.stderr)
        assert summary["status"] == "loaded" and "error" not in summary
        [warning] = summary["warnings"]
        assert "load 2 is committed" in warning and "No space left on device" in warning
        assert str(log) in warning
        assert _state(db, base) == "after"
        assert [r["event"] for r in audit_events(db)][-1] == "started"  # cut back, not torn

        filler.unlink()
        again = _load(db, base.files)
        records = _closed_audit(db)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["files"][0]["skipped"] is True
    completed = [r for r in records if r.get("completed_later")]
    assert [(r["load_id"], r["event"], r["status"]) for r in completed] == [
        (2, "committed", "loaded")
    ]
    assert any("load 2 was committed" in w for w in json.loads(again.stdout)["warnings"])


# ---- a torn audit log --------------------------------------------------------------------


def test_a_torn_last_audit_line_is_set_aside_and_never_blocks_a_load(
    base: Base, tmp_path: Path
) -> None:
    db = copy_store(base.db, tmp_path / "store")
    log = db.with_name(db.name + ".audit.jsonl")
    with log.open("a") as handle:  # what a full disk or a kill mid-write leaves
        handle.write('{"at": "2026-01-01T00:00:00+00:00", "load_id": 2, "event": "sta')

    done = _load(db, base.files / "costs.csv")

    assert done.returncode == 0, done.stderr
    [warning] = json.loads(done.stdout)["warnings"]
    assert "torn" in warning and str(log) in warning
    torn = log.with_name(log.name + ".torn")
    assert torn.read_text() == '{"at": "2026-01-01T00:00:00+00:00", "load_id": 2, "event": "sta\n'
    _closed_audit(db)
    human = run_cli("load", "--db", db, base.files / "costs.csv", env=ENV)
    assert human.returncode == 0 and "warning" not in human.stderr, human.stderr


# ---- kill -9 at each step ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_step_leaves_before_or_after_and_the_next_run_repairs(
    base: Base, tmp_path: Path, step: str
) -> None:
    db = copy_store(base.db, tmp_path / "store")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {"TMPDIR": str(scratch)}

    killed = _load(db, base.files, {**env, "SCALEBOARD_KILL_AT": step})

    assert killed.returncode == -9, (killed.stdout, killed.stderr)
    state = _state(db, base)
    assert state == ("after" if step in ("switched", "audited") else "before")

    again = _load(db, base.files, env)

    assert again.returncode == 0, again.stderr
    assert dump_tables(db, exclude=LOAD_IDENTITY) == base.after
    _no_leftovers(db)
    assert list(scratch.iterdir()) == [], "a scratch folder of the killed load is left"
    records = _closed_audit(db)
    if step == "switched":  # committed, its audit line missing: completed from the database
        assert [r["event"] for r in records if r.get("completed_later")] == ["committed"]
    folder = db.with_name(db.name + ".events")
    on_disk = {str(p.relative_to(db.parent)) for p in folder.rglob("*.parquet")}
    assert on_disk == {str(r[2]) for r in dump_tables(db)["event_partitions"]}


# ---- damaged or foreign database files -----------------------------------------------------


def _random_bytes(db: Path) -> None:
    db.write_bytes(os.urandom(300_000))


def _truncated(db: Path) -> None:
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 3)


def _another_app(db: Path) -> None:
    db.unlink()
    with duckdb.connect(str(db)) as con:
        con.execute("create table meta (key varchar, setting varchar)")
        con.execute("insert into meta values ('theme', 'dark')")


DAMAGE = {"random bytes": _random_bytes, "truncated": _truncated, "another app": _another_app}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_database_is_named_with_the_way_back(
    base: Base, tmp_path: Path, damage: str
) -> None:
    db = copy_store(base.db, tmp_path / "store")
    assert _load(db, base.files / "costs.csv").returncode == 0  # keeps release 1 for rollback
    DAMAGE[damage](db)

    for args in (
        ("load", "--db", db, base.files / "costs.csv", "--force"),
        ("metrics", "--db", db),
    ):
        done = run_cli(*args, env=ENV)
        assert done.returncode == 2, (args, done.stderr)
        assert "damaged or is not a Scaleboard database" in done.stderr, done.stderr
        assert f"scaleboard rollback --db {db}" in done.stderr, done.stderr
        for raw in ("Traceback", "IOException", "CatalogException", "BinderException"):
            assert raw not in done.stderr, done.stderr

    rollback = run_cli("rollback", "--db", db, env=ENV)
    assert rollback.returncode == 0, rollback.stderr
    assert "state after load 1" in rollback.stdout
    assert dump_tables(db) == base.before


def test_a_damaged_database_without_kept_releases_says_restore(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _random_bytes(db)
    done = run_cli("load", "--db", db, write_initiatives(tmp_path / "in"), env=ENV)
    assert done.returncode == 2
    assert "damaged or is not a Scaleboard database" in done.stderr
    assert "restore" in done.stderr and "backup" in done.stderr
    assert "Traceback" not in done.stderr and "IOException" not in done.stderr
