"""Building `MetricsResult` objects in tests: the worked example of METRICS.md v2, with
any field (in its `metrics --json` shape) in place of the example's value."""

from __future__ import annotations

from typing import Any

import pandas as pd

from etl.metric_results import MetricsResult

STAGES = ("Experimentation", "Operationalization", "Standardization", "Enterprise Transformation")


def initiative_json(**fields: Any) -> dict[str, Any]:
    """One `initiatives` entry: initiative a of the worked example (sponsored, fully
    assessed, no gate blocker), with `fields` in place of its values."""
    base: dict[str, Any] = {
        "initiative_id": "a",
        "name": "Initiative a",
        "business_unit": "Finance",
        "status": "active",
        "stage": "Operationalization",
        "stage_entered_on": "2025-01-10",
        "days_in_stage": 445,
        "adoption_rate": 0.3,
        "total_cost": 120_000.0,
        "outcome_value": 400_000.0,
        "cost_per_insight": 3.0,
        "roi": 2.3333,
        "readiness_score": 3.5,
        "not_assessed": [],
        "gate_blockers": [],
        "gate_blocker_reasons": [],
        "ready_for_next_stage": True,
        "projected_cost_at_scale": 12_000.0,
        "projected_value_at_scale": 40_000.0,
        "business_case_at_risk": False,
        "is_stalled_pilot": False,
        "has_no_executive_owner": False,
        "has_decaying_model": False,
    }
    return {**base, **fields}


WORKED_EXAMPLE_B: dict[str, Any] = {
    "initiative_id": "b",
    "name": "Initiative b",
    "stage": "Experimentation",
    "stage_entered_on": "2025-06-01",
    "days_in_stage": 303,
    "adoption_rate": 0.4,
    "total_cost": 30_000.0,
    "outcome_value": 10_000.0,
    "cost_per_insight": None,
    "roi": -0.6667,
    "projected_cost_at_scale": None,
    "projected_value_at_scale": None,
    "business_case_at_risk": None,
    "is_stalled_pilot": True,
}
"""Initiative b of the worked example: a stalled pilot, blank target users."""


def metrics_result(**fields: Any) -> MetricsResult:
    """The program figures of the worked example of METRICS.md (as of 2026-03, window
    2025-04..2026-03), with `fields` in place of its values; each `initiatives` item is a
    dict of the fields that differ from `initiative_json()`."""
    base: dict[str, Any] = {
        "as_of": "2026-03",
        "window": {"from": "2025-04", "to": "2026-03"},
        "currency": "USD",
        "adoption_rate": 0.3048,
        "outcomes_at_scale": 400_000.0,
        "outcomes_in_pilot": 10_000.0,
        "total_cost": 150_000.0,
        "cost_per_insight": 3.75,
        "roi": 1.7333,
        "adoption_trend": [],
        "initiatives_by_stage": dict.fromkeys(STAGES, 0) | {STAGES[0]: 1, STAGES[1]: 1},
        "pilot_to_production_rate": 0.5,
        "partial_months": [],
        "partial_month_reporting": [],
        "cost_at_risk": 30_000.0,
        "cost_at_risk_by_signal": {"stalled_pilots": 30_000.0},
        "stalled_pilots": ["b"],
        "no_executive_owner": [],
        "decaying_models": [],
        "initiatives": [{}, WORKED_EXAMPLE_B],
    }
    merged = {**base, **fields}
    merged["initiatives"] = [initiative_json(**entry) for entry in merged["initiatives"]]
    merged.setdefault("initiative_ids", [i["initiative_id"] for i in merged["initiatives"]])
    return MetricsResult.model_validate(merged)


def no_data() -> MetricsResult:
    """What `compute_metrics` gives with no initiatives and no facts at all."""
    return metrics_result(
        as_of=None,
        window=None,
        adoption_rate=None,
        outcomes_at_scale=0.0,
        outcomes_in_pilot=0.0,
        total_cost=0.0,
        cost_per_insight=None,
        roi=None,
        initiatives_by_stage=dict.fromkeys(STAGES, 0),
        pilot_to_production_rate=None,
        cost_at_risk=0.0,
        cost_at_risk_by_signal={},
        stalled_pilots=[],
        initiatives=[],
    )


def initiatives_frame(result: MetricsResult) -> pd.DataFrame:
    """The `initiatives` of a result as the frame `Reader.initiatives` gives a page."""
    return pd.DataFrame([i.model_dump() for i in result.initiatives])
