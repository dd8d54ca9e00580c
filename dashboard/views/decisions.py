"""The initiative page's decisions panel: the decision log with its evidence, annotations,
targets, and (for who may write) the forms. Pure builders plus the submit functions the
callbacks call; every write goes through `dashboard.edits`, which authorizes it."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.auth.policy import Actor, Permission
from dashboard.components.forms import conflict_text, feedback
from dashboard.db import Database, Reader
from dashboard.edits import comments, decisions, targets
from dashboard.edits.decisions import InitiativeFacts
from dashboard.edits.guard import Conflict, Invalid, authorize
from dashboard.filters import PageFilters
from dashboard.queries import initiative as q
from dashboard.queries import roadmap as roadmap_q
from dashboard.views import targets as target_views
from etl.formatting import EM_DASH
from etl.registry import metric

DECISION_LABELS = {"advance": "Advance", "hold": "Hold", "stop": "Stop"}
DECISION_COLORS = {"advance": "success", "hold": "warning", "stop": "danger"}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def facts_of(reader: Reader, initiative_id: str) -> InitiativeFacts | None:
    """The initiative as the server knows it now: its owner from the data, its figures at
    the default as-of month (the latest reported), the release they come from."""
    found = reader.fetch(q.profile, initiative_id)
    if found.empty:
        return None
    profile = found.iloc[0]
    program, frame = reader.initiatives(PageFilters())
    match = frame[frame["initiative_id"] == initiative_id]
    figures = {str(k): _plain(v) for k, v in match.iloc[0].items()} if not match.empty else {}
    return InitiativeFacts(
        initiative_id=initiative_id,
        program_owner=_plain(profile["program_owner"]),
        status=_plain(profile["status"]),
        stage=figures.get("stage") or _plain(profile["stage"]),
        load_id=reader.snapshot.load_id,
        as_of=program.as_of,
        figures=figures,
    )


def _evidence(evidence: dict[str, Any], currency: str) -> html.Ul:
    shown = [
        ("Stage", evidence.get("stage") or "no stage yet"),
        ("Adoption", metric("adoption_rate").format(evidence.get("adoption_rate"))),
        ("ROI", metric("roi").format(evidence.get("roi"))),
        (
            "Projected cost at scale",
            metric("projected_cost_at_scale").format(
                evidence.get("projected_cost_at_scale"), currency
            ),
        ),
        (
            "Projected value at scale",
            metric("projected_value_at_scale").format(
                evidence.get("projected_value_at_scale"), currency
            ),
        ),
        ("Gate blockers", metric("gate_blockers").format(evidence.get("gate_blockers") or [])),
    ]
    release = f"load {evidence.get('load_id')}, as of {evidence.get('as_of') or EM_DASH}"
    items = [html.Li([html.Span(f"{k}: "), html.Span(v)]) for k, v in shown]
    items.append(html.Li(f"Data: {release}", className="text-muted"))
    return html.Ul(items, className="small mb-0 decision-evidence")


def decision_item(entry: dict[str, Any], current_stage: str | None, currency: str) -> Component:
    """One decision of the log: what, who, when, why, the override, the evidence."""
    kind = entry["decision"]
    badges = [dbc.Badge(DECISION_LABELS[kind], color=DECISION_COLORS[kind], className="me-1")]
    if decisions.is_pending(entry, current_stage):
        badges.append(dbc.Badge("pending: not in the data yet", color="info", className="me-1"))
    parts: list[Component] = [
        html.Div([*badges, html.Small(f"{entry['decided_by']} · {entry['decided_at'][:16]} UTC")]),
        html.P(entry["rationale"], className="mb-1 decision-rationale"),
    ]
    if entry.get("override_reason"):
        parts.append(
            html.P(
                [html.Strong("Override of open gate blockers: "), entry["override_reason"]],
                className="mb-1 text-danger decision-override",
            )
        )
    parts.append(
        html.Details(
            [
                html.Summary("Evidence at the time", className="small"),
                _evidence(entry["evidence"], currency),
            ]
        )
    )
    return html.Li(
        parts, className="list-group-item", id={"type": "decision", "index": entry["decision_id"]}
    )


def decision_log(log: list[dict[str, Any]], current_stage: str | None, currency: str) -> Component:
    if not log:
        return html.P("No decision recorded yet.", className="text-muted small mb-2")
    return html.Ul(
        [decision_item(e, current_stage, currency) for e in log],
        className="list-group list-group-flush mb-2",
        id="initiative-decision-log-list",
    )


def decision_form(facts: InitiativeFacts, page: str = "initiative") -> Component:
    """The stage-gate form; advancing past open blockers asks for an override reason. Ids
    `<page>-decision-<choice|rationale|override|submit>`."""
    blockers = facts.gate_blockers
    choices = [{"label": DECISION_LABELS[d], "value": d} for d in decisions.DECISIONS]
    if facts.next_stage is None or facts.status != "active":
        choices = [c for c in choices if c["value"] != "advance"]
    override_help = (
        f"Open gate blockers: {metric('gate_blockers').format(blockers)}. Advancing past them "
        "needs an override reason, shown next to the decision from then on."
        if blockers
        else "No open gate blocker."
    )
    return html.Div(
        [
            dbc.Label("Stage-gate decision", html_for=f"{page}-decision-choice"),
            dbc.RadioItems(id=f"{page}-decision-choice", options=choices, inline=True),
            dbc.Label("Rationale", html_for=f"{page}-decision-rationale", className="mt-2"),
            dbc.Textarea(id=f"{page}-decision-rationale", maxLength=5000, rows=2),
            dbc.Label("Override reason", html_for=f"{page}-decision-override", className="mt-2"),
            dbc.Textarea(id=f"{page}-decision-override", maxLength=5000, rows=2),
            dbc.FormText(override_help),
            html.Div(
                dbc.Button("Record decision", id=f"{page}-decision-submit", color="primary"),
                className="mt-2",
            ),
        ],
        id=f"{page}-decision-form",
    )


def annotation_list(notes: list[dict[str, Any]]) -> Component:
    if not notes:
        return html.P("No comment yet.", className="text-muted small mb-2")
    return html.Ul(
        [
            html.Li(
                [
                    html.Small(f"{n['author']} · {n['at'][:16]} UTC"),
                    html.P(n["body"], className="mb-0"),
                ],
                className="list-group-item",
            )
            for n in notes
        ],
        className="list-group list-group-flush mb-2",
        id="initiative-annotation-list",
    )


def annotation_form() -> Component:
    return html.Div(
        [
            dbc.Label("Add a comment", html_for="initiative-annotation-body"),
            dbc.Textarea(id="initiative-annotation-body", maxLength=5000, rows=2),
            dbc.Button("Add comment", id="initiative-annotation-submit", className="mt-2"),
        ],
        id="initiative-annotation-form",
    )


def panel(data: Database, actor: Actor, initiative_id: str) -> dict[str, Any]:
    """The panel's parts for `actor`: the forms only for who may write this initiative."""
    with data.reader() as reader:
        facts = facts_of(reader, initiative_id)
        currency = reader.settings.reporting_currency
    if facts is None:
        return {"decisions": [], "annotations": [], "targets": [], "version": 0}
    editable = actor.may(Permission.EDIT_INITIATIVE, facts.program_owner)
    log = decisions.decision_log(data.edits, initiative_id)
    notes = comments.annotations_of(data.edits, initiative_id)
    found = targets.targets_of(data.edits, initiative_id)
    owner = facts.program_owner or "nobody"
    who = (
        [html.P(f"You may decide here as {actor.name}.", className="small text-muted")]
        if editable
        else [
            html.P(
                f"Decisions here are made by the program owner ({owner}) or an admin.",
                className="small text-muted",
                id="initiative-read-only",
            )
        ]
    )
    return {
        "decisions": [
            *who,
            decision_log(log, facts.stage, currency),
            *([decision_form(facts)] if editable else []),
        ],
        "annotations": [annotation_list(notes), *([annotation_form()] if editable else [])],
        "targets": [
            target_views.against_targets(found, facts.figures, currency),
            target_views.targets_form(found, editable),
        ],
        "version": {
            "decisions": decisions.decisions_version(data.edits, initiative_id),
            "targets": found.version,
        },
    }


def _facts(data: Database, initiative_id: str) -> InitiativeFacts | None:
    with data.reader() as reader:
        return facts_of(reader, initiative_id)


def facts_to_write(
    data: Database, actor: Actor, address: str | None, action: str, initiative_id: str
) -> InitiativeFacts | None:
    """The initiative a write is for. One that is not in the data is nobody's: an admin is
    told so (None), anyone else is refused and audited as for another owner's."""
    facts = _facts(data, initiative_id)
    if facts is None:
        where = {"initiative_id": initiative_id, "address": address}
        authorize(data.edits, actor, action, Permission.EDIT_INITIATIVE, None, where)
    return facts


def submit_decision(
    data: Database,
    actor: Actor,
    address: str | None,
    initiative_id: str,
    choice: str | None,
    rationale: str | None,
    override: str | None,
    seen_version: int,
) -> tuple[Component, bool]:
    """Records the decision (authorized and audited in `decisions.decide`): (the message,
    whether it was saved). A refusal propagates as `Denied`; bad input and conflicts come
    back as a message, and the form keeps what was typed."""
    facts = facts_to_write(data, actor, address, "decision.record", initiative_id)
    if facts is None:
        return feedback(f"There is no initiative {initiative_id!r} in the data.", "danger"), False
    try:
        saved = decisions.decide(
            data.edits, actor, facts, choice or "", rationale, override, seen_version, address
        )
    except Invalid as exc:
        return feedback(f"Not saved: {exc}.", "danger"), False
    except Conflict as exc:
        other = exc.current or {}
        now = f"{other.get('decision')} by {other.get('decided_by')}: {other.get('rationale')}"
        return feedback(conflict_text("the decisions", now), "warning"), False
    return feedback(f"Recorded: {DECISION_LABELS[saved['decision']].lower()}.", "success"), True


def submit_annotation(
    data: Database, actor: Actor, address: str | None, initiative_id: str, body: str | None
) -> tuple[Component, bool]:
    facts = facts_to_write(data, actor, address, "annotation.add", initiative_id)
    if facts is None:
        return feedback(f"There is no initiative {initiative_id!r} in the data.", "danger"), False
    try:
        comments.annotate(data.edits, actor, initiative_id, facts.program_owner, body, address)
    except Invalid as exc:
        return feedback(f"Not saved: {exc}.", "danger"), False
    return feedback("Comment added.", "success"), True


def submit_targets(
    data: Database,
    actor: Actor,
    address: str | None,
    initiative_id: str,
    values: list[str | None],
    seen_version: int,
) -> tuple[Component, bool]:
    """Sets the initiative's targets; its owner is read from the data, not the request."""
    facts = facts_to_write(data, actor, address, "targets.set", initiative_id)
    if facts is None:
        return feedback(f"There is no initiative {initiative_id!r} in the data.", "danger"), False
    return target_views.save_targets(
        data, actor, address, initiative_id, facts.program_owner, values, seen_version
    )


def validation_parts() -> list[Component]:
    """Every form component, for the app's validation layout."""
    facts = InitiativeFacts("x", None, "active", "Experimentation", 0, None)
    return [
        decision_form(facts),
        decision_form(facts, "roadmap"),
        annotation_form(),
        target_views.targets_form(targets.Targets(None, {}, 0), True),
        target_views.targets_form(targets.Targets(None, {}, 0), True, "portfolio"),
    ]


def roadmap_decisions(data: Database) -> Component:
    """The latest stage-gate decision of each initiative, pending advances first: what the
    owners decided and the data does not show yet."""
    latest = decisions.latest_decisions(data.edits)
    if not latest:
        return html.P("No stage-gate decision recorded yet.", className="text-muted small mb-0")
    with data.reader() as reader:
        _, frame = reader.initiatives(PageFilters())
    known = frame.set_index("initiative_id")[["name", "stage"]].to_dict("index")
    rows = []
    for initiative_id, entry in latest.items():
        now = known.get(initiative_id, {})
        pending = decisions.is_pending(entry, now.get("stage"))
        rows.append((not pending, entry["decided_at"], initiative_id, entry, now, pending))
    rows.sort(key=lambda r: r[1], reverse=True)  # newest first,
    rows.sort(key=lambda r: r[0])  # pending advances before the rest (a stable sort)
    body = []
    for _, _, initiative_id, entry, now, pending in rows[:50]:
        state = [
            dbc.Badge(DECISION_LABELS[entry["decision"]], color=DECISION_COLORS[entry["decision"]])
        ]
        if pending:
            state.append(
                dbc.Badge("pending", color="info", className="ms-1 roadmap-decision-pending")
            )
        body.append(
            html.Tr(
                [
                    html.Td(
                        dcc.Link(
                            now.get("name") or initiative_id,
                            href=f"/initiatives/{quote(initiative_id, safe='')}",
                        )
                    ),
                    html.Td(state),
                    html.Td(entry["stage_at_decision"] or EM_DASH),
                    html.Td(entry["rationale"]),
                    html.Td(entry.get("override_reason") or ""),
                    html.Td(f"{entry['decided_by']} · {entry['decided_at'][:10]}"),
                ]
            )
        )
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("Initiative", "Decision", "Stage then", "Rationale", "Override", "By")
            ]
        )
    )
    table: Component = dbc.Table(
        [head, html.Tbody(body)], size="sm", hover=True, responsive=True, className="mb-0 small"
    )
    return table


def decidable(data: Database, actor: Actor) -> list[dict[str, str]]:
    """The initiatives `actor` may decide on (their own; all for an admin), as dropdown
    options `name · stage`, by name."""
    if actor.role is None:
        return []
    with data.reader() as reader:
        found = reader.fetch(roadmap_q.decidable)
    options = [
        {"label": f"{name} · {stage or 'no stage yet'}", "value": str(initiative_id)}
        for initiative_id, name, stage, owner in zip(
            found["initiative_id"],
            found["name"],
            found["stage"].astype(object).where(found["stage"].notna(), None),
            found["program_owner"].astype(object).where(found["program_owner"].notna(), None),
            strict=True,
        )
        if actor.may(Permission.EDIT_INITIATIVE, owner)
    ]
    return sorted(options, key=lambda o: o["label"].casefold())


def roadmap_picker(options: list[dict[str, str]]) -> Component:
    """Which initiative to decide on, and the slot its form comes into; in the page from the
    start (hidden until the user's choices arrive), so its callbacks always find it."""
    return html.Div(
        [
            dbc.Label("Decide on an initiative", html_for="roadmap-decision-initiative"),
            dcc.Dropdown(
                id="roadmap-decision-initiative",
                options=options,
                placeholder="Choose one of yours",
                clearable=True,
            ),
            html.Div(id="roadmap-decision-slot", className="mt-2"),
        ],
        id="roadmap-decide-form",
        className="mb-3",
        hidden=not options,
    )


def roadmap_decide(data: Database, actor: Actor) -> dict[str, Any]:
    """The roadmap's picker for `actor`: the initiatives they may decide on (the picker is
    hidden when there are none, and the note says who decides)."""
    options = decidable(data, actor)
    note = (
        []
        if options
        else [
            html.P(
                "Stage-gate decisions are made by each initiative's program owner or an admin.",
                className="small text-muted",
                id="roadmap-read-only",
            )
        ]
    )
    return {"note": note, "options": options, "hidden": not options}


def roadmap_decision_form(
    data: Database, actor: Actor, initiative_id: str | None
) -> dict[str, Any]:
    """The form for the chosen initiative (only when `actor` may decide on it) and the
    version of its decisions the form is made on."""
    facts = _facts(data, initiative_id) if initiative_id else None
    if facts is None or not actor.may(Permission.EDIT_INITIATIVE, facts.program_owner):
        return {"form": [], "version": 0}
    return {
        "form": decision_form(facts, "roadmap"),
        "version": decisions.decisions_version(data.edits, facts.initiative_id),
    }
