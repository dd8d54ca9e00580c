"""What any unknown path shows (served with HTTP 404)."""

from __future__ import annotations

from dash import dcc, html


def layout(message: str = "There is no page at this address.") -> html.Div:
    return html.Div(
        [
            html.H1("Not found", className="h3"),
            html.P(message, id="not-found-message"),
            dcc.Link("Back to the portfolio", href="/"),
        ],
        id="not-found",
        className="py-4",
    )
