"""`scaleboard load`: files into a new database release, in one all-or-nothing step.

Order of work: resolve every file (refusing early what names no entity), take the load lock,
plan which files were loaded before (skipped), copy the current release, load each file
(`etl.loader`), refresh the marts, record the audit, and switch the new release in. Any
refusal discards the copy, so nothing at all changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import storage
from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.loader import Loader
from etl.pseudonyms import register_user_key
from etl.readers import RefusedFile, SourceFile, expand, resolve, sha256_of
from etl.results import FileResult, LoadResult

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
    except (RefusedFile, storage.StorageError) as exc:
        result.status, result.error = "refused", str(exc)
        storage.append_audit(store, load_id=result.load_id, event="refused", error=str(exc))
    return result


def _load_locked(
    store: storage.Store,
    sources: list[SourceFile],
    settings: Settings,
    result: LoadResult,
    options: LoadOptions,
) -> None:
    committed, loaded, upgrade = _current_state(store)
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
    _write_release(store, committed, todo, settings, result, options)
    storage.append_audit(
        store,
        load_id=load_id,
        event="dry_run" if result.dry_run else "committed",
        status=result.status,
        rows_loaded=result.rows_loaded,
    )


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
    loader = Loader(con, store, result.load_id, settings, options.encoding, options.adapter_options)
    switched = False
    try:
        loader.fix_reporting_currency()
        if any(_writes_events(source) for _, source in todo):
            register_user_key(con, store, settings, result.dry_run)
        for index, source in todo:
            if options.progress:
                options.progress(f"{source.path.name} ({source.entity})")
            result.files[index] = loader.load_file(source, index)
        result.status = _status(result)
        loader.finish(result, options.command, started)
        con.close()
        if not result.dry_run:
            storage.switch_in(store, committed, settings.releases_kept)
            switched = True
    except duckdb.Error as exc:
        raise storage.StorageError(f"the load failed inside DuckDB: {exc}") from exc
    finally:
        with contextlib.suppress(duckdb.Error):
            con.close()
        loader.close()
        if not switched:
            store.next_path.unlink(missing_ok=True)
            shutil.rmtree(store.events_dir_of(result.load_id), ignore_errors=True)
            with contextlib.suppress(OSError):
                store.events_dir.rmdir()  # only when empty: nothing else was ever stored


def _current_state(store: storage.Store) -> tuple[int, dict[tuple[str, str], int], bool]:
    """The committed load id of the current release, the files it has loaded, and whether
    it needs an upgrade (a load writes a new release even when it skips every file)."""
    if not store.db.exists():
        return 0, {}, False
    with contextlib.closing(storage.open_current(store.db)) as con:
        return (
            storage.committed_load_id(con),
            loaded_files(con),
            storage.upgrade_needed(con, store.db),
        )


__all__ = ["FileResult", "LoadOptions", "LoadResult", "load_files"]
