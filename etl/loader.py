"""One load's work on one release copy: each file extracted, checked and stored."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb

from etl import scratch, storage
from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.contracts import ENTITIES, columns_of
from etl.events import refresh_monthly_active
from etl.identifiers import register_id_functions
from etl.load_adapted import load_adapted
from etl.marts import build_marts
from etl.period import PlausibleMonths
from etl.pseudonyms import KeySpec
from etl.readers import (
    RefusedFile,
    SourceFile,
    column_names,
    raw_select,
    read_raw,
    run_on_file,
    transcode_to_utf8,
)
from etl.results import FileResult, LoadResult
from etl.take_in import take_in
from etl.validate import CheckPlan, check_select, check_sql
from etl.writers import apply_rows, stream_events

SHOWN_NAMES = 5
"""A message names this many columns of a longer list, then says how many more there are."""


def name_list(names: list[str]) -> str:
    """`a, b, c` or, for a long list, `a, b, c, d, e and 9995 more (10000 in all)`."""
    if len(names) <= SHOWN_NAMES:
        return ", ".join(names)
    shown = ", ".join(names[:SHOWN_NAMES])
    return f"{shown} and {len(names) - SHOWN_NAMES} more ({len(names)} in all)"


def file_columns(source: SourceFile, names: list[str], result: FileResult) -> dict[str, str | None]:
    """Contract column -> its name in the file (None: absent); refuses a file that lacks a
    required column and warns once about columns the contract does not know."""
    mapping = {name.strip().lower(): name for name in names}
    columns = columns_of(ENTITIES[source.entity])
    missing = [c.name for c in columns if c.required and c.name not in mapping]
    if missing:
        raise RefusedFile(
            source.path,
            f"lacks the required column(s) {', '.join(missing)} of {source.entity}; "
            f"it has: {name_list(names) or 'none'}",
        )
    known = {c.name for c in columns}
    extra = [mapping[n] for n in mapping if n not in known]
    if extra:
        result.warnings.append(f"ignored unknown column(s): {name_list(extra)}")
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
        adapter_options: AdapterOptions | None = None,
    ) -> None:
        self.con, self.store, self.load_id = con, store, load_id
        self.settings, self.encoding = settings, encoding
        self.adapter_options = adapter_options or AdapterOptions()
        self.touched_months: set[dt.date] = set()
        self.key: KeySpec | None = None
        """The user key, once an events file is among the load's (`register_user_key`)."""
        self.scratch = scratch.make()
        register_id_functions(con)

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)

    def load_file(self, source: SourceFile, index: int) -> FileResult:
        result = FileResult(str(source.path), source.entity, source.sha256, source.format)
        path = source.path
        if self.encoding and source.format == "csv":
            path = transcode_to_utf8(path, self.encoding, self.scratch)
        if source.format == "user_months":
            return take_in(self, source, index)
        if source.adapter:
            load_adapted(self, source, path, index, result, self.adapter_options)
            return result
        header = column_names(self.con, path, source.format)
        columns = file_columns(source, header, result)
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
        read_raw(self.con, path, source.format, header, columns, raw, source.entity)
        plan = CheckPlan(
            source.entity,
            raw,
            self.reporting_currency,
            self.plausible_months,
            has_bad=source.format == "json",
        )
        self.con.execute(check_sql(plan, checked))
        self.con.execute(f"drop table {raw}")
        result.rows_read, result.rows_rejected = self.record_rejects(checked, source)

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
        plan = CheckPlan(
            source.entity,
            "",
            self.reporting_currency,
            self.plausible_months,
            has_bad=source.format == "json",
        )
        raw = raw_select(source.format, header, columns, source.entity)
        checked = check_select(plan, f"({raw})", "cast(null as bigint)")
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

    @property
    def plausible_months(self) -> PlausibleMonths:
        return self.settings.plausible_months()

    def record_rejects(
        self, checked: str, source: SourceFile, weight: str = "1"
    ) -> tuple[int, int]:
        """Records the rejects of a checked table; returns (rows read, rows rejected), each
        row counting for `weight` source records."""
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
            f"select coalesce(sum({weight}), 0), "
            f"coalesce(sum({weight}) filter (where len(_problems) > 0), 0) from {checked}"
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
        for f in (part for file in result.files for part in (file.inputs or [file])):
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
