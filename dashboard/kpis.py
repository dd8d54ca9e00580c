"""The KPIs of the portfolio page: their meaning (label, unit, direction, definition) and
the change against the previous window. The values come from `compute_metrics` only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from dashboard.formatting import (
    EM_DASH,
    format_points,
    format_relative,
    format_value,
)

Unit = Literal["percent", "money"]


@dataclass(frozen=True)
class Kpi:
    key: str
    """The key of the `scaleboard metrics --json` object."""
    element_id: str
    label: str
    unit: Unit
    higher_is_better: bool
    definition: str
    undefined: str
    """Why the value is null, formatted with as_of, window_from, window_to."""


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "adoption_rate",
        "kpi-adoption-rate",
        "Adoption rate",
        "percent",
        True,
        "Active users / eligible users in the as-of month, over the selected initiatives "
        "with an adoption row or usage events that month and more than 0 eligible users.",
        "no adoption rows or usage events with eligible users in {as_of}",
    ),
    Kpi(
        "outcomes_at_scale",
        "kpi-outcomes-at-scale",
        "Outcomes at scale",
        "money",
        True,
        "Outcome value over the window from the selected initiatives in the months when "
        "their stage was Operationalization or later.",
        "no data",
    ),
    Kpi(
        "cost_per_insight",
        "kpi-cost-per-insight",
        "Cost per insight",
        "money",
        False,
        "Total cost over the window / insights (predictions, decisions) delivered over the "
        "window, for the selected initiatives.",
        "no insights in the window {window_from} to {window_to}",
    ),
    Kpi(
        "roi",
        "kpi-roi",
        "ROI",
        "percent",
        True,
        "(Outcome value - total cost) / total cost over the window, for the selected "
        "initiatives; all outcome kinds count.",
        "no cost in the window {window_from} to {window_to}",
    ),
    Kpi(
        "pilot_to_production_rate",
        "kpi-pilot-to-production",
        "Pilot to production",
        "percent",
        True,
        "Of the selected initiatives with a stage entry by the as-of date, the share whose "
        "history has reached Operationalization or later by then.",
        "no selected initiative has a stage entry by the end of {as_of}",
    ),
)


@dataclass(frozen=True)
class KpiView:
    """What a KPI card shows: the value and its change, each with a reason when missing."""

    kpi: Kpi
    value: str
    value_reason: str | None
    change: str
    change_reason: str | None
    is_better: bool | None
    """True when the change goes the good way, False the bad way, None flat or unknown."""


def _context(metrics: dict[str, Any]) -> dict[str, str]:
    window = metrics.get("window") or {}
    return {
        "as_of": metrics.get("as_of") or EM_DASH,
        "window_from": window.get("from") or EM_DASH,
        "window_to": window.get("to") or EM_DASH,
    }


def value_reason(kpi: Kpi, metrics: dict[str, Any]) -> str | None:
    """Why the KPI has no value, or None when it has one."""
    if metrics.get("as_of") is None:
        return "no data has been loaded yet"
    if not metrics.get("initiatives"):
        return "no initiatives match these filters"
    if metrics.get(kpi.key) is None:
        return kpi.undefined.format(**_context(metrics))
    return None


def _change(kpi: Kpi, now: float, before: float) -> tuple[str, str | None, float]:
    if kpi.unit == "percent":
        return format_points(now - before), None, now - before
    if before == 0:
        return EM_DASH, "the previous window's value is 0", 0.0
    ratio = (now - before) / abs(before)
    return format_relative(ratio), None, ratio


def kpi_view(kpi: Kpi, metrics: dict[str, Any], previous: dict[str, Any] | None) -> KpiView:
    """The card of one KPI for the current and the previous window's metrics."""
    currency = metrics.get("currency") or "USD"
    reason = value_reason(kpi, metrics)
    now = metrics.get(kpi.key) if reason is None else None
    shown = EM_DASH if reason else format_value(now, kpi.unit, currency)
    if now is None:
        return KpiView(kpi, shown, reason, EM_DASH, "no current value to compare", None)
    if previous is None:
        return KpiView(kpi, shown, None, EM_DASH, "no previous window", None)
    before_reason = value_reason(kpi, previous)
    before = previous.get(kpi.key)
    if before_reason or before is None:
        why = f"no value for the previous window ({before_reason or 'no data'})"
        return KpiView(kpi, shown, None, EM_DASH, why, None)
    change, change_reason, delta = _change(kpi, float(now), float(before))
    better = None if delta == 0 or change_reason else (delta > 0) == kpi.higher_is_better
    return KpiView(kpi, shown, None, change, change_reason, better)


def kpi_views(metrics: dict[str, Any], previous: dict[str, Any] | None) -> list[KpiView]:
    return [kpi_view(kpi, metrics, previous) for kpi in KPIS]


def previous_label(previous: dict[str, Any] | None) -> str:
    """`vs 2024-11 to 2025-10`: the window a change compares with."""
    window = (previous or {}).get("window") or {}
    if not window:
        return ""
    return f"vs {window['from']} to {window['to']}"
