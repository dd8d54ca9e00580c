"""The alerts panel: stalled pilots, no executive owner, decaying models, business cases at
risk; each initiative links to its page."""

from __future__ import annotations

from urllib.parse import quote

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from etl.formatting import format_money

KINDS = {
    "Stalled pilot": "Stalled pilots",
    "No executive owner": "No executive owner",
    "Decaying model": "Decaying models",
    "Business case at risk": "Business cases at risk",
}
"""Alert kind -> the heading of its group, in the panel's order."""


def initiative_href(initiative_id: str, search: str = "") -> str:
    return f"/initiatives/{quote(initiative_id, safe='')}{search}"


def _item(row: pd.Series, search: str, currency: str) -> dbc.ListGroupItem:
    at_stake = format_money(row["cost_rc"], currency)
    return dbc.ListGroupItem(
        [
            dcc.Link(
                row["name"],
                href=initiative_href(row["initiative_id"], search),
                className="alert-link-item",
            ),
            html.Small(
                f" {row['initiative_id']} · {row['detail']} · {at_stake} spent in the window",
                className="text-muted",
            ),
        ],
        className="py-1 px-2",
    )


def _group(kind: str, rows: pd.DataFrame, search: str, limit: int, currency: str) -> html.Div:
    items = [_item(row, search, currency) for _, row in rows.head(limit).iterrows()]
    if len(rows) > limit:
        more = f"and {len(rows) - limit} more in the roadmap table"
        items.append(
            dbc.ListGroupItem(dcc.Link(more, href=f"/roadmap{search}"), className="py-1 px-2")
        )
    return html.Div(
        [
            html.Div(
                [KINDS[kind] + " ", dbc.Badge(str(len(rows)), color="secondary", pill=True)],
                className="fw-semibold mt-2",
            ),
            dbc.ListGroup(items, flush=True),
        ]
    )


def alerts_panel(
    df: pd.DataFrame, search: str, currency: str = "USD", limit: int = 3
) -> list[Component]:
    """The panel's children, each group largest money at stake first (so that every group
    shows without scrolling, each lists `limit` and links to the rest); `search` (the
    page's query string) is kept on every link."""
    if df.empty:
        return [html.P("No alerts for these filters.", className="text-muted mb-0")]
    groups = [
        dbc.Col(_group(kind, df[df["kind"] == kind], search, limit, currency), md=6, xl=3)
        for kind in KINDS
        if (df["kind"] == kind).any()
    ]
    return [dbc.Row(groups, className="g-3")]
