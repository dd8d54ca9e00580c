"""The roadmap's funding scenarios card: two scenarios side by side against today, per
business unit, with the initiatives that fall out and those not projectable named; the
method written out; scenarios saved by name and shared by URL."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.auth.policy import Actor, Permission
from dashboard.components.forms import feedback
from dashboard.db import Reader
from dashboard.edits import priorities
from dashboard.edits.guard import Invalid
from dashboard.edits.store import EditsStore
from dashboard.filters import PageFilters, parse_search, to_search
from dashboard.scenarios import KINDS, Figures, Outcome, Spec, SpecError, parse_spec
from dashboard.views.backlog import Ranking, scenarios
from dashboard.views.shell import page_filters
from etl.registry import metric

SIDES = ("a", "b")
KIND_LABELS = {"top": "Fund the top N", "budget": "Fund within a monthly budget", "pick": "Pick"}
ROWS = (
    ("scenario_value", "value"),
    ("scenario_cost", "cost"),
    ("scenario_roi", "roi"),
    ("scenario_adoption", "adoption"),
)
METHOD = (
    "Monthly figures in the reporting currency. Today: the ranked initiatives' average cost, "
    "outcome value and active users over the 3 months ending the as-of month. A scenario: "
    "only the funded initiatives, at scale: METRICS.md's projected cost and value at scale "
    "(those 3 months' total / active users x target users), every target user active. ROI = "
    "(value - cost) / cost; adoption = active users / the target users of all ranked "
    "initiatives. A funded initiative without a projection is named as not projectable and "
    "left out of the sums, never counted as 0. Top N: the N best ranked; budget: the best "
    "ranked projectable initiatives whose running total of projected cost stays within it "
    "(the first that does not fit ends the list)."
)


def spec_of(kind: str | None, amount: str | None, picked: list[str] | None) -> Spec:
    """A scenario from its form; raises SpecError."""
    if kind == "pick":
        return parse_spec("pick:" + "|".join(picked or []))
    return parse_spec(f"{kind}:{(amount or '').strip()}")


def compare_search(search: str | None, specs: dict[str, Spec | None]) -> str:
    filters = parse_search(search).filters
    update = {f"scenario_{side}": (s.text() if s else None) for side, s in specs.items()}
    return to_search(filters.model_copy(update=update))


PICK_MATCHES = 50
"""Initiatives a pick list offers for what is typed, at most: the list is searched on the
server, since every active initiative as an option (1,400 at 2,016 initiatives, twice)
made the forms' response 262 KB and the browser build them all on each visit."""


def pick_options(
    frame: pd.DataFrame, typed: str | None, picked: list[str] | None
) -> list[dict[str, str]]:
    """A pick list's options: the initiatives already picked (so that they keep their
    labels), then the first PICK_MATCHES active ones, by name, whose name or id contains
    `typed` (any case; none when nothing is typed)."""
    chosen = set(picked or [])
    active = frame[frame["status"].eq("active")]
    keep = active["initiative_id"].isin(chosen)
    text = (typed or "").strip()
    if text:
        found = active["name"].str.contains(text, case=False, regex=False) | active[
            "initiative_id"
        ].str.contains(text, case=False, regex=False)
        matches = active[found & ~keep].sort_values(["name", "initiative_id"])
    else:
        matches = active.iloc[:0]
    shown = pd.concat([active[keep], matches.head(PICK_MATCHES)])
    return [
        {"label": f"{n} ({i})", "value": i}
        for i, n in zip(shown["initiative_id"], shown["name"], strict=True)
    ]


def pick_search(
    reader: Reader, search: str | None, typed: str | None, picked: list[str] | None
) -> list[dict[str, str]]:
    """The options of a pick list as the user types, over the page's selection."""
    _, frame = reader.initiatives(page_filters(reader, search).filters)
    return pick_options(frame, typed, picked)


def picked_ids(spec: Spec | None) -> list[str]:
    """The initiatives a pick scenario funds (none for another kind)."""
    return list(spec.ids) if spec and spec.kind == "pick" else []


def side_form(side: str, spec: Spec | None, options: list[dict[str, str]]) -> dbc.Col:
    kind = spec.kind if spec else "top"
    amount = "" if spec is None else str(spec.n) if spec.kind == "top" else ""
    if spec is not None and spec.kind == "budget":
        amount = f"{spec.budget:g}"
    return dbc.Col(
        [
            html.H3(f"Scenario {side.upper()}", className="h6"),
            dbc.RadioItems(
                id=f"roadmap-scenario-{side}-kind",
                options=[{"label": KIND_LABELS[k], "value": k} for k in KINDS],
                value=kind,
            ),
            dbc.Label("N, or the monthly budget", html_for=f"roadmap-scenario-{side}-amount"),
            dbc.Input(id=f"roadmap-scenario-{side}-amount", value=amount, inputMode="decimal"),
            dbc.Label("Picked initiatives", html_for=f"roadmap-scenario-{side}-pick"),
            dcc.Dropdown(
                id=f"roadmap-scenario-{side}-pick",
                options=options,
                value=picked_ids(spec),
                multi=True,
                placeholder="Type a name or an id",
            ),
        ],
        md=6,
    )


def forms(reader: Reader, search: str | None) -> list[Component]:
    """The two scenario forms, filled from the URL, and the compare button."""
    filters = page_filters(reader, search).filters
    _, frame = reader.initiatives(filters)
    specs = {s: _spec(getattr(filters, f"scenario_{s}")) for s in SIDES}
    options = {s: pick_options(frame, None, picked_ids(spec)) for s, spec in specs.items()}
    return [
        dbc.Row([side_form(s, specs[s], options[s]) for s in SIDES], className="g-3"),
        dbc.Button("Compare", id="roadmap-scenario-compare", className="mt-2"),
        html.Div(id="roadmap-scenario-error", className="mt-1"),
    ]


def _spec(text: str | None) -> Spec | None:
    return parse_spec(text) if text else None


def _shown(name: str, value: float | None, currency: str) -> str:
    return metric(name).format(value, currency)


def _cells(f: Figures, currency: str) -> list[str]:
    return [_shown(name, getattr(f, attr), currency) for name, attr in ROWS]


def comparison(results: dict[str, Outcome | None], currency: str) -> Component:
    """Today, A and B side by side; then per business unit; then who falls out."""
    given = {s: r for s, r in results.items() if r is not None}
    if not given:
        return html.P(
            "Choose a scenario and press Compare; the URL then shares the comparison.",
            className="text-muted small mb-0",
            id="roadmap-scenario-results-empty",
        )
    first = next(iter(given.values()))
    head = ["", "Today", *(f"{s.upper()}: {r.spec.describe()}" for s, r in given.items())]
    body = [
        html.Tr(
            [
                html.Th(metric(name).label),
                html.Td(_shown(name, getattr(first.today, attr), currency)),
                *(
                    html.Td(
                        _shown(name, getattr(r.scenario, attr), currency),
                        id=f"roadmap-scenario-{s}-{attr}",
                    )
                    for s, r in given.items()
                ),
            ]
        )
        for name, attr in ROWS
    ]
    table = dbc.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
        size="sm",
        className="small mb-2",
        id="roadmap-scenario-table",
    )
    return html.Div([table, *(_details(s, r, currency) for s, r in given.items())])


def _details(side: str, result: Outcome, currency: str) -> Component:
    units = result.by_business_unit
    rows = [
        html.Tr(
            [
                html.Td(str(u["business_unit"])),
                html.Td(_shown("scenario_value", _float(u["value_now"]), currency)),
                *(html.Td(_shown(n, _float(u[f"{a}_scenario"]), currency)) for n, a in ROWS),
            ]
        )
        for u in units.to_dict("records")
    ]
    head = ["Business unit", "Value today", *(metric(n).label for n, _ in ROWS)]
    parts: list[Component] = [
        html.H4(f"Scenario {side.upper()} by business unit", className="h6 mt-2"),
        dbc.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
            size="sm",
            className="small mb-1",
        ),
        html.P(
            [html.Strong("Falls out: "), ", ".join(result.falls_out) or "none"],
            className="small mb-1",
            id=f"roadmap-scenario-{side}-falls-out",
        ),
    ]
    if result.not_projectable:
        parts.append(
            html.P(
                [html.Strong("Funded, not projectable: "), ", ".join(result.not_projectable)],
                className="small mb-1 text-warning-emphasis",
                id=f"roadmap-scenario-{side}-not-projectable",
            )
        )
    return html.Div(parts)


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def results(reader: Reader, search: str | None, ranking: Ranking) -> Component:
    parsed = page_filters(reader, search)
    found = scenarios(reader, parsed.filters, ranking)
    return comparison(found, reader.settings.reporting_currency)


def saved_list(store: EditsStore, filters: PageFilters) -> Component:
    saved = priorities.scenarios_of(store)
    if not saved:
        return html.P("No scenario saved yet.", className="text-muted small mb-0")
    items = []
    for entry in saved:
        spec = entry["spec"]
        shared = filters.model_copy(
            update={"scenario_a": spec.get("a"), "scenario_b": spec.get("b")}
        )
        items.append(
            html.Li(
                [
                    dcc.Link(entry["name"], href="/roadmap" + to_search(shared)),
                    html.Small(f" · {entry['saved_by']} · {entry['saved_at'][:10]}"),
                ]
            )
        )
    return html.Ul(items, className="small mb-0", id="roadmap-scenario-saved-list")


def save_form(actor: Actor) -> html.Small | dbc.InputGroup:
    if not actor.may(Permission.SAVE_SCENARIO):
        return html.Small("Program owners and admins save scenarios.", className="text-muted")
    return dbc.InputGroup(
        [
            dbc.Input(id="roadmap-scenario-name", placeholder="Name", maxLength=120),
            dbc.Button("Save scenarios", id="roadmap-scenario-save"),
        ],
        size="sm",
        className="mt-2",
    )


def submit_save(
    store: EditsStore, actor: Actor, address: str | None, name: str | None, search: str | None
) -> tuple[Component, bool]:
    filters = parse_search(search).filters
    spec = {"a": filters.scenario_a, "b": filters.scenario_b}
    if not any(spec.values()):
        return feedback("Compare a scenario first, then save it.", "warning"), False
    try:
        priorities.save_scenario(store, actor, name, spec, address)
    except Invalid as exc:
        return feedback(f"Not saved: {exc}.", "danger"), False
    return feedback(f"Saved as {str(name).strip()!r}.", "success"), True


def form_error(error: SpecError) -> Component:
    return feedback(f"Not compared: {error}.", "danger")


def validation_parts() -> list[Component]:
    """The card's forms, for the app's validation layout."""
    sides = [side_form(s, None, []) for s in SIDES]
    return [
        *sides,
        dbc.Button("Compare", id="roadmap-scenario-compare"),
        html.Div(id="roadmap-scenario-error"),
        dbc.Input(id="roadmap-scenario-name"),
        dbc.Button("Save scenarios", id="roadmap-scenario-save"),
    ]
