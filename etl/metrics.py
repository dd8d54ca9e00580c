"""Every metric and signal of METRICS.md, computed by the SQL in etl/sql/metrics.

`compute_metrics` is the one entry point; its `MetricsResult` is the `metrics --json`
object. The math is in SQL; this module only binds parameters, runs the models in their
declared order and shapes the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from etl.config import Settings
from etl.contracts import STAGE_ORDER
from etl.contracts.entities import Dimension, Stage, Status
from etl.metric_results import MetricsResult, ProgramMetrics, SelectionMetrics
from etl.period import Period, PeriodError, month_text, resolve_period
from etl.sql_files import dict_rows, run_sql

if TYPE_CHECKING:
    import pandas as pd

RELATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("selected_initiatives", ()),
    ("window_figures", ("selected_initiatives",)),
    ("adoption_rates", ("selected_initiatives",)),
    ("model_decay", ("selected_initiatives",)),
    ("projections", ("selected_initiatives",)),
    ("readiness", ("selected_initiatives",)),
    ("signals", ("selected_initiatives", "model_decay", "projections", "readiness")),
)
"""The metric models that create a temporary relation other models read (`selected`, then
one named after the model, `readiness_scores` for `readiness`), with what each reads; they
are built in this order, each after its dependencies."""

QUERIES = (
    "reporting_months",
    "inventory_month",
    "stage_summary",
    "money_at_risk",
    "initiative_metrics",
)
"""The metric models that are plain queries (of the sources, marts and the relations)."""


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
    plausible = settings.plausible_months()
    params = {
        "min_reporting_share": str(settings.min_reporting_share),
        "first_month": plausible.first,
        "last_month": plausible.last,
    }
    months = dict_rows(run_sql(con, "metrics", "reporting_months", params))
    reported = [m["month"] for m in months if m["is_reported"]]
    if not reported:
        row = run_sql(con, "metrics", "inventory_month", params).fetchone()
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


def _decaying(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    keys = "initiative_id, model, metric, baseline, latest, decay_pct"
    return dict_rows(con.execute(f"select {keys} from model_decay where is_decaying order by all"))


def _money_at_risk(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = dict_rows(run_sql(con, "metrics", "money_at_risk"))[0]
    parts = {
        k.removeprefix("cost_at_risk_"): float(v) for k, v in row.items() if k != "cost_at_risk"
    }
    return {"cost_at_risk": float(row["cost_at_risk"]), "cost_at_risk_by_signal": parts}


def _signal_lists(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    row = con.execute(
        "select list(initiative_id order by initiative_id) filter (where is_stalled_pilot),"
        " list(initiative_id order by initiative_id) filter (where has_no_executive_owner)"
        " from signals"
    ).fetchone()
    stalled, no_owner = row if row else (None, None)
    return {"stalled_pilots": stalled or [], "no_executive_owner": no_owner or []}


def build_relations(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> None:
    """Runs the metric models that create relations, in their declared order."""
    for name, _ in RELATIONS:
        run_sql(con, "metrics", name, params)


class MetricsRun:
    """One evaluation of the metric models for a selection, on one connection: the
    relations it builds live on the connection until the next run there, so read what
    you need before starting another."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        filters: Filters,
        settings: Settings,
        *,
        figures: bool = True,
        months: ReportingMonths | None = None,
    ) -> None:
        """Builds the relations; with `figures` false only S (`selection()` alone then).
        `months`: the database's reporting months when the caller holds them already (no
        filter changes them), else read here."""
        self.con = con
        self.settings = settings
        self.months = months if months is not None else reporting_months(con, settings)
        self.period = resolve_period(
            filters.as_of,
            filters.from_,
            filters.to,
            self.months.latest_reported,
            settings.plausible_months(),
        )
        self.params = model_params(self.period, filters, settings)
        if figures:
            build_relations(con, self.params)
        else:
            run_sql(con, "metrics", "selected_initiatives", self.params)

    def selection_fields(self) -> dict[str, Any]:
        """The period, the reporting currency and S."""
        period = self.period
        currency = self.con.execute("select value from meta where name = 'reporting_currency'")
        row = currency.fetchone()
        ids = self.con.execute("select list(initiative_id order by initiative_id) from selected")
        selected = (ids.fetchone() or [None])[0] or []
        return {
            "as_of": month_text(period.as_of),
            "window": (
                {"from": month_text(period.window_from), "to": month_text(period.window_to)}
                if period.as_of
                else None
            ),
            "currency": row[0] if row else self.settings.reporting_currency,
            "initiative_ids": selected,
        }

    def selection(self) -> SelectionMetrics:
        return SelectionMetrics.model_validate(self.selection_fields())

    def _trend(self) -> tuple[Any, list[dict[str, Any]]]:
        rows = self.con.execute(
            "select month, adoption_rate from adoption_rates where initiative_id is null"
        ).fetchall()
        program = dict(rows)
        trend = [
            {"month": month_text(m), "adoption_rate": _float(program.get(m))}
            for m in self.period.months
        ]
        return program.get(self.period.as_of), trend

    def program_fields(self) -> dict[str, Any]:
        """Every top-level key of `metrics --json` but `initiatives`."""
        con = self.con
        program = dict_rows(con.execute("from window_figures where initiative_id is null"))[0]
        adoption_rate, trend = self._trend()
        summary = dict_rows(run_sql(con, "metrics", "stage_summary", self.params))[0]
        return {
            **self.selection_fields(),
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
            "partial_months": [p["month"] for p in self.months.partial],
            "partial_month_reporting": self.months.partial,
            **_money_at_risk(con),
            **_signal_lists(con),
            "decaying_models": _decaying(con),
        }

    def program(self) -> ProgramMetrics:
        return ProgramMetrics.model_validate(self.program_fields())

    def initiative_rows(self) -> list[dict[str, Any]]:
        """The `initiatives` list: one dict per initiative of S, sorted by id."""
        params = {**self.params, "signalled_only": False}
        return dict_rows(run_sql(self.con, "metrics", "initiative_metrics", params))

    def initiative_frame(self, signalled_only: bool = False) -> pd.DataFrame:
        """The same rows as a DataFrame (columnar: what a page of thousands of initiatives
        reads without building an object per initiative); `signalled_only` keeps those
        that carry a signal."""
        params = {**self.params, "signalled_only": signalled_only}
        return run_sql(self.con, "metrics", "initiative_metrics", params).df()


def compute_metrics(
    con: duckdb.DuckDBPyConnection, filters: Filters, settings: Settings
) -> MetricsResult:
    """The `metrics --json` object for these filters."""
    run = MetricsRun(con, filters, settings)
    return MetricsResult.model_validate(
        {**run.program_fields(), "initiatives": run.initiative_rows()}
    )


__all__ = [
    "Filters",
    "MetricsResult",
    "MetricsRun",
    "PeriodError",
    "ProgramMetrics",
    "Stage",
    "compute_metrics",
]
