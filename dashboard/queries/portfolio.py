"""Queries of the portfolio page: monthly value and cost, cost by category, the funnel,
the adoption trend and the alerts (the last three shaped from `compute_metrics`)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from dashboard.queries import Selection, frame, sql_text
from etl.contracts import STAGE_ORDER
from etl.metric_results import ProgramMetrics
from etl.registry import metric


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


def stage_counts(metrics: ProgramMetrics) -> pd.DataFrame:
    """initiatives_by_stage as rows, in stage order."""
    counts = metrics.initiatives_by_stage
    return pd.DataFrame(
        {"stage": list(STAGE_ORDER), "initiatives": [counts.get(s, 0) for s in STAGE_ORDER]}
    )


def adoption_trend(metrics: ProgramMetrics) -> pd.DataFrame:
    """adoption_trend as rows (adoption_rate null for a month without data)."""
    trend = [t.model_dump() for t in metrics.adoption_trend]
    return pd.DataFrame(trend, columns=["month", "adoption_rate"])


ALERT_COLUMNS = ["kind", "initiative_id", "name", "detail", "cost_rc"]


def alerts(metrics: ProgramMetrics, initiatives: pd.DataFrame) -> pd.DataFrame:
    """One row per alert: kind, initiative, detail and the money at stake (the initiative's
    spend over the window); each kind's rows largest money first, then by id. `initiatives`
    is the frame of the same selection (`Reader.initiatives`)."""
    ids = initiatives["initiative_id"].tolist() if not initiatives.empty else []

    def column(name: str) -> dict[str, Any]:
        return dict(zip(ids, initiatives[name].tolist(), strict=True)) if ids else {}

    names, costs, days = column("name"), column("total_cost"), column("days_in_stage")
    currency = metrics.currency
    rows: list[dict[str, Any]] = []

    def add(kind: str, initiative_id: str, detail: str) -> None:
        values = (kind, initiative_id, names.get(initiative_id, initiative_id), detail)
        cost = float(costs.get(initiative_id) or 0.0)
        rows.append(dict(zip(ALERT_COLUMNS, (*values, cost), strict=True)))

    for i in metrics.stalled_pilots:
        add("Stalled pilot", i, f"{days.get(i)} days in Experimentation")
    for i in metrics.no_executive_owner:
        add("No executive owner", i, "no executive sponsor named")
    for m in metrics.decaying_models:
        add("Decaying model", m.initiative_id, f"{m.model} {m.metric} -{m.decay_pct or 0:.1f}%")
    if ids:
        flagged = initiatives["business_case_at_risk"].fillna(False).astype(bool)
        at_risk = initiatives[flagged & (initiatives["status"] != "retired")]
        for i, cost_rc, value_rc in zip(
            at_risk["initiative_id"],
            at_risk["projected_cost_at_scale"],
            at_risk["projected_value_at_scale"],
            strict=True,
        ):
            cost = metric("projected_cost_at_scale").format(cost_rc, currency)
            value = metric("projected_value_at_scale").format(value_rc, currency)
            detail = f"{cost} cost vs {value}"
            add("Business case at risk", str(i), f"{detail} value a month")
    df = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    order = {kind: n for n, kind in enumerate(dict.fromkeys(df["kind"]))}
    return (
        df.assign(kind_order=df["kind"].map(order))
        .sort_values(["kind_order", "cost_rc", "initiative_id"], ascending=[True, False, True])
        .drop(columns="kind_order")
        .reset_index(drop=True)
    )
