"""The frame's views: the filter controls from the URL and back, the freshness badge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from dash import dcc, html
from dash.development.base_component import Component

from dashboard.components import notice
from dashboard.components.shell import NAV, month_options
from dashboard.db import Reader
from dashboard.filters import PageFilters, ParsedFilters, check_window, parse_search, to_search
from dashboard.queries import shell as q
from etl.period import month_text


def freshness(reader: Reader) -> dict[str, Any]:
    """latest_month, last_load_at, load_id: each None when there is none."""
    row = reader.fetch(q.freshness).iloc[0].to_dict()
    return {str(k): None if v is None or v is pd.NaT or pd.isna(v) else v for k, v in row.items()}


def page_filters(reader: Reader, search: str | None) -> ParsedFilters:
    """The valid filters of a query string, with a notice for every value dropped."""
    parsed = parse_search(search)
    plausible = reader.settings.plausible_months()
    checked = check_window(parsed.filters, reader.reporting().latest_reported, plausible)
    return ParsedFilters(checked.filters, parsed.notices + checked.notices)


def notices(parsed: ParsedFilters) -> list[Component]:
    if not parsed.notices:
        return []
    items = [html.Li(text) for text in parsed.notices]
    return [
        notice(
            [
                html.Div("Some filters in the link were not applied:"),
                html.Ul(items, className="mb-0"),
            ],
            id="app-notice-filters",
            dismissable=True,
        )
    ]


def controls_from_url(reader: Reader, search: str | None) -> dict[str, Any]:
    """The values and options of the filter controls, and the notices, for a query string
    (keys: the outputs of the filter callback)."""
    parsed = page_filters(reader, search)
    f = parsed.filters
    units = reader.fetch(q.business_units)["business_unit"].tolist()
    units += [u for u in f.business_units if u not in units]
    chosen = [
        m for m in (f.from_, f.to, f.as_of) if m
    ]  # kept as options, or the control drops them
    months = month_options(sorted({*reader.fetch(q.data_months)["month"].tolist(), *chosen}))
    return {
        "business_units": list(f.business_units),
        "business_unit_options": units,
        "stages": list(f.stages),
        "statuses": list(f.statuses),
        "from": f.from_,
        "from_options": months,
        "to": f.to,
        "to_options": months,
        "as_of": f.as_of,
        "as_of_options": months,
        "notice": notices(parsed),
    }


def url_from_controls(
    units: list[str] | None,
    stages: list[str] | None,
    statuses: list[str] | None,
    from_: str | None,
    to: str | None,
    as_of: str | None,
    *,
    current: str | None = None,
) -> str:
    """The query string for the filter controls' values; a page-only parameter of the
    `current` query string (the roadmap's `blocker`) stays."""
    filters = PageFilters(
        blocker=parse_search(current).filters.blocker,
        business_units=tuple(units or ()),
        stages=tuple(stages or ()),
        statuses=tuple(statuses or ()),
        from_=from_,
        to=to,
        as_of=as_of,
    )
    return to_search(filters)


def _loaded_at(value: Any) -> str:
    if value is None:
        return "no load yet"
    return f"loaded {pd.Timestamp(value).tz_convert('UTC'):%Y-%m-%d %H:%M} UTC"


def freshness_badge(reader: Reader, search: str | None) -> list[Component]:
    """`As of 2026-10 · loaded 2026-11-26 05:22 UTC`: the view's as-of month, the last load."""
    f = parse_search(search).filters
    row = freshness(reader)
    default = month_text(reader.reporting().latest_reported)
    as_of = f.as_of or f.to or default or "no data"
    tip = (
        f"Latest reported month: {default or 'none'}; latest month with any data: "
        f"{row['latest_month'] or 'none'}; load {row['load_id'] or 'none'}"
    )
    return [
        html.Span(
            f"As of {as_of}",
            id="app-freshness-as-of",
            className="badge text-bg-light me-1",
            title=tip,
        ),
        html.Span(
            _loaded_at(row["last_load_at"]),
            id="app-freshness-loaded",
            className="badge text-bg-secondary",
            title=tip,
        ),
    ]


def nav_state(pathname: str | None, search: str | None) -> dict[str, Any]:
    """The href of each nav link keeping the filters, which one is active, the reset link."""
    return {
        "nav_hrefs": [f"{href}{search or ''}" for _, href, _ in NAV],
        "nav_active": [(pathname or "/") == href for _, href, _ in NAV],
        "reset_href": pathname or "/",
    }


def database_notice(reader: Reader, path: Path) -> list[Component]:
    """Says so when there is no database at the path the server reads (a mistyped `--db`
    must not pass for an empty portfolio), and how to create it; the server never does. Says
    so too when the newest file cannot be opened: since when, why, what is shown instead.
    It names the file, never its folder: the page shows nothing of the server's disk."""
    if reader.unreadable is not None:
        return [unreadable_notice(reader, path)]
    if reader.snapshot.file_id is not None:
        return []
    text = (
        f"There is no database {path.name} yet. Load data into it with "
        "`scaleboard load --db PATH FILES`, PATH being the `--db` of `scaleboard serve` "
        "(the files of docs/contract.md); the page shows it as soon as the load ends."
    )
    return [notice(text, id="app-database-notice", color="info")]


def _initiatives(n: int) -> str:
    return f"{n:,} initiative" + ("" if n == 1 else "s")


def partial_months_banner(
    reader: Reader, pathname: str | None, search: str | None
) -> list[Component]:
    """When months after the default as-of month hold a trickle of data: which ones, how
    many initiatives reported in each against the months before, and a link to the latest."""
    partial = reader.reporting().partial
    if not partial:
        return []
    filters = parse_search(search).filters
    latest = partial[-1]["month"]
    items = [
        html.Li(
            f"{p['month']}: {_initiatives(p['reporting_initiatives'])} reported, against up to "
            f"{p['compared_with']:,} in the months before"
        )
        for p in partial
    ]
    default = month_text(reader.reporting().latest_reported)
    viewing = filters.as_of or filters.to
    lead = (
        f"Partial {'month' if len(partial) == 1 else 'months'}: the figures are as of {default}, "
        "the latest month most initiatives have reported. "
    )
    period = {"as_of": latest, "to": None, "from_": None}
    text = f"View {latest} anyway"
    if viewing in {p["month"] for p in partial}:
        lead = f"You are viewing {viewing}, a partial month: few initiatives have reported. "
        period, text = {"as_of": None, "to": None, "from_": None}, f"Back to {default}"
    link = dcc.Link(
        text,
        href=f"{pathname or '/'}{to_search(filters.model_copy(update=period))}",
        id="app-partial-months-link",
    )
    return [
        notice(
            [html.Div(lead), html.Ul(items, className="mb-1"), link],
            id="app-partial-months-notice",
            color="warning",
        )
    ]


def unreadable_notice(reader: Reader, path: Path) -> Component:
    """`The newest data cannot be opened since ...: why. Every page shows ... instead.`"""
    assert reader.unreadable is not None
    bad = reader.unreadable
    load_id = reader.snapshot.load_id
    state = f"the state after load {load_id}" if load_id else "an empty portfolio"
    where = f", kept in {bad.shown.name}" if bad.shown else ", the last one this server opened"
    reason = bad.reason.replace(f"{path.parent}/", "")  # the file's name, never its folder
    shown: Component = notice(
        [
            html.Div(
                f"The newest data in {path.name} cannot be opened (since "
                f"{bad.since:%Y-%m-%d %H:%M} UTC): {reason}",
                id="app-database-unreadable-reason",
            ),
            html.Div(
                f"Every page shows {state}{where}, until the file can be read again.",
                id="app-database-unreadable-shown",
            ),
        ],
        id="app-database-notice",
        color="danger",
    )
    return shown
