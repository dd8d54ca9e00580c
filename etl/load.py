"""`scaleboard load`: contract files into a new database release, in one all-or-nothing step.

Order of work: resolve every file (refusing early what names no entity), take the load lock,
copy the current release, load each file (extract -> check -> upsert, rejects recorded),
refresh the marts, record the audit, and switch the new release in. Any refusal discards the
copy, so nothing at all changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from etl import storage
from etl.config import Settings
from etl.contracts import ENTITIES, columns_of
from etl.events import refresh_monthly_active
from etl.marts import build_marts
from etl.readers import (
    RefusedFile,
    SourceFile,
    column_names,
    expand,
    raw_select,
    read_raw,
    resolve,
    run_on_file,
    transcode_to_utf8,
)
from etl.validate import CheckPlan, check_select, check_sql, quote_literal
from etl.writers import apply_rows, stream_events

Progress = Callable[[str], None]


@dataclass
class FileResult:
    path: str
    entity: str
    sha256: str
    format: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    status: str
    load_id: int | None
    files: list[FileResult] = field(default_factory=list)
    rows_skipped: int = 0
    error: str | None = None
    dry_run: bool = False

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def exit_code(self) -> int:
        return {"loaded": 0, "loaded_with_rejects": 1}.get(self.status, 2)

    def to_json(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "status": self.status,
            "load_id": self.load_id,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "files": [asdict(f) for f in self.files],
        }
        if self.error is not None:
            summary["error"] = self.error
        return summary


def _load_order(sources: list[SourceFile]) -> list[SourceFile]:
    """initiatives first, then fx_rates, then the rest; command-line order within each."""
    rank = {"initiatives": 0, "fx_rates": 1}
    return sorted(sources, key=lambda s: rank.get(s.entity, 2))


def _file_columns(
    source: SourceFile, names: list[str], result: FileResult
) -> dict[str, str | None]:
    """Contract column -> its name in the file (None: absent); refuses a file that lacks a
    required column and warns once about columns the contract does not know."""
    mapping = {name.strip().lower(): name for name in names}
    columns = columns_of(ENTITIES[source.entity])
    missing = [c.name for c in columns if c.required and c.name not in mapping]
    if missing:
        raise RefusedFile(
            source.path,
            f"lacks the required column(s) {', '.join(missing)} of {source.entity}; "
            f"it has: {', '.join(names) or 'none'}",
        )
    known = {c.name for c in columns}
    extra = [mapping[n] for n in mapping if n not in known]
    if extra:
        result.warnings.append(f"ignored unknown column(s): {', '.join(extra)}")
    return {c.name: mapping.get(c.name) for c in columns}


class Loader:
    """One `load` command against one open release copy."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        store: storage.Store,
        load_id: int,
        settings: Settings,
        encoding: str | None,
    ) -> None:
        self.con, self.store, self.load_id = con, store, load_id
        self.settings, self.encoding = settings, encoding
        self.touched_months: set[dt.date] = set()
        self.scratch = Path(tempfile.mkdtemp(prefix="scaleboard-"))

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def load_file(self, source: SourceFile, index: int) -> FileResult:
        result = FileResult(str(source.path), source.entity, source.sha256, source.format)
        path = source.path
        if self.encoding and source.format == "csv":
            path = transcode_to_utf8(path, self.encoding, self.scratch)
        header = column_names(self.con, path, source.format)
        columns = _file_columns(source, header, result)
        if source.entity == "usage_events":
            self._stream_events(source, path, header, columns, index, result)
        else:
            self._check(source, path, header, columns, index, result)
            apply_rows(self.con, self.load_id, source, f"checked_{index}")
            self.con.execute(f"drop table checked_{index}")
        result.rows_loaded = result.rows_read - result.rows_rejected
        return result

    def _check(
        self,
        source: SourceFile,
        path: Path,
        header: list[str],
        columns: dict[str, str | None],
        index: int,
        result: FileResult,
    ) -> None:
        """Reads and checks the file into `checked_<index>`, recording its rejects."""
        raw, checked = f"raw_{index}", f"checked_{index}"
        read_raw(self.con, path, source.format, header, columns, raw)
        plan = CheckPlan(source.entity, raw, self.reporting_currency)
        self.con.execute(check_sql(plan, checked))
        self.con.execute(f"drop table {raw}")
        result.rows_read, result.rows_rejected = self._record_rejects(checked, source)

    def _stream_events(
        self,
        source: SourceFile,
        path: Path,
        header: list[str],
        columns: dict[str, str | None],
        index: int,
        result: FileResult,
    ) -> None:
        """Events go straight from the file to Parquet; only a file with rejects is read a
        second time, to number and record them."""
        plan = CheckPlan(source.entity, "", self.reporting_currency)
        checked = check_select(plan, f"({raw_select(source.format, header, columns)})", False)
        rows, rejected, months = stream_events(
            self.con,
            self.store,
            self.load_id,
            index,
            checked,
            lambda sql: run_on_file(self.con, sql, path, source.format),
        )
        self.touched_months |= months
        if rejected:
            self._check(source, path, header, columns, index, result)
            self.con.execute(f"drop table checked_{index}")
        result.rows_read, result.rows_rejected = rows, rejected

    @property
    def reporting_currency(self) -> str:
        return self.settings.reporting_currency

    def _record_rejects(self, checked: str, source: SourceFile) -> tuple[int, int]:
        self.con.execute(
            f"""
            insert into rejects
            select ?, ?, ?, _row, _problems[1].column_name, _problems[1].value,
                   array_to_string(list_transform(_problems, lambda p: p.reason), '; ')
            from {checked} where len(_problems) > 0 order by _row
            """,
            [self.load_id, str(source.path), source.entity],
        )
        row = self.con.execute(
            f"select count(*), count(*) filter (where len(_problems) > 0) from {checked}"
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def fix_reporting_currency(self) -> None:
        """A database has one reporting currency: the one of its first load."""
        row = self.con.execute(
            "select value from meta where name = 'reporting_currency'"
        ).fetchone()
        if row is None:
            self.con.execute(
                "insert into meta values ('reporting_currency', ?)", [self.reporting_currency]
            )
        elif row[0] != self.reporting_currency:
            raise storage.StorageError(
                f"{self.store.db} reports in {row[0]}, but SCALEBOARD_REPORTING_CURRENCY is "
                f"{self.reporting_currency}; use the same currency or load into a new --db"
            )

    def finish(self, result: LoadResult, command: str, started: dt.datetime) -> None:
        refresh_monthly_active(self.con, self.store.db.parent, sorted(self.touched_months))
        build_marts(self.con)
        self.con.execute(
            "insert into loads values (?, ?, now(), ?, ?, ?, ?, ?, ?)",
            [
                self.load_id,
                started,
                result.status,
                command,
                result.rows_read,
                result.rows_loaded,
                result.rows_rejected,
                result.rows_skipped,
            ],
        )
        for f in result.files:
            self.con.execute(
                "insert into load_files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    self.load_id,
                    f.path,
                    f.entity,
                    f.format,
                    f.sha256,
                    f.rows_read,
                    f.rows_loaded,
                    f.rows_rejected,
                    f.skipped,
                    f.warnings,
                ],
            )
        self.con.execute("checkpoint")


def plan_skips(store: storage.Store, sources: list[SourceFile], force: bool) -> list[int | None]:
    """Per file: the rows read when its exact content was loaded before (it is skipped),
    else None. A file given twice in one command is loaded once."""
    if force:
        return [None] * len(sources)
    earlier: dict[tuple[str, str], int] = {}
    if store.db.exists():
        with contextlib.closing(storage.open_current(store.db)) as con:
            rows = con.execute(
                "select sha256, entity, max_by(rows_read, load_id) from load_files "
                "where not skipped group by all"
            ).fetchall()
        earlier = {(sha, entity): int(n) for sha, entity, n in rows}
    plan: list[int | None] = []
    seen: set[tuple[str, str]] = set()
    for source in sources:
        key = (source.sha256, source.entity)
        plan.append(earlier.get(key, 0 if key in seen else None))
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
) -> LoadResult:
    """Loads files into `db` as one transaction; never raises for bad input, it refuses."""
    store = storage.Store(db)
    result = LoadResult(status="refused", load_id=None, dry_run=dry_run)
    try:
        sources = _load_order([resolve(p, entity) for p in expand(paths)])
        if not sources:
            raise RefusedFile(Path(*paths[:1]) if paths else Path("."), "no loadable files found")
        with storage.exclusive_lock(store, settings.lock_timeout_s):
            _load_locked(store, sources, settings, result, force, encoding, command, progress)
    except (RefusedFile, storage.StorageError) as exc:
        result.status, result.error = "refused", str(exc)
        storage.append_audit(store, load_id=result.load_id, event="refused", error=str(exc))
    return result


def _load_locked(
    store: storage.Store,
    sources: list[SourceFile],
    settings: Settings,
    result: LoadResult,
    force: bool,
    encoding: str | None,
    command: str,
    progress: Progress | None,
) -> None:
    committed = _committed(store)
    storage.remove_orphans(store, committed)
    load_id = result.load_id = storage.next_load_id(store, committed)
    skips = plan_skips(store, sources, force)
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
    if not todo:  # every file was loaded before: nothing changes, not even the history
        result.status = "loaded"
        storage.append_audit(store, load_id=load_id, event="skipped", command=command)
        return
    storage.append_audit(store, load_id=load_id, event="started", command=command)
    _write_release(store, todo, settings, result, encoding, command, progress)
    storage.append_audit(
        store,
        load_id=load_id,
        event="dry_run" if result.dry_run else "committed",
        status=result.status,
        rows_loaded=result.rows_loaded,
    )


def _write_release(
    store: storage.Store,
    todo: list[tuple[int, SourceFile]],
    settings: Settings,
    result: LoadResult,
    encoding: str | None,
    command: str,
    progress: Progress | None,
) -> None:
    """Loads the files into a copy of the release and switches it in (unless a dry run)."""
    assert result.load_id is not None
    started = dt.datetime.now(dt.UTC)
    con = storage.open_next(store)
    loader = Loader(con, store, result.load_id, settings, encoding)
    switched = False
    try:
        loader.fix_reporting_currency()
        if any(source.entity == "usage_events" for _, source in todo):
            _register_key(con, store, settings)
        for index, source in todo:
            if progress:
                progress(f"{source.path.name} ({source.entity})")
            result.files[index] = loader.load_file(source, index)
        result.status = _status(result)
        loader.finish(result, command, started)
        con.close()
        if not result.dry_run:
            storage.switch_in(store, settings.releases_kept)
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


def _committed(store: storage.Store) -> int:
    if not store.db.exists():
        return 0
    with contextlib.closing(storage.open_current(store.db)) as con:
        return storage.committed_load_id(con)


def _register_key(con: duckdb.DuckDBPyConnection, store: storage.Store, settings: Settings) -> None:
    """Makes the user-id hash available to the event writer as a temporary macro."""
    if settings.pseudonymise_user_ids:
        key = storage.pseudonym_key(store, settings.pseudonym_key)
        con.execute(f"create temp macro user_key(u) as md5({quote_literal(key)} || u)")
    else:
        con.execute("create temp macro user_key(u) as u")
