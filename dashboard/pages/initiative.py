"""`/initiatives/<initiative_id>`: one initiative, what it delivers and what blocks it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from dashboard.components import graph_card
from dashboard.db import Database
from dashboard.views.initiative import initiative

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
        ]
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
        },
    )
    def update_initiative(search: str | None, initiative_id: str) -> dict[str, Any]:
        with data.reader() as reader:
            return reader.view(initiative, initiative_id, search)
