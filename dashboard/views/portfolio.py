"""The portfolio view: KPI cards with their changes, funnel, trend, value vs cost, cost by
category and alerts, all for one set of filters and one `compute_metrics` result."""

from __future__ import annotations

from typing import Any

from dash import dcc, html, no_update
from dash.development.base_component import Component

from dashboard.components import notice
from dashboard.components.alerts import alerts_panel
from dashboard.components.kpi import kpi_card, money_at_risk_breakdown
from dashboard.db import Reader
from dashboard.figures import portfolio as fig
from dashboard.filters import PageFilters, parse_search, to_search
from dashboard.kpis import Held, kpi_views, money_at_risk_shares, previous_label
from dashboard.queries import Selection
from dashboard.queries import portfolio as q
from dashboard.queries import roadmap as roadmap_q
from dashboard.views.backlog import behind_plan
from dashboard.views.shell import page_filters
from etl.contracts import STAGE_ORDER
from etl.formatting import format_money, format_percent
from etl.metric_results import ProgramMetrics, SelectionMetrics
from etl.period import resolve_period
from etl.registry import metric


def previous_filters(reader: Reader, filters: PageFilters) -> PageFilters | None:
    """The same selection over the window of the same length just before the one the
    filters show (None when there is no data, so no window)."""
    current = resolve_period(
        filters.as_of, filters.from_, filters.to, reader.reporting().latest_reported
    )
    return filters.with_period(current.previous()) if current.as_of else None


def previous_metrics(reader: Reader, filters: PageFilters | None) -> ProgramMetrics | None:
    """compute_metrics' program figures over the previous window (None without one): the
    figures alone, since no alert lists its initiatives."""
    return reader.program(filters) if filters is not None else None


def empty_state(metrics: SelectionMetrics) -> list[Component]:
    if metrics.as_of is None:
        return [
            notice(
                "No data has been loaded yet: run `scaleboard load` with the contract files.",
                color="info",
            )
        ]
    if not metrics.initiative_ids:
        return [notice("No data for these filters: no initiative matches them.", color="info")]
    return []


def window_label(metrics: SelectionMetrics) -> str:
    if not metrics.window:
        return "No data yet"
    period = f"window {metrics.window.from_} to {metrics.window.to}"
    return f"As of {metrics.as_of}, {period}, in {metrics.currency}"


def unallocated(spend: tuple[float, float | None], currency: str) -> Component:
    """The unallocated AI spend line: cost exports' spend that no initiative claims."""
    cost, share = spend
    text = f"Unallocated AI spend: {format_money(cost, currency)}"
    if cost < 0:
        text += " (credits no initiative claims exceed the unallocated charges: see the data page)"
    elif share is not None:
        text += f" ({format_percent(share)} of all AI spend in the window)"
    return html.Small(
        text,
        title="Spend in cost exports (FOCUS) with no initiative tag, or a tag that maps to no "
        "initiative; the filters do not apply to it. The data page lists it by source.",
    )


def kpi_cards(
    metrics: ProgramMetrics, previous: ProgramMetrics | None, held: Held = ()
) -> list[Component]:
    """The KPI cards, against the portfolio's targets `held`; the money-at-risk card breaks
    its total down by signal."""
    compare = previous_label(previous)
    details = {"cost_at_risk": money_at_risk_breakdown(money_at_risk_shares(metrics))}
    views = kpi_views(metrics, previous, held)
    return [kpi_card(view, compare, details.get(view.kpi.key)) for view in views]


def behind_plan_line(reader: Reader, sel: Selection, filters: PageFilters) -> Component:
    """`7 of 40 active initiatives are behind plan`, linking to the backlog by slip
    (`docs/metrics.md`: behind plan)."""
    if sel.is_empty:
        return html.Span(id="portfolio-behind-plan")
    attrs = reader.fetch(roadmap_q.attributes, sel)[["initiative_id", "status"]]
    rows = attrs.merge(reader.fetch(roadmap_q.slip, sel), on="initiative_id", how="left")
    late = behind_plan(rows)
    active = int(rows["status"].eq("active").sum())
    by_slip = "/roadmap" + to_search(filters.model_copy(update={"sort": "-slip_days"}))
    return html.Small(
        [
            f"{late:,} of {active:,} active initiatives are behind plan ",
            dcc.Link("(the backlog by slip)", href=by_slip, className="link-strong"),
        ],
        id="portfolio-behind-plan",
        title=metric("behind_plan").definition,
    )


def portfolio(reader: Reader, search: str | None, held: Held = ()) -> dict[str, Any]:
    """Every output of the portfolio page for a query string, by name; the KPI cards
    against the portfolio's targets `held` (`dashboard.kpis.held_to`)."""
    parsed = page_filters(reader, search)
    before = previous_filters(reader, parsed.filters)
    # the previous window's figures are computed on the other core while this thread goes on
    previous = reader.alongside(lambda other: previous_metrics(other, before))
    metrics = reader.metrics(parsed.filters)
    sel = Selection.from_metrics(metrics)
    currency = metrics.currency
    return {
        "window": window_label(metrics),
        "empty": empty_state(metrics),
        "kpis": kpi_cards(metrics, previous.result(), held),
        "funnel": fig.maturity_funnel(q.stage_counts(metrics)),
        "adoption_trend": fig.adoption_trend(q.adoption_trend(metrics)),
        "value_vs_cost": fig.value_vs_cost(reader.fetch(q.value_vs_cost, sel), currency),
        "cost_by_category": fig.cost_by_category(reader.fetch(q.cost_by_category, sel), currency),
        "unallocated": unallocated(reader.fetch(q.unallocated_spend, sel), currency),
        "behind_plan": behind_plan_line(reader, sel, parsed.filters),
        "alerts": alerts_panel(
            q.alerts(metrics, reader.signalled(parsed.filters)),
            to_search(parsed.filters),
            currency,
        ),
    }


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
