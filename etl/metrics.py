"""Every metric and signal of METRICS.md, computed by the SQL in etl/sql/metrics.

`compute_metrics` is the one entry point; its `MetricsResult` is the `metrics --json`
object. The math is in SQL; this module only binds parameters, runs the models in their
declared order and shapes the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from etl.config import Settings
from etl.contracts import STAGE_ORDER
from etl.contracts.entities import Dimension, Stage, Status
from etl.metric_results import MetricsResult
from etl.period import Period, PeriodError, month_text, resolve_period
from etl.sql_files import dict_rows, run_sql

RELATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("selected_initiatives", ()),
    ("window_figures", ("selected_initiatives",)),
    ("model_decay", ("selected_initiatives",)),
    ("projections", ("selected_initiatives",)),
    ("readiness", ("selected_initiatives",)),
    ("signals", ("selected_initiatives", "model_decay", "projections", "readiness")),
)
"""The metric models that create a temporary relation other models read (`selected`, then
one named after the model, `readiness_scores` for `readiness`), with what each reads; they
are built in this order, each after its dependencies."""

QUERIES = ("reporting_months", "inventory_month", "adoption_rates", "stage_summary")
"""The metric models that are plain queries; `money_at_risk` reads `signals` and
`window_figures`."""


@dataclass(frozen=True)
class Filters:
    """The selection S and the period options, as the user gave them."""

    as_of: str | None = None
    from_: str | None = None
    to: str | None = None
    business_units: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportingMonths:
    """The default as-of month and the partial months after it (METRICS.md, Time)."""

    latest_reported: dt.date | None
    partial: list[dict[str, Any]]


def canonical(values: tuple[str, ...], choices: tuple[str, ...], option: str) -> list[str]:
    """Enumerated filter values matched case-insensitively, in their canonical spelling."""
    by_lower = {c.lower(): c for c in choices}
    out = []
    for value in values:
        if value.strip().lower() not in by_lower:
            raise PeriodError(f"{option} {value!r} is not one of {', '.join(choices)}")
        out.append(by_lower[value.strip().lower()])
    return out


def reporting_months(con: duckdb.DuckDBPyConnection, settings: Settings) -> ReportingMonths:
    """The latest reported month (else the month of the latest stage entry, for a database
    without facts) and every later month with data, with its reporting counts."""
    params = {"min_reporting_share": str(settings.min_reporting_share)}
    months = dict_rows(run_sql(con, "metrics", "reporting_months", params))
    reported = [m["month"] for m in months if m["is_reported"]]
    if not reported:
        row = run_sql(con, "metrics", "inventory_month").fetchone()
        return ReportingMonths(row[0] if row else None, [])
    latest = reported[-1]
    partial = [
        {
            "month": month_text(m["month"]),
            "reporting_initiatives": int(m["reporting_initiatives"]),
            "compared_with": int(m["recent_max_initiatives"]),
        }
        for m in months
        if m["month"] > latest
    ]
    return ReportingMonths(latest, partial)


def model_params(period: Period, filters: Filters, settings: Settings) -> dict[str, Any]:
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


def _decaying(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    keys = "initiative_id, model, metric, baseline, latest, decay_pct"
    query = f"select {keys} from model_decay where is_decaying order by all"
    return dict_rows(con.execute(query))


def _money_at_risk(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = dict_rows(run_sql(con, "metrics", "money_at_risk"))[0]
    parts = {
        k.removeprefix("cost_at_risk_"): float(v) for k, v in row.items() if k != "cost_at_risk"
    }
    return {"cost_at_risk": float(row["cost_at_risk"]), "cost_at_risk_by_signal": parts}


def build_relations(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """Runs the metric models that create relations, in their declared order."""
    for name, _ in RELATIONS:
        run_sql(con, "metrics", name, params)


def compute_metrics(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings
) -> MetricsResult:
    """The `metrics --json` object for these filters."""
    months = reporting_months(con, settings)
    period = resolve_period(filters.as_of, filters.from_, filters.to, months.latest_reported)
    params = model_params(period, filters, settings)
    build_relations(con, params)
    figures = {r["initiative_id"]: r for r in dict_rows(con.execute("from window_figures"))}
    program = figures.pop(None)
    adoption_rate, trend, adoption_by_initiative = _adoption(con, params, period)
    summary = dict_rows(run_sql(con, "metrics", "stage_summary", params))[0]
    signals = dict_rows(con.execute("from signals order by initiative_id"))
    reporting = con.execute("select value from meta where name = 'reporting_currency'").fetchone()
    return MetricsResult.model_validate(
        {
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
            "initiatives_by_stage": {
                s["stage"]: int(s["n"]) for s in summary["initiatives_by_stage"]
            },
            "pilot_to_production_rate": _float(summary["pilot_to_production_rate"]),
            "partial_months": [p["month"] for p in months.partial],
            "partial_month_reporting": months.partial,
            **_money_at_risk(con),
            "stalled_pilots": [s["initiative_id"] for s in signals if s["is_stalled_pilot"]],
            "no_executive_owner": [
                s["initiative_id"] for s in signals if s["has_no_executive_owner"]
            ],
            "decaying_models": _decaying(con),
            "initiatives": _initiatives(con, figures, signals, adoption_by_initiative),
        }
    )


def _initiatives(
    con: duckdb.DuckDBPyConnection,
    figures: dict[str, dict[str, Any]],
    signals: list[dict[str, Any]],
    adoption: dict[str, Any],
) -> list[dict[str, Any]]:
    selected = dict_rows(con.execute("from selected order by initiative_id"))
    projected = {r["initiative_id"]: r for r in dict_rows(con.execute("from projections"))}
    by_id = {s["initiative_id"]: s for s in signals}
    out = []
    for s in selected:
        i = s["initiative_id"]
        fig, sig, proj = figures.get(i, {}), by_id[i], projected.get(i, {})
        entered = s["stage_entered_on"]
        out.append(
            {
                "initiative_id": i,
                "name": s["name"],
                "business_unit": s["business_unit"],
                "status": s["status"],
                "stage": s["stage"],
                "stage_entered_on": entered.isoformat() if entered else None,
                "days_in_stage": s["days_in_stage"],
                "adoption_rate": _float(adoption.get(i)),
                "total_cost": float(fig.get("total_cost", 0.0)),
                "outcome_value": float(fig.get("outcome_value", 0.0)),
                "cost_per_insight": _float(fig.get("cost_per_insight")),
                "roi": _float(fig.get("roi")),
                "readiness_score": _float(sig["readiness_score"]),
                "not_assessed": list(sig["not_assessed"] or []),
                "gate_blockers": list(sig["gate_blockers"] or []),
                "gate_blocker_reasons": list(sig["gate_blocker_reasons"] or []),
                "ready_for_next_stage": sig["ready_for_next_stage"],
                "projected_cost_at_scale": _float(proj.get("projected_cost_at_scale")),
                "projected_value_at_scale": _float(proj.get("projected_value_at_scale")),
                "business_case_at_risk": proj.get("business_case_at_risk"),
                "is_stalled_pilot": bool(sig["is_stalled_pilot"]),
                "has_no_executive_owner": bool(sig["has_no_executive_owner"]),
                "has_decaying_model": bool(sig["has_decaying_model"]),
            }
        )
    return out


__all__ = ["Filters", "MetricsResult", "PeriodError", "Stage", "compute_metrics"]
