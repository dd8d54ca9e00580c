"""The app factory: `create_app(db_path, settings)` wires the frame, the router, the pages'
callbacks and the HTTP status of unknown pages. Nothing happens at import."""

from __future__ import annotations

import contextlib
import logging
import secrets
from pathlib import Path
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, html, no_update, set_props
from flask import Response, request
from werkzeug.exceptions import Forbidden

from dashboard import pages
from dashboard.auth.keys import session_key
from dashboard.auth.policy import Denied
from dashboard.auth.web import current_actor, install_sign_in
from dashboard.components import graph_ids, notice
from dashboard.components.shell import NAV, shell, user_menu
from dashboard.db import Database
from dashboard.http_policy import install_http_policy
from dashboard.views import shell as views
from etl.config import Settings, get_settings
from etl.storage import StorageError

ASSETS = Path(__file__).parent / "assets"
FILTER_IDS = (
    "app-filter-business-unit",
    "app-filter-stage",
    "app-filter-status",
    "app-filter-from",
    "app-filter-to",
    "app-filter-as-of",
)
log = logging.getLogger(__name__)
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""
"""Dash's page with its language named (screen readers pick their voice by it)."""


def on_callback_error(error: Exception) -> None:
    """The last net: a failed callback keeps the view and shows a message, never a trace."""
    if isinstance(error, Denied):  # a forged or stale write: refused as HTTP 403
        log.warning("write refused: %s", error)
        raise Forbidden(str(error)) from error
    log.error("callback failed", exc_info=error)
    message = "Something went wrong while updating the page; it shows the previous view."
    if isinstance(error, StorageError):
        message = "The data cannot be read (see the server log); the page shows the previous view."
    set_props("app-error", {"children": notice(message, color="danger", dismissable=True)})


FILTER_OUTPUTS = {
    "business_units": ("app-filter-business-unit", "value"),
    "business_unit_options": ("app-filter-business-unit", "options"),
    "stages": ("app-filter-stage", "value"),
    "statuses": ("app-filter-status", "value"),
    "from": ("app-filter-from", "value"),
    "from_options": ("app-filter-from", "options"),
    "to": ("app-filter-to", "value"),
    "to_options": ("app-filter-to", "options"),
    "as_of": ("app-filter-as-of", "value"),
    "as_of_options": ("app-filter-as-of", "options"),
}
"""The filter controls' properties the URL sets, by the names `controls_from_url` gives."""


def _register_router(app: Dash, data: Database) -> None:
    @app.callback(
        Output("app-page", "children"),
        Output("app-title", "data"),
        Input("app-location", "pathname"),
    )
    def route(pathname: str | None) -> tuple[Any, str]:
        return pages.render(pathname, data), pages.title(pathname, data)

    app.clientside_callback(  # type: ignore[no-untyped-call]  # dash leaves it untyped
        ClientsideFunction("scaleboard", "setTitle"),
        Input("app-title", "data"),
    )


def _register_filters(app: Dash, data: Database) -> None:
    """The filter controls and the URL query string mirror each other (one callback, so
    that the two directions form no cycle)."""

    @app.callback(
        output={
            "search": Output("app-location", "search"),
            **{name: Output(i, p) for name, (i, p) in FILTER_OUTPUTS.items()},
            "notice": Output("app-notice", "children"),
        },
        inputs={
            "search": Input("app-location", "search"),
            "values": [Input(i, "value") for i in FILTER_IDS],
        },
    )
    def sync_filters(search: str | None, values: list[Any]) -> dict[str, Any]:
        with data.reader() as reader:
            if ctx.triggered_id in FILTER_IDS:  # a control changed: the URL follows
                chosen = views.url_from_controls(*values, current=search)
                notices = views.notices(views.page_filters(reader, chosen))
                unchanged = dict.fromkeys(FILTER_OUTPUTS, no_update)
                return {"search": chosen, **unchanged, "notice": notices}
            return {"search": no_update, **views.controls_from_url(reader, search)}


def _register_browser_side(app: Dash) -> None:
    """Callbacks run in the browser (`assets/scaleboard.js`): the filters' toggle on a
    narrow screen and how many filters it hides, each chart's table of values."""
    app.clientside_callback(  # type: ignore[no-untyped-call]  # dash leaves it untyped
        ClientsideFunction("scaleboard", "toggleFilters"),
        Output("app-filters-collapse", "is_open"),
        Output("app-filters-toggle", "aria-expanded"),
        Input("app-filters-toggle", "n_clicks"),
        State("app-filters-collapse", "is_open"),
        prevent_initial_call=True,
    )
    app.clientside_callback(  # type: ignore[no-untyped-call]  # dash leaves it untyped
        ClientsideFunction("scaleboard", "countFilters"),
        Output("app-filters-count", "children"),
        *(Input(i, "value") for i in FILTER_IDS),
    )
    for graph_id in graph_ids(app.validation_layout):  # type: ignore[arg-type]  # dash types it None
        app.clientside_callback(  # type: ignore[no-untyped-call]  # dash leaves it untyped
            ClientsideFunction("scaleboard", "figureTable"),
            Output(f"{graph_id}-values", "children"),
            Input(graph_id, "figure"),
            Input(f"{graph_id}-details", "n_clicks"),
        )


def _register_frame(app: Dash, data: Database) -> None:
    @app.callback(
        output={
            "freshness": Output("app-freshness", "children"),
            "database": Output("app-database", "children"),
            "partial_months": Output("app-partial-months", "children"),
            "nav_hrefs": [Output(link_id, "href") for _, _, link_id in NAV],
            "nav_active": [Output(link_id, "active") for _, _, link_id in NAV],
            "reset_href": Output("app-filter-reset", "href"),
        },
        inputs={
            "pathname": Input("app-location", "pathname"),
            "search": Input("app-location", "search"),
        },
    )
    def frame(pathname: str | None, search: str | None) -> dict[str, Any]:
        with data.reader() as reader:
            return {
                "freshness": views.freshness_badge(reader, search),
                "database": views.database_notice(reader, data.path),
                "partial_months": views.partial_months_banner(reader, pathname, search),
                **views.nav_state(pathname, search),
            }


def _register_user(app: Dash) -> None:
    @app.callback(Output("app-user", "children"), Input("app-location", "pathname"))
    def show_user(pathname: str | None) -> Any:
        actor = current_actor()
        return user_menu(actor.name, actor.role) if actor.signed_in else []


def _install_http_status(app: Dash, data: Database) -> None:
    """Unknown pages and initiative ids answer HTTP 404 (the page still renders)."""

    @app.server.after_request  # type: ignore[untyped-decorator]  # flask's decorator is typed loosely
    def set_status(response: Response) -> Response:
        path = request.path
        internal = path.startswith(("/_dash", "/assets/", "/_reload", "/_favicon", "/login"))
        page = request.method == "GET" and response.mimetype == "text/html" and not internal
        with contextlib.suppress(StorageError):  # unreadable data: the page itself says so
            if page and response.status_code == 200 and not pages.is_known(path, data):
                response.status_code = 404
        return response


def create_app(db_path: Path | str, settings: Settings | None = None) -> Dash:
    """The dashboard over the database file `db_path` (read-only; reopened after each load)."""
    settings = settings or get_settings()
    data = Database(Path(db_path), settings)
    app = Dash(
        __name__,  # Flask's root path: this package's folder, whatever the install
        title="Scaleboard",
        update_title="",
        assets_folder=str(ASSETS),
        on_error=on_callback_error,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        index_string=INDEX,
    )
    app.layout = shell()
    app.validation_layout = html.Div([shell(), *pages.validation_layouts()])  # type: ignore[assignment]  # dash types it None
    _register_router(app, data)
    _register_filters(app, data)
    _register_frame(app, data)
    _register_browser_side(app)
    _register_user(app)
    pages.register_all(app, data)
    _install_http_status(app, data)
    install_http_policy(app.server, data.settings)
    key = session_key(data.path, settings) if settings.sign_in else secrets.token_hex(32)
    install_sign_in(app.server, data.edits, settings, key)
    return app
