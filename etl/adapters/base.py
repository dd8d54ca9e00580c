"""The seam every real-world source goes through: an adapter turns an export into contract
rows, and the loader checks, rejects, upserts and audits them like any contract file.

An adapter works in SQL inside the load's own connection. It reads its file with DuckDB and
leaves, per entity it produces, a temp table of contract columns as text (`_raw_<column>`)
plus `_source_row` (the first record of the source file the row comes from, for rejects)
and `_weight` (how many source records the row stands for: FOCUS sums many charges into one
cost row). Its queries are files, `etl/sql/adapters/<adapter>/<name>.sql`, run with
`run_adapter_sql`; their temp tables are `{prefix}_<name>`, after the prefix the loader gives
the file. Values a user may need to change (stage names, cost categories) come from mapping
files, never from code: the defaults in `etl/adapters/mappings/` (package data, so every
install has them), or `--map FILE`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

import duckdb

from etl.period import PlausibleMonths
from etl.sql_files import run_sql


class AdapterError(Exception):
    """The file is not what the adapter reads, or an option it needs is missing."""


@dataclass(frozen=True)
class AdapterOptions:
    """Options of `scaleboard load --format NAME`; each adapter reads the ones it needs."""

    initiative: str | None = None
    initiative_tag: str | None = None
    map_file: Path | None = None
    cost_column: str | None = None
    plausible_months: PlausibleMonths | None = None
    """The settings' plausible months (filled in by the loader): a date of a source record
    outside them is a typo (1905), treated as missing."""


@dataclass(frozen=True)
class Converted:
    """Contract rows of one entity, in temp table `table` (see the module docstring).
    `replace_sources`: cost sources whose stored rows this file replaces as a whole.
    `as_reports`: adoption rows that are report figures (with `_report_kind`, `_period_days`
    and `_report_date` columns), kept per kind and period in `adoption_reports` rather than
    upserted by the adoption key; staging resolves which one a month shows."""

    entity: str
    table: str
    replace_sources: tuple[str, ...] = ()
    as_reports: bool = False


@dataclass
class Mapping:
    """One source value and what it mapped to (None: it did not map), with its row count."""

    source_column: str
    source_value: str | None
    mapped_to: str | None
    rows: int


@dataclass
class Conversion:
    """What an adapter made of one file.

    `rejects_table`: rows the adapter itself rejects (`_source_row`, `column_name`, `value`,
    `reason`, `_weight`). `unallocated_table`: FOCUS cost no initiative claims (`source`,
    `month`, `currency`, `amount`, `_weight`), kept, never dropped. `ledger_table`: where
    each unit of a cost export went (see `etl.reconciliation`). `sightings_table`: what an
    inventory says of each use case of its initiatives rows (see `etl.inventories`)."""

    outputs: list[Converted]
    rows_read: int
    rejects_table: str | None = None
    unallocated_table: str | None = None
    ledger_table: str | None = None
    sightings_table: str | None = None
    mappings: list[Mapping] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Adapter(Protocol):
    """A real-world export format."""

    name: str
    produces: tuple[str, ...]
    summary: str
    example: str

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion: ...


def run_adapter_sql(
    con: duckdb.DuckDBPyConnection,
    adapter: str,
    name: str,
    prefix: str,
    params: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Runs `etl/sql/adapters/<adapter>/<name>.sql`: `{prefix}` in it is this conversion's
    temp-table prefix, its `$name` parameters are bound from `params`."""
    return run_sql(con, f"adapters/{adapter}", name, params, relations={"prefix": prefix})


def default_mapping(name: str) -> Path:
    """The default mapping `etl/adapters/mappings/<name>.csv`, read from the installed package
    (which is always installed as files, never zipped, so the resource is a path)."""
    return Path(str(files("etl.adapters") / "mappings" / f"{name}.csv"))


def read_mapping(name: str, options: AdapterOptions, columns: tuple[str, str]) -> dict[str, str]:
    """A two-column mapping (source value -> target value) from `--map FILE` or the default
    `etl/adapters/mappings/<name>.csv`; source values compare case-insensitively after
    trimming."""
    path = options.map_file or default_mapping(name)
    if not path.exists():
        raise AdapterError(f"the mapping file {path} does not exist")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and not set(columns) <= set(rows[0]):
        raise AdapterError(f"the mapping file {path} needs the columns {', '.join(columns)}")
    return {r[columns[0]].strip().lower(): r[columns[1]].strip() for r in rows}


def mapping_table(con: duckdb.DuckDBPyConnection, table: str, mapping: dict[str, str]) -> None:
    """A temp table (source_key, target) of a mapping, to join in SQL. (DDL and a bound insert
    on a run-time table name: they stay here, they are no query.)"""
    con.execute(f"create or replace temp table {table} (source_key varchar, target varchar)")
    if mapping:
        con.executemany(f"insert into {table} values (?, ?)", list(mapping.items()))
