"""The brief of a database for page filters, rendered: what `scaleboard report`, `scaleboard
digest` and the portfolio page's "Export brief" call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from dashboard.brief.content import Brief, build_brief
from dashboard.brief.page import brief_html
from dashboard.brief.render import Kind, Renderer, size_of
from dashboard.db import Database
from dashboard.edits.store import EditsError
from dashboard.edits.targets import Targets, targets_of
from dashboard.filters import PageFilters


def portfolio_targets(database: Database) -> tuple[Targets | None, str | None]:
    """The portfolio's targets, or why they cannot be read (the brief goes on without)."""
    try:
        return targets_of(database.edits), None
    except EditsError as exc:
        return None, str(exc)


def gather(database: Database, filters: PageFilters, now: dt.datetime | None = None) -> Brief:
    """The brief's content for the filters (raises PeriodError, StorageError)."""
    targets, why = portfolio_targets(database)
    with database.reader() as reader:
        return build_brief(reader, filters, targets, targets_error=why, now=now)


def render_brief(brief: Brief, kinds: Iterable[Kind], renderer: Renderer) -> dict[Kind, bytes]:
    """The brief printed in each format asked for, by one Chromium."""
    return {kind: renderer.render(brief_html(brief, size_of(kind)), kind) for kind in kinds}


def export_brief(database: Database, filters: PageFilters, kind: Kind = "pdf") -> bytes:
    """The brief of the filters as PDF or PNG bytes (launches Chromium; raises RenderError).
    Chromium is driven from a thread of its own: Playwright's sync API refuses a thread
    that runs an event loop, which a server's or a test's thread may."""
    brief = gather(database, filters)

    def render() -> bytes:
        with Renderer.launch(database.settings.chromium) as renderer:
            return render_brief(brief, [kind], renderer)[kind]

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="brief") as pool:
        return pool.submit(render).result()
