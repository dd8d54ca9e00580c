"""The brief's content and HTML, without a browser: numbers from `compute_metrics` as the
KPI cards format them, targets, movers, filters, and every data text escaped."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from dash import no_update

from dashboard.brief.content import AlertLine, build_brief, movers, page_filters
from dashboard.brief.page import PDF, PNG, brief_html
from dashboard.db import Database, Reader
from dashboard.edits.targets import Targets
from dashboard.filters import PageFilters
from dashboard.kpis import KPIS, TargetView
from dashboard.views.brief import brief_download, brief_file_name
from etl.config import Settings
from etl.metrics import Filters
from etl.period import PeriodError

NOW = dt.datetime(2026, 4, 2, 9, 30, tzinfo=dt.UTC)


def test_brief_kpis_are_the_cards_values(reader: Reader, window_filters: PageFilters) -> None:
    brief = build_brief(reader, window_filters, now=NOW)
    metrics = reader.metrics(window_filters)
    shown = {k.kpi.key: k.value for k in brief.kpis}
    assert shown == {k.key: k.metric.format(metrics.figure(k.key), "USD") for k in KPIS}
    assert shown["adoption_rate"] == "30.5%" and shown["total_cost"] == "$156K"
    assert brief.period == "As of 2026-03, window 2025-04 to 2026-03, in USD"
    assert brief.generated_at == "2026-04-02 09:30 UTC"
    assert brief.selection == "All initiatives"
    assert [a.initiative_id for a in brief.alerts][:1] == ["a"]  # most money at stake first
    assert set(brief.figures) == {"funnel", "adoption_trend", "value_vs_cost"}


def test_brief_shows_portfolio_targets(reader: Reader, window_filters: PageFilters) -> None:
    targets = Targets(None, {"adoption_rate": Decimal("0.4"), "roi": Decimal("1")}, 1)
    kpis = {k.kpi.key: k for k in build_brief(reader, window_filters, targets).kpis}
    assert kpis["adoption_rate"].target == TargetView("Target 40.0%", "off target")
    assert kpis["roi"].target == TargetView("Target 100.0%", "on target")
    assert kpis["total_cost"].target is None
    html = brief_html(build_brief(reader, window_filters, targets))
    assert "Target 40.0%: <span class='bad'>off target</span>" in html


def test_brief_html_escapes_data_text(reader: Reader, window_filters: PageFilters) -> None:
    brief = build_brief(reader, window_filters)
    evil = "<script>alert(1)</script>"
    brief = dataclasses.replace(
        brief,
        selection=evil,
        alerts=[AlertLine("Stalled pilot", evil, evil, evil, "$1")],
        notes=[evil],
    )
    html = brief_html(brief, PNG)
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "--w: 1600px; --h: 1200px" in html
    assert "--w: 1600px; --h: 1104px" in brief_html(brief, PDF)
    assert "https://" not in html.split("<script>", 1)[0]  # nothing fetched from a network


def test_movers_rank_by_change_of_net_value() -> None:
    def frame(rows: list[tuple[str, float, float, float | None]]) -> pd.DataFrame:
        cols = ["initiative_id", "outcome_value", "total_cost", "adoption_rate"]
        return pd.DataFrame(rows, columns=cols).assign(name=lambda d: d["initiative_id"])

    now = frame([("a", 500.0, 100.0, 0.5), ("b", 0.0, 300.0, None), ("c", 10.0, 0.0, 0.2)])
    before = frame([("a", 100.0, 100.0, 0.4), ("c", 10.0, 0.0, 0.1)])
    ranked = movers(now, before, "USD")
    assert [m.initiative_id for m in ranked] == ["a", "b"]  # c did not move
    assert (ranked[0].net_change, ranked[0].adoption_change, ranked[0].is_better) == (
        "+$400.00",
        "+10.0 pp",
        True,
    )
    assert (ranked[1].net_value, ranked[1].net_change, ranked[1].is_better) == (
        "-$300.00",
        "-$300.00",
        False,
    )
    assert movers(now, None, "USD") == []


def test_page_filters_refuse_as_metrics_does() -> None:
    parsed = page_filters(Filters(stages=("experimentation",), business_units=("Finance",)))
    assert parsed.stages == ("Experimentation",) and parsed.business_units == ("Finance",)
    with pytest.raises(PeriodError, match="--stage 'x' is not one of"):
        page_filters(Filters(stages=("x",)))
    with pytest.raises(PeriodError, match="--as-of '2026-13' is not a month"):
        page_filters(Filters(as_of="2026-13"))
    with pytest.raises(PeriodError, match="--business-unit"):
        page_filters(Filters(business_units=("x" * 201,)))


def test_export_says_why_without_chromium(tiny_db: Path, tmp_path: Path) -> None:
    database = Database(tiny_db, Settings(chromium=tmp_path / "no-chromium"))
    try:
        download, message = brief_download(database, "?business_unit=Finance")
    finally:
        database.close()
    assert download is no_update
    assert "no-chromium" in message and "does not exist" in message
    assert brief_file_name("2026-03") == "scaleboard-brief-2026-03.pdf"
