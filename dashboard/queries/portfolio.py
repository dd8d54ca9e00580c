"""Queries of the portfolio page: monthly value and cost, cost by category, the funnel,
the adoption trend and the alerts (the last three shaped from `compute_metrics`)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from dashboard.queries import Selection, frame, sql_text
from etl.contracts import STAGE_ORDER
from etl.formatting import format_money
from etl.metric_results import MetricsResult


def value_vs_cost(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Outcome value, cost and insights of S per month of the window (0 when none)."""
    if sel.is_empty:
        return pd.DataFrame(columns=["month", "cost_rc", "outcome_value_rc", "insights"])
    return frame(
        con,
        sql_text("portfolio", "value_vs_cost"),
        [sel.window_from, sel.window_to, *sel.window_params()],
    )


def cost_by_category(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Cost of S over the window per category, largest first, with its share."""
    if sel.is_empty:
        return pd.DataFrame(columns=["category", "cost_rc", "share"])
    df = frame(con, sql_text("portfolio", "cost_by_category"), sel.window_params())
    total = df["cost_rc"].sum()
    return df.assign(share=df["cost_rc"] / total if total else 0.0)


def unallocated_spend(con: duckdb.DuckDBPyConnection, sel: Selection) -> tuple[float, float | None]:
    """(unallocated AI spend in the window, its share of all AI spend in the window): spend
    of cost exports that no initiative claims, so no initiative filter applies to it."""
    if sel.window_from is None:
        return 0.0, None
    row = con.execute(
        sql_text("portfolio", "unallocated_spend"), [sel.window_from, sel.window_to] * 2
    ).fetchone()
    unallocated, total = (float(row[0]), float(row[1])) if row else (0.0, 0.0)
    return unallocated, (unallocated / total if total else None)


def stage_counts(metrics: MetricsResult) -> pd.DataFrame:
    """initiatives_by_stage as rows, in stage order."""
    counts = metrics.initiatives_by_stage
    return pd.DataFrame(
        {"stage": list(STAGE_ORDER), "initiatives": [counts.get(s, 0) for s in STAGE_ORDER]}
    )


def adoption_trend(metrics: MetricsResult) -> pd.DataFrame:
    """adoption_trend as rows (adoption_rate null for a month without data)."""
    trend = [t.model_dump() for t in metrics.adoption_trend]
    return pd.DataFrame(trend, columns=["month", "adoption_rate"])


ALERT_COLUMNS = ["kind", "initiative_id", "name", "detail", "cost_rc"]


def alerts(metrics: MetricsResult) -> pd.DataFrame:
    """One row per alert: kind, initiative, detail and the money at stake (the initiative's
    spend over the window); each kind's rows largest money first, then by id."""
    by_id = {i.initiative_id: i for i in metrics.initiatives}
    currency = metrics.currency
    rows: list[dict[str, Any]] = []

    def add(kind: str, initiative_id: str, detail: str) -> None:
        entry = by_id.get(initiative_id)
        name = entry.name if entry else initiative_id
        cost = entry.total_cost if entry else 0.0
        rows.append(
            dict(zip(ALERT_COLUMNS, (kind, initiative_id, name, detail, cost), strict=True))
        )

    for i in metrics.stalled_pilots:
        add("Stalled pilot", i, f"{by_id[i].days_in_stage} days in Experimentation")
    for i in metrics.no_executive_owner:
        add("No executive owner", i, "no executive sponsor named")
    for m in metrics.decaying_models:
        add("Decaying model", m.initiative_id, f"{m.model} {m.metric} -{m.decay_pct or 0:.1f}%")
    for e in metrics.initiatives:
        if e.business_case_at_risk and e.status != "retired":
            cost = format_money(e.projected_cost_at_scale, currency)
            value = format_money(e.projected_value_at_scale, currency)
            add("Business case at risk", e.initiative_id, f"{cost} cost vs {value} value a month")
    df = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    order = {kind: n for n, kind in enumerate(dict.fromkeys(df["kind"]))}
    return (
        df.assign(kind_order=df["kind"].map(order))
        .sort_values(["kind_order", "cost_rc", "initiative_id"], ascending=[True, False, True])
        .drop(columns="kind_order")
        .reset_index(drop=True)
    )
