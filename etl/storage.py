"""The storage design: a database file that is only ever replaced whole, never written in place.

`--db PATH` names the current release. A load copies it to `PATH.next`, writes there, closes
it (so no `.wal` is left beside it) and switches it in with `os.replace`: a reader that
opens PATH gets the whole old state or the whole new one, and a connection opened before
the switch keeps reading the old file. Raw usage events are immutable Parquet partitions in
`PATH.events/`, referenced by the release's `event_partitions` table, so they are never
copied. Earlier releases stay in `PATH.releases/` for `rollback`. One load at a time holds
`PATH.lock`; the other waits, then refuses. Every attempt is logged in `PATH.audit.jsonl`
(`etl.audit_log`). Every file and folder a release names is fsynced before the switch.
A file that DuckDB cannot open, or that is not Scaleboard's, is refused as damaged, naming
the way back (`scaleboard rollback`, which restores the newest kept release).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from etl import audit_log, failpoints
from etl.ddl import SCHEMA_VERSION, create_schema, stored_version
from etl.files import fsync_path, fsync_tree, os_write_failure
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


def kept_releases(db: Path) -> list[Path]:
    """The releases kept for rollback, oldest first."""
    folder = _sidecar(db, ".releases")
    found = [p for p in folder.glob("*.duckdb") if p.stem.isdigit()] if folder.is_dir() else []
    return sorted(found, key=lambda p: int(p.stem))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def damaged(db: Path, exc: BaseException) -> StorageError:
    """The refusal of a file that cannot be opened or read as a Scaleboard database."""
    kept = kept_releases(db)
    if kept:
        fix = (
            f"run `scaleboard rollback --db {db}` to switch back to the state after load "
            f"{kept[-1].stem} (kept in {kept[-1].parent}), or restore {db} from a backup"
        )
    else:
        fix = f"restore {db} from a backup, or move it away and load the files into a new --db"
    return StorageError(
        f"{db} is damaged or is not a Scaleboard database (DuckDB cannot read it as one: "
        f"{_first_line(exc)}); {fix}"
    )


def _connect(db: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return configure(duckdb.connect(str(db), read_only=read_only))
    except duckdb.Error as exc:
        raise damaged(db, exc) from None


def check_version(con: duckdb.DuckDBPyConnection, db: Path) -> int:
    """The schema version of an open database; refuses one this version cannot read."""
    try:
        version = stored_version(con)
    except (duckdb.Error, ValueError) as exc:  # a `meta` table of another shape or app
        raise damaged(db, exc) from None
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
    con = _connect(db, read_only=True)
    try:
        check_readable(con, db)
    except duckdb.Error as exc:
        con.close()
        raise damaged(db, exc) from None
    except StorageError:
        con.close()
        raise
    return con


def open_current(db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing release of any schema this version can upgrade."""
    con = _connect(db, read_only=True)
    try:
        check_version(con, db)
    except StorageError:
        con.close()
        raise
    return con


def append_audit(store: Store, **record: Any) -> None:
    """Appends one line to the audit log (committed loads are also in the `loads` table);
    a write that fails is a StorageError naming the cause (the log is left as it was)."""
    try:
        audit_log.append(store.audit_log, **record)
    except OSError as exc:
        message = os_write_failure(exc, store.audit_log)
        raise StorageError(f"cannot record the load in the audit log: {message}") from None


def read_audit(store: Store) -> list[dict[str, Any]]:
    return audit_log.read(store.audit_log)


def committed_loads(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, Any]]:
    """load id -> what the audit log's `committed` line records, of every load in a release."""
    rows = con.execute(
        "select load_id, status, rows_loaded, finished_at from loads order by load_id"
    ).fetchall()
    return {int(i): {"status": s, "rows_loaded": n, "finished_at": str(at)} for i, s, n, at in rows}


def tidy_audit(store: Store, committed: dict[int, dict[str, Any]]) -> list[str]:
    """Sets torn lines aside and completes missing closing lines (under the lock); returns
    the warnings a load or rollback shows."""
    return audit_log.repair(store.audit_log) + audit_log.complete(store.audit_log, committed)


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


def read_key_file(path: Path) -> str:
    """The secret held in a key file of one's own (`SCALEBOARD_PSEUDONYM_KEY_FILE`): readable
    by its owner only, like the key file kept beside a database."""
    try:
        mode = path.stat().st_mode
        key = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise StorageError(
            f"cannot read the pseudonym key file {path} ({exc.strerror or exc}); check "
            "SCALEBOARD_PSEUDONYM_KEY_FILE"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StorageError(
            f"{path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
            f"run `chmod 600 {path}`"
        )
    if not key:
        raise StorageError(f"the pseudonym key file {path} is empty; put the secret in it")
    return key


def pseudonym_key(
    store: Store, configured: str | None, dry_run: bool = False, key_file: Path | None = None
) -> str:
    """The secret of the user-id hash: from settings (the secret itself, else the file that
    holds it), else a per-database key file (a dry run that would create it uses a
    throw-away key: what it hashes is discarded)."""
    if configured:
        return configured
    if key_file is not None:
        return read_key_file(key_file)
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


def remove_next(store: Store) -> None:
    """A half-written next release (its write-ahead log, DuckDB's spill folder) of a killed
    or failed load."""
    for leftover in (store.next_path, _sidecar(store.next_path, ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(_sidecar(store.next_path, ".tmp"), ignore_errors=True)


def remove_orphans(store: Store, committed: int) -> None:
    """Removes what killed or rolled-back loads left: event partitions and releases above
    the committed state, and a half-written next file."""
    remove_next(store)
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
    for old in kept_releases(store.db)[:-keep]:
        old.unlink(missing_ok=True)
    fsync_path(store.releases_dir)


def switch_in(store: Store, committed: int, keep: int, load_id: int | None = None) -> None:
    """Makes PATH.next the current release, keeping the one it replaces (the state after
    load `committed`) for rollback. Before the switch, the new release and every file and
    folder it names (the load's events files) are on the disk."""
    fsync_path(store.next_path)
    if load_id is not None and store.events_dir_of(load_id).exists():
        fsync_tree(store.events_dir_of(load_id))
        fsync_path(store.events_dir)
    fsync_path(store.db.parent)  # the names: PATH.next, PATH.events, PATH.key
    if store.db.exists():
        _keep_release(store, committed, keep)
        failpoints.reached("release_kept")
    os.replace(store.next_path, store.db)
    with contextlib.suppress(OSError):  # the switch is made; nothing could undo it now
        fsync_path(store.db.parent)


def _copy_durably(source: Path, store: Store) -> None:
    """Copies `source` to PATH.next; on failure removes the half-written copy and says why."""
    try:
        shutil.copyfile(source, store.next_path)
    except OSError as exc:
        remove_next(store)
        cause = os_write_failure(exc, store.next_path)
        raise StorageError(
            f"could not copy {source} to {store.next_path} to write the new release "
            f"(removed the half-written copy; nothing changed): {cause}"
        ) from None


def open_next(store: Store, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """A read-write connection to a fresh copy of the current release (or a new database),
    its memory bounded (DuckDB spills to a temp folder beside the copy beyond it)."""
    if store.db.exists():
        _copy_durably(store.db, store)
    try:
        con = configure(duckdb.connect(str(store.next_path)))
    except duckdb.Error as exc:
        remove_next(store)
        raise damaged(store.db, exc) from None
    try:
        con.execute("set preserve_insertion_order = true")
        con.execute("set memory_limit = ?", [memory_limit])
        if store.db.exists():
            check_version(con, store.db)
        create_schema(con)  # creates what is missing: upgrades an older schema in place
    except BaseException:
        con.close()
        remove_next(store)
        raise
    return con


def _current_loads(store: Store) -> tuple[int, int, dict[int, dict[str, Any]]] | None:
    """(latest load id, loads in the state, committed loads) of the current release, or None
    when it is damaged and a kept release can replace it."""
    try:
        with contextlib.closing(open_current(store.db)) as con:
            loads = committed_loads(con)
    except StorageError:
        if not kept_releases(store.db):
            raise
        return None
    return max(loads, default=0), len(loads), loads


def rollback(store: Store, timeout_s: float, command: str = "rollback") -> tuple[int | None, int]:
    """Restores the state before the latest load; returns (undone load id, restored load id);
    the audit log records when and by which `command`.
    A current release that cannot be read is replaced by the newest kept one (the undone
    load id is then None: the damaged file cannot say which load it held)."""
    with exclusive_lock(store, timeout_s):
        remove_next(store)
        if not store.db.exists():
            raise StorageError(f"{store.db} does not exist; there is nothing to roll back.")
        state = _current_loads(store)
        undone: int | None = None
        loads_in_state = 0
        if state is not None:
            undone, loads_in_state, loads = state
            tidy_audit(store, loads)
            if undone == 0:
                raise StorageError(f"{store.db} has no load to roll back.")
        earlier = [p for p in kept_releases(store.db) if undone is None or int(p.stem) < undone]
        if earlier:
            _copy_durably(earlier[-1], store)
            restored = int(earlier[-1].stem)
        else:
            if loads_in_state > 1:
                raise StorageError(f"no earlier state of {store.db} is kept; cannot roll back.")
            with contextlib.closing(configure(duckdb.connect(str(store.next_path)))) as con:
                create_schema(con)
                build_marts(con)
            restored = 0
        fsync_path(store.next_path)
        os.replace(store.next_path, store.db)
        fsync_path(store.db.parent)
        remove_orphans(store, restored)
        with contextlib.suppress(StorageError):  # restored either way; the log is a record
            append_audit(
                store, load_id=undone, event="rolled_back", restored=restored, command=command
            )
        return undone, restored
