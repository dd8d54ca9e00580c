"""The frame of every page: navigation, freshness badge, filter bar, notices, page slot.

Ids are `app-...`. The filter controls mirror the URL query string (see `dashboard.app`).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.filters import STATUSES
from etl.contracts import STAGE_ORDER

NAV = (
    ("Portfolio", "/", "app-nav-portfolio"),
    ("Roadmap", "/roadmap", "app-nav-roadmap"),
    ("Data", "/data", "app-nav-data"),
)
FILTERS = (
    ("app-filter-business-unit", "Business unit", "All business units", True, 2),
    ("app-filter-stage", "Stage", "All stages", True, 2),
    ("app-filter-status", "Status", "All statuses", True, 2),
    ("app-filter-from", "From", "12 months to the end", False, 2),
    ("app-filter-to", "To", "The as-of month", False, 2),
    ("app-filter-as-of", "As of", "Latest month", False, 2),
)
"""(id, label, placeholder, multi, columns of 12 on a large screen)"""
STATIC_OPTIONS = {"app-filter-stage": list(STAGE_ORDER), "app-filter-status": list(STATUSES)}


def navbar() -> dbc.Navbar:
    links = [dbc.NavLink(label, href=href, id=link_id) for label, href, link_id in NAV]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Scaleboard", href="/", className="fw-bold"),
                dbc.Nav(links, navbar=True, className="me-auto flex-row app-nav"),
                dcc.Link("Reset filters", href="/", id="app-filter-reset", className="me-3 small"),
                html.Div(id="app-freshness", className="app-freshness"),
                html.Div(id="app-user", className="app-user ms-3"),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-2",
    )


def _filter(control_id: str, label: str, placeholder: str, multi: bool, lg: int) -> dbc.Col:
    dropdown = dcc.Dropdown(
        id=control_id,
        options=STATIC_OPTIONS.get(control_id, []),
        multi=multi,
        placeholder=placeholder,
        clearable=True,
    )
    label_tag = dbc.Label(label, html_for=control_id, className="small mb-0")
    return dbc.Col([label_tag, dropdown], xs=12, sm=6, md=4, lg=lg)


def filter_bar() -> dbc.Row:
    cols = [_filter(*spec) for spec in FILTERS]
    return dbc.Row(cols, id="app-filters", className="g-2 mb-2 app-filters")


def filters_toggle() -> html.Button:
    """The one button the filters hide behind on a narrow screen (below 768 px, where six
    filters would fill the first screen); it says how many are set. Wider, the filters
    are always shown and the button is not."""
    aria: dict[str, Any] = {"aria-controls": "app-filters-collapse", "aria-expanded": "false"}
    return html.Button(
        ["Filters ", html.Span(id="app-filters-count")],
        id="app-filters-toggle",
        type="button",
        className="btn btn-outline-secondary btn-sm d-md-none mb-2 app-filters-toggle",
        **aria,
    )


def collapsible_filters() -> list[Component]:
    return [
        filters_toggle(),
        dbc.Collapse(
            filter_bar(), id="app-filters-collapse", is_open=False, className="app-filters-collapse"
        ),
    ]


def shell() -> html.Div:
    """The app layout; the page goes into `app-page`."""
    return html.Div(
        [
            dcc.Location(id="app-location", refresh="callback-nav"),
            dcc.Store(id="app-title"),
            navbar(),
            dbc.Container(
                [
                    *collapsible_filters(),
                    html.Div(id="app-notice"),
                    html.Div(id="app-database"),
                    html.Div(id="app-partial-months"),
                    html.Div(id="app-error"),
                    html.Main(id="app-page"),
                ],
                fluid=True,
                className="pb-4",
            ),
        ]
    )


def month_options(months: list[str]) -> list[dict[str, str]]:
    return [{"label": m, "value": m} for m in reversed(months)]


def user_menu(name: str | None, role: str | None) -> list[Component]:
    """Who is signed in, and the sign-out button (a form POST to `/logout`); nothing when
    no one is (sign-in off)."""
    if name is None:
        return []
    return [
        html.Form(
            [
                html.Span(
                    f"{name} · {role}", className="small text-light me-2", id="app-user-name"
                ),
                html.Button(
                    "Sign out",
                    type="submit",
                    className="btn btn-sm btn-outline-light",
                    id="app-sign-out",
                ),
            ],
            action="/logout",
            method="POST",
            className="d-flex align-items-center mb-0",
        )
    ]
