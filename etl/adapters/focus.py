"""`--format focus`: FinOps FOCUS 1.0 to 1.2 cost and usage exports (CSV or Parquet) -> costs.

Every source record is a charge of one billing account. Its initiative is the value of the tag
`--initiative-tag KEY` in the `Tags` JSON, mapped through `--map` (tag_value,initiative_id) or
else read as an initiative id; its category comes from ServiceCategory / ChargeCategory through
`etl/adapters/mappings/focus_categories.csv`; its month is the UTC month of ChargePeriodStart.
Charges are summed per (initiative, month, category, source) into cost rows whose source is
`focus:<BillingAccountId>:<YYYY-MM of BillingPeriodStart>:<BillingCurrency>`, so credits net
against charges, several currencies of one account and period never share a key, and a newer
export of the same account and period replaces the older one's rows (of every currency) as a
whole. Nothing is dropped: a group whose net is below zero, a charge with no tag, with a tag
value that maps to no initiative or to one that is not loaded, is kept as unallocated spend
with its reason; `etl.reconciliation` accounts for every unit of the cost column.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from etl.adapters.base import (
    AdapterError,
    AdapterOptions,
    Conversion,
    Converted,
    Mapping,
    default_mapping,
    mapping_table,
    read_mapping,
    run_adapter_sql,
)
from etl.contracts.entities import CostCategory
from etl.readers import RefusedFile, csv_header, strict_csv_scan
from etl.validate import quote_ident

REQUIRED = ("BillingAccountId", "BillingPeriodStart", "ChargePeriodStart", "BillingCurrency")
OPTIONAL = ("ServiceCategory", "ChargeCategory", "Tags")
DEFAULT_COST = "EffectiveCost"
CATEGORY_COLUMNS = ("service_category", "charge_category", "category")
TAG_COLUMNS = ("tag_value", "initiative_id")

# The queries are in etl/sql/adapters/focus/. What stays here is built from the file itself
# (its scan: a CSV scan names the file's columns; the select of the columns it has), plus
# the category table's DDL with its bound insert, and row counts.


def _scan(path: Path) -> str:
    if ".parquet" in [s.lower() for s in path.suffixes]:
        return "read_parquet(?)"
    return strict_csv_scan(csv_header(path))


def _file_columns(
    con: duckdb.DuckDBPyConnection, scan: str, path: Path
) -> dict[str, tuple[str, str]]:
    """The file's columns: trimmed lower-case name -> (name as written, DuckDB type)."""
    described = con.execute(f"describe select * from {scan}", [str(path)]).fetchall()
    return {str(name).strip().lower(): (str(name), str(kind)) for name, kind, *_ in described}


def _text(column: tuple[str, str] | None) -> str:
    """A column as trimmed text; blank and the literal NULL (any case) become NULL."""
    if column is None:
        return "cast(null as varchar)"
    name, kind = column
    value = f"cast({quote_ident(name)} as varchar)"
    if kind.upper().startswith(("MAP", "STRUCT")):  # Parquet exports may store Tags as a map
        value = f"cast(to_json({quote_ident(name)}) as varchar)"
    return f"case when upper(trim({value})) in ('', 'NULL') then null else trim({value}) end"


def _select_columns(
    columns: dict[str, tuple[str, str]], cost_column: str
) -> tuple[dict[str, tuple[str, str] | None], list[str]]:
    """The columns the adapter reads, and notes on optional ones the file lacks."""
    missing = [c for c in (*REQUIRED, cost_column) if c.lower() not in columns]
    if missing:
        raise AdapterError(
            f"not a FOCUS export: it has no column {', '.join(missing)} (names are compared "
            "ignoring case; --cost-column names the cost column, default EffectiveCost)"
        )
    notes = [
        f"the file has no {name} column: "
        + ("every row is kept as unallocated spend" if name == "Tags" else "read as blank")
        for name in OPTIONAL
        if name.lower() not in columns
    ]
    wanted = {
        "account": "BillingAccountId",
        "billing_period": "BillingPeriodStart",
        "charge_period": "ChargePeriodStart",
        "currency_text": "BillingCurrency",
        "cost": cost_column,
        "service_category": "ServiceCategory",
        "charge_category": "ChargeCategory",
        "tags": "Tags",
    }
    return {alias: columns.get(name.lower()) for alias, name in wanted.items()}, notes


def _map_header(path: Path) -> list[str]:
    if not path.exists():
        raise AdapterError(f"the mapping file {path} does not exist")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def _category_table(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    """The category mapping as (service_key, charge_key, category, rank); `*` or a blank cell
    matches any value, and the more specific row wins (both > service > charge > neither)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            tuple((row.get(c) or "").strip() for c in CATEGORY_COLUMNS)
            for row in csv.DictReader(handle)
        ]
    known = {c.value for c in CostCategory}
    wrong = sorted({r[2] for r in rows if r[2].lower() not in known})
    if wrong:
        raise AdapterError(
            f"the mapping file {path} maps to {', '.join(map(repr, wrong))}, which is not a "
            f"cost category ({', '.join(sorted(known))})"
        )
    con.execute(
        f"create or replace temp table {table} "
        "(service_key varchar, charge_key varchar, category varchar, rank integer)"
    )
    keys = [(s.lower() or "*", c.lower() or "*", cat.lower()) for s, c, cat in rows]
    con.executemany(
        f"insert into {table} values (?, ?, ?, ?)",
        [(s, c, cat, 2 * (s != "*") + (c != "*")) for s, c, cat in keys],
    )


def _mapping_tables(con: duckdb.DuckDBPyConnection, options: AdapterOptions, prefix: str) -> None:
    """`{prefix}_categories` and `{prefix}_tags`. `--map` replaces the category mapping when
    its header is service_category,charge_category,category, else it is the tag map."""
    categories = default_mapping("focus_categories")
    tags: dict[str, str] = {}
    if options.map_file is not None:
        header = set(_map_header(options.map_file))
        if set(CATEGORY_COLUMNS) <= header:
            categories = options.map_file
        elif set(TAG_COLUMNS) <= header:
            tags = read_mapping("focus_initiatives", options, TAG_COLUMNS)
        else:
            raise AdapterError(
                f"the mapping file {options.map_file} needs the columns tag_value,initiative_id "
                "(a tag map) or service_category,charge_category,category (a category map)"
            )
    if not categories.exists():
        raise AdapterError(f"the mapping file {categories} does not exist")
    _category_table(con, categories, f"{prefix}_categories")
    mapping_table(con, f"{prefix}_tags", tags)


def _read(
    con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
) -> tuple[str, list[str]]:
    """Reads the columns the adapter needs into `{prefix}_read`; returns the cost column as
    the file names it, and notes."""
    try:
        scan = _scan(path)
        columns = _file_columns(con, scan, path)
    except (duckdb.Error, RefusedFile) as exc:
        why = exc.why if isinstance(exc, RefusedFile) else str(exc).splitlines()[0]
        raise AdapterError(f"cannot be read as a FOCUS CSV or Parquet file: {why}") from None
    selected, notes = _select_columns(columns, (options.cost_column or DEFAULT_COST).strip())
    select = ", ".join(f"{_text(column)} as {alias}" for alias, column in selected.items())
    con.execute(
        f"create or replace temp table {prefix}_read as select {select} from {scan}",
        [str(path)],
    )
    cost = selected["cost"]
    assert cost is not None  # checked by _select_columns
    return cost[0], notes


def _reports(
    con: duckdb.DuckDBPyConnection, prefix: str, tag: str
) -> tuple[list[Mapping], list[str]]:
    categories = run_adapter_sql(con, "focus", "category_report", prefix).fetchall()
    tags = run_adapter_sql(con, "focus", "tag_report", prefix).fetchall()
    mappings = [
        Mapping("ServiceCategory / ChargeCategory", value, category, int(rows))
        for value, category, rows in categories
    ]
    mappings += [
        Mapping(f"Tags.{tag}", value, initiative, int(rows)) for value, initiative, rows in tags
    ]
    unmapped = [f"{m.source_value} ({m.rows} rows)" for m in mappings if _unmapped(m)]
    notes = (
        [f"no row of the category mapping matches {', '.join(unmapped)}: booked as other"]
        if unmapped
        else []
    )
    return mappings, notes


def _unmapped(mapping: Mapping) -> bool:
    return mapping.source_column.startswith("ServiceCategory") and mapping.mapped_to is None


class Focus:
    name = "focus"
    produces: tuple[str, ...] = ("costs",)
    summary = (
        "FinOps FOCUS 1.0-1.2 cost exports (CSV or Parquet) -> costs per initiative tag; "
        "untagged spend kept as unallocated"
    )
    example = "scaleboard load --format focus --initiative-tag initiative focus_2024-09.parquet"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        tag = (options.initiative_tag or "").strip()
        if not tag:
            raise AdapterError(
                "--format focus needs --initiative-tag KEY (the tag whose value names the "
                "initiative, optionally mapped with --map tag_value,initiative_id)"
            )
        _mapping_tables(con, options, prefix)
        cost_column, notes = _read(con, path, options, prefix)
        params = {"tag": tag, "path": "$." + json.dumps(tag), "cost_column": cost_column}
        run_adapter_sql(con, "focus", "rows", prefix, params)
        for name in ("groups", "costs", "rejects", "unallocated", "ledger"):
            run_adapter_sql(con, "focus", name, prefix)
        sources = run_adapter_sql(con, "focus", "sources", prefix).fetchall()
        [(rows_read,)] = con.execute(f"select count(*) from {prefix}_read").fetchall()
        mappings, mapping_notes = _reports(con, prefix, tag)
        return Conversion(
            outputs=[Converted("costs", f"{prefix}_costs", tuple(s for (s,) in sources))],
            rows_read=int(rows_read),
            rejects_table=f"{prefix}_rejects",
            unallocated_table=f"{prefix}_unallocated",
            ledger_table=f"{prefix}_ledger",
            mappings=mappings,
            notes=notes + mapping_notes,
        )
