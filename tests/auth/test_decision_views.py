"""The decisions panel's pure parts: targets against figures, pending advances first."""

from __future__ import annotations

from decimal import Decimal

from dashboard.edits.targets import Targets
from dashboard.kpis import against_target
from dashboard.views.targets import against_targets, entered_targets
from tests.dashboard.layout_tools import text


def test_against_target_follows_each_metrics_good_direction() -> None:
    assert against_target("adoption_rate", 0.61, Decimal("0.6")) == "on target"
    assert against_target("adoption_rate", 0.59, Decimal("0.6")) == "off target"
    assert against_target("cost_per_insight", 9.0, Decimal("10")) == "on target"
    assert against_target("cost_per_insight", 11.0, Decimal("10")) == "off target"
    assert against_target("roi", -0.3, Decimal("0")) == "off target"
    assert against_target("roi", None, Decimal("0")) is None
    assert against_target("roi", 0.2, None) is None


def test_the_targets_card_shows_each_target_against_the_figure_now() -> None:
    found = Targets(
        "HX-001",
        {"adoption_rate": Decimal("0.6"), "cost_per_insight": None, "roi": Decimal("0.1")},
        2,
    )
    shown = text(against_targets(found, {"adoption_rate": 0.42, "roi": None}, "USD"))
    assert "42" in shown and "against target 60" in shown and "off target" in shown
    assert "no figure yet" in shown  # ROI has no value now
    assert "Cost per insight" not in shown  # no target set


def test_percent_fields_are_entered_as_percent() -> None:
    assert entered_targets(["60", "12.5", "-5%"]) == {
        "adoption_rate": Decimal("0.6"),
        "cost_per_insight": Decimal("12.5"),
        "roi": Decimal("-0.05"),
    }
    assert entered_targets(["", None, " "]) == dict.fromkeys(
        ("adoption_rate", "cost_per_insight", "roi")
    )
