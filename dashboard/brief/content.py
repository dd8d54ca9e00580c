"""What the brief shows, gathered from one reader: every number from `compute_metrics`
(the portfolio page's cached evaluation), formatted by the registry as on the KPI cards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from pydantic import ValidationError

from dashboard.db import Reader
from dashboard.edits.targets import Targets
from dashboard.figures import portfolio as fig
from dashboard.filters import PageFilters
from dashboard.kpis import (
    KpiView,
    SignalShare,
    held_to,
    kpi_views,
    money_at_risk_shares,
    previous_label,
)
from dashboard.queries import Selection
from dashboard.queries import portfolio as q
from dashboard.views.portfolio import previous_filters, previous_metrics, window_label
from etl.contracts import STAGE_ORDER
from etl.contracts.entities import Status
from etl.formatting import EM_DASH, format_money, format_points
from etl.metric_results import ProgramMetrics
from etl.metrics import Filters, canonical
from etl.period import PeriodError, parse_month
from etl.registry import metric

TOP_ALERTS = 7
TOP_MOVERS = 6


@dataclass(frozen=True)
class AlertLine:
    kind: str
    initiative_id: str
    name: str
    detail: str
    at_stake: str


@dataclass(frozen=True)
class Mover:
    """One initiative's change since the previous window: net value (outcome value minus
    spend over the window) and adoption rate in the as-of month."""

    initiative_id: str
    name: str
    net_value: str
    net_change: str
    adoption: str
    adoption_change: str
    is_better: bool | None


@dataclass(frozen=True)
class Brief:
    title: str
    period: str
    """`As of 2026-03, window 2025-04 to 2026-03, in USD`."""
    selection: str
    """The filters in words (`All initiatives`, `Business unit: Finance; ...`)."""
    generated_at: str
    compare_label: str
    kpis: list[KpiView]
    """The portfolio page's KPI cards, against the portfolio's targets."""
    cost_at_risk: str
    risk: list[SignalShare]
    figures: dict[str, go.Figure]
    """`funnel`, `adoption_trend`, `value_vs_cost`: the portfolio page's own figures."""
    alerts: list[AlertLine]
    alert_count: int
    movers: list[Mover]
    partial_months: list[str]
    notes: list[str]


def describe_filters(filters: PageFilters) -> str:
    parts = [
        f"{label}: {', '.join(values)}"
        for label, values in (
            ("Business unit", filters.business_units),
            ("Stage", filters.stages),
            ("Status", filters.statuses),
        )
        if values
    ]
    return "; ".join(parts) or "All initiatives"


def top_alerts(alerts: pd.DataFrame, currency: str) -> list[AlertLine]:
    """The alerts with the most money at stake (the initiative's spend in the window)."""
    ordered = alerts.sort_values(["cost_rc", "initiative_id"], ascending=[False, True])
    rows: list[dict[Any, Any]] = ordered.head(TOP_ALERTS).to_dict("records")
    return [
        AlertLine(
            str(r["kind"]),
            str(r["initiative_id"]),
            str(r["name"]),
            str(r["detail"]),
            format_money(float(r["cost_rc"]), currency),
        )
        for r in rows
    ]


def _net(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["initiative_id", "name", "adoption_rate"]].assign(
        net=frame["outcome_value"].astype(float) - frame["total_cost"].astype(float)
    )


def movers(now: pd.DataFrame, before: pd.DataFrame | None, currency: str) -> list[Mover]:
    """The initiatives whose net value changed most since the previous window (largest
    change, either way, first; ties by id). Both frames are `Reader.initiatives` frames."""
    if now.empty or before is None:
        return []
    old = _net(before)[["initiative_id", "adoption_rate", "net"]]
    both = _net(now).merge(old, on="initiative_id", how="left", suffixes=("", "_before"))
    both = both.assign(
        net_change=both["net"] - both["net_before"].fillna(0.0),
        adoption_change=both["adoption_rate"] - both["adoption_rate_before"],
    )
    both = both.assign(size=both["net_change"].abs())
    both = both[both["size"] > 0].sort_values(["size", "initiative_id"], ascending=[False, True])
    ratio = metric("adoption_rate")
    return [_mover(r, ratio.format, currency) for r in both.head(TOP_MOVERS).itertuples()]


def _mover(r: Any, percent: Any, currency: str) -> Mover:
    change = r.net_change
    sign = "+" if change > 0 else ""
    adoption_change = EM_DASH if pd.isna(r.adoption_change) else format_points(r.adoption_change)
    return Mover(
        str(r.initiative_id),
        str(r.name),
        format_money(r.net, currency),
        sign + format_money(change, currency),
        percent(None if pd.isna(r.adoption_rate) else float(r.adoption_rate)),
        adoption_change,
        change > 0,
    )


def _notes(metrics: ProgramMetrics, targets_error: str | None) -> list[str]:
    notes = []
    if metrics.as_of is None:
        notes.append("No data has been loaded yet.")
    elif not metrics.initiative_ids:
        notes.append("No initiative matches these filters.")
    if targets_error:
        notes.append(f"Targets not shown: {targets_error}.")
    return notes


def build_brief(
    reader: Reader,
    filters: PageFilters,
    targets: Targets | None = None,
    *,
    targets_error: str | None = None,
    now: dt.datetime | None = None,
) -> Brief:
    """Everything the brief shows for the filters, from the reader's cached evaluations."""
    metrics, frame = reader.initiatives(filters)
    before = previous_filters(reader, filters)
    previous = previous_metrics(reader, before)
    previous_frame = reader.initiatives(before)[1] if before is not None else None
    currency = metrics.currency
    sel = Selection.from_metrics(metrics)
    alerts = q.alerts(metrics, reader.signalled(filters))
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    return Brief(
        title="AI portfolio brief",
        period=window_label(metrics),
        selection=describe_filters(filters),
        generated_at=stamp,
        compare_label=previous_label(previous),
        kpis=kpi_views(metrics, previous, held_to(targets.values) if targets else ()),
        cost_at_risk=metric("cost_at_risk").format(metrics.cost_at_risk, currency),
        risk=money_at_risk_shares(metrics),
        figures={
            "funnel": fig.maturity_funnel(q.stage_counts(metrics)),
            "adoption_trend": fig.adoption_trend(q.adoption_trend(metrics)),
            "value_vs_cost": fig.value_vs_cost(reader.fetch(q.value_vs_cost, sel), currency),
        },
        alerts=top_alerts(alerts, currency),
        alert_count=len(alerts),
        movers=movers(frame, previous_frame, currency),
        partial_months=metrics.partial_months,
        notes=_notes(metrics, targets_error),
    )


def page_filters(filters: Filters) -> PageFilters:
    """The page filters of `scaleboard metrics` options, refused with the messages
    `metrics` gives (a PeriodError) when a month, stage or status is not one."""
    for value, option in (
        (filters.as_of, "--as-of"),
        (filters.from_, "--from"),
        (filters.to, "--to"),
    ):
        if value is not None:
            parse_month(value, option)
    stages = canonical(filters.stages, STAGE_ORDER, "--stage")
    statuses = canonical(filters.statuses, tuple(s.value for s in Status), "--status")
    try:
        return PageFilters(
            business_units=filters.business_units,
            stages=tuple(stages),
            statuses=tuple(statuses),
            from_=filters.from_,
            to=filters.to,
            as_of=filters.as_of,
        )
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise PeriodError(f"--business-unit: {reason}") from None
