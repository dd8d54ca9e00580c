"""Funding scenarios against the hand-computed example of `docs/metrics.md` (Funding
scenarios): four ranked initiatives, one not projectable."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.scenarios import Figures, Spec, SpecError, funded, outcome, parse_spec

EXAMPLE = pd.DataFrame(
    [
        ("a", "Invoice matching", "Finance", 1, 100, 1000.0, 3000.0, 500.0, 1200.0, 40.0),
        ("b", "Close copilot", "Finance", 2, 50, 2000.0, 2500.0, 800.0, 900.0, 20.0),
        ("c", "Contract triage", "Legal", 3, 200, None, None, 300.0, 0.0, 10.0),
        ("d", "Clause search", "Legal", 4, 100, 500.0, 400.0, 100.0, 50.0, 30.0),
    ],
    columns=[
        "initiative_id",
        "name",
        "business_unit",
        "rank",
        "target_users",
        "projected_cost_at_scale",
        "projected_value_at_scale",
        "cost_now",
        "value_now",
        "active_now",
    ],
).sample(frac=1.0, random_state=3)  # the order of the rows never matters


def approx(f: Figures) -> tuple[object, ...]:
    return (
        pytest.approx(f.value),
        pytest.approx(f.cost),
        None if f.roi is None else pytest.approx(f.roi),
        pytest.approx(f.adoption),
    )


def test_today_is_the_monthly_average_of_the_projection_months() -> None:
    today = outcome(EXAMPLE, parse_spec("top:2")).today
    assert (today.value, today.cost) == (2150.0, 1700.0)
    assert today.roi == pytest.approx(450 / 1700)
    assert today.adoption == pytest.approx(100 / 450)


def test_fund_the_top_two() -> None:
    got = outcome(EXAMPLE, parse_spec("top:2"))
    assert sorted(got.funded_ids) == ["a", "b"]
    assert (got.scenario.value, got.scenario.cost) == (5500.0, 3000.0)
    assert got.scenario.roi == pytest.approx(2500 / 3000)
    assert got.scenario.adoption == pytest.approx(150 / 450)
    assert got.falls_out == ["Contract triage", "Clause search"]  # by rank
    assert got.not_projectable == []


@pytest.mark.parametrize(
    ("budget", "ids"),
    [("2999", ["a"]), ("3200", ["a", "b"]), ("3500", ["a", "b", "d"]), ("0", [])],
)
def test_fund_within_a_budget_in_rank_order(budget: str, ids: list[str]) -> None:
    """c has no projected cost: it can never be funded by a budget; d fits only at 3,500."""
    assert (
        sorted(EXAMPLE.loc[funded(EXAMPLE, parse_spec(f"budget:{budget}")), "initiative_id"]) == ids
    )


def test_a_budget_of_3500_funds_a_b_and_d() -> None:
    got = outcome(EXAMPLE, parse_spec("budget:3,500"))
    assert approx(got.scenario) == approx(Figures(5900.0, 3500.0, 2400 / 3500, 250 / 450))


def test_a_picked_initiative_without_projection_is_named_not_counted() -> None:
    got = outcome(EXAMPLE, parse_spec("pick:c|d"))
    assert got.not_projectable == ["Contract triage"]
    assert approx(got.scenario) == approx(Figures(400.0, 500.0, -0.2, 100 / 450))


def test_per_business_unit() -> None:
    units = outcome(EXAMPLE, parse_spec("top:2")).by_business_unit.set_index("business_unit")
    finance, legal = units.loc["Finance"], units.loc["Legal"]
    assert (finance["value_now"], finance["cost_now"]) == (2100.0, 1300.0)
    assert finance["roi_now"] == pytest.approx(800 / 1300)
    assert finance["adoption_now"] == pytest.approx(60 / 150)
    assert (finance["value_scenario"], finance["adoption_scenario"]) == (5500.0, 1.0)
    assert legal["roi_now"] == pytest.approx(-350 / 400)
    assert legal["value_scenario"] == 0.0 and pd.isna(legal["roi_scenario"])  # nothing funded


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("top:10", Spec("top", n=10)),
        ("budget:50000", Spec("budget", budget=50000.0)),
        ("pick:AI-1| AI-2|AI-1", Spec("pick", ids=("AI-1", "AI-2"))),
    ],
)
def test_a_scenario_reads_and_writes_as_text(text: str, spec: Spec) -> None:
    assert parse_spec(text) == spec
    assert parse_spec(spec.text()) == spec


@pytest.mark.parametrize("text", ["", "top:0", "top:x", "budget:-1", "budget:lots", "all"])
def test_a_bad_scenario_says_how_to_write_one(text: str) -> None:
    with pytest.raises(SpecError, match=r"top:N|budget:"):
        parse_spec(text)
