"""The roadmap view: timeline, prioritisation matrix, the stage gate and the initiative
table (every header and cell in the registry's words)."""

from __future__ import annotations

import csv
from typing import Any

import pandas as pd
from dash import html, no_update
from dash.development.base_component import Component

from dashboard import grid_model
from dashboard.components import notice
from dashboard.components.alerts import initiative_href
from dashboard.components.tables import (
    csv_safe,
    initiative_link,
    money,
    number,
    percent,
    records,
    text,
)
from dashboard.db import Reader
from dashboard.figures import roadmap as fig
from dashboard.filters import ParsedFilters, parse_search, to_search
from dashboard.queries import Selection
from dashboard.queries import roadmap as q
from dashboard.views.backlog import DEFAULT_RANKING, Ranking, backlog, ordered
from dashboard.views.portfolio import empty_state, window_label
from dashboard.views.shell import page_filters
from etl.registry import CAUSE_LABELS, cause_label, label, metric

TIMELINE_LIMIT = 30
"""Initiatives on the timeline at most (those of highest strategic impact)."""


def table_columns(currency: str, search: str, sort: str | None = None) -> list[dict[str, Any]]:
    """The backlog's columns, the one the URL sorts by marked (`sort`)."""
    columns = [
        number("rank", label("rank")),
        number("priority_score", label("priority_score"), 2),
        text("rank_override", label("rank_override"), minWidth=200),
        initiative_link("initiative_id", "Initiative", search),
        text("name", "Name", minWidth=200),
        text("business_unit", "Business unit"),
        text("program_owner", "Program owner"),
        text("stage", "Stage"),
        text("stage_since", "In stage since"),
        number("days_in_stage", label("days_in_stage")),
        number("readiness_score", label("readiness_score"), 1),
        text("not_assessed", label("not_assessed")),
        text("gate_blockers", label("gate_blockers"), minWidth=220),
        text("ready_for_next_stage", label("ready_for_next_stage")),
        percent("adoption_rate", label("adoption_rate")),
        money("total_cost", label("total_cost"), currency),
        money("cost_per_insight", label("cost_per_insight"), currency),
        percent("roi", label("roi")),
        money("projected_cost_at_scale", label("projected_cost_at_scale"), currency),
        money("projected_value_at_scale", label("projected_value_at_scale"), currency),
        text("business_case", label("business_case_at_risk")),
        number("slip_days", label("slip_days")),
        number("value_part", label("value_part"), 1),
        number("impact_part", label("impact_part"), 1),
        number("readiness_part", label("readiness_part"), 1),
        number("time_part", label("time_part"), 1),
        number("size_part", label("size_part"), 1),
        number("strategic_impact", "Strategic impact"),
        text("status", "Status"),
    ]
    order = {
        s["colId"]: (n, s["sort"]) for n, s in enumerate(grid_model.sort_model(sort or "rank"))
    }
    return [
        {**c, "sort": order[c["field"]][1], "sortIndex": order[c["field"]][0]}
        if c["field"] in order
        else c
        for c in columns
    ]


def _known(value: object) -> bool:
    return not (value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)))


def _case(value: object) -> str:
    return "unknown" if not _known(value) else "at risk" if value else "ok"


def _ready(value: object) -> str:
    return "n/a (not at a gate)" if not _known(value) else "ready" if value else "blocked"


TABLE_FIELDS = [column["field"] for column in table_columns("USD", "")]
"""The fields the table shows: rows carry nothing else (thousands of rows travel per view)."""
TABLE_KINDS = {
    c["field"]: "number" if c["filter"] == "agNumberColumnFilter" else "text"
    for c in table_columns("USD", "")
}
"""Each field's filter kind, which the URL's `filter` conditions are read with."""


def stage_since(entered_on: object, estimated_dates: Any) -> str:
    """`2024-12-31`, or `2024-12-31 (estimated)` when the source gives no such date
    (`estimated_dates`: a list of dates, or a missing value)."""
    if not isinstance(entered_on, str):
        return ""
    dates = [] if estimated_dates is None or isinstance(estimated_dates, float) else estimated_dates
    estimated = {str(d)[:10] for d in dates}
    return f"{entered_on} (estimated)" if entered_on in estimated else entered_on


def table_rows(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The table's rows: its fields only, numbers to 4 decimals (enough for every format)."""
    if rows.empty:
        return []
    estimated = rows["estimated_dates"] if "estimated_dates" in rows else [None] * len(rows)
    shown = rows.assign(
        stage_since=[
            stage_since(on, dates)
            for on, dates in zip(rows["stage_entered_on"], estimated, strict=True)
        ],
        gate_blockers=rows["gate_blockers"].map(lambda b: metric("gate_blockers").format(list(b))),
        not_assessed=rows["not_assessed"].map(lambda b: metric("not_assessed").format(list(b))),
        ready_for_next_stage=rows["ready_for_next_stage"].map(_ready),
        business_case=rows["business_case_at_risk"].map(_case),
        rank=rows["rank"].astype("Int64"),  # whole numbers, blank when not ranked
        slip_days=rows["slip_days"].astype("Int64"),
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


def blocker_notice(parsed: ParsedFilters, pathname: str = "/roadmap") -> list[Component]:
    """Says that the table lists only the initiatives one cause holds, with a way back."""
    blocker = parsed.filters.blocker
    if blocker is None:
        return []
    clear = to_search(parsed.filters.model_copy(update={"blocker": None}))
    return [
        notice(
            [
                f"The table lists the initiatives held at the stage gate by "
                f"{cause_label(blocker)}. ",
                html.A("Show every initiative", href=f"{pathname}{clear}"),
            ],
            id="roadmap-blocker-notice",
            color="light",
        )
    ]


def roadmap(reader: Reader, search: str | None) -> dict[str, Any]:
    """Every output of the roadmap page for a query string, by name."""
    parsed = page_filters(reader, search)
    metrics, initiatives = reader.initiatives(parsed.filters)
    sel = Selection.from_metrics(metrics)
    rows = q.initiative_rows(initiatives, reader.fetch(q.attributes, sel))
    top = q.top_by_impact(rows, TIMELINE_LIMIT)
    periods = reader.fetch(
        q.stage_periods, sel, tuple(top["initiative_id"]) if not top.empty else ()
    )
    as_of = sel.as_of_date.isoformat() if sel.as_of_date else None
    currency = metrics.currency
    timeline = fig.timeline(periods, top, as_of)
    return {
        "window": window_label(metrics),
        "empty": empty_state(metrics),
        "timeline_notice": timeline_notice(len(top), len(rows)),
        "timeline": timeline,
        "timeline_style": {"height": f"{timeline.layout.height or 420}px"},
        "priority_matrix": fig.priority_matrix(rows, currency),
        "gate_blockers": fig.gate_blockers(q.gate_blocker_counts(rows)),
        "blocker_notice": blocker_notice(parsed),
        "table_columns": table_columns(currency, to_search(parsed.filters), parsed.filters.sort),
    }


def table_frame(
    reader: Reader, search: str | None, ranking: Ranking = DEFAULT_RANKING
) -> pd.DataFrame:
    """Every row of the ranked backlog for a query string (served a block at a time), in
    the URL's order."""
    filters = page_filters(reader, search).filters
    rows = ordered(backlog(reader, filters, ranking), filters.sort)
    held = q.held_by(rows, filters.blocker)
    table = pd.DataFrame(table_rows(held), columns=TABLE_FIELDS)
    return table.astype({"rank": "Int64", "slip_days": "Int64"})


def _table(reader: Reader, search: str | None, ranking: Ranking) -> pd.DataFrame:
    same = view_search(search)  # the grid filters its rows by the request's model
    key = ("roadmap-table", same, ranking)
    return reader.cached(key, lambda: table_frame(reader, same, ranking))


def view_search(search: str | None) -> str:
    """The query string without the table's column filters, which only the grid reads: a
    filter typed in a header costs the page's figures nothing."""
    filters = parse_search(search).filters
    if not filters.grid_filters:
        return search or ""
    return to_search(filters.model_copy(update={"grid_filters": ()}))


def table_filter(search: str | None) -> dict[str, Any]:
    """The grid's filter model of the URL, set when the table is drawn."""
    return grid_model.filter_model(parse_search(search).filters.grid_filters, TABLE_KINDS)


def grid_state(request: dict[str, Any] | None) -> dict[str, Any]:
    """The sort and column filters of a grid's block request, as the URL writes them."""
    sort = grid_model.url_sort((request or {}).get("sortModel"))
    return {
        "sort": None if sort == "rank" else sort,  # the backlog's own order
        "grid_filters": list(grid_model.url_filters((request or {}).get("filterModel"))),
    }


def grid_search(
    search: str | None, request: dict[str, Any] | None, seen: dict[str, Any] | None
) -> tuple[Any, Any]:
    """After a block request: the query string that holds the grid's sort and filter when
    the user changed them since the grid's previous request (`seen`), and what it holds
    now. A first request (the grid drawn, its filters not applied yet) and a scroll change
    nothing: a shared link is never overwritten by a grid still starting."""
    if not request:
        return no_update, no_update
    state = grid_state(request)
    if seen is None or state == seen:
        return no_update, state if seen is None else no_update
    filters = parse_search(search).filters
    update = {"sort": state["sort"], "grid_filters": tuple(state["grid_filters"])}
    updated = filters.model_copy(update=update)
    return (no_update if updated == filters else to_search(updated)), state


def table_block(
    reader: Reader,
    search: str | None,
    request: dict[str, Any] | None,
    ranking: Ranking = DEFAULT_RANKING,
) -> Any:
    """The grid's requested block of rows, filtered and sorted as the grid asks."""
    if not request:
        return no_update
    shown, count = grid_model.block(_table(reader, search, ranking), request)
    return {"rowData": records(shown), "rowCount": count}


def table_csv(
    reader: Reader,
    search: str | None,
    request: dict[str, Any] | None,
    ranking: Ranking = DEFAULT_RANKING,
) -> str:
    """The whole table as CSV, filtered and sorted as the grid shows it, headers as shown."""
    rows = _table(reader, search, ranking)
    everything = {**(request or {}), "startRow": 0, "endRow": len(rows)}
    shown, _ = grid_model.block(rows, everything)
    headers = {c["field"]: c["headerName"] for c in table_columns("USD", "")}
    safe = csv_safe(shown.rename(columns=headers))  # no cell runs as a formula
    return str(safe.to_csv(index=False, quoting=csv.QUOTE_ALL))


def clicked_initiative(click: dict[str, Any] | None) -> Any:
    """The path of the initiative whose bubble was clicked."""
    points = (click or {}).get("points") or [{}]
    custom = points[0].get("customdata")
    if not custom:
        return no_update
    return initiative_href(str(custom[0]))


def blocker_search(click: dict[str, Any] | None, search: str | None) -> Any:
    """The query string after a click on a gate bar: `?blocker=<cause>` (a second click on
    the same cause, or a click on the ready bar, clears it)."""
    points = (click or {}).get("points")
    if not points:
        return no_update
    cause = points[0].get("customdata")
    filters = parse_search(search).filters
    if cause in CAUSE_LABELS:
        return to_search(filters.toggle_blocker(str(cause)))
    if filters.blocker is not None:
        return to_search(filters.model_copy(update={"blocker": None}))
    return no_update
