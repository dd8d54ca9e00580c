"""The alerts the rules find in one state of the data: pure functions of `Facts` (the
`metrics --json` object of the whole portfolio, the cost spikes, the targets and today)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dashboard.alerting import config as c
from etl.formatting import format_money, format_percent
from etl.metric_results import MetricsResult
from etl.period import last_day, parse_month


@dataclass(frozen=True)
class Alert:
    key: str
    """`<rule>:<subject>`: one alert per rule and thing, open until the thing clears."""
    rule: str
    condition: str
    title: str
    detail: str
    initiative_id: str | None = None
    at_stake_rc: float | None = None


@dataclass(frozen=True)
class Facts:
    metrics: MetricsResult
    cost_spikes: dict[float, list[dict[str, Any]]]
    """By factor: the initiatives whose as-of month cost is above factor x their 3-month average."""
    today: dt.date
    portfolio_targets: dict[str, Decimal | None] = field(default_factory=dict)
    initiative_targets: dict[str, dict[str, Decimal | None]] = field(default_factory=dict)

    def name(self, initiative_id: str) -> str:
        found = self._by_id().get(initiative_id)
        return f"{found.name} ({initiative_id})" if found else initiative_id

    def spend(self, initiative_id: str) -> float | None:
        found = self._by_id().get(initiative_id)
        return found.total_cost if found else None

    def _by_id(self) -> dict[str, Any]:
        return {i.initiative_id: i for i in self.metrics.initiatives}

    def money(self, value: float | None) -> str:
        return format_money(value, self.metrics.currency)


Finder = Callable[[Any, Facts, str], Iterator[Alert]]


def _alert(name: str, rule: Any, subject: str, title: str, detail: str, **extra: Any) -> Alert:
    return Alert(f"{name}:{subject}", name, rule.condition, title, detail, **extra)


def adoption_below_target(rule: c.AdoptionBelowTarget, f: Facts, name: str) -> Iterator[Alert]:
    wanted = rule.target if rule.target is not None else f.portfolio_targets.get("adoption_rate")
    rate = f.metrics.adoption_rate
    if wanted is not None and rate is not None and rate < float(wanted):
        detail = (
            f"{format_percent(rate)} in {f.metrics.as_of}, target {format_percent(float(wanted))}"
        )
        yield _alert(name, rule, "portfolio", "Portfolio adoption below target", detail)
    if rule.target is not None:
        return
    for i in f.metrics.initiatives:
        target = f.initiative_targets.get(i.initiative_id, {}).get("adoption_rate")
        if target is None or i.adoption_rate is None or i.adoption_rate >= float(target):
            continue
        detail = f"{format_percent(i.adoption_rate)}, target {format_percent(float(target))}"
        yield _alert(
            name,
            rule,
            i.initiative_id,
            f"{f.name(i.initiative_id)}: adoption below target",
            detail,
            initiative_id=i.initiative_id,
            at_stake_rc=i.total_cost,
        )


def stalled_pilot(rule: c.StalledPilot, f: Facts, name: str) -> Iterator[Alert]:
    days = {i.initiative_id: i.days_in_stage for i in f.metrics.initiatives}
    for i in f.metrics.stalled_pilots:
        yield _alert(
            name,
            rule,
            i,
            f"{f.name(i)}: stalled pilot",
            f"{days.get(i)} days in Experimentation, {f.money(f.spend(i))} spent in the window",
            initiative_id=i,
            at_stake_rc=f.spend(i),
        )


def model_decay(rule: c.ModelDecay, f: Facts, name: str) -> Iterator[Alert]:
    for m in f.metrics.decaying_models:
        if m.decay_pct is None or m.decay_pct < rule.min_decay_pct:
            continue
        i = m.initiative_id
        yield _alert(
            name,
            rule,
            f"{i}:{m.model}:{m.metric}",
            f"{f.name(i)}: model {m.model} decaying",
            f"{m.metric} {m.latest} against a baseline of {m.baseline}: {m.decay_pct:.1f}% worse",
            initiative_id=i,
            at_stake_rc=f.spend(i),
        )


def business_case_at_risk(rule: c.BusinessCaseAtRisk, f: Facts, name: str) -> Iterator[Alert]:
    for i in f.metrics.initiatives:
        if i.status == "retired" or not i.business_case_at_risk:
            continue
        detail = (
            f"projected at scale: {f.money(i.projected_cost_at_scale)} cost vs "
            f"{f.money(i.projected_value_at_scale)} value a month"
        )
        yield _alert(
            name,
            rule,
            i.initiative_id,
            f"{f.name(i.initiative_id)}: business case at risk",
            detail,
            initiative_id=i.initiative_id,
            at_stake_rc=i.total_cost,
        )


def cost_spike(rule: c.CostSpike, f: Facts, name: str) -> Iterator[Alert]:
    for s in f.cost_spikes.get(rule.factor, []):
        i = str(s["initiative_id"])
        detail = (
            f"{f.money(s['cost_rc'])} in {f.metrics.as_of}, above {rule.factor:g}x its 3-month "
            f"average of {f.money(s['average_rc'])}"
        )
        yield _alert(
            name,
            rule,
            f"{i}:{f.metrics.as_of}",
            f"{f.name(i)}: monthly cost spike",
            detail,
            initiative_id=i,
            at_stake_rc=float(s["cost_rc"]),
        )


def money_at_risk_above(rule: c.MoneyAtRiskAbove, f: Facts, name: str) -> Iterator[Alert]:
    if f.metrics.cost_at_risk > rule.threshold:
        detail = f"{f.money(f.metrics.cost_at_risk)}, above {f.money(rule.threshold)}"
        yield _alert(
            name,
            rule,
            "portfolio",
            "Money at risk above its threshold",
            detail,
            at_stake_rc=f.metrics.cost_at_risk,
        )


def stale_data(rule: c.StaleData, f: Facts, name: str) -> Iterator[Alert]:
    if f.metrics.as_of is None:
        return
    age = (f.today - last_day(parse_month(f.metrics.as_of, "as_of"))).days
    if age > rule.days:
        detail = f"the latest reported month, {f.metrics.as_of}, ended {age} days ago"
        yield _alert(name, rule, "portfolio", f"Data older than {rule.days} days", detail)


def partial_month_open(rule: c.PartialMonthOpen, f: Facts, name: str) -> Iterator[Alert]:
    for p in f.metrics.partial_month_reporting:
        age = (f.today - last_day(parse_month(p.month, "month"))).days
        if age > rule.days:
            detail = (
                f"{p.reporting_initiatives} of {p.compared_with} initiatives reported in it; it "
                f"ended {age} days ago"
            )
            yield _alert(name, rule, p.month, f"{p.month} still partial", detail)


FINDERS: dict[str, Finder] = {
    "adoption_below_target": adoption_below_target,
    "stalled_pilot": stalled_pilot,
    "model_decay": model_decay,
    "business_case_at_risk": business_case_at_risk,
    "cost_spike": cost_spike,
    "money_at_risk_above": money_at_risk_above,
    "stale_data": stale_data,
    "partial_month_open": partial_month_open,
}


def evaluate(config: c.AlertsConfig, facts: Facts) -> list[Alert]:
    """Every alert the rules find, by rule in the file's order, then by key."""
    out: list[Alert] = []
    for rule in config.rules:
        found = FINDERS[rule.condition](rule, facts, c.rule_name(rule))
        out.extend(sorted(found, key=lambda a: a.key))
    return out
