"""The portfolio page's callback, called directly: every output for a query string."""

from __future__ import annotations

from typing import Any

from dash import no_update

from dashboard.db import Reader
from dashboard.filters import PageFilters
from dashboard.kpis import KPIS
from dashboard.views.portfolio import clicked_stage, portfolio, stage_search
from etl.formatting import format_money, format_percent
from tests.dashboard.layout_tools import find, hrefs, ids, text, walk

SEARCH = "?as_of=2026-03&from=2025-04&to=2026-03"


def _kpi_texts(cards: Any) -> dict[str, str]:
    return {k.key: text(find(cards, k.element_id)) for k in KPIS}


def test_kpi_cards_show_the_metrics_formatted(reader: Reader) -> None:
    outputs = portfolio(reader, SEARCH)
    metrics = reader.metrics(PageFilters(as_of="2026-03", from_="2025-04", to="2026-03"))
    assert outputs["window"] == "As of 2026-03, window 2025-04 to 2026-03, in USD"
    assert _kpi_texts(outputs["kpis"]) == {
        "adoption_rate": format_percent(metrics.adoption_rate),
        "outcomes_at_scale": format_money(metrics.outcomes_at_scale, "USD"),
        "total_cost": format_money(metrics.total_cost, "USD"),
        "cost_at_risk": format_money(metrics.cost_at_risk, "USD"),
        "cost_per_insight": format_money(metrics.cost_per_insight, "USD"),
        "roi": format_percent(metrics.roi),
        "pilot_to_production_rate": format_percent(metrics.pilot_to_production_rate),
    }
    assert _kpi_texts(outputs["kpis"]) == {
        "adoption_rate": "30.5%",
        "outcomes_at_scale": "$400K",
        "total_cost": "$156K",  # 156,500
        "cost_at_risk": "$156K",  # 155,500: a (decaying, business case at risk) and b
        "cost_per_insight": "$3.91",
        "roi": "162.0%",
        "pilot_to_production_rate": "66.7%",
    }


def test_changes_compare_with_the_previous_window(reader: Reader) -> None:
    cards = portfolio(reader, SEARCH)["kpis"]
    assert text(find(cards, "kpi-roi-change")) == "▲ +262.0 pp vs 2024-04 to 2025-03"
    assert text(find(cards, "kpi-cost-per-insight-change")).startswith("—")  # no insights before
    assert "no insights in the window 2024-04 to 2025-03" in str(cards)


def test_figures_and_alerts_follow_the_filters(reader: Reader) -> None:
    outputs = portfolio(reader, "?business_unit=Legal")
    funnel = outputs["funnel"]
    assert list(funnel.data[0].x) == [1, 0, 0, 0]
    alerts = outputs["alerts"]
    assert hrefs(alerts) == [
        "/initiatives/b?business_unit=Legal",
        "/initiatives/b?business_unit=Legal",
    ]
    assert "Unallocated AI spend" in text(outputs["unallocated"])


def test_no_match_shows_the_empty_state(reader: Reader) -> None:
    outputs = portfolio(reader, "?business_unit=Nobody")
    assert "No data for these filters" in text(outputs["empty"])
    assert text(find(outputs["kpis"], "kpi-roi")) == "—"
    assert "No initiatives" in str(outputs["funnel"].layout.annotations[0].text)


def test_bad_filters_never_fail(reader: Reader) -> None:
    outputs = portfolio(reader, "?stage=Nope&as_of=13-2026&from=2027-01&colour=red")
    assert text(find(outputs["kpis"], "kpi-adoption-rate")) == "30.5%"


def test_a_click_on_a_funnel_stage_filters_by_it() -> None:
    click = {"points": [{"y": "Operationalization", "x": 1}]}
    assert clicked_stage(click) == "Operationalization"
    assert (
        stage_search(click, "?business_unit=Finance")
        == "?business_unit=Finance&stage=Operationalization"
    )
    assert stage_search(click, "?stage=Operationalization") == ""
    assert stage_search({"points": [{"y": "Nope"}]}, "") is no_update
    assert stage_search(None, "") is no_update


def test_kpi_cards_show_the_portfolio_targets(reader: Reader) -> None:
    held = (("adoption_rate", "0.5", "own"), ("cost_per_insight", "10", "own"))
    cards = portfolio(reader, SEARCH, held)["kpis"]
    assert text(find(cards, "kpi-adoption-rate-target")) == "Target 50.0%: off target"
    assert text(find(cards, "kpi-cost-per-insight-target")) == "Target $10.00: on target"
    assert "kpi-roi-target" not in ids(cards)
    assert "kpi-roi-target" not in ids(portfolio(reader, SEARCH)["kpis"])


def test_the_portfolio_counts_the_initiatives_behind_plan(reader: Reader) -> None:
    line = portfolio(reader, SEARCH)["behind_plan"]
    assert text(line).startswith("2 of 2 active initiatives are behind plan")
    assert hrefs(line) == ["/roadmap?from=2025-04&to=2026-03&as_of=2026-03&sort=-slip_days"]


def test_each_definition_opens_from_a_button_a_screen_reader_reads(reader: Reader) -> None:
    cards = portfolio(reader, SEARCH)["kpis"]
    for kpi in KPIS:
        info = find(cards, f"{kpi.element_id}-info")
        assert (info.type, text(info)) == ("button", "i")  # focusable, pressed by a tap
        described = info.to_plotly_json()["props"]["aria-describedby"]
        assert described == f"{kpi.element_id}-definition"
        tip = find(cards, described)
        assert text(tip) == kpi.definition
        assert tip.to_plotly_json()["props"]["role"] == "tooltip"
        label = find(cards, f"{kpi.element_id}-label")
        assert any(c is tip for c in walk(label))  # shown by the label's hover and focus
