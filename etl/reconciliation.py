"""Where every unit of a cost export's cost column went: allocated to an initiative (a stored
cost row) or unallocated with its reason (no tag, a tag value that maps to no initiative or
to one that is not loaded, a negative net, an unparseable record, or `rejected: <why>` for a
group the loader rejected), per billing period (the `YYYY-MM` of BillingPeriodStart as
written) and currency. Sums are exact decimals in DuckDB; `allocated + unallocated =
source_total` holds exactly, and records whose amount does not parse are counted in
`unparsed_rows`. The rows are kept in `cost_reconciliation` for the data page."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import duckdb

from etl.sql_files import run_sql

if TYPE_CHECKING:
    from etl.readers import SourceFile


def reconcile(
    con: duckdb.DuckDBPyConnection, load_id: int, source: SourceFile, ledger_table: str
) -> list[dict[str, Any]]:
    """Stores the ledger of one export as loaded and returns its reconciliation rows."""
    params = {"load_id": load_id, "source_file": str(source.path)}
    run_sql(con, "adapters/focus", "reconcile", params, relations={"ledger": ledger_table})
    return stored_reconciliation(con, load_id, str(source.path))


def stored_reconciliation(
    con: duckdb.DuckDBPyConnection, load_id: int, source_file: str
) -> list[dict[str, Any]]:
    """The reconciliation of one file of one load, as `load --json` reports it."""
    params = {"load_id": load_id, "source_file": source_file}
    rows = run_sql(con, "adapters/focus", "reconciliation", params).fetchall()
    return [
        {
            "billing_period": period,
            "currency": currency,
            "source_total": _number(total),
            "allocated": _number(allocated),
            "unallocated": _number(unallocated),
            "unparsed_rows": int(unparsed),
        }
        for period, currency, total, allocated, unallocated, unparsed in rows
    ]


def _number(value: Decimal | None) -> float:
    return float(value or 0)
