"""The KPI cards of the portfolio page: which registry metrics they show, under which
element ids, and the change against the previous window. Meaning (label, unit, direction,
definition, why a value is missing) comes from `etl.registry`; values from
`compute_metrics` only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from etl.formatting import EM_DASH, format_points, format_relative
from etl.metric_results import ProgramMetrics
from etl.registry import SIGNAL_LABELS, Metric, metric


@dataclass(frozen=True)
class Kpi:
    metric: Metric
    element_id: str

    @property
    def key(self) -> str:
        """The key of the `scaleboard metrics --json` object."""
        return self.metric.name

    @property
    def label(self) -> str:
        return self.metric.label

    @property
    def definition(self) -> str:
        return self.metric.definition


KPIS: tuple[Kpi, ...] = (
    Kpi(metric("adoption_rate"), "kpi-adoption-rate"),
    Kpi(metric("outcomes_at_scale"), "kpi-outcomes-at-scale"),
    Kpi(metric("total_cost"), "kpi-total-cost"),
    Kpi(metric("cost_at_risk"), "kpi-cost-at-risk"),
    Kpi(metric("cost_per_insight"), "kpi-cost-per-insight"),
    Kpi(metric("roi"), "kpi-roi"),
    Kpi(metric("pilot_to_production_rate"), "kpi-pilot-to-production"),
)


TARGETED = ("adoption_rate", "cost_per_insight", "roi")
"""The metrics a portfolio or an initiative can be held to (`dashboard.edits.targets`)."""

Held = tuple[tuple[str, str, str], ...]
"""Targets as a cache key: (metric, target as decimal text, whose: `own` or `portfolio`),
one entry per metric that has a target."""


def held_to(
    own: Mapping[str, Decimal | None], fallback: Mapping[str, Decimal | None] | None = None
) -> Held:
    """The targets a thing is held to: its own where set, else the portfolio's (an
    initiative without a target of its own is held to the portfolio's)."""
    held = []
    for name in TARGETED:
        mine, portfolio = own.get(name), (fallback or {}).get(name)
        if mine is not None:
            held.append((name, str(mine), "own"))
        elif portfolio is not None:
            held.append((name, str(portfolio), "portfolio"))
    return tuple(held)


@dataclass(frozen=True)
class TargetView:
    """A figure against its target: `Target 60.0%` and `on target` / `off target` (None
    when there is no figure to judge)."""

    text: str
    verdict: str | None

    @property
    def met(self) -> bool | None:
        return None if self.verdict is None else self.verdict == "on target"


def against_target(name: str, value: float | None, target: Decimal | None) -> str | None:
    """`on target` / `off target` for a metric value and its target, with the metric's good
    direction (None when either is missing)."""
    if value is None or target is None:
        return None
    better = metric(name).higher_is_better
    met = value >= float(target) if better else value <= float(target)
    return "on target" if met else "off target"


def target_view(name: str, value: float | None, held: Held, currency: str) -> TargetView | None:
    """The target line of a metric's card or tile, or None when it is held to none."""
    found = next((entry for entry in held if entry[0] == name), None)
    if found is None:
        return None
    _, text, whose = found
    target = Decimal(text)
    label = "Portfolio target" if whose == "portfolio" else "Target"
    shown = metric(name).format(float(target), currency)
    return TargetView(f"{label} {shown}", against_target(name, value, target))


@dataclass(frozen=True)
class KpiView:
    """What a KPI card shows: the value and its change, each with a reason when missing,
    and the target it is held to."""

    kpi: Kpi
    value: str
    value_reason: str | None
    change: str
    change_reason: str | None
    is_better: bool | None
    """True when the change goes the good way, False the bad way, None flat or unknown."""
    target: TargetView | None = None


@dataclass(frozen=True)
class SignalShare:
    """One signal's part of the money at risk."""

    key: str
    label: str
    value: str
    share: float | None
    """Of the money at risk (parts may add up to more than 1: an initiative can carry
    several signals)."""


def value_reason(kpi: Kpi, metrics: ProgramMetrics) -> str | None:
    """Why the KPI has no value, or None when it has one."""
    if metrics.as_of is None:
        return "no data has been loaded yet"
    if not metrics.initiative_ids:
        return "no initiatives match these filters"
    if metrics.figure(kpi.key) is None:
        return kpi.metric.undefined.format(
            as_of=metrics.as_of,
            window_from=metrics.window_from or EM_DASH,
            window_to=metrics.window_to or EM_DASH,
        )
    return None


def _change(kpi: Kpi, now: float, before: float) -> tuple[str, str | None, float]:
    if kpi.metric.unit == "ratio":
        return format_points(now - before), None, now - before
    if before == 0:
        return EM_DASH, "the previous window's value is 0", 0.0
    ratio = (now - before) / abs(before)
    return format_relative(ratio), None, ratio


def kpi_view(
    kpi: Kpi, metrics: ProgramMetrics, previous: ProgramMetrics | None, held: Held = ()
) -> KpiView:
    """The card of one KPI for the current and the previous window's metrics, against the
    targets in `held`."""
    reason = value_reason(kpi, metrics)
    now = metrics.figure(kpi.key) if reason is None else None
    shown = EM_DASH if reason else kpi.metric.format(now, metrics.currency)
    target = target_view(kpi.key, None if now is None else float(now), held, metrics.currency)
    if now is None:
        return KpiView(kpi, shown, reason, EM_DASH, "no current value to compare", None, target)
    if previous is None:
        return KpiView(kpi, shown, None, EM_DASH, "no previous window", None, target)
    before_reason = value_reason(kpi, previous)
    before = previous.figure(kpi.key)
    if before_reason or before is None:
        why = f"no value for the previous window ({before_reason or 'no data'})"
        return KpiView(kpi, shown, None, EM_DASH, why, None, target)
    change, change_reason, delta = _change(kpi, float(now), float(before))
    direction = kpi.metric.higher_is_better
    better = None if delta == 0 or change_reason or direction is None else (delta > 0) == direction
    return KpiView(kpi, shown, None, change, change_reason, better, target)


def kpi_views(
    metrics: ProgramMetrics, previous: ProgramMetrics | None, held: Held = ()
) -> list[KpiView]:
    return [kpi_view(kpi, metrics, previous, held) for kpi in KPIS]


def money_at_risk_shares(metrics: ProgramMetrics) -> list[SignalShare]:
    """Each signal's money at risk and its share of the total, in METRICS.md's order."""
    total = metrics.cost_at_risk
    out = []
    for key, label in SIGNAL_LABELS.items():
        entry = metric(f"cost_at_risk_{key}")
        value = metrics.figure(entry.name)
        share = value / total if total else None
        out.append(SignalShare(key, label, entry.format(value, metrics.currency), share))
    return out


def previous_label(previous: ProgramMetrics | None) -> str:
    """`vs 2024-11 to 2025-10`: the window a change compares with."""
    if previous is None or previous.window is None:
        return ""
    return f"vs {previous.window_from} to {previous.window_to}"
