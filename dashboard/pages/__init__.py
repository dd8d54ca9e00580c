"""The pages and the router: a path -> a page layout. Page modules are thin: a `layout()`
with the page's component ids, and `register(app, data)` with its callbacks."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from dash import Dash
from dash.development.base_component import Component

from dashboard.db import Database
from dashboard.pages import data, initiative, not_found, portfolio, roadmap
from dashboard.queries.shell import initiative_exists, initiative_name
from dashboard.views import decisions, ranking, scenarios

PAGES: dict[str, Any] = {page.PATH: page for page in (portfolio, roadmap, data)}
"""Pages by exact path; `/initiatives/<id>` is routed apart."""
APP_NAME = "Scaleboard"
NOT_FOUND_TITLE = "Not found"


def normalise(pathname: str | None) -> str:
    path = (pathname or "/").rstrip("/")
    return path or "/"


def initiative_id_of(pathname: str | None) -> str | None:
    """The id in `/initiatives/<id>`, or None for any other path."""
    path = normalise(pathname)
    if not path.startswith(initiative.PATH_PREFIX):
        return None
    rest = path.removeprefix(initiative.PATH_PREFIX)
    return unquote(rest) if rest and "/" not in rest else None


def _exists(data: Database, initiative_id: str) -> bool:
    with data.reader() as reader:
        return initiative_exists(reader.con, initiative_id)


def render(pathname: str | None, data: Database) -> Component:
    """The layout of the page at `pathname`, or the not-found page."""
    path = normalise(pathname)
    if path in PAGES:
        page: Component = PAGES[path].layout()
        return page
    initiative_id = initiative_id_of(path)
    if initiative_id is None:
        return not_found.layout()
    if not _exists(data, initiative_id):
        return not_found.layout(f"There is no initiative with the id {initiative_id!r}.")
    return initiative.layout(initiative_id)


def title(pathname: str | None, data: Database) -> str:
    """The document title of the page at `pathname`: `Roadmap · Scaleboard`, the
    initiative's name on its page, `Not found · Scaleboard` for an unknown path."""
    path = normalise(pathname)
    page_title = PAGES[path].TITLE if path in PAGES else NOT_FOUND_TITLE
    initiative_id = initiative_id_of(path)
    if initiative_id is not None:
        with data.reader() as reader:
            page_title = initiative_name(reader.con, initiative_id) or NOT_FOUND_TITLE
    return f"{page_title} · {APP_NAME}"


def is_known(pathname: str, data: Database) -> bool:
    """Whether a GET of `pathname` shows a page (else it is served with HTTP 404)."""
    if normalise(pathname) in PAGES:
        return True
    initiative_id = initiative_id_of(pathname)
    return initiative_id is not None and _exists(data, initiative_id)


def validation_layouts() -> list[Component]:
    return [
        *(page.layout() for page in PAGES.values()),
        initiative.layout(),
        *decisions.validation_parts(),
        *ranking.validation_parts(),
        *scenarios.validation_parts(),
        not_found.layout(),
    ]


def register_all(app: Dash, data: Database) -> None:
    for page in (*PAGES.values(), initiative):
        page.register(app, data)
