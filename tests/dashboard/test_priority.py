"""The priority score on inline rows: each part, each weight's effect, ties, missing
inputs, who is ranked, and rank overrides."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from dashboard.priority import Override, Weights, apply_overrides, parts, priority


def rows(*entries: dict[str, Any]) -> pd.DataFrame:
    base = {
        "status": "active",
        "stage": "Experimentation",
        "projected_value_at_scale": 1000.0,
        "projected_cost_at_scale": 100.0,
        "strategic_impact": 3,
        "gate_blockers": [],
        "days_in_stage": 0,
        "slip_days": None,
    }
    return pd.DataFrame([{**base, **e} for e in entries])


def test_each_part_on_its_scale() -> None:
    frame = rows(
        {"initiative_id": "a", "projected_value_at_scale": 2000.0, "strategic_impact": 5},
        {
            "initiative_id": "b",
            "projected_cost_at_scale": 400.0,
            "gate_blockers": ["data", "mlops", "ownership"],
            "days_in_stage": 730,
            "slip_days": 90,
        },
    )
    got = parts(frame).set_index("initiative_id")
    assert got.loc["a"].to_dict() == {
        "value_part": 10.0,
        "impact_part": 10.0,
        "readiness_part": 10.0,
        "time_part": 0.0,
        "size_part": pytest.approx(1 + 9 * 100 / 400),
    }
    assert got.loc["b"].to_dict() == {
        "value_part": 5.0,
        "impact_part": 6.0,
        "readiness_part": 5.0,
        "time_part": 5.0 + 2.5,  # a year or more in stage, half of the full slip
        "size_part": 10.0,
    }


def test_the_score_is_the_weighted_cost_of_delay_over_the_size() -> None:
    frame = rows({"initiative_id": "a"}, {"initiative_id": "b", "projected_cost_at_scale": 50})
    got = priority(frame).set_index("initiative_id")
    # a: value 10, impact 6, readiness 10, time 0; size 10 (the largest cost)
    assert got.loc["a", "priority_score"] == pytest.approx(26 / 10)
    assert got.loc["b", "priority_score"] == pytest.approx(26 / 5.5)
    assert list(got.index) == ["b", "a"]
    assert list(got["rank"]) == [1, 2]


@pytest.mark.parametrize(
    ("weight", "winner"),
    [
        ("value", "rich"),
        ("impact", "strategic"),
        ("readiness", "ready"),
        ("time", "late"),
    ],
)
def test_each_weight_moves_the_initiative_strong_on_its_part_to_the_top(
    weight: str, winner: str
) -> None:
    plain = {"projected_value_at_scale": 100.0, "strategic_impact": 1}
    frame = rows(
        {"initiative_id": "rich", **plain, "projected_value_at_scale": 1000.0},
        {"initiative_id": "strategic", **plain, "strategic_impact": 5},
        {"initiative_id": "ready", **plain},
        {"initiative_id": "late", **plain, "days_in_stage": 400, "slip_days": 200},
    )
    frame.loc[frame["initiative_id"] != "ready", "gate_blockers"] = pd.Series(
        [["data", "change", "governance"]] * 3, index=frame.index[frame["initiative_id"] != "ready"]
    )
    heavy = Weights(
        **{p: (10.0 if p == weight else 0.1) for p in ("value", "impact", "readiness", "time")}
    )
    assert priority(frame, heavy)["initiative_id"].iloc[0] == winner


def test_ties_rank_by_id() -> None:
    frame = rows({"initiative_id": "b"}, {"initiative_id": "a"}, {"initiative_id": "c"})
    got = priority(frame)
    assert list(got["initiative_id"]) == ["a", "b", "c"]
    assert got["priority_score"].nunique() == 1


def test_missing_inputs_never_rank_an_initiative_higher() -> None:
    frame = rows(
        {"initiative_id": "known"},
        {
            "initiative_id": "unknown",
            "projected_value_at_scale": None,
            "projected_cost_at_scale": None,
            "strategic_impact": None,
            "days_in_stage": None,
            "gate_blockers": None,
        },
    )
    got = priority(frame).set_index("initiative_id")
    assert (
        got.loc["unknown"][["value_part", "impact_part", "readiness_part", "time_part"]].sum() == 0
    )
    assert got.loc["unknown", "size_part"] == 10.0  # an unknown cost counts as the largest
    assert got.loc["unknown", "priority_score"] == 0.0
    assert got.loc["known", "rank"] == 1


def test_only_active_initiatives_with_a_stage_are_ranked() -> None:
    frame = rows(
        {"initiative_id": "a"},
        {"initiative_id": "retired", "status": "retired"},
        {"initiative_id": "new", "stage": None},
    )
    assert list(priority(frame)["initiative_id"]) == ["a"]
    assert priority(frame.iloc[0:0]).empty


def override(initiative_id: str, rank: int, at: str = "2026-01-01") -> Override:
    return Override(initiative_id, rank, "the board asked", "maria", at)


def test_an_override_takes_its_rank_and_the_rest_keep_their_order() -> None:
    order = pd.Series(["a", "b", "c", "d"])
    assert apply_overrides(order, {"d": override("d", 1)}).to_dict() == {
        "d": 1,
        "a": 2,
        "b": 3,
        "c": 4,
    }
    clamped = apply_overrides(order, {"a": override("a", 99)})
    assert clamped.to_dict() == {"b": 1, "c": 2, "d": 3, "a": 4}


def test_two_overrides_on_one_rank_the_earlier_keeps_it() -> None:
    order = pd.Series(["a", "b", "c"])
    both = {"c": override("c", 1, "2026-01-01"), "b": override("b", 1, "2026-02-01")}
    assert apply_overrides(order, both).to_dict() == {"c": 1, "b": 2, "a": 3}
    assert apply_overrides(order, {"zz": override("zz", 1)}).to_dict() == {"a": 1, "b": 2, "c": 3}


def test_the_final_rank_and_the_rank_by_score_are_both_kept() -> None:
    frame = rows({"initiative_id": "a"}, {"initiative_id": "b", "projected_cost_at_scale": 50})
    got = priority(frame, overrides={"a": override("a", 1)})
    assert got[["initiative_id", "rank", "score_rank"]].to_dict("records") == [
        {"initiative_id": "a", "rank": 1, "score_rank": 2},
        {"initiative_id": "b", "rank": 2, "score_rank": 1},
    ]
