"""Targets on the page: each target against the figure now, the form that sets them (on
the initiative page for its owner and admins, on the portfolio page for admins), and the
submit function the callbacks call. Every write goes through `dashboard.edits.targets`,
which authorizes it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from dashboard.auth.policy import Actor, Permission
from dashboard.components.forms import conflict_text, feedback
from dashboard.db import Database
from dashboard.edits import targets
from dashboard.edits.guard import Conflict, Invalid
from dashboard.kpis import against_target
from etl.registry import metric

TARGET_INPUTS = (
    ("adoption_rate", "adoption-rate", "Adoption rate, %", 100),
    ("cost_per_insight", "cost-per-insight", "Cost per insight", 1),
    ("roi", "roi", "ROI, %", 100),
)
"""(target, id after `<page>-target-`, label, factor from stored value to shown)"""


def input_ids(page: str) -> list[str]:
    """The form's inputs on `page` (`initiative` or `portfolio`), in TARGET_INPUTS order."""
    return [f"{page}-target-{tid}" for _, tid, _, _ in TARGET_INPUTS]


def target_values(found: targets.Targets) -> dict[str, str]:
    shown = {}
    for name, _, _, factor in TARGET_INPUTS:
        value = found.values.get(name)
        shown[name] = "" if value is None else f"{(value * factor).normalize():f}"
    return shown


def against_targets(
    found: targets.Targets, figures: dict[str, Any], currency: str, page: str = "initiative"
) -> Component:
    """Each target next to the figure now (METRICS.md), and whether it is met."""
    items = []
    for name, tid, _, _ in TARGET_INPUTS:
        target = found.values.get(name)
        if target is None:
            continue
        value = figures.get(name)
        verdict = against_target(name, value, target) or "no figure yet"
        shown = metric(name).format(value, currency)
        wanted = metric(name).format(float(target), currency)
        color = {"on target": "kpi-good", "off target": "kpi-bad"}.get(verdict, "text-muted")
        items.append(
            html.Li(
                [
                    f"{metric(name).label}: {shown} against target {wanted}: ",
                    html.Span(verdict, className=color),
                ],
                id=f"{page}-against-target-{tid}",
            )
        )
    if not items:
        return html.P("No target set.", className="text-muted small mb-2")
    return html.Ul(items, className="small mb-2", id=f"{page}-against-targets")


def targets_form(found: targets.Targets, editable: bool, page: str = "initiative") -> Component:
    """The three targets as inputs (disabled for who may not set them); ids
    `<page>-target-<metric>` and `<page>-target-submit`."""
    values = target_values(found)
    fields = [
        dbc.Col(
            [
                dbc.Label(label, html_for=f"{page}-target-{tid}", className="small mb-0"),
                dbc.Input(
                    id=f"{page}-target-{tid}",
                    value=values[name],
                    type="text",
                    inputMode="decimal",
                    disabled=not editable,
                ),
            ],
            md=4,
        )
        for name, tid, label, _ in TARGET_INPUTS
    ]
    parts: list[Component] = [dbc.Row(fields, className="g-2")]
    if editable:
        parts.append(dbc.Button("Save targets", id=f"{page}-target-submit", className="mt-2"))
    if found.updated_by:
        parts.append(
            html.Small(
                f"Set by {found.updated_by} · {(found.updated_at or '')[:16]} UTC",
                className="text-muted d-block mt-1",
            )
        )
    return html.Div(parts, id=f"{page}-targets-form")


def entered_targets(values: list[str | None]) -> dict[str, object]:
    """The form's text per target, as stored (percent fields divided by 100)."""
    entered: dict[str, object] = {}
    for (name, _, label, factor), text in zip(TARGET_INPUTS, values, strict=True):
        if text is None or not str(text).strip():
            entered[name] = None
            continue
        try:
            number = Decimal(str(text).strip().rstrip("%").replace(",", ""))
        except InvalidOperation:
            raise Invalid(f"{label}: {text!r} is not a number") from None
        entered[name] = number / factor
    return entered


def save_targets(
    data: Database,
    actor: Actor,
    address: str | None,
    initiative_id: str | None,
    owner: str | None,
    values: list[str | None],
    seen_version: int,
) -> tuple[Component, bool]:
    """Sets the targets of an initiative (None: of the portfolio) from the form's text:
    (the message, whether they were saved). A refusal propagates as `Denied`."""
    try:
        targets.set_targets(
            data.edits,
            actor,
            initiative_id,
            owner,
            entered_targets(values),
            seen_version,
            address,
        )
    except Invalid as exc:
        return feedback(f"Not saved: {exc}.", "danger"), False
    except Conflict as exc:
        return feedback(conflict_text("the targets", exc.current), "warning"), False
    return feedback("Targets saved.", "success"), True


def portfolio_panel(data: Database, actor: Actor) -> dict[str, Any]:
    """The portfolio's targets card for `actor` (the KPI cards show each against the figure
    now): the form, editable by admins only, and the version it was made on."""
    found = targets.targets_of(data.edits)
    editable = actor.may(Permission.EDIT_PORTFOLIO)
    note = (
        "The KPI cards show each target against the figure for the filters."
        if editable
        else "Portfolio targets are set by an admin; the KPI cards show each against the "
        "figure for the filters."
    )
    return {
        "targets": [
            html.P(note, className="small text-muted", id="portfolio-targets-note"),
            targets_form(found, editable, "portfolio"),
        ],
        "version": found.version,
    }
