"""`/`: is the AI program delivering at scale, and where is it stuck?"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard.auth.web import current_actor, current_address
from dashboard.components import graph_card, panel_card, row
from dashboard.db import Database
from dashboard.edits.targets import targets_of
from dashboard.kpis import held_to
from dashboard.views import targets as target_views
from dashboard.views.brief import brief_download
from dashboard.views.portfolio import portfolio, stage_search

PATH = "/"
TITLE = "Portfolio"
FUNNEL_HELP = "Initiatives by current stage; click a stage to filter."
TREND_HELP = "Active / eligible users per month of the window."
VALUE_HELP = "Outcome value and cost per month."
CATEGORY_HELP = "Cost over the window per category."


def export_control() -> html.Div:
    """Export brief: the one-page PDF of the filters on screen."""
    return html.Div(
        [
            dbc.Button(
                "Export brief",
                id="portfolio-export-brief",
                color="secondary",
                outline=True,
                size="sm",
                title="Download the one-page brief (PDF) for these filters",
            ),
            dcc.Loading(dcc.Download(id="portfolio-export-brief-download"), type="dot"),
            html.Small(id="portfolio-export-brief-status", className="text-danger ms-2"),
        ],
        className="d-flex align-items-center",
    )


def layout() -> html.Div:
    cost_by_category = [
        graph_card("Cost by category", "portfolio-cost-by-category", CATEGORY_HELP, 290),
        html.Div(id="portfolio-unallocated", className="mt-1"),
    ]
    return html.Div(
        [
            html.Div(
                [html.H1("Portfolio", className="h3 mb-0"), export_control()],
                className="d-flex justify-content-between align-items-center",
            ),
            html.P(id="portfolio-window", className="text-muted small mb-0"),
            html.Div(id="portfolio-behind-plan-line", className="mb-2"),
            html.Div(id="portfolio-empty"),
            dbc.Row(id="portfolio-kpis", className="g-2 mb-2"),
            row(
                (graph_card("Maturity funnel", "portfolio-maturity-funnel", FUNNEL_HELP), 4),
                (graph_card("Adoption trend", "portfolio-adoption-trend", TREND_HELP), 4),
                (html.Div(cost_by_category), 4),
            ),
            html.Div(
                panel_card("Alerts", "portfolio-alerts", "portfolio-alerts"), className="mb-2"
            ),
            html.Div(graph_card("Outcomes vs cost", "portfolio-value-vs-cost", VALUE_HELP)),
            dcc.Store(id="portfolio-targets-version", data=0),
            dcc.Store(id="portfolio-target-saved", data=0),
            dbc.Card(
                [
                    dbc.CardHeader(html.Span("Portfolio targets", className="fw-semibold")),
                    dbc.CardBody(id="portfolio-targets"),
                    dbc.CardFooter(html.Div(id="portfolio-target-feedback"), className="py-1"),
                ],
                className="shadow-sm mt-2",
            ),
        ]
    )


def register(app: Dash, data: Database) -> None:
    @app.callback(
        output={
            "window": Output("portfolio-window", "children"),
            "empty": Output("portfolio-empty", "children"),
            "kpis": Output("portfolio-kpis", "children"),
            "funnel": Output("portfolio-maturity-funnel", "figure"),
            "adoption_trend": Output("portfolio-adoption-trend", "figure"),
            "value_vs_cost": Output("portfolio-value-vs-cost", "figure"),
            "cost_by_category": Output("portfolio-cost-by-category", "figure"),
            "unallocated": Output("portfolio-unallocated", "children"),
            "behind_plan": Output("portfolio-behind-plan-line", "children"),
            "alerts": Output("portfolio-alerts", "children"),
        },
        inputs={
            "search": Input("app-location", "search"),
            "saved": Input("portfolio-target-saved", "data"),
        },
    )
    def update_portfolio(search: str | None, saved: int | None) -> dict[str, Any]:
        held = held_to(targets_of(data.edits).values)
        with data.reader() as reader:
            return reader.view(portfolio, search, held)

    @app.callback(
        output={
            "targets": Output("portfolio-targets", "children"),
            "version": Output("portfolio-targets-version", "data"),
        },
        inputs={"saved": Input("portfolio-target-saved", "data")},
    )
    def show_targets(saved: int | None) -> dict[str, Any]:
        return target_views.portfolio_panel(data, current_actor())

    @app.callback(
        output={
            "feedback": Output("portfolio-target-feedback", "children"),
            "saved": Output("portfolio-target-saved", "data"),
        },
        inputs={"clicks": Input("portfolio-target-submit", "n_clicks")},
        state={
            "values": [State(i, "value") for i in target_views.input_ids("portfolio")],
            "version": State("portfolio-targets-version", "data"),
            "saved": State("portfolio-target-saved", "data"),
        },
        prevent_initial_call=True,
    )
    def save_targets(
        clicks: int | None, values: list[str | None], version: int | None, saved: int | None
    ) -> dict[str, Any]:
        """Admins only: the write is authorized in `dashboard.edits.targets`."""
        if not clicks:  # the button was drawn, not pressed
            raise PreventUpdate
        message, ok = target_views.save_targets(
            data, current_actor(), current_address(), None, None, values, int(version or 0)
        )
        return {"feedback": message, "saved": (saved or 0) + 1 if ok else no_update}

    @app.callback(
        Output("portfolio-export-brief-download", "data"),
        Output("portfolio-export-brief-status", "children"),
        Input("portfolio-export-brief", "n_clicks"),
        State("app-location", "search"),
        prevent_initial_call=True,
    )
    def export_brief(_clicks: int | None, search: str | None) -> tuple[object, str]:
        return brief_download(data, search)

    @app.callback(
        Output("app-location", "search", allow_duplicate=True),
        Input("portfolio-maturity-funnel", "clickData"),
        State("app-location", "search"),
        prevent_initial_call=True,
    )
    def filter_by_stage(click: dict[str, object] | None, search: str | None) -> object:
        return stage_search(click, search)
