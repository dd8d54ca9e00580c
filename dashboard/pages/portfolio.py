"""`/`: is the AI program delivering at scale, and where is it stuck?"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html

from dashboard.components import graph_card, panel_card, row
from dashboard.db import Database
from dashboard.views.portfolio import portfolio, stage_search

PATH = "/"
TITLE = "Portfolio"
FUNNEL_HELP = "Initiatives by current stage; click a stage to filter."
TREND_HELP = "Active / eligible users per month of the window."
VALUE_HELP = "Outcome value and cost per month."
CATEGORY_HELP = "Cost over the window per category."


def layout() -> html.Div:
    cost_by_category = [
        graph_card("Cost by category", "portfolio-cost-by-category", CATEGORY_HELP, 290),
        html.Div(id="portfolio-unallocated", className="mt-1"),
    ]
    return html.Div(
        [
            html.H1("Portfolio", className="h3 mb-0"),
            html.P(id="portfolio-window", className="text-muted small mb-2"),
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
            "alerts": Output("portfolio-alerts", "children"),
        },
        inputs={"search": Input("app-location", "search")},
    )
    def update_portfolio(search: str | None) -> dict[str, Any]:
        with data.reader() as reader:
            return reader.view(portfolio, search)

    @app.callback(
        Output("app-location", "search", allow_duplicate=True),
        Input("portfolio-maturity-funnel", "clickData"),
        State("app-location", "search"),
        prevent_initial_call=True,
    )
    def filter_by_stage(click: dict[str, object] | None, search: str | None) -> object:
        return stage_search(click, search)
