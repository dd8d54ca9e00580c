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
    """A titled card holding one graph, with a loading spinner, a one-line help, the
    chart's values as a table (`values`) and an optional footer. The graph fills its width
    and `height` px (a callback may set its `style` to change that)."""
    graph = dcc.Graph(
        id=graph_id,
        figure=empty_figure("Loading…"),
        config=GRAPH_CONFIG,
        responsive=True,
        style={"height": f"{height}px"},
    )
    body: list[Component] = [dcc.Loading(graph, type="circle", delay_show=300), values(graph_id)]
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


def values(graph_id: str) -> html.Details:
    """The text alternative of the graph `graph_id`: its values as a table, in a closed
    `<details>` under it, built in the browser from the figure once the details are opened
    (see `graph_ids`): a page's tables of values are thousands of Dash components, which
    the browser would otherwise build on every new figure (the roadmap at 2,016
    initiatives drew in 4.7 s without them, 12.2 s with them).

    How long a table gets, in two steps: a figure that can have thousands of points puts
    the ones a reader needs first in its table and says how many it leaves out (the
    priority matrix: its MATRIX_VALUES costliest initiatives, `matrix_values`); and the
    browser lists any table's first MAX_ROWS rows (`scaleboard.js`) and counts the rest,
    so that a figure without such a choice never stalls the page either."""
    return html.Details(
        [
            html.Summary("Values in the chart", className="small text-muted"),
            html.Div(id=f"{graph_id}-values", className="chart-values-table"),
        ],
        id=f"{graph_id}-details",
        className="chart-values mt-1",
    )


def graph_ids(layout: Component) -> list[str]:
    """The ids of every graph in a layout, in order (each has a `<id>-values` table)."""
    found: list[str] = []

    def visit(node: Any) -> None:
        node_id = getattr(node, "id", None)
        if isinstance(node, dcc.Graph) and isinstance(node_id, str):
            found.append(node_id)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, Component):
                visit(child)

    visit(layout)
    return list(dict.fromkeys(found))


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
