"""The roadmap view: timeline, prioritisation matrix and the initiative table."""

from __future__ import annotations

import csv
from typing import Any

import pandas as pd
from dash import no_update
from dash.development.base_component import Component

from dashboard import grid_model
from dashboard.components import notice
from dashboard.components.alerts import initiative_href
from dashboard.components.tables import initiative_link, money, number, percent, records, text
from dashboard.db import Reader
from dashboard.figures import roadmap as fig
from dashboard.filters import to_search
from dashboard.queries import Selection
from dashboard.queries import roadmap as q
from dashboard.views.portfolio import empty_state, window_label
from dashboard.views.shell import page_filters

TIMELINE_LIMIT = 30
"""Initiatives on the timeline at most (those of highest strategic impact)."""


def table_columns(currency: str, search: str) -> list[dict[str, Any]]:
    return [
        initiative_link("initiative_id", "Initiative", search),
        text("name", "Name", minWidth=200),
        text("business_unit", "Business unit"),
        text("stage", "Stage"),
        number("days_in_stage", "Days in stage"),
        number("readiness_score", "Readiness", 1),
        text("gate_blockers", "Gate blockers"),
        percent("adoption_rate", "Adoption"),
        money("cost_per_insight", "Cost per insight", currency),
        percent("roi", "ROI"),
        money("projected_cost_at_scale", "Projected cost at scale (month)", currency),
        money("projected_value_at_scale", "Projected value at scale (month)", currency),
        text("business_case", "Business case"),
        number("strategic_impact", "Strategic impact"),
        text("status", "Status"),
    ]


def _case(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "unknown"
    return "at risk" if value else "ok"


TABLE_FIELDS = [column["field"] for column in table_columns("USD", "")]
"""The fields the table shows: rows carry nothing else (thousands of rows travel per view)."""


def table_rows(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The table's rows: its fields only, numbers to 4 decimals (enough for every format)."""
    if rows.empty:
        return []
    shown = rows.assign(
        gate_blockers=rows["gate_blockers"].map(lambda b: ", ".join(b) if len(b) else "ready"),
        business_case=rows["business_case_at_risk"].map(_case),
    )[TABLE_FIELDS]
    return records(shown.round(4))


def timeline_notice(shown: int, total: int) -> list[Component]:
    if total <= shown:
        return []
    text = (
        f"The timeline shows the {shown} of {total:,} initiatives with the highest strategic "
        "impact; narrow the filters to see others (the table lists all)."
    )
    return [notice(text, color="light")]


def roadmap(reader: Reader, search: str | None) -> tuple[Any, ...]:
    """Every output of the roadmap page for a query string."""
    parsed = page_filters(reader, search)
    metrics = reader.metrics(parsed.filters)
    sel = Selection.from_metrics(metrics)
    rows = q.initiative_rows(metrics, reader.fetch(q.attributes, sel))
    top = q.top_by_impact(rows, TIMELINE_LIMIT)
    periods = reader.fetch(
        q.stage_periods, sel, tuple(top["initiative_id"]) if not top.empty else ()
    )
    as_of = sel.as_of_date.isoformat() if sel.as_of_date else None
    currency = metrics["currency"]
    timeline = fig.timeline(periods, top, as_of)
    return (
        window_label(metrics),
        empty_state(metrics),
        timeline_notice(len(top), len(rows)),
        timeline,
        {"height": f"{timeline.layout.height or 420}px"},
        fig.priority_matrix(rows, currency),
        fig.gate_blockers(q.gate_blocker_counts(rows)),
        table_columns(currency, to_search(parsed.filters)),
    )


def table_frame(reader: Reader, search: str | None) -> pd.DataFrame:
    """Every row of the table for a query string (served a block at a time)."""
    metrics = reader.metrics(page_filters(reader, search).filters)
    rows = q.initiative_rows(metrics, reader.fetch(q.attributes, Selection.from_metrics(metrics)))
    return pd.DataFrame(table_rows(rows), columns=TABLE_FIELDS)


def table_block(reader: Reader, search: str | None, request: dict[str, Any] | None) -> Any:
    """The grid's requested block of rows, filtered and sorted as the grid asks."""
    if not request:
        return no_update
    rows = reader.cached(("roadmap-table", search), lambda: table_frame(reader, search))
    shown, count = grid_model.block(rows, request)
    return {"rowData": records(shown), "rowCount": count}


def table_csv(reader: Reader, search: str | None, request: dict[str, Any] | None) -> str:
    """The whole table as CSV, filtered and sorted as the grid shows it, headers as shown."""
    rows = reader.cached(("roadmap-table", search), lambda: table_frame(reader, search))
    everything = {**(request or {}), "startRow": 0, "endRow": len(rows)}
    shown, _ = grid_model.block(rows, everything)
    headers = {c["field"]: c["headerName"] for c in table_columns("USD", "")}
    return str(shown.rename(columns=headers).to_csv(index=False, quoting=csv.QUOTE_ALL))


def clicked_initiative(click: dict[str, Any] | None) -> Any:
    """The path of the initiative whose bubble was clicked."""
    points = (click or {}).get("points") or [{}]
    custom = points[0].get("customdata")
    if not custom:
        return no_update
    return initiative_href(str(custom[0]))
