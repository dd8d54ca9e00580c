"""Loading a real-world export: the adapter makes contract rows, then they go through the
same checks, rejects, upserts and audit as a contract file.

The dependency is one-way: `etl.loader` calls `load_adapted` with itself as the
`LoadTarget`, and this module knows only that protocol, never the loader."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import duckdb

from etl.adapters import ADAPTERS, AdapterError, AdapterOptions, Conversion, Converted
from etl.inventories import record_sightings
from etl.period import PlausibleMonths
from etl.readers import RefusedFile, SourceFile
from etl.reconciliation import reconcile
from etl.reports import REPORT_KEY, store_reports
from etl.validate import CheckPlan, check_sql
from etl.writers import append_checked_events, apply_rows

if TYPE_CHECKING:
    from etl import storage
    from etl.results import FileResult


class LoadTarget(Protocol):
    """What an adapted file is loaded into: the open release copy of one load."""

    con: duckdb.DuckDBPyConnection
    store: storage.Store
    load_id: int
    touched_months: set[dt.date]

    @property
    def reporting_currency(self) -> str: ...

    @property
    def plausible_months(self) -> PlausibleMonths: ...

    def record_rejects(
        self, checked: str, source: SourceFile, weight: str = "1"
    ) -> tuple[int, int]: ...


def load_adapted(
    loader: LoadTarget,
    source: SourceFile,
    path: Path,
    index: int,
    result: FileResult,
    options: AdapterOptions,
) -> None:
    """Converts, checks and stores one export; rows read = loaded + rejected + unallocated."""
    assert source.adapter is not None
    con = loader.con
    options = dataclasses.replace(options, plausible_months=loader.plausible_months)
    try:
        conversion = ADAPTERS[source.adapter].convert(con, path, options, f"adapted_{index}")
    except AdapterError as exc:
        raise RefusedFile(source.path, str(exc)) from None
    except duckdb.Error as exc:
        raise RefusedFile(source.path, f"cannot be read as {source.adapter}: {exc}") from None
    rejected = _adapter_rejects(loader, source, conversion)
    for number, output in enumerate(conversion.outputs):
        rejected += _load_output(loader, source, output, f"checked_{index}_{number}", index)
    result.rows_unallocated = _store_unallocated(loader, source, conversion)
    if conversion.sightings_table:
        result.warnings += record_sightings(
            con, loader.load_id, str(source.path), conversion.sightings_table
        )
    if conversion.ledger_table:
        result.reconciliation = reconcile(con, loader.load_id, source, conversion.ledger_table)
    _store_mappings(loader, source, conversion)
    result.warnings += conversion.notes
    result.rows_read = conversion.rows_read
    result.rows_rejected = rejected
    result.rows_loaded = result.rows_read - rejected - result.rows_unallocated


def _load_output(
    loader: LoadTarget, source: SourceFile, output: Converted, checked: str, index: int
) -> int:
    """Checks and stores one entity's rows; returns the source records rejected. Usage
    events are appended as a Parquet file (and their months refreshed), never upserted."""
    con = loader.con
    plan = CheckPlan(
        output.entity,
        output.table,
        loader.reporting_currency,
        loader.plausible_months,
        extra_key=REPORT_KEY if output.as_reports else (),
    )
    con.execute(check_sql(plan, checked, row_sql="_source_row"))
    entity_source = SourceFile(source.path, output.entity, source.format, source.sha256)
    _, rejected = loader.record_rejects(checked, entity_source, weight="_weight")
    if output.replace_sources:
        _replace_sources(con, output.replace_sources)
    if output.as_reports:
        store_reports(con, loader.load_id, entity_source, checked)
    elif output.entity == "usage_events":
        loader.touched_months |= append_checked_events(
            con, loader.store, loader.load_id, f"file-{index}-{output.table}", checked
        )
    else:
        apply_rows(con, loader.load_id, entity_source, checked)
    con.execute(f"drop table {checked}")
    return rejected


def _replace_sources(con: duckdb.DuckDBPyConnection, sources: tuple[str, ...]) -> None:
    """Deletes the stored rows of each source, and of that source with a currency suffix
    (`focus:<account>:<period>` names the rows `focus:<account>:<period>:<CUR>` too)."""
    for table in ("costs", "unallocated_costs"):
        con.execute(
            f"delete from {table} where list_contains($sources, source) "
            "or list_contains($sources, regexp_replace(source, ':[A-Z]{3}$', ''))",
            {"sources": list(sources)},
        )


def _adapter_rejects(loader: LoadTarget, source: SourceFile, conversion: Conversion) -> int:
    if not conversion.rejects_table:
        return 0
    loader.con.execute(
        f"""
        insert into rejects
        select ?, ?, ?, _source_row, column_name, value, reason
        from {conversion.rejects_table} order by _source_row
        """,
        [loader.load_id, str(source.path), source.entity],
    )
    [(count,)] = loader.con.execute(
        f"select coalesce(sum(_weight), 0) from {conversion.rejects_table}"
    ).fetchall()
    return int(count)


def _store_unallocated(loader: LoadTarget, source: SourceFile, conversion: Conversion) -> int:
    if not conversion.unallocated_table:
        return 0
    loader.con.execute(
        f"""
        insert into unallocated_costs
        select ?, ?, source, month, currency, amount, _weight, reason
        from {conversion.unallocated_table}
        """,
        [loader.load_id, str(source.path)],
    )
    [(count,)] = loader.con.execute(
        f"select coalesce(sum(_weight), 0) from {conversion.unallocated_table}"
    ).fetchall()
    return int(count)


def _store_mappings(loader: LoadTarget, source: SourceFile, conversion: Conversion) -> None:
    if conversion.mappings:
        loader.con.executemany(
            "insert into adapter_mappings values (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    loader.load_id,
                    str(source.path),
                    source.adapter,
                    m.source_column,
                    m.source_value,
                    m.mapped_to,
                    m.rows,
                )
                for m in conversion.mappings
            ],
        )
