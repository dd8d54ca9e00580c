"""The typed result of `compute_metrics`: the `metrics --json` object of METRICS.md v2.

Field names are the JSON keys (and, for figures, the registry's names); `to_json()` gives
the object exactly as `metrics --json` prints it. Models are frozen: the dashboard caches
and shares them between threads.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class Window(_Frozen):
    from_: str = Field(alias="from")
    to: str


class TrendPoint(_Frozen):
    month: str
    adoption_rate: float | None


class DecayingModel(_Frozen):
    initiative_id: str
    model: str
    metric: str
    baseline: float | None
    latest: float | None
    decay_pct: float | None


class CostAtRiskBySignal(_Frozen):
    stalled_pilots: float = 0.0
    no_executive_owner: float = 0.0
    decaying_models: float = 0.0
    business_case_at_risk: float = 0.0


class PartialMonth(_Frozen):
    """A month after the latest reported one: how many initiatives reported in it, against
    the most in the (up to) three months with data before it."""

    month: str
    reporting_initiatives: int
    compared_with: int


class BlockerReason(_Frozen):
    cause: str
    reason: str
    """`not_assessed`, `below_minimum` or `signal` (see `etl.registry`)."""


class InitiativeMetrics(_Frozen):
    initiative_id: str
    name: str
    business_unit: str
    status: str
    stage: str | None
    stage_entered_on: str | None
    days_in_stage: int | None
    adoption_rate: float | None
    total_cost: float
    outcome_value: float
    cost_per_insight: float | None
    roi: float | None
    readiness_score: float | None
    not_assessed: list[str]
    gate_blockers: list[str]
    gate_blocker_reasons: list[BlockerReason]
    ready_for_next_stage: bool | None
    projected_cost_at_scale: float | None
    projected_value_at_scale: float | None
    business_case_at_risk: bool | None
    is_stalled_pilot: bool
    has_no_executive_owner: bool
    has_decaying_model: bool


class SelectionMetrics(_Frozen):
    """The period and the set S of a `metrics --json` object, without the figures: what a
    page that lists data of S needs."""

    as_of: str | None
    window: Window | None
    currency: str
    initiative_ids: list[str] = Field(default_factory=list, exclude=True)
    """S, sorted (not a JSON key: the `initiatives` list names them)."""

    @property
    def window_from(self) -> str | None:
        return self.window.from_ if self.window else None

    @property
    def window_to(self) -> str | None:
        return self.window.to if self.window else None


class ProgramMetrics(SelectionMetrics):
    """Every figure of the `metrics --json` object but the `initiatives` list: what a page
    of program figures needs (the dashboard reads the per-initiative figures as a frame)."""

    adoption_rate: float | None
    outcomes_at_scale: float
    outcomes_in_pilot: float
    total_cost: float
    cost_per_insight: float | None
    roi: float | None
    adoption_trend: list[TrendPoint]
    initiatives_by_stage: dict[str, int]
    pilot_to_production_rate: float | None
    partial_months: list[str]
    partial_month_reporting: list[PartialMonth]
    cost_at_risk: float
    cost_at_risk_by_signal: CostAtRiskBySignal
    stalled_pilots: list[str]
    no_executive_owner: list[str]
    decaying_models: list[DecayingModel]

    def figure(self, name: str) -> Any:
        """A program figure by its registry name (`cost_at_risk_stalled_pilots` reads the
        part of `cost_at_risk_by_signal`)."""
        if name.startswith("cost_at_risk_"):
            return getattr(self.cost_at_risk_by_signal, name.removeprefix("cost_at_risk_"))
        return getattr(self, name)


class MetricsResult(ProgramMetrics):
    """The `metrics --json` object: the program figures and every initiative of S."""

    initiatives: list[InitiativeMetrics]

    def to_json(self) -> dict[str, Any]:
        """The `metrics --json` object (`window` as {"from", "to"})."""
        return self.model_dump(mode="json", by_alias=True)
