"""The portfolio view: KPI cards with their changes, funnel, trend, value vs cost, cost by
category and alerts, all for one set of filters and one `compute_metrics` result."""

from __future__ import annotations

from typing import Any

from dash import html, no_update
from dash.development.base_component import Component

from dashboard.components import notice
from dashboard.components.alerts import alerts_panel
from dashboard.components.kpi import kpi_card
from dashboard.db import Reader
from dashboard.figures import portfolio as fig
from dashboard.filters import PageFilters, parse_search, to_search
from dashboard.formatting import format_money, format_percent
from dashboard.kpis import kpi_views, previous_label
from dashboard.queries import Selection
from dashboard.queries import portfolio as q
from dashboard.views.shell import page_filters
from etl.contracts import STAGE_ORDER
from etl.period import Period, parse_month


def previous_metrics(
    reader: Reader, filters: PageFilters, metrics: dict[str, Any]
) -> dict[str, Any] | None:
    """compute_metrics for the same filters over the previous window of the same length."""
    window = metrics.get("window")
    if not (metrics.get("as_of") and window):
        return None
    months = [parse_month(m, "month") for m in (metrics["as_of"], window["from"], window["to"])]
    return reader.metrics(filters.with_period(Period(*months).previous()))


def empty_state(metrics: dict[str, Any]) -> list[Component]:
    if metrics.get("as_of") is None:
        return [
            notice(
                "No data has been loaded yet: run `scaleboard load` with the contract files.",
                color="info",
            )
        ]
    if not metrics.get("initiatives"):
        return [notice("No data for these filters: no initiative matches them.", color="info")]
    return []


def window_label(metrics: dict[str, Any]) -> str:
    window = metrics.get("window")
    if not window:
        return "No data yet"
    period = f"window {window['from']} to {window['to']}"
    return f"As of {metrics['as_of']}, {period}, in {metrics['currency']}"


def unallocated(spend: tuple[float, float | None], currency: str) -> Component:
    """The unallocated AI spend line: cost exports' spend that no initiative claims."""
    cost, share = spend
    text = f"Unallocated AI spend: {format_money(cost, currency)}"
    if share is not None:
        text += f" ({format_percent(share)} of all AI spend in the window)"
    return html.Small(
        text,
        title="Spend in cost exports (FOCUS) with no initiative tag, or a tag that maps to no "
        "initiative; the filters do not apply to it. The data page lists it by source.",
    )


def portfolio(reader: Reader, search: str | None) -> tuple[Any, ...]:
    """Every output of the portfolio page for a query string."""
    parsed = page_filters(reader, search)
    metrics = reader.metrics(parsed.filters)
    previous = previous_metrics(reader, parsed.filters, metrics)
    sel = Selection.from_metrics(metrics)
    currency = metrics["currency"]
    by_category = reader.fetch(q.cost_by_category, sel)
    cards = [kpi_card(view, previous_label(previous)) for view in kpi_views(metrics, previous)]
    return (
        window_label(metrics),
        empty_state(metrics),
        cards,
        fig.maturity_funnel(q.stage_counts(metrics)),
        fig.adoption_trend(q.adoption_trend(metrics)),
        fig.value_vs_cost(reader.fetch(q.value_vs_cost, sel), currency),
        fig.cost_by_category(by_category, currency),
        unallocated(reader.fetch(q.unallocated_spend, sel), currency),
        alerts_panel(q.alerts(metrics), to_search(parsed.filters)),
    )


def clicked_stage(click: dict[str, Any] | None) -> str | None:
    points = (click or {}).get("points") or [{}]
    stage = points[0].get("y") or points[0].get("label")
    return stage if stage in STAGE_ORDER else None


def stage_search(click: dict[str, Any] | None, search: str | None) -> Any:
    """The query string after a click on a funnel stage (toggles the stage filter)."""
    stage = clicked_stage(click)
    if stage is None:
        return no_update
    return to_search(parse_search(search).filters.toggle_stage(stage))
