"""The data page's card of failed alert and digest deliveries (nothing when there is none)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component


def failed_deliveries_card(rows: list[dict[str, Any]], limit: int = 10) -> list[Component]:
    """The latest failed deliveries, newest first: when, channel, what, tries, error."""
    if not rows:
        return []
    items = [
        html.Li(
            [
                html.Span(f"{r['updated_at'][:16].replace('T', ' ')} UTC ", className="text-muted"),
                html.B(r["channel"]),
                f" ({r['alert_key'] or 'digest'}), {r['attempts']} tries: ",
                r["error"] or "no reason given",
            ]
        )
        for r in rows[:limit]
    ]
    more = len(rows) - limit
    if more > 0:
        items.append(html.Li(f"and {more} more: scaleboard alerts status", className="text-muted"))
    header = dbc.CardHeader(
        html.Span(f"Failed alert deliveries ({len(rows)})", className="fw-semibold"),
    )
    body = dbc.CardBody(
        [
            html.Ul(items, className="small mb-1"),
            html.Small(
                "The next `scaleboard alerts check` tries an open alert's delivery again "
                "(docs/alerts.md).",
                className="text-muted",
            ),
        ],
        className="p-2",
    )
    return [dbc.Card([header, body], className="shadow-sm mb-2 border-warning")]
