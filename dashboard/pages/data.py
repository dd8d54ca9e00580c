"""`/data`: is the data behind these numbers fresh and complete?"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from dashboard.auth.policy import sees_data_details
from dashboard.auth.web import current_actor
from dashboard.components import graph_card
from dashboard.components.tables import grid
from dashboard.db import Database
from dashboard.views.data import REJECTS_EXPORT_NAME, data, rejects_csv, without_reject_values
from dashboard.views.deliveries import failed_deliveries_view

PATH = "/data"
TITLE = "Data"


COVERAGE_HELP = "Share of started initiatives with figures for the month."


def _card(
    title: str, grid_id: str, extra: list[Any] | None = None, **grid_options: Any
) -> dbc.Card:
    """A titled card with one grid; the title's id is `<grid id>-title`; `extra` goes in
    the header after the title."""
    span = html.Span(title, id=f"{grid_id}-title", className="fw-semibold me-auto")
    header = dbc.CardHeader([span, *(extra or [])], className="d-flex align-items-center")
    body = dbc.CardBody(grid(grid_id, **grid_options), className="p-2")
    return dbc.Card([header, body], className="h-100 shadow-sm mb-2")


def layout() -> html.Div:
    freshness = _card("Freshness and row counts per entity", "data-freshness", height=470, fit=True)
    coverage = graph_card("Reporting coverage", "data-coverage", COVERAGE_HELP, height=410)
    return html.Div(
        [
            html.H1("Data", className="h3 mb-0"),
            html.P(id="data-window", className="text-muted small mb-2"),
            html.Div(id="data-empty"),
            html.Div(id="data-failed-deliveries"),
            dbc.Row(
                [
                    dbc.Col(freshness, lg=7, className="mb-2"),
                    dbc.Col(coverage, lg=5, className="mb-2"),
                ],
                className="g-2",
            ),
            _card("Load history", "data-load-history", height=300),
            _card("Rejected rows", "data-rejects", _export(), height=380),
            _card(
                "Cost export reconciliation (amounts in each row's currency)",
                "data-reconciliation",
                height=300,
            ),
            dbc.Row(
                [
                    dbc.Col(_card("Unallocated AI spend", "data-unallocated", height=300), lg=6),
                    dbc.Col(_card("Source mappings", "data-mappings", height=300), lg=6),
                ],
                className="g-2",
            ),
        ]
    )


def _export() -> list[Any]:
    """The server-side CSV export of every rejected row."""
    button = dbc.Button(
        "Export CSV", id="data-rejects-export", size="sm", color="secondary", outline=True
    )
    return [button, dcc.Download(id="data-rejects-download")]


def register(app: Dash, data_source: Database) -> None:
    @app.callback(
        output={
            "window": Output("data-window", "children"),
            "empty": Output("data-empty", "children"),
            "freshness_columns": Output("data-freshness", "columnDefs"),
            "freshness_rows": Output("data-freshness", "rowData"),
            "coverage": Output("data-coverage", "figure"),
            "load_columns": Output("data-load-history", "columnDefs"),
            "load_rows": Output("data-load-history", "rowData"),
            "rejects_title": Output("data-rejects-title", "children"),
            "reject_columns": Output("data-rejects", "columnDefs"),
            "reject_rows": Output("data-rejects", "rowData"),
            "unallocated_columns": Output("data-unallocated", "columnDefs"),
            "unallocated_rows": Output("data-unallocated", "rowData"),
            "reconciliation_columns": Output("data-reconciliation", "columnDefs"),
            "reconciliation_rows": Output("data-reconciliation", "rowData"),
            "mapping_columns": Output("data-mappings", "columnDefs"),
            "mapping_rows": Output("data-mappings", "rowData"),
        },
        inputs={"search": Input("app-location", "search")},
    )
    def update_data(search: str | None) -> dict[str, Any]:
        with data_source.reader() as reader:
            view = reader.view(data, search, reader.audit_stamp)
        if sees_data_details(current_actor(), data_source.settings.sign_in):
            return view
        return without_reject_values(view)

    @app.callback(
        Output("data-failed-deliveries", "children"),
        Input("app-location", "search"),
    )
    def update_failed_deliveries(_search: str | None) -> list[Any]:
        return failed_deliveries_view(data_source.edits)

    @app.callback(
        Output("data-rejects-download", "data"),
        Input("data-rejects-export", "n_clicks"),
        prevent_initial_call=True,
    )
    def export_rejects(_: int | None) -> Any:
        details = sees_data_details(current_actor(), data_source.settings.sign_in)
        with data_source.reader() as reader:
            text = rejects_csv(reader, with_values=details)
        return {
            "content": text,
            "filename": REJECTS_EXPORT_NAME,
            "type": "text/csv",
            "base64": False,
        }
