"""The roadmap's priority card: the formula and weights in force (an admin changes them),
the order of the backlog, and an owner's rank override with its reason. Pure builders and
the submit functions the callbacks call; every write is authorized in
`dashboard.edits.priorities`."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.auth.policy import Actor, Permission
from dashboard.components.forms import conflict_text, feedback
from dashboard.db import Database
from dashboard.edits import priorities
from dashboard.edits.guard import Conflict, Invalid
from dashboard.filters import PageFilters, parse_search, to_search
from dashboard.priority import PARTS, Weights
from dashboard.views.decisions import decidable, facts_to_write

PART_LABELS = {
    "value": "Value at scale",
    "impact": "Strategic impact",
    "readiness": "Readiness (six causes)",
    "time": "Time criticality",
}
ORDERS = {"rank": "Priority (rank)", "-slip_days": "Slip (most behind first)"}


def formula(weights: Weights) -> Component:
    """The score as it is computed now, with the weights in force."""
    terms = " + ".join(f"{getattr(weights, p):g} x {PART_LABELS[p].lower()}" for p in PARTS)
    return html.Div(
        [
            html.P(
                [html.Strong("Priority score = "), f"({terms}) / cost to scale"],
                className="mb-1",
                id="roadmap-priority-formula",
            ),
            html.Ul(
                [
                    html.Li("Value: projected value at scale / the largest of them x 10."),
                    html.Li("Impact: strategic impact (1-5) x 2."),
                    html.Li("Readiness: the six failure causes that do not block / 6 x 10."),
                    html.Li("Time: 5 x min(days in stage / 365, 1) + 5 x min(slip / 180 days, 1)."),
                    html.Li(
                        "Cost to scale: 1 + 9 x projected cost at scale / the largest of them "
                        "(10 when not projectable: an unknown cost never ranks higher)."
                    ),
                    html.Li(
                        "Active initiatives with a stage are ranked, highest score first (ties "
                        "by id); a rank an owner sets takes its place, the rest keep score order."
                    ),
                ],
                className="small text-muted mb-2",
            ),
        ]
    )


def order_search(search: str | None, order: str | None) -> str:
    """The query string with the backlog ordered by `order` (`rank` clears it)."""
    filters = parse_search(search).filters
    wanted = None if order in (None, "rank") else order
    return to_search(filters.model_copy(update={"sort": wanted}))


def weights_form(weights: Weights, editable: bool) -> Component:
    fields = [
        dbc.Col(
            [
                dbc.Label(PART_LABELS[p], html_for=f"roadmap-weight-{p}", className="small mb-0"),
                dbc.Input(
                    id=f"roadmap-weight-{p}",
                    value=f"{getattr(weights, p):g}",
                    type="text",
                    inputMode="decimal",
                    disabled=not editable,
                ),
            ],
            md=3,
        )
        for p in PARTS
    ]
    parts: list[Component] = [dbc.Row(fields, className="g-2")]
    if editable:
        parts.append(dbc.Button("Save weights", id="roadmap-weights-submit", className="mt-2"))
    else:
        parts.append(html.Small("The weights are set by an admin.", className="text-muted"))
    return html.Div(parts, id="roadmap-weights-form")


def override_form(options: list[dict[str, str]]) -> Component:
    return html.Div(
        [
            dbc.Label("Set the rank of one of yours", html_for="roadmap-override-initiative"),
            dbc.Select(id="roadmap-override-initiative", options=options),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label("Rank (blank: by score)", html_for="roadmap-override-rank"),
                            dbc.Input(
                                id="roadmap-override-rank",
                                type="text",
                                inputMode="numeric",
                                disabled=True,
                            ),
                        ],
                        md=3,
                    ),
                    dbc.Col(
                        [
                            dbc.Label("Reason", html_for="roadmap-override-reason"),
                            dbc.Input(id="roadmap-override-reason", maxLength=5000, disabled=True),
                        ],
                        md=9,
                    ),
                ],
                className="g-2 mt-1",
            ),
            dbc.Button("Set rank", id="roadmap-override-submit", className="mt-2", disabled=True),
            dcc.Store(id="roadmap-override-version"),
        ],
        id="roadmap-override-form",
        className="mt-3",
    )


def panel(data: Database, actor: Actor) -> dict[str, Any]:
    """The card's parts for `actor`: formula, weights (editable by admins), the override
    form (for who owns an initiative), and the weights' version."""
    weights, version = priorities.weights_of(data.edits)
    options = decidable(data, actor)
    parts: list[Component] = [
        formula(weights),
        weights_form(weights, actor.may(Permission.EDIT_PORTFOLIO)),
    ]
    if options:
        parts.append(override_form(options))
    return {"body": parts, "version": version}


def submit_weights(
    data: Database, actor: Actor, address: str | None, values: list[str | None], seen: int
) -> tuple[Component, bool]:
    entered = dict(zip(PARTS, values, strict=True))
    try:
        priorities.set_weights(data.edits, actor, dict(entered), seen, address)
    except Invalid as exc:
        return feedback(f"Not saved: {exc}.", "danger"), False
    except Conflict as exc:
        return feedback(conflict_text("the weights", exc.current), "warning"), False
    return feedback("Weights saved; the backlog is ranked again.", "success"), True


def opened_override(data: Database, initiative_id: str | None) -> dict[str, Any]:
    """The form's fields for the chosen initiative: its override in force (blank without
    one) and the version the form opens on, which a save must still find. The fields stay
    disabled until then, so nothing typed is overwritten and no save goes without a version."""
    if not initiative_id:
        return {"rank": "", "reason": "", "version": None, "closed": True}
    held, version = priorities.override_and_version(data.edits, initiative_id)
    if held is None:
        return {"rank": "", "reason": "", "version": version, "closed": False}
    return {"rank": str(held.rank), "reason": held.reason, "version": version, "closed": False}


def submit_override(
    data: Database,
    actor: Actor,
    address: str | None,
    initiative_id: str | None,
    rank: str | None,
    reason: str | None,
    seen: int | None,
) -> tuple[Component, bool]:
    """Sets or clears the rank override made on the version the form opened on (`seen`;
    someone else's change since is a conflict, never overwritten); the owner is read from
    the data."""
    if not initiative_id:
        return feedback("Choose an initiative first.", "warning"), False
    facts = facts_to_write(data, actor, address, "rank_override.set", initiative_id)
    if facts is None:
        return feedback(f"There is no initiative {initiative_id!r} in the data.", "danger"), False
    opened = -1 if seen is None else seen  # no version: a request no form made, a conflict
    try:
        saved = priorities.set_override(
            data.edits, actor, initiative_id, facts.program_owner, rank, reason, opened, address
        )
    except Invalid as exc:
        return feedback(f"Not saved: {exc}.", "danger"), False
    except Conflict as exc:
        return feedback(conflict_text("the rank", exc.current), "warning"), False
    done = f"Rank {saved.rank} set." if saved else "Rank override cleared."
    return feedback(done, "success"), True


def validation_parts() -> list[Component]:
    return [weights_form(Weights(), True), override_form([{"label": "x", "value": "x"}])]


def current_order(filters: PageFilters) -> str | None:
    """The order chosen above the table, or None when a column's header sorts it."""
    if filters.sort is None:
        return "rank"
    return filters.sort if filters.sort in ORDERS else None
