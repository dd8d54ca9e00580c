"""KPI cards: values from compute_metrics, changes against the previous window, and why a
value or a change is missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dashboard.kpis import (
    KPIS,
    TargetView,
    held_to,
    kpi_view,
    kpi_views,
    previous_label,
    target_view,
    value_reason,
)
from etl.formatting import EM_DASH
from etl.metric_results import MetricsResult
from tests.dashboard.metrics_tools import metrics_result

BY_KEY = {k.key: k for k in KPIS}


def metrics(**values: Any) -> MetricsResult:
    base: dict[str, Any] = {
        "initiatives": [{"initiative_id": "a"}],
        "adoption_rate": 0.3,
        "outcomes_at_scale": 400_000.0,
        "total_cost": 150_000.0,
        "cost_at_risk": 30_000.0,
        "cost_per_insight": 3.75,
        "roi": 1.7333,
        "pilot_to_production_rate": 0.5,
    }
    return metrics_result(**{**base, **values})


def test_the_seven_cards_have_the_required_ids() -> None:
    # v2 adds the total cost and money-at-risk cards, after outcomes at scale
    assert [k.element_id for k in KPIS] == [
        "kpi-adoption-rate",
        "kpi-outcomes-at-scale",
        "kpi-total-cost",
        "kpi-cost-at-risk",
        "kpi-cost-per-insight",
        "kpi-roi",
        "kpi-pilot-to-production",
    ]
    assert all(k.definition for k in KPIS)


def test_values_are_formatted_in_their_unit() -> None:
    views = {v.kpi.key: v for v in kpi_views(metrics(), None)}
    assert views["adoption_rate"].value == "30.0%"
    assert views["outcomes_at_scale"].value == "$400K"
    assert views["total_cost"].value == "$150K"
    assert views["cost_at_risk"].value == "$30.0K"
    assert views["cost_per_insight"].value == "$3.75"
    assert views["roi"].value == "173.3%"
    assert views["pilot_to_production_rate"].value == "50.0%"
    assert all(
        v.change == EM_DASH and v.change_reason == "no previous window" for v in views.values()
    )


def test_rates_change_in_points_and_money_in_percent() -> None:
    before = metrics(
        window={"from": "2024-04", "to": "2025-03"},
        adoption_rate=0.25,
        outcomes_at_scale=200_000.0,
        cost_per_insight=5.0,
    )
    views = {v.kpi.key: v for v in kpi_views(metrics(), before)}
    assert (views["adoption_rate"].change, views["adoption_rate"].is_better) == ("+5.0 pp", True)
    assert (views["outcomes_at_scale"].change, views["outcomes_at_scale"].is_better) == (
        "+100.0%",
        True,
    )
    # cost per insight fell by a quarter: lower is better
    assert (views["cost_per_insight"].change, views["cost_per_insight"].is_better) == (
        "-25.0%",
        True,
    )
    assert (views["roi"].change, views["roi"].is_better) == ("±0.0 pp", None)
    assert previous_label(before) == "vs 2024-04 to 2025-03"
    assert previous_label(None) == ""


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("adoption_rate", "no adoption rows or usage events with eligible users in 2026-03"),
        ("cost_per_insight", "no insights in the window 2025-04 to 2026-03"),
        ("roi", "no cost in the window 2025-04 to 2026-03"),
        (
            "pilot_to_production_rate",
            "no selected initiative has a stage entry by the end of 2026-03",
        ),
    ],
)
def test_a_null_value_is_a_dash_with_the_reason(key: str, reason: str) -> None:
    view = kpi_view(BY_KEY[key], metrics(**{key: None}), metrics())
    assert (view.value, view.value_reason) == (EM_DASH, reason)
    assert view.change == EM_DASH


def test_a_null_previous_value_gives_no_change_and_says_why() -> None:
    view = kpi_view(BY_KEY["cost_per_insight"], metrics(), metrics(cost_per_insight=None))
    assert view.value == "$3.75"
    assert view.change == EM_DASH
    assert (
        view.change_reason
        == "no value for the previous window (no insights in the window 2025-04 to 2026-03)"
    )


def test_a_money_change_from_zero_is_undefined() -> None:
    view = kpi_view(BY_KEY["outcomes_at_scale"], metrics(), metrics(outcomes_at_scale=0.0))
    assert (view.change, view.change_reason) == (EM_DASH, "the previous window's value is 0")


def test_no_data_and_no_match_explain_themselves() -> None:
    assert value_reason(BY_KEY["roi"], metrics(as_of=None)) == "no data has been loaded yet"
    assert (
        value_reason(BY_KEY["roi"], metrics(initiatives=[])) == "no initiatives match these filters"
    )
    assert value_reason(BY_KEY["outcomes_at_scale"], metrics()) is None


def test_an_initiative_is_held_to_its_own_targets_else_the_portfolios() -> None:
    own = {"adoption_rate": Decimal("0.6"), "cost_per_insight": None, "roi": None}
    portfolio = {"adoption_rate": Decimal("0.5"), "cost_per_insight": None, "roi": Decimal("0.2")}
    assert held_to(own, portfolio) == (
        ("adoption_rate", "0.6", "own"),
        ("roi", "0.2", "portfolio"),
    )
    assert held_to(portfolio) == (("adoption_rate", "0.5", "own"), ("roi", "0.2", "own"))
    assert held_to({}) == ()


def test_the_target_line_says_whose_target_and_whether_it_is_met() -> None:
    held = (("adoption_rate", "0.6", "own"), ("cost_per_insight", "3", "portfolio"))
    assert target_view("adoption_rate", 0.3, held, "USD") == TargetView(
        "Target 60.0%", "off target"
    )
    assert target_view("cost_per_insight", 2.5, held, "USD") == TargetView(
        "Portfolio target $3.00", "on target"
    )
    assert target_view("adoption_rate", None, held, "USD") == TargetView("Target 60.0%", None)
    assert target_view("roi", 0.1, held, "USD") is None


def test_kpi_cards_carry_the_portfolio_targets() -> None:
    held = (("adoption_rate", "0.25", "own"), ("roi", "2", "own"))
    views = {v.kpi.key: v for v in kpi_views(metrics(), None, held)}
    assert views["adoption_rate"].target == TargetView("Target 25.0%", "on target")
    assert views["roi"].target == TargetView("Target 200.0%", "off target")
    assert views["total_cost"].target is None
