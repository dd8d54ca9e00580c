"""Text a user or a data file wrote reaches a figure escaped: Plotly shows it literally and
makes no link, bold or line break of it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.db import Reader
from dashboard.figures import initiative, plain, portfolio, roadmap
from dashboard.filters import PageFilters
from dashboard.queries import Selection
from dashboard.queries import roadmap as q

LINK = '<a href="https://example.com/">Evil</a> <b>bold</b>'
SHOWN = '&lt;a href="https://example.com/"&gt;Evil&lt;/a&gt; &lt;b&gt;bold&lt;/b&gt;'


def _texts(node: Any) -> list[str]:
    """Every string of a figure's JSON (data and layout)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list | tuple):
        return [t for v in node for t in _texts(v)]
    if hasattr(node, "tolist"):
        return _texts(node.tolist())
    return []


def _assert_inert(figure: Any) -> None:
    texts = _texts(figure.to_plotly_json())
    assert not any("<a " in t or "<b>" in t for t in texts)
    assert any(SHOWN in t for t in texts)


def test_plain_escapes_markup_and_entities() -> None:
    assert plain(LINK) == SHOWN
    assert plain("R&D <br> 1 < 2") == "R&amp;D &lt;br&gt; 1 &lt; 2"
    assert plain('"quoted"') == '"quoted"'
    assert plain(42) == "42"


def _roadmap_rows(reader: Reader, filters: PageFilters) -> tuple[pd.DataFrame, pd.DataFrame]:
    metrics = reader.metrics(filters)
    sel = Selection.from_metrics(metrics)
    rows = q.initiative_rows(reader.initiatives(filters)[1], reader.fetch(q.attributes, sel))
    marked = rows.assign(name=LINK, business_unit=LINK)
    return marked, reader.fetch(q.stage_periods, sel, tuple(rows["initiative_id"]))


def test_the_timeline_shows_names_and_units_literally(
    reader: Reader, window_filters: PageFilters
) -> None:
    rows, periods = _roadmap_rows(reader, window_filters)
    figure = roadmap.timeline(periods, rows, "2026-03-31")
    _assert_inert(figure)
    names = {a.name: set() for a in figure.layout.annotations}
    for a in figure.layout.annotations:
        names[a.name].add(a.text.replace("<br>", " "))
    assert names["unit"] == {SHOWN}
    assert names["initiative"] == {f"{SHOWN} (a)", f"{SHOWN} (b)", f"{SHOWN} (c)"}
    assert {c[3] for t in figure.data for c in t.customdata} == names["initiative"]


def test_the_matrix_hover_shows_names_literally_and_a_click_keeps_the_id(
    reader: Reader, window_filters: PageFilters
) -> None:
    rows, _ = _roadmap_rows(reader, window_filters)
    rows = rows.assign(initiative_id=rows["initiative_id"] + "<i>")
    figure = roadmap.priority_matrix(rows, "USD")
    _assert_inert(figure)
    custom = [list(c) for t in figure.data for c in t.customdata]
    assert {c[0] for c in custom} == {"a<i>", "b<i>", "c<i>"}  # the id a click opens
    assert {c[3] for c in custom} == {"a&lt;i&gt;", "b&lt;i&gt;", "c&lt;i&gt;"}  # shown
    assert all("%{customdata[3]}" in t.hovertemplate for t in figure.data)
    plain_ids = roadmap.priority_matrix(rows.assign(initiative_id=["a", "b", "c"]), "USD")
    assert {len(c) for t in plain_ids.data for c in t.customdata} == {3}  # the id once
    assert all("(%{customdata[0]})" in t.hovertemplate for t in plain_ids.data)


def test_model_metric_titles_show_names_literally() -> None:
    df = pd.DataFrame(
        {
            "model": [LINK],
            "metric": ["<b>f1</b>"],
            "measured_on": pd.to_datetime(["2026-03-01"]),
            "value": [0.7],
            "baseline": [None],
        }
    )
    figure = initiative.model_metrics(df, {})
    titles = [a.text.replace("<br>", " ") for a in figure.layout.annotations]  # wrapped
    assert titles == [f"{SHOWN} · &lt;b&gt;f1&lt;/b&gt;"]


def test_cost_categories_are_shown_literally() -> None:
    months = pd.to_datetime(["2026-01-01"])
    by_month = pd.DataFrame({"month": months, "category": [LINK], "cost_rc": [10.0]})
    _assert_inert(initiative.cost_by_category(by_month, "USD"))
    totals = pd.DataFrame({"category": [LINK], "cost_rc": [10.0], "share": [1.0]})
    _assert_inert(portfolio.cost_by_category(totals, "USD"))
