"""Every metric and signal of METRICS.md, computed by the SQL in etl/sql/metrics.

`compute_metrics` is the one entry point; its dict is the `metrics --json` object.
The math is in SQL; this module only binds parameters and shapes the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb

from etl.config import Settings
from etl.contracts import STAGE_ORDER
from etl.contracts.entities import Dimension, Stage, Status
from etl.period import Period, PeriodError, month_text, resolve_period
from etl.sql_files import dict_rows, run_sql


@dataclass(frozen=True)
class Filters:
    """The selection S and the period options, as the user gave them."""

    as_of: str | None = None
    from_: str | None = None
    to: str | None = None
    business_units: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def canonical(values: tuple[str, ...], choices: tuple[str, ...], option: str) -> list[str]:
    """Enumerated filter values matched case-insensitively, in their canonical spelling."""
    by_lower = {c.lower(): c for c in choices}
    out = []
    for value in values:
        if value.strip().lower() not in by_lower:
            raise PeriodError(f"{option} {value!r} is not one of {', '.join(choices)}")
        out.append(by_lower[value.strip().lower()])
    return out


def latest_month(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    row = run_sql(con, "metrics", "as_of_month").fetchone()
    return row[0] if row else None


def _params(period: Period, filters: Filters, settings: Settings) -> dict[str, Any]:
    return {
        "as_of_date": period.as_of_date,
        "as_of_month": period.as_of,
        "window_from": period.window_from,
        "window_to": period.window_to,
        "business_units": list(filters.business_units),
        "stages": canonical(filters.stages, STAGE_ORDER, "--stage"),
        "statuses": canonical(filters.statuses, tuple(s.value for s in Status), "--status"),
        "stalled_after_days": settings.stalled_after_days,
        "gate_min_score": settings.gate_min_score,
        "decay_alert_pct": settings.decay_alert_pct,
        "dimensions": [d.value for d in Dimension],
        "months": [m for m in [*period.months, period.as_of] if m is not None],
    }


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _adoption(con: duckdb.DuckDBPyConnection, params: dict[str, Any], period: Period) -> Any:
    rows = dict_rows(run_sql(con, "metrics", "adoption_rates", params))
    program = {r["month"]: r["adoption_rate"] for r in rows if r["initiative_id"] is None}
    per_initiative = {
        r["initiative_id"]: r["adoption_rate"]
        for r in rows
        if r["initiative_id"] is not None and r["month"] == period.as_of
    }
    trend = [{"month": month_text(m), "adoption_rate": program.get(m)} for m in period.months]
    return program.get(period.as_of), trend, per_initiative


def _decaying(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> Any:
    rows = dict_rows(run_sql(con, "metrics", "model_decay", params))
    keys = ("initiative_id", "model", "metric", "baseline", "latest", "decay_pct")
    return [{k: r[k] for k in keys} for r in rows if r["is_decaying"]]


def compute_metrics(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings
) -> dict[str, Any]:
    """The `metrics --json` object for these filters."""
    period = resolve_period(filters.as_of, filters.from_, filters.to, latest_month(con))
    params = _params(period, filters, settings)
    run_sql(con, "metrics", "selected_initiatives", params)
    figures = {
        r["initiative_id"]: r for r in dict_rows(run_sql(con, "metrics", "window_figures", params))
    }
    program = figures.pop(None)
    adoption_rate, trend, adoption_by_initiative = _adoption(con, params, period)
    summary = dict_rows(run_sql(con, "metrics", "stage_summary", params))[0]
    signals = dict_rows(run_sql(con, "metrics", "signals", params))
    reporting = con.execute("select value from meta where name = 'reporting_currency'").fetchone()
    return {
        "as_of": month_text(period.as_of),
        "window": (
            {"from": month_text(period.window_from), "to": month_text(period.window_to)}
            if period.as_of
            else None
        ),
        "currency": reporting[0] if reporting else settings.reporting_currency,
        "adoption_rate": _float(adoption_rate),
        "outcomes_at_scale": float(program["outcomes_at_scale"]),
        "outcomes_in_pilot": float(program["outcomes_in_pilot"]),
        "total_cost": float(program["total_cost"]),
        "cost_per_insight": _float(program["cost_per_insight"]),
        "roi": _float(program["roi"]),
        "adoption_trend": trend,
        "initiatives_by_stage": {s["stage"]: int(s["n"]) for s in summary["by_stage"]},
        "pilot_to_production_rate": _float(summary["pilot_to_production_rate"]),
        "stalled_pilots": [s["initiative_id"] for s in signals if s["is_stalled_pilot"]],
        "no_executive_owner": [s["initiative_id"] for s in signals if s["has_no_executive_owner"]],
        "decaying_models": _decaying(con, params),
        "initiatives": _initiatives(con, params, figures, adoption_by_initiative),
    }


def _initiatives(
    con: duckdb.DuckDBPyConnection,
    params: dict[str, Any],
    figures: dict[str, dict[str, Any]],
    adoption: dict[str, Any],
) -> list[dict[str, Any]]:
    selected = dict_rows(con.execute("select * from selected order by initiative_id"))
    readiness = {
        r["initiative_id"]: r for r in dict_rows(run_sql(con, "metrics", "readiness", params))
    }
    projected = {
        r["initiative_id"]: r for r in dict_rows(run_sql(con, "metrics", "projections", params))
    }
    out = []
    for s in selected:
        i = s["initiative_id"]
        fig, ready, proj = figures.get(i, {}), readiness.get(i, {}), projected.get(i, {})
        out.append(
            {
                "initiative_id": i,
                "name": s["name"],
                "business_unit": s["business_unit"],
                "status": s["status"],
                "stage": s["stage"],
                "stage_entered_on": s["stage_entered_on"].isoformat()
                if s["stage_entered_on"]
                else None,
                "days_in_stage": s["days_in_stage"],
                "adoption_rate": _float(adoption.get(i)),
                "total_cost": float(fig.get("total_cost", 0.0)),
                "outcome_value": float(fig.get("outcome_value", 0.0)),
                "cost_per_insight": _float(fig.get("cost_per_insight")),
                "roi": _float(fig.get("roi")),
                "readiness_score": _float(ready.get("readiness_score")),
                "gate_blockers": list(ready.get("gate_blockers") or []),
                "projected_cost_at_scale": _float(proj.get("projected_cost_at_scale")),
                "projected_value_at_scale": _float(proj.get("projected_value_at_scale")),
                "business_case_at_risk": proj.get("business_case_at_risk"),
            }
        )
    return out


__all__ = ["Filters", "PeriodError", "Stage", "compute_metrics"]
