"""`scaleboard load DIR` of a folder of keyed user-months (`etl.user_months`): the second
half of `aggregate-events`, on the machine that serves the database.

The folder enters the load as one source: its users become one events file of the load
(`PATH.events/load-<id>/file-<n>.parquet`, the columns of every events file, with no
event time or action), named in `event_partitions` under each month with that month's
valid events; its rejects become the load's rejects, and each input file a `load_files`
row as if `scaleboard load` had read it. So the audit, the release switch and the monthly
refresh are the load's own. Refused, with nothing changed: output keyed in another format
or with another key, events of initiatives the database has not loaded, months outside
its plausible months.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

import duckdb

from etl import storage
from etl.period import PlausibleMonths
from etl.pseudonyms import KeySpec
from etl.readers import RefusedFile, SourceFile
from etl.results import FileResult
from etl.user_months import ENTITY, REJECTS_DIR, USERS_DIR, Manifest, read_manifest
from etl.writers import EVENTS_FILE_FORMAT

SHOWN = 5


class TakeInTarget(Protocol):
    """What the take-in needs of the loader (`etl.loader.Loader`)."""

    con: duckdb.DuckDBPyConnection
    store: storage.Store
    load_id: int
    touched_months: set[dt.date]
    key: KeySpec | None

    @property
    def plausible_months(self) -> PlausibleMonths: ...


def _check_key(target: TakeInTarget, source: SourceFile, manifest: Manifest) -> KeySpec:
    key = target.key
    assert key is not None, "the loader registers the user key before any events file"
    db = target.store.db
    if manifest.key_format != key.key_format:
        raise RefusedFile(
            source.path,
            f"holds user keys in the format {manifest.key_format}, but {db} stores them as "
            f"{key.key_format}; run the job again with --key-format {key.key_format}",
        )
    if manifest.key_fingerprint != key.fingerprint:
        raise RefusedFile(
            source.path,
            f"was keyed with another pseudonym key than {db}'s (fingerprint "
            f"{manifest.key_fingerprint}, the database's {key.fingerprint}); run the job "
            "again with the database's key in SCALEBOARD_PSEUDONYM_KEY or "
            "SCALEBOARD_PSEUDONYM_KEY_FILE (docs/scale-out.md)",
        )
    return key


def _parquet_files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.glob("*.parquet"))


def _check_rows(target: TakeInTarget, source: SourceFile, events_file: Path) -> None:
    """Events of unknown initiatives or implausible months: the job checked them against
    other initiatives or settings than this database's."""
    rows = target.con.execute(
        "select distinct initiative_id from read_parquet(?) "
        "where initiative_id not in (select initiative_id from initiatives) "
        "order by 1 limit ?",
        [str(events_file), SHOWN],
    ).fetchall()
    if rows:
        names = ", ".join(str(r[0]) for r in rows)
        raise RefusedFile(
            source.path,
            f"holds events of initiatives {target.store.db} has not loaded ({names}); load "
            "them in initiatives first, or run the job with this database's initiatives",
        )
    months = target.plausible_months
    [(outside,)] = target.con.execute(
        "select count(*) from read_parquet(?) where month not between ? and ?",
        [str(events_file), months.first, months.last],
    ).fetchall()
    if outside:
        raise RefusedFile(
            source.path,
            f"holds months outside the plausible months {months.describe()} of this "
            "database's settings; run the job with the same SCALEBOARD_EARLIEST_MONTH and "
            "SCALEBOARD_YEARS_AHEAD",
        )


def _store_users(
    target: TakeInTarget, source: SourceFile, manifest: Manifest, key: KeySpec, index: int
) -> set[dt.date]:
    users = _parquet_files(source.path / USERS_DIR)
    if not users or not manifest.months:
        return set()
    folder = target.store.events_dir_of(target.load_id)
    folder.mkdir(parents=True, exist_ok=True)
    events_file = folder / f"file-{index}.parquet"
    target.con.execute(
        f"""
        copy (
            select distinct initiative_id::varchar as initiative_id, month::date as month,
                   user_key::{key.sql_type} as user_key,
                   null::timestamptz as event_time, null::varchar as action
            from read_parquet(?)
        ) to '{events_file}' ({EVENTS_FILE_FORMAT})
        """,
        [users],
    )
    _check_rows(target, source, events_file)
    relative = str(events_file.relative_to(target.store.db.parent))
    months = {dt.date.fromisoformat(m): n for m, n in manifest.months.items()}
    target.con.executemany(
        "insert into event_partitions values (?, ?, ?, ?)",
        [[target.load_id, month, relative, n] for month, n in sorted(months.items())],
    )
    return set(months)


def _store_rejects(target: TakeInTarget, source: SourceFile, manifest: Manifest) -> None:
    rejects = _parquet_files(source.path / REJECTS_DIR)
    if not rejects:
        return
    paths = [f.path for f in manifest.files]
    target.con.execute(
        """
        insert into rejects
        select ?, (?::varchar[])[r.file_index + 1], ?, r.row_number, r.column_name,
               r.value, r.reason
        from read_parquet(?) as r order by r.file_index, r.row_number
        """,
        [target.load_id, paths, ENTITY, rejects],
    )


def take_in(target: TakeInTarget, source: SourceFile, index: int) -> FileResult:
    """Stores a user-months folder in the release being written; returns its result, one
    `inputs` entry per event file the job read."""
    manifest = read_manifest(source.path)
    key = _check_key(target, source, manifest)
    target.touched_months |= _store_users(target, source, manifest, key, index)
    _store_rejects(target, source, manifest)
    inputs = [
        FileResult(
            f.path,
            ENTITY,
            f.sha256,
            f.format,
            rows_read=f.rows_read,
            rows_loaded=f.rows_read - f.rows_rejected,
            rows_rejected=f.rows_rejected,
            warnings=list(f.warnings),
        )
        for f in manifest.files
    ]
    result = FileResult(str(source.path), ENTITY, source.sha256, source.format, inputs=inputs)
    result.rows_read = sum(f.rows_read for f in inputs)
    result.rows_rejected = sum(f.rows_rejected for f in inputs)
    result.rows_loaded = result.rows_read - result.rows_rejected
    return result


def earlier_rows(loaded: dict[tuple[str, str], int], source: SourceFile, force: bool) -> int | None:
    """A user-months folder is skipped when every file it read was loaded before (the rows
    read then); refused when only some were, since its users cannot be split by file."""
    manifest = read_manifest(source.path)
    keys = [(f.sha256, ENTITY) for f in manifest.files]
    before = [k for k in keys if k in loaded]
    if force or not before:
        return None
    if len(before) == len(keys):
        return sum(loaded[k] for k in keys)
    named = ", ".join(f.path for f in manifest.files if (f.sha256, ENTITY) in loaded)
    raise RefusedFile(
        source.path,
        f"was made from files loaded before ({named}) and others; run the job without "
        "them, or pass --force to count them again",
    )
