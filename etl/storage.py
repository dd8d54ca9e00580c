"""The storage design: a database file that is only ever replaced whole, never written in place.

`--db PATH` names the current release. A load copies it to `PATH.next`, writes there, closes
it (so no `.wal` is left beside it) and switches it in with `os.replace`: a reader that
opens PATH gets the whole old state or the whole new one, and a connection opened before
the switch keeps reading the old file. Raw usage events are immutable Parquet partitions in
`PATH.events/`, referenced by the release's `event_partitions` table, so they are never
copied. Earlier releases stay in `PATH.releases/` for `rollback`. One load at a time holds
`PATH.lock`; the other waits, then refuses. Every attempt is logged in `PATH.audit.jsonl`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from etl.ddl import SCHEMA_VERSION, create_schema, stored_version
from etl.marts import build_marts, built_models, models_fingerprint


class StorageError(Exception):
    """A problem with the database files that the user must fix; the message says how."""


def _sidecar(db: Path, suffix: str) -> Path:
    return db.with_name(db.name + suffix)


@dataclass(frozen=True)
class Store:
    """The files of one database, all named after `db` and kept beside it. A `db` that is
    a symbolic link stands for its target: a release switch (`os.replace`) would otherwise
    put a regular file in the link's place and split the data in two."""

    db: Path

    def __post_init__(self) -> None:
        if self.db.is_symlink():
            object.__setattr__(self, "db", self.db.resolve())

    @property
    def next_path(self) -> Path:
        return _sidecar(self.db, ".next")

    @property
    def lock_path(self) -> Path:
        return _sidecar(self.db, ".lock")

    @property
    def releases_dir(self) -> Path:
        return _sidecar(self.db, ".releases")

    @property
    def events_dir(self) -> Path:
        return _sidecar(self.db, ".events")

    @property
    def audit_log(self) -> Path:
        return _sidecar(self.db, ".audit.jsonl")

    @property
    def key_file(self) -> Path:
        return _sidecar(self.db, ".key")

    def events_dir_of(self, load_id: int) -> Path:
        return self.events_dir / f"load-{load_id}"


def configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Session settings every connection needs: timestamps without a zone are UTC."""
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    return con


def check_version(con: duckdb.DuckDBPyConnection, db: Path) -> int:
    """The schema version of an open database; refuses one this version cannot read."""
    version = stored_version(con)
    if version is None:
        raise StorageError(f"{db} is not a Scaleboard database; choose another --db path.")
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{db} was written by a newer Scaleboard (schema {version}, this one reads "
            f"{SCHEMA_VERSION}); upgrade Scaleboard."
        )
    return version


def upgrade_needed(con: duckdb.DuckDBPyConnection, db: Path) -> bool:
    """Whether an open release that this version can read was written by an older schema or
    built by other SQL models; the next load upgrades it in place."""
    return check_version(con, db) < SCHEMA_VERSION or built_models(con) != models_fingerprint()


def check_readable(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """Refuses a release that would be misread as it is: not Scaleboard's, newer, or in
    need of an upgrade (its marts would answer by other definitions)."""
    if upgrade_needed(con, db):
        raise StorageError(
            f"{db} was written by another version of Scaleboard; run `scaleboard load` with "
            "any file on it to upgrade it in place."
        )


def open_reader(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current release, or an empty in-memory database."""
    if not db.exists():
        con = configure(duckdb.connect())
        create_schema(con)
        build_marts(con)
        return con
    try:
        con = configure(duckdb.connect(str(db), read_only=True))
    except duckdb.Error as exc:
        raise StorageError(f"cannot open {db}: {exc}") from exc
    try:
        check_readable(con, db)
    except StorageError:
        con.close()
        raise
    return con


def open_current(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing release of any schema this version can upgrade."""
    con = configure(duckdb.connect(str(db), read_only=True))
    try:
        check_version(con, db)
    except StorageError:
        con.close()
        raise
    return con


def append_audit(store: Store, **record: Any) -> None:
    """Appends one line to the audit log (committed loads are also in the `loads` table)."""
    record = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **record}
    store.db.parent.mkdir(parents=True, exist_ok=True)
    with store.audit_log.open("a", encoding="utf-8") as log:
        log.write(json.dumps(record, default=str) + "\n")


def read_audit(store: Store) -> list[dict[str, Any]]:
    if not store.audit_log.exists():
        return []
    lines = store.audit_log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@contextlib.contextmanager
def exclusive_lock(store: Store, timeout_s: float) -> Iterator[None]:
    """Holds PATH.lock; waits up to timeout_s for another load, then refuses clearly."""
    store.db.parent.mkdir(parents=True, exist_ok=True)
    with store.lock_path.open("a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StorageError(
                        f"another load is writing {store.db}; wait for it to finish, or raise "
                        "SCALEBOARD_LOCK_TIMEOUT_S to wait longer"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pseudonym_key(store: Store, configured: str | None, dry_run: bool = False) -> str:
    """The secret of the user-id hash: from settings, else a per-database key file (a dry
    run that would create it uses a throw-away key: what it hashes is discarded)."""
    if configured:
        return configured
    if dry_run and not store.key_file.exists():
        return secrets.token_hex(32)
    if not store.key_file.exists():
        _write_key(store)
    key = store.key_file.read_text().strip()
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise StorageError(
            f"{store.key_file} does not hold a valid key; restore it from a backup (the hashed "
            "user ids depend on it), or set SCALEBOARD_PSEUDONYM_KEY"
        )
    return key


def _write_key(store: Store) -> None:
    """Creates the key file whole or not at all: written and synced aside, then linked in."""
    store.db.parent.mkdir(parents=True, exist_ok=True)
    aside = _sidecar(store.key_file, f".{os.getpid()}.tmp")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(aside, store.key_file)
    except FileExistsError:
        pass  # another process made it first: theirs is the key
    finally:
        aside.unlink()


def committed_load_id(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select coalesce(max(load_id), 0) from loads").fetchone()
    return int(row[0]) if row else 0


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_next(store: Store) -> None:
    """A half-written next release (and its write-ahead log) of a killed load."""
    for leftover in (store.next_path, _sidecar(store.next_path, ".wal")):
        leftover.unlink(missing_ok=True)


def remove_orphans(store: Store, committed: int) -> None:
    """Removes what killed or rolled-back loads left: event partitions and releases above
    the committed state, and a half-written next file."""
    _remove_next(store)
    if store.events_dir.exists():
        for folder in store.events_dir.glob("load-*"):
            if int(folder.name.removeprefix("load-")) > committed:
                shutil.rmtree(folder, ignore_errors=True)
    if store.releases_dir.exists():
        for release in store.releases_dir.glob("*.duckdb"):
            if int(release.stem) >= committed:
                release.unlink(missing_ok=True)


def next_load_id(store: Store, committed: int) -> int:
    audited = [int(r.get("load_id") or 0) for r in read_audit(store)]
    return max([committed, *audited]) + 1


def _keep_release(store: Store, committed: int, keep: int) -> None:
    """Hard-links the current file as the state after load `committed`, prunes old ones."""
    store.releases_dir.mkdir(exist_ok=True)
    target = store.releases_dir / f"{committed}.duckdb"
    target.unlink(missing_ok=True)
    os.link(store.db, target)
    kept = sorted(store.releases_dir.glob("*.duckdb"), key=lambda p: int(p.stem))
    for old in kept[:-keep]:
        old.unlink(missing_ok=True)


def switch_in(store: Store, committed: int, keep: int) -> None:
    """Makes PATH.next the current release, keeping the one it replaces (the state after
    load `committed`) for rollback."""
    _fsync(store.next_path)
    if store.db.exists():
        _keep_release(store, committed, keep)
    os.replace(store.next_path, store.db)


def open_next(store: Store, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """A read-write connection to a fresh copy of the current release (or a new database),
    its memory bounded (DuckDB spills to a temp folder beside the copy beyond it)."""
    if store.db.exists():
        shutil.copyfile(store.db, store.next_path)
    con = configure(duckdb.connect(str(store.next_path)))
    con.execute("set preserve_insertion_order = true")
    con.execute("set memory_limit = ?", [memory_limit])
    if store.db.exists():
        check_version(con, store.db)
    create_schema(con)  # creates what is missing: upgrades an older schema in place
    return con


def rollback(store: Store, timeout_s: float) -> tuple[int, int]:
    """Restores the state before the latest load; returns (undone load id, restored load id)."""
    with exclusive_lock(store, timeout_s):
        _remove_next(store)
        if not store.db.exists():
            raise StorageError(f"{store.db} does not exist; there is nothing to roll back.")
        with contextlib.closing(configure(duckdb.connect(str(store.db), read_only=True))) as con:
            undone = committed_load_id(con)
            row = con.execute("select count(*) from loads").fetchone()
            loads_in_state = int(row[0]) if row else 0
        if undone == 0:
            raise StorageError(f"{store.db} has no load to roll back.")
        earlier = sorted(
            (p for p in store.releases_dir.glob("*.duckdb") if int(p.stem) < undone),
            key=lambda p: int(p.stem),
        )
        if earlier:
            shutil.copyfile(earlier[-1], store.next_path)
            restored = int(earlier[-1].stem)
        else:
            if loads_in_state > 1:
                raise StorageError(f"no earlier state of {store.db} is kept; cannot roll back.")
            with contextlib.closing(configure(duckdb.connect(str(store.next_path)))) as con:
                create_schema(con)
                build_marts(con)
            restored = 0
        _fsync(store.next_path)
        os.replace(store.next_path, store.db)
        remove_orphans(store, restored)
        append_audit(store, load_id=undone, event="rolled_back", restored=restored)
        return undone, restored
