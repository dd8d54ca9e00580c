"""The initiative view: profile, KPIs (compute_metrics' `initiatives` entry), stage
history, adoption, cost, outcomes, model metrics and readiness."""

from __future__ import annotations

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
from dashboard.kpis import TARGETED, Held, target_view
from dashboard.queries import Selection
from dashboard.queries import initiative as q
from dashboard.queries import roadmap as roadmap_q
from dashboard.views.shell import page_filters
from etl.contracts.entities import Dimension
from etl.formatting import EM_DASH
from etl.metric_results import InitiativeMetrics, ProgramMetrics
from etl.registry import BLOCKER_REASON_LABELS, cause_label, metric

PROJECTION = "over the 3 months ending the as-of month: {} / active users x target users (monthly)."
SELECTION_NOTE = (
    "Business unit, stage and status filters select initiatives; this page shows one "
    "initiative whatever they are."
)
DIMENSIONS = tuple(d.value for d in Dimension)

TILES: tuple[tuple[str, str], ...] = (
    ("adoption-rate", "adoption_rate"),
    ("total-cost", "total_cost"),
    ("cost-per-insight", "cost_per_insight"),
    ("roi", "roi"),
    ("readiness", "readiness_score"),
    ("days-in-stage", "days_in_stage"),
    ("projected-cost", "projected_cost_at_scale"),
    ("projected-value", "projected_value_at_scale"),
    ("business-case", "business_case_at_risk"),
)
"""(id after `initiative-kpi-`, the registry metric the tile shows)"""


def _text(value: Any) -> str:
    return EM_DASH if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _definition(name: str) -> str:
    return metric(name).definition.replace("the selected initiatives", "this initiative")


def header(profile: pd.Series, entry: InitiativeMetrics | None) -> list[Component]:
    stage = (entry.stage if entry else None) or "no stage yet"
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
    since = stage_since_line(entry, profile.get("estimated_dates"))
    if since:
        parts.append(html.Div(since, id="initiative-stage-since", className="small"))
    parts.append(signal_badges(entry))
    if isinstance(profile["description"], str):
        parts.append(html.P(profile["description"], className="text-muted small mb-1"))
    return parts


ESTIMATED_SINCE = (
    " (estimated: the source gives no date; this is its inventory's as-of date, so the "
    "stage was reached by then at the latest)"
)


def stage_since_line(entry: InitiativeMetrics | None, estimated_dates: Any) -> str:
    """`In Experimentation since 2024-12-31`, saying when that date is an estimate."""
    if entry is None or not entry.stage or not entry.stage_entered_on:
        return ""
    dates = [] if estimated_dates is None or isinstance(estimated_dates, float) else estimated_dates
    estimated = entry.stage_entered_on in {str(d)[:10] for d in dates}
    line = f"In {entry.stage} since {entry.stage_entered_on}"
    return line + (ESTIMATED_SINCE if estimated else "")


SIGNAL_BADGES = (
    ("is_stalled_pilot", "stalled", "Stalled pilot", "warning"),
    ("has_no_executive_owner", "no-sponsor", "No executive sponsor", "warning"),
    ("has_decaying_model", "decaying", "Decaying model", "danger"),
    ("business_case_at_risk", "business-case", "Business case at risk", "danger"),
)
"""(signal of the `initiatives` entry, id after `initiative-signal-`, label, colour)"""


def gate_text(entry: InitiativeMetrics | None) -> tuple[str, str]:
    """(`Ready for the next stage` / `Blocked by ...` / why there is no gate, colour)."""
    if entry is None or entry.ready_for_next_stage is None:
        if entry is not None and entry.gate_blockers:
            return f"No gate ahead; held by {_causes(entry.gate_blockers)}", "secondary"
        return "No gate ahead (not active, no stage yet, or at the last stage)", "secondary"
    if entry.ready_for_next_stage:
        return "Ready for the next stage", "success"
    return f"Blocked by {_causes(entry.gate_blockers)}", "danger"


def _causes(causes: list[str]) -> str:
    return metric("gate_blockers").format(causes)


def signal_badges(entry: InitiativeMetrics | None) -> html.Div:
    """The initiative's signals as badges, then its stage gate."""
    badges = [
        dbc.Badge(text, id=f"initiative-signal-{name}", color=color, className="me-1")
        for field, name, text, color in SIGNAL_BADGES
        if entry is not None and getattr(entry, field)
    ]
    gate, color = gate_text(entry)
    badges.append(dbc.Badge(gate, id="initiative-signal-gate", color=color, className="me-1"))
    return html.Div(badges, id="initiative-signals", className="mt-1")


def kpis(entry: InitiativeMetrics | None, currency: str, held: Held = ()) -> list[Component]:
    """The figure tiles; adoption, cost per insight and ROI against the targets `held`."""
    tiles = []
    for name, key in TILES:
        value = getattr(entry, key) if entry else None
        entry_metric = metric(key)
        shown = entry_metric.format(value, currency)
        if key == "business_case_at_risk" and value is not None:
            shown = "at risk" if value else "ok"
        if key == "readiness_score" and value is not None:
            shown += " / 5"
        target = target_view(key, value, held, currency) if key in TARGETED else None
        tiles.append(
            stat_tile(
                f"initiative-kpi-{name}",
                entry_metric.label,
                shown,
                _definition(key),
                target=target,
            )
        )
    return tiles


def blockers(entry: InitiativeMetrics | None, gate_min_score: float) -> Component:
    """Under the readiness chart: what holds the initiative at the gate, cause by cause."""
    reasons = entry.gate_blocker_reasons if entry else []
    not_assessed = entry.not_assessed if entry else []
    if not reasons:
        text = f"No gate blocker: every cause is assessed at {gate_min_score:g} or more."
        return html.P(text, className="kpi-good mb-0")
    items = [
        html.Li(f"{cause_label(r.cause)}: {BLOCKER_REASON_LABELS[r.reason].lower()}")
        for r in reasons
    ]
    lead = f"Gate blockers (minimum score {gate_min_score:g})"
    if not_assessed:
        lead += f"; not assessed: {_causes(not_assessed)}"
    return html.Div([html.P(lead, className="kpi-bad mb-0"), html.Ul(items, className="mb-0")])


def initiative_entry(frame: pd.DataFrame, initiative_id: str) -> InitiativeMetrics | None:
    """One initiative's entry of the `initiatives` frame, typed (None when not in S)."""
    if frame.empty:
        return None
    match = frame[frame["initiative_id"] == initiative_id]
    if match.empty:
        return None
    row = match.iloc[0].to_dict()
    plain = {
        k: None if v is pd.NA else v.tolist() if hasattr(v, "tolist") else v for k, v in row.items()
    }
    return InitiativeMetrics.model_validate(plain)


def _window_filters(filters: PageFilters) -> tuple[PageFilters, list[Component]]:
    """Only the period applies to one initiative; selection filters are noted, not applied."""
    note = []
    if filters.business_units or filters.stages or filters.statuses:
        note = [notice(SELECTION_NOTE, color="light")]
    return PageFilters(as_of=filters.as_of, from_=filters.from_, to=filters.to), note


def _no_data(initiative_id: str, note: list[Component]) -> dict[str, Any]:
    empty = empty_figure()
    title = [html.H1(f"No data for initiative {initiative_id}", className="h3")]
    figures = dict.fromkeys(FIGURES, empty) | {"model_metrics_style": {"height": "260px"}}
    return {"header": title, "notice": note, "kpis": [], **figures, "gate_blockers": ""}


FIGURES = (
    "stage_history",
    "adoption",
    "cost_by_category",
    "outcomes",
    "model_metrics",
    "readiness",
)


def _figures(
    reader: Reader, initiative_id: str, sel: Selection, metrics: ProgramMetrics
) -> dict[str, Any]:
    """stage history, adoption, cost, outcomes, model metrics (+ its height), readiness."""
    assert sel.window_from and sel.window_to and sel.as_of_date  # not empty: checked before
    currency, i = metrics.currency, initiative_id
    decay = {
        (m.model, m.metric): m.decay_pct or 0.0
        for m in metrics.decaying_models
        if m.initiative_id == i
    }
    monthly = reader.fetch(q.monthly, i, sel.window_from, sel.window_to)
    models = fig.model_metrics(reader.fetch(q.model_metrics, i, sel.as_of_date), decay)
    return {
        "stage_history": timeline(
            reader.fetch(roadmap_q.stage_periods, sel, (i,)),
            reader.fetch(q.profile, i),
            sel.as_of_date.isoformat(),
        ),
        "adoption": fig.adoption(monthly),
        "cost_by_category": fig.cost_by_category(
            reader.fetch(q.cost_by_category, i, sel.window_from, sel.window_to), currency
        ),
        "outcomes": fig.outcomes(monthly, currency),
        "model_metrics": models,
        "model_metrics_style": {"height": f"{models.layout.height or 260}px"},
        "readiness": fig.readiness(
            reader.fetch(q.readiness, i, sel.as_of_date, DIMENSIONS), reader.settings.gate_min_score
        ),
    }


def initiative(
    reader: Reader, initiative_id: str, search: str | None, held: Held = ()
) -> dict[str, Any]:
    """Every output of the initiative page, by name; its tiles against the targets `held`
    (`dashboard.kpis.held_to`)."""
    filters, note = _window_filters(page_filters(reader, search).filters)
    profile = reader.fetch(q.profile, initiative_id)
    metrics, initiatives = reader.initiatives(filters)
    sel = Selection.from_metrics(metrics)
    if profile.empty or sel.is_empty:
        return _no_data(initiative_id, note)
    entry = initiative_entry(initiatives, initiative_id)
    return {
        "header": header(profile.iloc[0], entry),
        "notice": note,
        "kpis": kpis(entry, metrics.currency, held),
        **_figures(reader, initiative_id, sel, metrics),
        "gate_blockers": blockers(entry, reader.settings.gate_min_score),
    }
