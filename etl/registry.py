"""The metric registry: the meaning of every metric and signal Scaleboard shows.

The math is in the SQL models of `etl/sql/metrics` (a column alias is the metric's name);
here is what a reader needs to read the number: its label, unit, how it is formatted,
which direction is good, and its definition in plain words (METRICS.md, `docs/metrics.md`).
Every KPI card, tooltip, table header, CSV header and report line takes these from here;
`tests/etl/test_registry.py` checks that every entry has a SQL column behind it and every
metric column of the SQL has an entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from etl.formatting import EM_DASH, format_count, format_money, format_percent

Unit = Literal["money", "ratio", "count", "score", "days", "flag", "list"]
Scope = Literal["program", "initiative", "model", "roadmap"]
"""`roadmap`: the ranked backlog's and the funding scenarios' figures, computed from the
per-initiative metrics by `dashboard.priority` and `dashboard.scenarios` (no SQL model of
`etl/sql/metrics` behind them; `docs/metrics.md` defines each)."""


@dataclass(frozen=True)
class Metric:
    name: str
    """The `metrics --json` key and the SQL column alias."""
    label: str
    unit: Unit
    higher_is_better: bool | None
    """None where neither direction is good (a count of things, a list)."""
    definition: str
    models: tuple[str, ...]
    """The SQL models of `etl/sql/metrics` that output it as a column."""
    scope: tuple[Scope, ...] = ("program",)
    undefined: str = "no data"
    """Why the value is null, with {as_of}, {window_from} and {window_to} filled in."""

    def format(self, value: object, currency: str = "USD") -> str:
        """The value as every page shows it: `$32.2M`, `60.6%`, `3.5`, `—` for null."""
        if value is None:
            return EM_DASH
        if self.unit == "money":
            return format_money(float(value), currency)  # type: ignore[arg-type]  # a number
        if self.unit == "ratio":
            return format_percent(float(value))  # type: ignore[arg-type]  # a number
        if self.unit in ("count", "days"):
            return format_count(float(value))  # type: ignore[arg-type]  # a number
        if self.unit == "score":
            return f"{float(value):.1f}"  # type: ignore[arg-type]  # a number
        if self.unit == "flag":
            return "yes" if value else "no"
        if isinstance(value, list | tuple):
            return ", ".join(CAUSE_LABELS.get(str(v), str(v)) for v in value) or "none"
        return str(value)


CAUSE_LABELS = {
    "business_case": "Business case",
    "change": "Change management",
    "data": "Data readiness",
    "governance": "Governance",
    "mlops": "MLOps",
    "ownership": "Executive ownership",
}
"""The six failure causes (the readiness dimensions) by their plain names."""

BLOCKER_REASON_LABELS = {
    "not_assessed": "Not assessed",
    "below_minimum": "Assessed below the minimum",
    "signal": "Flagged by the data",
}
"""Why a gate blocker holds (`gate_blocker_reasons` of `signals.sql`)."""

SIGNAL_LABELS = {
    "stalled_pilots": "Stalled pilots",
    "no_executive_owner": "No executive owner",
    "decaying_models": "Decaying models",
    "business_case_at_risk": "Business case at risk",
}
"""The keys of `cost_at_risk_by_signal`, in the order METRICS.md lists them."""

_W = "over the window, for the selected initiatives"

METRICS: tuple[Metric, ...] = (
    Metric(
        "adoption_rate",
        "Adoption rate",
        "ratio",
        True,
        "Active users / eligible users in the as-of month, over the selected initiatives "
        "with an adoption row or usage events that month and more than 0 eligible users.",
        ("adoption_rates",),
        ("program", "initiative"),
        "no adoption rows or usage events with eligible users in {as_of}",
    ),
    Metric(
        "outcomes_at_scale",
        "Outcomes at scale",
        "money",
        True,
        "Outcome value over the window from the selected initiatives in the months when "
        "their stage was Operationalization or later.",
        ("window_figures",),
    ),
    Metric(
        "outcomes_in_pilot",
        "Outcomes in pilot",
        "money",
        True,
        "Outcome value over the window from the selected initiatives in the months when "
        "their stage was Experimentation.",
        ("window_figures",),
    ),
    Metric(
        "total_cost",
        "Total spend",
        "money",
        None,
        f"Every cost (all categories) {_W}, in the reporting currency.",
        ("window_figures",),
        ("program", "initiative"),
    ),
    Metric(
        "outcome_value",
        "Outcome value",
        "money",
        True,
        f"Every outcome value (all kinds) {_W}.",
        ("window_figures",),
        ("initiative",),
    ),
    Metric(
        "insights",
        "Insights",
        "count",
        True,
        f"Insights, predictions or decisions delivered and consumed {_W}.",
        ("window_figures",),
        ("initiative",),
    ),
    Metric(
        "cost_per_insight",
        "Cost per insight",
        "money",
        False,
        "Total cost over the window / insights (predictions, decisions) delivered over the "
        "window, for the selected initiatives.",
        ("window_figures",),
        ("program", "initiative"),
        "no insights in the window {window_from} to {window_to}",
    ),
    Metric(
        "roi",
        "ROI",
        "ratio",
        True,
        "(Outcome value - total cost) / total cost over the window, for the selected "
        "initiatives; all outcome kinds count.",
        ("window_figures",),
        ("program", "initiative"),
        "no cost in the window {window_from} to {window_to}",
    ),
    Metric(
        "initiatives_by_stage",
        "Initiatives by stage",
        "count",
        None,
        "Selected initiatives that are not retired, by their stage at the as-of date.",
        ("stage_summary",),
    ),
    Metric(
        "pilot_to_production_rate",
        "Pilot to production",
        "ratio",
        True,
        "Of the selected initiatives with a stage entry by the as-of date, the share whose "
        "history has reached Operationalization or later by then.",
        ("stage_summary",),
        undefined="no selected initiative has a stage entry by the end of {as_of}",
    ),
    Metric(
        "cost_at_risk",
        "Money at risk",
        "money",
        False,
        "Spend over the window of the selected initiatives (not retired) that carry at least "
        "one signal: a stalled pilot, no executive owner, a decaying model or a business "
        "case at risk; each initiative counted once.",
        ("money_at_risk",),
    ),
    *(
        Metric(
            f"cost_at_risk_{key}",
            f"Money at risk: {label.lower()}",
            "money",
            False,
            f"Spend over the window of the selected initiatives (not retired) flagged as "
            f"{label.lower()}; an initiative with several signals counts under each.",
            ("money_at_risk",),
        )
        for key, label in SIGNAL_LABELS.items()
    ),
    Metric(
        "days_in_stage",
        "Days in stage",
        "days",
        None,
        "Days from the entry that gives the initiative's stage at the as-of date to then.",
        ("selected_initiatives",),
        ("initiative",),
    ),
    Metric(
        "is_stalled_pilot",
        "Stalled pilot",
        "flag",
        False,
        "Active, in Experimentation at the as-of date, and there for more than "
        "`stalled_after_days` (180) days.",
        ("signals",),
        ("initiative",),
    ),
    Metric(
        "has_no_executive_owner",
        "No executive owner",
        "flag",
        False,
        "Not retired, and no executive sponsor is named.",
        ("signals",),
        ("initiative",),
    ),
    Metric(
        "has_decaying_model",
        "Decaying model",
        "flag",
        False,
        "Not retired, and one of its models has decayed by `decay_alert_pct` (5%) or more "
        "since its baseline.",
        ("signals",),
        ("initiative",),
    ),
    Metric(
        "readiness_score",
        "Readiness",
        "score",
        True,
        "Mean of the latest score (0-5) of the six readiness dimensions assessed by the "
        "as-of date; a dimension not assessed counts as 0.",
        ("readiness", "signals"),
        ("initiative",),
    ),
    Metric(
        "not_assessed",
        "Not assessed",
        "list",
        None,
        "The readiness dimensions with no assessment by the as-of date.",
        ("readiness", "signals"),
        ("initiative",),
    ),
    Metric(
        "dimensions_below_minimum",
        "Assessed below the minimum",
        "list",
        None,
        "The readiness dimensions scoring below `gate_min_score` (3), 0 when not assessed.",
        ("readiness",),
        ("initiative",),
    ),
    Metric(
        "gate_blockers",
        "Gate blockers",
        "list",
        None,
        "The failure causes that hold the initiative at the next stage gate: a readiness "
        "dimension below the minimum (or not assessed), no executive sponsor, a business "
        "case at risk, or a decaying model.",
        ("signals",),
        ("initiative",),
    ),
    Metric(
        "gate_blocker_reasons",
        "Why blocked",
        "list",
        None,
        "For each gate blocker: not assessed, assessed below the minimum, or flagged by the "
        "data (no sponsor, business case at risk, decaying model).",
        ("signals",),
        ("initiative",),
    ),
    Metric(
        "ready_for_next_stage",
        "Ready for the next stage",
        "flag",
        True,
        "An active initiative before Enterprise Transformation with no gate blocker; "
        "undefined for one that is not active, has no stage, or is at the last stage.",
        ("signals",),
        ("initiative",),
        "not active, no stage yet, or at the last stage",
    ),
    Metric(
        "projected_cost_at_scale",
        "Projected cost at scale (month)",
        "money",
        False,
        "Cost of the 3 months ending the as-of month / their active users x target users.",
        ("projections",),
        ("initiative",),
        "no active users in the 3 months ending {as_of}, or no target users",
    ),
    Metric(
        "projected_value_at_scale",
        "Projected value at scale (month)",
        "money",
        True,
        "Outcome value of the 3 months ending the as-of month / their active users x target users.",
        ("projections",),
        ("initiative",),
        "no active users in the 3 months ending {as_of}, or no target users",
    ),
    Metric(
        "business_case_at_risk",
        "Business case at risk",
        "flag",
        False,
        "The projected cost at scale exceeds the projected value at scale.",
        ("projections", "signals"),
        ("initiative",),
        "no projection",
    ),
    Metric(
        "baseline",
        "Baseline",
        "score",
        None,
        "The baseline of the latest measurement giving one, else the earliest value.",
        ("model_decay",),
        ("model",),
    ),
    Metric(
        "latest",
        "Latest",
        "score",
        None,
        "The latest measured value by the as-of date.",
        ("model_decay",),
        ("model",),
    ),
    Metric(
        "decay_pct",
        "Decay",
        "score",
        False,
        "(Baseline - latest) / |baseline| x 100, negated when lower is better.",
        ("model_decay",),
        ("model",),
    ),
    Metric(
        "is_past_alert",
        "Past the decay alert",
        "flag",
        False,
        "Decay of `decay_alert_pct` (5%) or more, whatever the initiative's status.",
        ("model_decay",),
        ("model",),
    ),
    Metric(
        "is_decaying",
        "Decaying",
        "flag",
        False,
        "Past the decay alert, for an initiative that is not retired.",
        ("model_decay",),
        ("model",),
    ),
)

ROADMAP_METRICS: tuple[Metric, ...] = (
    Metric(
        "priority_score",
        "Priority score",
        "score",
        True,
        "Weighted cost of delay (value at scale, strategic impact, readiness across the six "
        "causes, time in stage and slip, each 0-10) divided by the cost to scale (1-10).",
        (),
        ("roadmap",),
        "not ranked: only active initiatives with a stage are",
    ),
    Metric(
        "rank",
        "Rank",
        "count",
        None,
        "Place in the ranked backlog: highest priority score first (ties by id), after the "
        "ranks program owners set with a reason.",
        (),
        ("roadmap",),
        "not ranked: only active initiatives with a stage are",
    ),
    Metric(
        "rank_override",
        "Rank set by owner",
        "list",
        None,
        "Who set this initiative's rank by hand, and why.",
        (),
        ("roadmap",),
    ),
    Metric(
        "value_part",
        "Value part",
        "score",
        True,
        "Projected value at scale / the largest of the ranked initiatives x 10.",
        (),
        ("roadmap",),
    ),
    Metric(
        "impact_part",
        "Impact part",
        "score",
        True,
        "Strategic impact (1-5) x 2.",
        (),
        ("roadmap",),
    ),
    Metric(
        "readiness_part",
        "Readiness part",
        "score",
        True,
        "The six failure causes that do not block / 6 x 10.",
        (),
        ("roadmap",),
    ),
    Metric(
        "time_part",
        "Time criticality",
        "score",
        True,
        "5 x min(days in stage / 365, 1) + 5 x min(slip / 180 days, 1).",
        (),
        ("roadmap",),
    ),
    Metric(
        "size_part",
        "Cost to scale",
        "score",
        False,
        "1 + 9 x projected cost at scale / the largest of the ranked initiatives; 10 when "
        "not projectable.",
        (),
        ("roadmap",),
    ),
    Metric(
        "slip_days",
        "Slip, days",
        "days",
        False,
        "The latest planned stage's planned end against its actual end (still in it: the "
        "as-of date once past the planned end; not entered: as-of date - planned start).",
        (),
        ("roadmap",),
        "no planned stage due by {as_of}",
    ),
    Metric(
        "behind_plan",
        "Behind plan",
        "count",
        False,
        "Active initiatives whose slip is above 0 days.",
        (),
        ("roadmap",),
    ),
    Metric(
        "scenario_value",
        "Outcomes at scale, monthly",
        "money",
        True,
        "Funded initiatives' projected value at scale (today: the monthly average outcome "
        "value of the 3 months ending the as-of month).",
        (),
        ("roadmap",),
    ),
    Metric(
        "scenario_cost",
        "Cost at scale, monthly",
        "money",
        False,
        "Funded initiatives' projected cost at scale (today: the monthly average cost of the "
        "3 months ending the as-of month).",
        (),
        ("roadmap",),
    ),
    Metric(
        "scenario_roi",
        "ROI at scale",
        "ratio",
        True,
        "(Value - cost) / cost of the funded initiatives.",
        (),
        ("roadmap",),
        "no cost",
    ),
    Metric(
        "scenario_adoption",
        "Adoption at scale",
        "ratio",
        True,
        "Active users (at scale: every target user of a funded initiative) / the target "
        "users of all ranked initiatives.",
        (),
        ("roadmap",),
        "no target users",
    ),
)

REGISTRY: dict[str, Metric] = {m.name: m for m in (*METRICS, *ROADMAP_METRICS)}


def metric(name: str) -> Metric:
    """The registry entry of one metric; a KeyError names a metric nobody defined."""
    return REGISTRY[name]


def label(name: str) -> str:
    return REGISTRY[name].label


def cause_label(cause: str) -> str:
    """A failure cause (readiness dimension) by its plain name."""
    return CAUSE_LABELS.get(cause, cause)
