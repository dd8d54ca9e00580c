"""The KPI card: label (its definition on hover, on focus or tap of its "i"), the value
alone in the element with the KPI's id, and the change against the previous window beside
it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.kpis import KpiView, SignalShare, TargetView
from etl.formatting import format_percent


def _tooltip(text: str, target: str) -> dbc.Tooltip:
    """Shown while the pointer is over `target` or the focus is in it (a tap focuses)."""
    return dbc.Tooltip(text, target=target, placement="bottom", trigger="hover focus")


def labelled(element_id: str, label: str, definition: str) -> list[Any]:
    """The label `<element_id>-label` with its "i": a button that a screen reader reads the
    definition from (`aria-describedby`), and that shows it under the label on hover,
    keyboard focus and tap (a tap focuses the button). The definition
    (`<element_id>-definition`, role tooltip) is part of the label from the first paint and
    shown by the style sheet alone, so no script has to be ready before the first tap;
    Escape hides it until the focus or the pointer leaves (`assets/scaleboard.js`)."""
    aria: dict[str, Any] = {
        "aria-label": f"Definition of {label}",
        "aria-describedby": f"{element_id}-definition",
    }
    info = html.Button("i", type="button", id=f"{element_id}-info", className="kpi-info", **aria)
    definition_tip = html.Span(
        definition, id=f"{element_id}-definition", role="tooltip", className="kpi-definition"
    )
    return [
        html.Div([label, info, definition_tip], id=f"{element_id}-label", className="kpi-label")
    ]


def _change_class(view: KpiView) -> str:
    if view.is_better is None:
        return "kpi-change text-muted"
    return "kpi-change kpi-good" if view.is_better else "kpi-change kpi-bad"


def _arrow(change: str) -> str:
    return {"+": "▲ ", "-": "▼ "}.get(change[:1], "")


def target_line(target: TargetView | None, element_id: str) -> html.Div | None:
    """`Target 60.0%: off target` under a figure (id `<figure>-target`), or None."""
    if target is None:
        return None
    verdict = target.verdict or "no figure yet"
    color = {True: "kpi-good", False: "kpi-bad", None: "text-muted"}[target.met]
    return html.Div(
        [f"{target.text}: ", html.Span(verdict, className=color)],
        id=f"{element_id}-target",
        className="kpi-target small",
    )


def kpi_card(view: KpiView, compare_label: str, detail: Any = None) -> dbc.Col:
    """One KPI card; ids: `<kpi>` (value only), `<kpi>-label`, `<kpi>-change`,
    `<kpi>-target` (when it is held to one); `detail` (a breakdown) goes under the change."""
    kpi_id = view.kpi.element_id
    parts: list[Any] = [
        *labelled(kpi_id, view.kpi.label, view.kpi.definition),
        html.Div(view.value, id=kpi_id, className="kpi-value"),
        html.Div(
            [
                _arrow(view.change),
                view.change,
                html.Span(f" {compare_label}", className="text-muted"),
            ],
            id=f"{kpi_id}-change",
            className=_change_class(view),
        ),
    ]
    target = target_line(view.target, kpi_id)
    if target is not None:
        parts.append(target)
    if view.value_reason:
        parts.append(_tooltip(f"No value: {view.value_reason}.", kpi_id))
    if view.change_reason:
        parts.append(_tooltip(f"No change: {view.change_reason}.", f"{kpi_id}-change"))
    if detail is not None:
        parts.append(detail)
    card = dbc.Card(dbc.CardBody(parts, className="py-2"), className="kpi-card h-100 shadow-sm")
    return dbc.Col(card, xs=12, sm=6, lg=True, className="mb-2")


def money_at_risk_breakdown(shares: list[SignalShare]) -> html.Ul:
    """Each signal's money at risk with its share of the total, as a bar and a number;
    ids `kpi-cost-at-risk-<signal>`."""
    items = []
    for s in shares:
        width = f"{min(max(s.share or 0.0, 0.0), 1.0) * 100:.1f}%"
        share = format_percent(s.share)
        items.append(
            html.Li(
                [
                    html.Span(s.label, className="kpi-breakdown-label"),
                    html.Span(
                        [s.value, html.Span(f" · {share}", className="text-muted")],
                        id=f"kpi-cost-at-risk-{s.key.replace('_', '-')}",
                        className="kpi-breakdown-value",
                    ),
                    html.Div(html.Div(className="kpi-breakdown-bar", style={"width": width})),
                ],
                title=f"{s.label}: {s.value}, {share} of the money at risk (an initiative with "
                "several signals counts under each)",
            )
        )
    return html.Ul(items, id="kpi-cost-at-risk-breakdown", className="kpi-breakdown")


def stat_tile(
    element_id: str,
    label: str,
    value: str,
    definition: str,
    reason: str | None = None,
    target: TargetView | None = None,
) -> dbc.Col:
    """A small figure with its definition on hover; the element `element_id` holds the
    value, `<element_id>-target` the target it is held to."""
    parts: list[Any] = [
        *labelled(element_id, label, definition),
        html.Div(value, id=element_id, className="kpi-value kpi-value-small"),
    ]
    line = target_line(target, element_id)
    if line is not None:
        parts.append(line)
    if reason:
        parts.append(_tooltip(f"No value: {reason}.", element_id))
    card = dbc.Card(dbc.CardBody(parts, className="py-2"), className="kpi-card h-100 shadow-sm")
    return dbc.Col(card, xs=6, md=3, xl=True, className="mb-2")
