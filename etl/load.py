"""`scaleboard load`: files into a new database release, in one all-or-nothing step.

Order of work: resolve every file (refusing early what names no entity), take the load lock,
plan which files were loaded before (skipped), copy the current release, load each file
(`etl.loader`), refresh the marts, switch the new release in, and record the audit. Any
refusal discards the copy, so nothing at all changes. A failure after the switch (the audit
line cannot be written) is no refusal: the load is committed, and says so with a warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from etl import failpoints, scratch, storage
from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.files import duckdb_write_failure, os_write_failure
from etl.loader import Loader
from etl.pseudonyms import register_user_key
from etl.readers import RefusedFile, SourceFile, expand, resolve, sha256_of
from etl.results import FileResult, LoadResult
from etl.take_in import earlier_rows

Progress = Callable[[str], None]


@dataclass(frozen=True)
class LoadOptions:
    """How one `load` command runs."""

    force: bool = False
    encoding: str | None = None
    command: str = "load"
    progress: Progress | None = None
    adapter_options: AdapterOptions | None = None


def _load_order(sources: list[SourceFile]) -> list[SourceFile]:
    """initiatives first, then fx_rates, then the rest; command-line order within each."""
    rank = {"initiatives": 0, "fx_rates": 1}
    return sorted(sources, key=lambda s: rank.get(s.entity, 2))


def resolve_adapted(path: Path, adapter: str) -> SourceFile:
    """A file of a real-world export format (`--format NAME`)."""
    from etl.adapters import ADAPTERS

    if adapter not in ADAPTERS:
        raise RefusedFile(path, f"unknown --format {adapter!r}; see `scaleboard sources`")
    if not path.is_file():
        raise RefusedFile(path, "no such file; check the path")
    entity = ADAPTERS[adapter].produces[0]
    return SourceFile(path, entity, adapter, sha256_of(path), adapter=adapter)


def _writes_events(source: SourceFile) -> bool:
    """Whether loading the file may write usage events (an adapter may, whatever its entity)."""
    from etl.adapters import ADAPTERS

    if source.adapter:
        return "usage_events" in ADAPTERS[source.adapter].produces
    return source.entity == "usage_events"


def loaded_files(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """(sha256, entity) -> rows read, of every file a committed load read."""
    rows = con.execute(
        "select sha256, entity, max_by(rows_read, load_id) from load_files "
        "where not skipped group by all"
    ).fetchall()
    return {(sha, entity): int(n) for sha, entity, n in rows}


def plan_skips(
    loaded: dict[tuple[str, str], int], sources: list[SourceFile], force: bool
) -> list[int | None]:
    """Per file: the rows read when its exact content was loaded before (it is skipped),
    else None. A file given twice in one command is loaded once."""
    if force:
        return [None] * len(sources)
    plan: list[int | None] = []
    seen: set[tuple[str, str]] = set()
    for source in sources:
        key = (source.sha256, source.entity)
        if source.format == "user_months" and key not in seen:
            plan.append(earlier_rows(loaded, source, force))
        else:
            plan.append(loaded.get(key, 0 if key in seen else None))
        seen.add(key)
    return plan


def _status(result: LoadResult) -> str:
    return "loaded_with_rejects" if result.rows_rejected else "loaded"


def load_files(
    db: Path,
    paths: Sequence[Path],
    settings: Settings,
    *,
    entity: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
    command: str = "load",
    progress: Progress | None = None,
    adapter: str | None = None,
    adapter_options: AdapterOptions | None = None,
) -> LoadResult:
    """Loads files into `db` as one transaction; never raises for bad input, it refuses.
    With `adapter`, every file is an export of that format (`scaleboard sources`)."""
    store = storage.Store(db)
    result = LoadResult(status="refused", load_id=None, dry_run=dry_run)
    scratch.sweep()
    try:
        if adapter:
            sources = [resolve_adapted(p, adapter) for p in paths]
        else:
            sources = _load_order([resolve(p, entity) for p in expand(paths)])
        if not sources:
            raise RefusedFile(Path(*paths[:1]) if paths else Path("."), "no loadable files found")
        with storage.exclusive_lock(store, settings.lock_timeout_s):
            options = LoadOptions(force, encoding, command, progress, adapter_options)
            _load_locked(store, sources, settings, result, options)
    except OSError as exc:  # a write of the load failed: the path, the cause, the free space
        refuse(store, result, os_write_failure(exc, store.next_path), command)
    except (RefusedFile, storage.StorageError) as exc:
        refuse(store, result, str(exc), command)
    return result


def audit_skipped(
    store: storage.Store,
    settings: Settings,
    skipped: list[FileResult],
    rows_skipped: int,
    command: str,
) -> LoadResult:
    """A command whose every file was loaded before: nothing changes, and the audit log
    says so as it says of a `load` that skips every file."""
    result = LoadResult(status="loaded", load_id=None, files=skipped, rows_skipped=rows_skipped)
    try:
        with storage.exclusive_lock(store, settings.lock_timeout_s):
            committed, _, _, _ = _current_state(store)
            result.load_id = storage.next_load_id(store, committed)
            storage.append_audit(store, load_id=result.load_id, event="skipped", command=command)
    except storage.StorageError as exc:
        refuse(store, result, str(exc), command)
    return result


def refuse(
    store: storage.Store, result: LoadResult, error: str, command: str | None = None
) -> None:
    result.status, result.error = "refused", error
    try:
        storage.append_audit(
            store, load_id=result.load_id, event="refused", error=error, command=command
        )
    except storage.StorageError as exc:  # the refusal stands; the log says nothing of it
        result.warnings.append(str(exc))


def _load_locked(
    store: storage.Store,
    sources: list[SourceFile],
    settings: Settings,
    result: LoadResult,
    options: LoadOptions,
) -> None:
    failpoints.reached("locked")
    committed, loaded, upgrade, loads = _current_state(store)
    result.warnings += storage.tidy_audit(store, loads)
    storage.remove_orphans(store, committed)
    load_id = result.load_id = storage.next_load_id(store, committed)
    skips = plan_skips(loaded, sources, options.force)
    for source, earlier in zip(sources, skips, strict=True):
        result.files.append(
            FileResult(
                str(source.path),
                source.entity,
                source.sha256,
                source.format,
                skipped=earlier is not None,
            )
        )
        result.rows_skipped += earlier or 0
    todo = [(i, s) for i, s in enumerate(sources) if not result.files[i].skipped]
    if not todo and not upgrade:  # every file was loaded before: nothing changes at all
        result.status = "loaded"
        storage.append_audit(store, load_id=load_id, event="skipped", command=options.command)
        return
    storage.append_audit(store, load_id=load_id, event="started", command=options.command)
    failpoints.reached("started")
    _write_release(store, committed, todo, settings, result, options)
    if not result.dry_run:
        failpoints.reached("switched")
    try:
        storage.append_audit(
            store,
            load_id=load_id,
            event="dry_run" if result.dry_run else "committed",
            status=result.status,
            rows_loaded=result.rows_loaded,
        )
    except storage.StorageError as exc:  # after the switch: the load stands, say so
        done = "checked" if result.dry_run else "committed"
        result.warnings.append(
            f"load {load_id} is {done}, but {exc}; the next load or rollback completes the "
            "audit log from the database"
        )
    failpoints.reached("audited")


def _write_release(
    store: storage.Store,
    committed: int,
    todo: list[tuple[int, SourceFile]],
    settings: Settings,
    result: LoadResult,
    options: LoadOptions,
) -> None:
    """Loads the files into a copy of the release and switches it in (unless a dry run)."""
    assert result.load_id is not None
    started = dt.datetime.now(dt.UTC)
    con = storage.open_next(store, settings.load_memory_limit)
    failpoints.reached("copied")
    loader = Loader(con, store, result.load_id, settings, options.encoding, options.adapter_options)
    next_file: int | None = None
    try:
        loader.fix_reporting_currency()
        if any(_writes_events(source) for _, source in todo):
            loader.key = register_user_key(con, store, settings, result.dry_run)
        for index, source in todo:
            if options.progress:
                options.progress(f"{source.path.name} ({source.entity})")
            result.files[index] = loader.load_file(source, index)
            failpoints.reached("file_loaded")
        result.status = _status(result)
        loader.finish(result, options.command, started)
        con.close()
        failpoints.reached("finished")
        if not result.dry_run:
            next_file = os.stat(store.next_path).st_ino
            storage.switch_in(store, committed, settings.releases_kept, result.load_id)
    except duckdb.Error as exc:
        written = duckdb_write_failure(exc)
        raise storage.StorageError(written or f"the load failed inside DuckDB: {exc}") from None
    finally:
        with contextlib.suppress(duckdb.Error):
            con.close()
        loader.close()
        if not _switched(store, next_file):
            storage.remove_next(store)
            shutil.rmtree(store.events_dir_of(result.load_id), ignore_errors=True)
            with contextlib.suppress(OSError):
                store.events_dir.rmdir()  # only when empty: nothing else was ever stored


def _switched(store: storage.Store, next_file: int | None) -> bool:
    """Whether the new release (the file whose inode is `next_file`) is the current one: a
    failure after `os.replace` must not remove what the committed release names."""
    try:
        return next_file is not None and os.stat(store.db).st_ino == next_file
    except FileNotFoundError:
        return False


State = tuple[int, dict[tuple[str, str], int], bool, dict[int, dict[str, Any]]]


def _current_state(store: storage.Store) -> State:
    """The committed load id of the current release, the files it has loaded, whether it
    needs an upgrade (a load writes a new release even when it skips every file), and its
    committed loads (to complete the audit log)."""
    if not store.db.exists():
        return 0, {}, False, {}
    with contextlib.closing(storage.open_current(store.db)) as con:
        try:
            return (
                storage.committed_load_id(con),
                loaded_files(con),
                storage.upgrade_needed(con, store.db),
                storage.committed_loads(con),
            )
        except duckdb.Error as exc:  # tables of another shape: not one of ours
            raise storage.damaged(store.db, exc) from None


__all__ = ["FileResult", "LoadOptions", "LoadResult", "load_files"]
