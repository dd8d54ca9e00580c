"""Reusable layout pieces (Dash components); no data access."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.figures import empty_figure
from dashboard.theme import GRAPH_CONFIG


def graph_card(
    title: str, graph_id: str, help_text: str, height: int = 340, footer: Component | None = None
) -> dbc.Card:
    """A titled card holding one graph, with a loading spinner, a one-line help and an
    optional footer. The graph fills its width and `height` px (a callback may set its
    `style` to change that)."""
    graph = dcc.Graph(
        id=graph_id,
        figure=empty_figure("Loading…"),
        config=GRAPH_CONFIG,
        responsive=True,
        style={"height": f"{height}px"},
    )
    body: list[Component] = [dcc.Loading(graph, type="circle", delay_show=300)]
    if footer is not None:
        body.append(footer)
    header = [
        html.Span(title, className="fw-semibold"),
        html.Small(help_text, className="text-muted d-block"),
    ]
    return dbc.Card(
        [dbc.CardHeader(header), dbc.CardBody(body, className="p-2")],
        className="h-100 shadow-sm",
    )


def notice(children: Any, color: str = "warning", **kwargs: Any) -> dbc.Alert:
    """A short message on top of a page (ignored filter values, empty selections)."""
    return dbc.Alert(children, color=color, className="py-2 mb-2", **kwargs)


def panel_card(title: str, body_id: str, class_name: str = "") -> dbc.Card:
    """A titled card whose body (id `body_id`) a callback fills."""
    header = dbc.CardHeader(html.Span(title, className="fw-semibold"))
    return dbc.Card(
        [header, dbc.CardBody(id=body_id, className=class_name)], className="h-100 shadow-sm"
    )


def row(*cols: tuple[Component, int]) -> dbc.Row:
    """A responsive row of (content, columns of 12 on a large screen)."""
    return dbc.Row([dbc.Col(c, lg=lg, className="mb-2") for c, lg in cols], className="g-2")
