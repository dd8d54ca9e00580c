"""The data view: is the data behind these numbers fresh and complete?"""

from __future__ import annotations

import csv
from collections.abc import Hashable
from typing import Any

import pandas as pd

from dashboard.components.tables import csv_safe, number, records, text
from dashboard.db import Reader
from dashboard.figures import data as fig
from dashboard.queries import Selection
from dashboard.queries import data as q
from dashboard.views.portfolio import empty_state, window_label
from dashboard.views.shell import page_filters
from etl.audit import TRAIL_FIELDS, load_trail

FRESHNESS_COLUMNS = [
    text("entity", "Entity"),
    number("row_count", "Rows (selected initiatives)"),
    text("latest", "Latest month or date"),
    text("last_loaded_at", "Last loaded (UTC)", minWidth=170),
    number("last_load_id", "Load"),
]
LOAD_COLUMNS = [
    number("load_id", "Load"),
    text("started_at", "Started (UTC)"),
    text("finished_at", "Finished (UTC)"),
    text("status", "Status"),
    number("rows_read", "Read"),
    number("rows_loaded", "Loaded"),
    number("rows_rejected", "Rejected"),
    number("rows_skipped", "Skipped"),
    text("message", "What happened", minWidth=320),
    text("command", "Command", minWidth=220),
    text("files", "Files", minWidth=300),
]
REJECT_COLUMNS = [
    number("load_id", "Load"),
    text("source_file", "File"),
    text("entity", "Entity"),
    number("row_number", "Row"),
    text("column_name", "Column"),
    text("value", "Value"),
    text("reason", "Reason", minWidth=400),
]
UNALLOCATED_COLUMNS = [
    text("month", "Month"),
    text("source", "Cost source", minWidth=220),
    text("reason", "Why no initiative", minWidth=280),
    number("amount_rc", "Amount"),
    number("source_rows", "Source rows"),
]
RECONCILIATION_COLUMNS = [
    number("load_id", "Load"),
    text("source_file", "File", minWidth=220),
    text("billing_period", "Billing period"),
    text("currency", "Currency"),
    number("source_total", "Source total", 2),
    number("allocated", "Allocated", 2),
    number("unallocated", "Unallocated", 2),
    number("unparsed_rows", "Unparsed rows"),
    text("why_unallocated", "Why unallocated", minWidth=420),
]
"""Amounts in the row's own currency: a cost export reconciled before any conversion."""
MAPPING_COLUMNS = [
    number("load_id", "Load"),
    text("source_file", "File", minWidth=220),
    text("adapter", "Format"),
    text("source_column", "Source column"),
    text("source_value", "Source value", minWidth=200),
    text("mapped_to", "Mapped to (blank: did not map)", minWidth=200),
    number("rows", "Rows"),
]


def _times(df: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Timestamps as `YYYY-MM-DD HH:MM:SS` in UTC, dates as `YYYY-MM-DD`."""
    out = df.copy()
    for column in columns:
        stamps = pd.to_datetime(out[column], utc=True)
        out[column] = stamps.dt.strftime("%Y-%m-%d %H:%M:%S").where(stamps.notna(), None)
    return out


LOAD_STATUS_LABELS = {
    "loaded": "Loaded",
    "loaded_with_rejects": "Loaded with rejects",
    "refused": "Refused",
    "rolled_back": "Rolled back",
    "abandoned": "Abandoned (stopped before its switch)",
    "dry_run": "Dry run (nothing stored)",
    "skipped": "Skipped",
}
"""How a load ended (`loads.status`, or the audit log's for loads not in the data), in
plain words."""


def load_trail_frame(history: pd.DataFrame, audit: list[dict[str, Any]]) -> pd.DataFrame:
    """Every load, newest first: the committed loads of the data (`history`) and, from the
    audit log, the refused (with their message), rolled-back (when, by which command),
    abandoned, dry-run and skipped ones."""
    committed = [{str(k): v for k, v in row.items()} for row in history.to_dict("records")]
    return pd.DataFrame(load_trail(committed, audit), columns=list(TRAIL_FIELDS))


def load_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The load history with times in UTC and each status in plain words."""
    shown = _times(df, "started_at", "finished_at")
    shown["status"] = shown["status"].map(lambda s: LOAD_STATUS_LABELS.get(s, s))
    shown["files"] = shown["files"].map(lambda f: ", ".join(f) if isinstance(f, list) else f)
    return records(shown)


REJECTS_EXPORT_NAME = "scaleboard-rejects.csv"


VALUE_WITHHELD = "(shown to the data team)"
"""What stands in a rejected value for a reader who may not see it."""


def without_reject_values(view: dict[str, Any]) -> dict[str, Any]:
    """The data view with each rejected value withheld (a new dict; the cached one stays)."""
    rows = [{**row, "value": VALUE_WITHHELD} for row in view["reject_rows"]]
    return {**view, "reject_rows": rows}


def rejects_csv(reader: Reader, with_values: bool = True) -> str:
    """Every rejected row (not only those shown) as CSV, headers as shown, the values
    withheld unless `with_values`; no cell runs as a formula in a spreadsheet (`csv_cell`)."""
    rows = reader.fetch(q.all_rejects)
    if not with_values:
        rows = rows.assign(value=VALUE_WITHHELD)
    headers = {c["field"]: c["headerName"] for c in REJECT_COLUMNS}
    safe = csv_safe(rows[list(headers)].rename(columns=headers))
    return str(safe.to_csv(index=False, quoting=csv.QUOTE_ALL))


def freshness_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    shown = _times(df, "last_loaded_at")
    monthly = shown["entity"].isin(["adoption", "costs", "outcomes", "fx_rates", "usage_events"])
    latest = pd.to_datetime(shown["latest"])
    shown["latest"] = (
        latest.dt.strftime("%Y-%m-%d")
        .where(~monthly, latest.dt.strftime("%Y-%m"))
        .where(latest.notna(), None)
    )
    return records(shown)


def rejects_title(shown: int, total: int) -> str:
    if total == 0:
        return "Rejected rows: none"
    more = f", the {shown} of the newest loads shown" if total > shown else ""
    return f"Rejected rows: {total}{more}"


def data(reader: Reader, search: str | None, audit_stamp: Hashable = None) -> dict[str, Any]:
    """Every output of the data page for a query string, by name (`audit_stamp`: the audit
    log's `Reader.audit_stamp`, so that a cached view shows a load refused since)."""
    parsed = page_filters(reader, search)
    metrics = reader.selection(parsed.filters)  # S and the period: no figure is shown here
    sel = Selection.from_metrics(metrics)
    rejects = reader.fetch(q.rejects)
    return {
        "window": window_label(metrics),
        "empty": empty_state(metrics),
        "freshness_columns": FRESHNESS_COLUMNS,
        "freshness_rows": freshness_rows(reader.fetch(q.entity_freshness, sel)),
        "coverage": fig.coverage(reader.fetch(q.coverage, sel)),
        "load_columns": LOAD_COLUMNS,
        "load_rows": load_rows(
            load_trail_frame(reader.fetch(q.load_history), reader.audit_records())
        ),
        "rejects_title": rejects_title(len(rejects), reader.fetch(q.reject_count)),
        "reject_columns": REJECT_COLUMNS,
        "reject_rows": records(rejects),
        "unallocated_columns": UNALLOCATED_COLUMNS,
        "unallocated_rows": records(reader.fetch(q.unallocated_spend)),
        "reconciliation_columns": RECONCILIATION_COLUMNS,
        "reconciliation_rows": records(reader.fetch(q.cost_reconciliation)),
        "mapping_columns": MAPPING_COLUMNS,
        "mapping_rows": records(reader.fetch(q.source_mappings)),
    }
