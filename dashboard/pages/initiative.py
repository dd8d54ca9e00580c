"""`/initiatives/<initiative_id>`: one initiative, what it delivers and what blocks it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.auth.web import current_actor, current_address
from dashboard.components import graph_card
from dashboard.db import Database
from dashboard.edits.targets import targets_of
from dashboard.kpis import held_to
from dashboard.views import decisions as edits
from dashboard.views.initiative import initiative
from dashboard.views.targets import input_ids

PATH_PREFIX = "/initiatives/"
TITLE = "Initiative"
CARDS = (
    ("Stage history", "stage-history", "Actual stages (filled) against the plan (outlined).", 12),
    ("Adoption", "adoption", "Active vs eligible users per month.", 6),
    ("Cost by category", "cost-by-category", "Cost per month and category.", 6),
    ("Outcomes and insights", "outcomes", "Outcome value and insights delivered per month.", 6),
    ("Readiness", "readiness", "Latest score per dimension; the dotted line is the gate.", 6),
    ("Model metrics", "model-metrics", "Against the baseline (dashed); red: decayed.", 12),
)
"""(title, id after `initiative-`, help, columns of 12 on a large screen)"""
HEIGHTS = {"stage-history": 180, "model-metrics": 260, "readiness": 290}


def layout(initiative_id: str = "") -> html.Div:
    def card(title: str, name: str, help_text: str, lg: int) -> dbc.Col:
        footer = html.Div(id="initiative-gate-blockers") if name == "readiness" else None
        graph = graph_card(title, f"initiative-{name}", help_text, HEIGHTS.get(name, 320), footer)
        return dbc.Col(graph, lg=lg, className="mb-2")

    return html.Div(
        [
            dcc.Store(id="initiative-id", data=initiative_id),
            html.Div(id="initiative-header", className="mb-2"),
            html.Div(id="initiative-notice"),
            dbc.Row(id="initiative-kpis", className="g-2 mb-2"),
            dbc.Row([card(*spec) for spec in CARDS], className="g-2"),
            dcc.Store(id="initiative-edits-version", data={"decisions": 0, "targets": 0}),
            *(dcc.Store(id=f"initiative-{name}-saved", data=0) for name in SAVED),
            dbc.Row(
                [
                    dbc.Col(edit_card("Decisions", "decision", "initiative-decisions"), lg=6),
                    dbc.Col(
                        [
                            edit_card("Targets", "target", "initiative-targets"),
                            html.Div(className="mb-2"),
                            edit_card("Comments", "annotation", "initiative-annotations"),
                        ],
                        lg=6,
                    ),
                ],
                className="g-2 mt-1",
            ),
        ]
    )


SAVED = ("decision", "target", "annotation")
"""The writes of the page; each has a `initiative-<name>-saved` counter and feedback."""


def edit_card(title: str, name: str, body_id: str) -> dbc.Card:
    """A card a callback fills per user, with the feedback of its write under it."""
    return dbc.Card(
        [
            dbc.CardHeader(html.Span(title, className="fw-semibold")),
            dbc.CardBody(id=body_id),
            dbc.CardFooter(html.Div(id=f"initiative-{name}-feedback"), className="py-1"),
        ],
        className="shadow-sm",
    )


def register(app: Dash, data: Database) -> None:
    @app.callback(
        output={
            "header": Output("initiative-header", "children"),
            "notice": Output("initiative-notice", "children"),
            "kpis": Output("initiative-kpis", "children"),
            "stage_history": Output("initiative-stage-history", "figure"),
            "adoption": Output("initiative-adoption", "figure"),
            "cost_by_category": Output("initiative-cost-by-category", "figure"),
            "outcomes": Output("initiative-outcomes", "figure"),
            "model_metrics": Output("initiative-model-metrics", "figure"),
            "model_metrics_style": Output("initiative-model-metrics", "style"),
            "readiness": Output("initiative-readiness", "figure"),
            "gate_blockers": Output("initiative-gate-blockers", "children"),
        },
        inputs={
            "search": Input("app-location", "search"),
            "initiative_id": Input("initiative-id", "data"),
            "saved": Input("initiative-target-saved", "data"),
        },
    )
    def update_initiative(
        search: str | None, initiative_id: str, saved: int | None
    ) -> dict[str, Any]:
        held = held_to(targets_of(data.edits, initiative_id).values, targets_of(data.edits).values)
        with data.reader() as reader:
            return reader.view(initiative, initiative_id, search, held)

    register_edits(app, data)


def register_edits(app: Dash, data: Database) -> None:
    """The decisions panel (per user, never cached) and its three writes. Each write is
    authorized in `dashboard.edits` with the session's user; the callbacks only pass on."""

    @app.callback(
        output={
            "decisions": Output("initiative-decisions", "children"),
            "annotations": Output("initiative-annotations", "children"),
            "targets": Output("initiative-targets", "children"),
            "version": Output("initiative-edits-version", "data"),
        },
        inputs={
            "initiative_id": Input("initiative-id", "data"),
            "saved": [Input(f"initiative-{name}-saved", "data") for name in SAVED],
        },
    )
    def show_edits(initiative_id: str, saved: list[int]) -> dict[str, Any]:
        return edits.panel(data, current_actor(), initiative_id)

    @app.callback(
        output={
            "feedback": Output("initiative-decision-feedback", "children"),
            "saved": Output("initiative-decision-saved", "data"),
        },
        inputs={"clicks": Input("initiative-decision-submit", "n_clicks")},
        state={
            "initiative_id": State("initiative-id", "data"),
            "choice": State("initiative-decision-choice", "value"),
            "rationale": State("initiative-decision-rationale", "value"),
            "override": State("initiative-decision-override", "value"),
            "version": State("initiative-edits-version", "data"),
            "saved": State("initiative-decision-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def record_decision(
        clicks: int | None,
        initiative_id: str,
        choice: str | None,
        rationale: str | None,
        override: str | None,
        version: dict[str, int] | None,
        saved: int | None,
    ) -> dict[str, Any]:
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        seen = int((version or {}).get("decisions", 0))
        message, ok = edits.submit_decision(
            data,
            current_actor(),
            current_address(),
            initiative_id,
            choice,
            rationale,
            override,
            seen,
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}

    @app.callback(
        output={
            "feedback": Output("initiative-annotation-feedback", "children"),
            "saved": Output("initiative-annotation-saved", "data"),
        },
        inputs={"clicks": Input("initiative-annotation-submit", "n_clicks")},
        state={
            "initiative_id": State("initiative-id", "data"),
            "body": State("initiative-annotation-body", "value"),
            "saved": State("initiative-annotation-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def add_annotation(
        clicks: int | None, initiative_id: str, body: str | None, saved: int | None
    ) -> dict[str, Any]:
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        message, ok = edits.submit_annotation(
            data, current_actor(), current_address(), initiative_id, body
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}

    @app.callback(
        output={
            "feedback": Output("initiative-target-feedback", "children"),
            "saved": Output("initiative-target-saved", "data"),
        },
        inputs={"clicks": Input("initiative-target-submit", "n_clicks")},
        state={
            "initiative_id": State("initiative-id", "data"),
            "values": [State(i, "value") for i in input_ids("initiative")],
            "version": State("initiative-edits-version", "data"),
            "saved": State("initiative-target-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def save_targets(
        clicks: int | None,
        initiative_id: str,
        values: list[str | None],
        version: dict[str, int] | None,
        saved: int | None,
    ) -> dict[str, Any]:
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        seen = int((version or {}).get("targets", 0))
        message, ok = edits.submit_targets(
            data, current_actor(), current_address(), initiative_id, values, seen
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}
