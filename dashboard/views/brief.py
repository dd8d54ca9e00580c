"""The portfolio page's "Export brief": the brief of the page's filters as a PDF download."""

from __future__ import annotations

import base64
from typing import Any

from dash import no_update

from dashboard.brief.export import export_brief
from dashboard.brief.render import RenderError
from dashboard.db import Database
from dashboard.views.shell import page_filters


def brief_file_name(as_of: str | None) -> str:
    return f"scaleboard-brief-{as_of or 'no-data'}.pdf"


def brief_download(database: Database, search: str | None) -> tuple[Any, str]:
    """(the download of the brief for the query string's filters, a message): the message
    says why when the brief cannot be rendered (no Chromium on the server)."""
    with database.reader() as reader:
        parsed = page_filters(reader, search)
        as_of = reader.metrics(parsed.filters).as_of
    try:
        pdf = export_brief(database, parsed.filters)
    except RenderError as exc:
        return no_update, f"The brief cannot be made here: {exc}."
    download = {
        "content": base64.b64encode(pdf).decode("ascii"),
        "filename": brief_file_name(as_of),
        "type": "application/pdf",
        "base64": True,
    }  # what dcc.Download takes (dcc.send_bytes builds the same, untyped)
    return download, ""
