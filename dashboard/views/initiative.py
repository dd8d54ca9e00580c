"""The initiative view: profile, KPIs (compute_metrics' `initiatives` entry), stage
history, adoption, cost, outcomes, model metrics and readiness."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from dash.development.base_component import Component

from dashboard.components import notice
from dashboard.components.kpi import stat_tile
from dashboard.db import Reader
from dashboard.figures import empty_figure
from dashboard.figures import initiative as fig
from dashboard.figures.roadmap import timeline
from dashboard.filters import PageFilters
from dashboard.formatting import EM_DASH, format_money, format_percent
from dashboard.kpis import KPIS
from dashboard.queries import Selection
from dashboard.queries import initiative as q
from dashboard.queries import roadmap as roadmap_q
from dashboard.views.shell import page_filters
from etl.contracts.entities import Dimension

DEFINITIONS = {
    k.key: k.definition.replace("the selected initiatives", "this initiative") for k in KPIS
}
PROJECTION = "over the 3 months ending the as-of month: {} / active users x target users (monthly)."
SELECTION_NOTE = (
    "Business unit, stage and status filters select initiatives; this page shows one "
    "initiative whatever they are."
)
DIMENSIONS = tuple(d.value for d in Dimension)
Format = Callable[[Any, str], str]


def _text(value: Any, _: str = "") -> str:
    return EM_DASH if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _case(value: Any, _: str) -> str:
    return EM_DASH if value is None else "at risk" if value else "ok"


def _score(value: Any, _: str) -> str:
    return EM_DASH if value is None else f"{value:.1f} / 5"


TILES: tuple[tuple[str, str, str, Format, str], ...] = (
    (
        "adoption-rate",
        "Adoption rate",
        "adoption_rate",
        lambda v, _: format_percent(v),
        DEFINITIONS["adoption_rate"],
    ),
    (
        "cost-per-insight",
        "Cost per insight",
        "cost_per_insight",
        format_money,
        DEFINITIONS["cost_per_insight"],
    ),
    ("roi", "ROI", "roi", lambda v, _: format_percent(v), DEFINITIONS["roi"]),
    (
        "readiness",
        "Readiness",
        "readiness_score",
        _score,
        "Mean of the six dimensions' latest scores (0 when not assessed).",
    ),
    (
        "days-in-stage",
        "Days in stage",
        "days_in_stage",
        _text,
        "Days from entering the current stage to the as-of date.",
    ),
    (
        "projected-cost",
        "Projected cost at scale",
        "projected_cost_at_scale",
        format_money,
        "Cost " + PROJECTION.format("cost"),
    ),
    (
        "projected-value",
        "Projected value at scale",
        "projected_value_at_scale",
        format_money,
        "Value " + PROJECTION.format("outcome value"),
    ),
    (
        "business-case",
        "Business case",
        "business_case_at_risk",
        _case,
        "At risk when the projected cost at scale exceeds the projected value.",
    ),
)
"""(id after `initiative-kpi-`, label, key of the `initiatives` entry, format, definition)"""


def header(profile: pd.Series, entry: dict[str, Any] | None) -> list[Component]:
    stage = (entry or {}).get("stage") or "no stage yet"
    sponsor = _text(profile["executive_sponsor"]).strip() or EM_DASH
    labels = (
        stage,
        profile["status"],
        profile["business_unit"],
        f"risk: {_text(profile['risk_tier'])}",
    )
    colors = ("primary", "secondary", "info", "dark")
    people = (
        f"Program owner: {_text(profile['program_owner'])} · Executive sponsor: {sponsor} · "
        f"Strategic impact: {_text(profile['strategic_impact'])}/5 · "
        f"Target users: {_text(profile['target_users'])}"
    )
    name = [profile["name"], html.Small(f" {profile['initiative_id']}", className="text-muted")]
    parts: list[Component] = [
        html.H1(name, className="h3 mb-1"),
        html.Div(
            [
                dbc.Badge(_text(t), color=c, className="me-1")
                for t, c in zip(labels, colors, strict=True)
            ]
        ),
        html.Div(people, className="small mt-1"),
    ]
    if sponsor == EM_DASH:
        parts.append(dbc.Badge("No executive sponsor", color="warning", className="text-dark"))
    if isinstance(profile["description"], str):
        parts.append(html.P(profile["description"], className="text-muted small mb-1"))
    return parts


def kpis(entry: dict[str, Any] | None, currency: str) -> list[Component]:
    e = entry or {}
    return [
        stat_tile(f"initiative-kpi-{name}", label, show(e.get(key), currency), definition)
        for name, label, key, show, definition in TILES
    ]


def blockers(entry: dict[str, Any] | None, gate_min_score: float) -> Component:
    names = (entry or {}).get("gate_blockers") or []
    if not names:
        text = f"Ready for the next stage: no dimension scores below {gate_min_score:g}."
        return html.P(text, className="kpi-good mb-0")
    text = f"Gate blockers (score below {gate_min_score:g}): {', '.join(names)}"
    return html.P(text, className="kpi-bad mb-0")


def _window_filters(filters: PageFilters) -> tuple[PageFilters, list[Component]]:
    """Only the period applies to one initiative; selection filters are noted, not applied."""
    note = []
    if filters.business_units or filters.stages or filters.statuses:
        note = [notice(SELECTION_NOTE, color="light")]
    return PageFilters(as_of=filters.as_of, from_=filters.from_, to=filters.to), note


def _no_data(initiative_id: str, note: list[Component]) -> tuple[Any, ...]:
    empty = empty_figure()
    title = [html.H1(f"No data for initiative {initiative_id}", className="h3")]
    return (title, note, [], empty, empty, empty, empty, empty, {"height": "260px"}, empty, "")


def _figures(
    reader: Reader, initiative_id: str, sel: Selection, metrics: dict[str, Any]
) -> tuple[Any, ...]:
    """stage history, adoption, cost, outcomes, model metrics (+ its height), readiness."""
    assert sel.window_from and sel.window_to and sel.as_of_date  # not empty: checked before
    currency, i = metrics["currency"], initiative_id
    decay = {
        (m["model"], m["metric"]): m["decay_pct"]
        for m in metrics["decaying_models"]
        if m["initiative_id"] == i
    }
    monthly = reader.fetch(q.monthly, i, sel.window_from, sel.window_to)
    models = fig.model_metrics(reader.fetch(q.model_metrics, i, sel.as_of_date), decay)
    return (
        timeline(
            reader.fetch(roadmap_q.stage_periods, sel, (i,)),
            reader.fetch(q.profile, i),
            sel.as_of_date.isoformat(),
        ),
        fig.adoption(monthly),
        fig.cost_by_category(
            reader.fetch(q.cost_by_category, i, sel.window_from, sel.window_to), currency
        ),
        fig.outcomes(monthly, currency),
        models,
        {"height": f"{models.layout.height or 260}px"},
        fig.readiness(
            reader.fetch(q.readiness, i, sel.as_of_date, DIMENSIONS), reader.settings.gate_min_score
        ),
    )


def initiative(reader: Reader, initiative_id: str, search: str | None) -> tuple[Any, ...]:
    """Every output of the initiative page."""
    filters, note = _window_filters(page_filters(reader, search).filters)
    profile = reader.fetch(q.profile, initiative_id)
    metrics = reader.metrics(filters)
    sel = Selection.from_metrics(metrics)
    if profile.empty or sel.is_empty:
        return _no_data(initiative_id, note)
    entry = next((e for e in metrics["initiatives"] if e["initiative_id"] == initiative_id), None)
    return (
        header(profile.iloc[0], entry),
        note,
        kpis(entry, metrics["currency"]),
        *_figures(reader, initiative_id, sel, metrics),
        blockers(entry, reader.settings.gate_min_score),
    )
