"""Queries of the portfolio page: monthly value and cost, cost by category, the funnel,
the adoption trend and the alerts (the last three shaped from `compute_metrics`)."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from dashboard.formatting import format_money
from dashboard.queries import Selection, frame
from etl.contracts import STAGE_ORDER

_VALUE_VS_COST = """
with months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),

facts as (
    select month, sum(cost_usd) as cost_usd, sum(outcome_value_usd) as outcome_value_usd,
           sum(insights) as insights
    from mart_initiative_month
    where list_contains(?, initiative_id) and month between ? and ?
    group by month
),

final as (
    select m.month, coalesce(f.cost_usd, 0) as cost_usd,
           coalesce(f.outcome_value_usd, 0) as outcome_value_usd,
           coalesce(f.insights, 0) as insights
    from months as m left join facts as f using (month)
)

select * from final order by month
"""

_COST_BY_CATEGORY = """
with final as (
    select category, sum(cost_usd) as cost_usd
    from mart_cost_by_category
    where list_contains(?, initiative_id) and month between ? and ?
    group by category
)

select * from final order by cost_usd desc, category
"""


def value_vs_cost(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Outcome value, cost and insights of S per month of the window (0 when none)."""
    if sel.is_empty:
        return pd.DataFrame(columns=["month", "cost_usd", "outcome_value_usd", "insights"])
    return frame(con, _VALUE_VS_COST, [sel.window_from, sel.window_to, *sel.window_params()])


def cost_by_category(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Cost of S over the window per category, largest first, with its share."""
    if sel.is_empty:
        return pd.DataFrame(columns=["category", "cost_usd", "share"])
    df = frame(con, _COST_BY_CATEGORY, sel.window_params())
    total = df["cost_usd"].sum()
    return df.assign(share=df["cost_usd"] / total if total else 0.0)


_UNALLOCATED = """
with unallocated as (
    select coalesce(sum(amount_usd), 0) as cost_usd
    from mart_unallocated_spend where month between ? and ?
),

allocated as (
    select coalesce(sum(cost_usd), 0) as cost_usd
    from mart_initiative_month where month between ? and ?
)

select u.cost_usd as unallocated_usd, u.cost_usd + a.cost_usd as all_spend_usd
from unallocated as u, allocated as a
"""


def unallocated_spend(con: duckdb.DuckDBPyConnection, sel: Selection) -> tuple[float, float | None]:
    """(unallocated AI spend in the window, its share of all AI spend in the window): spend
    of cost exports that no initiative claims, so no initiative filter applies to it."""
    if sel.window_from is None:
        return 0.0, None
    row = con.execute(_UNALLOCATED, [sel.window_from, sel.window_to] * 2).fetchone()
    unallocated, total = (float(row[0]), float(row[1])) if row else (0.0, 0.0)
    return unallocated, (unallocated / total if total else None)


def stage_counts(metrics: dict[str, Any]) -> pd.DataFrame:
    """initiatives_by_stage as rows, in stage order."""
    counts = metrics.get("initiatives_by_stage") or {}
    return pd.DataFrame(
        {"stage": list(STAGE_ORDER), "initiatives": [counts.get(s, 0) for s in STAGE_ORDER]}
    )


def adoption_trend(metrics: dict[str, Any]) -> pd.DataFrame:
    """adoption_trend as rows (adoption_rate null for a month without data)."""
    trend = metrics.get("adoption_trend") or []
    return pd.DataFrame(trend, columns=["month", "adoption_rate"])


def _names(metrics: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["initiative_id"]: i for i in metrics.get("initiatives", [])}


def alerts(metrics: dict[str, Any]) -> pd.DataFrame:
    """One row per alert: kind, initiative_id, name, detail; in the order of the panel."""
    by_id = _names(metrics)
    currency = metrics.get("currency") or "USD"
    rows: list[dict[str, Any]] = []

    def add(kind: str, initiative_id: str, detail: str) -> None:
        name = by_id.get(initiative_id, {}).get("name") or initiative_id
        rows.append({"kind": kind, "initiative_id": initiative_id, "name": name, "detail": detail})

    for i in metrics.get("stalled_pilots", []):
        add("Stalled pilot", i, f"{by_id.get(i, {}).get('days_in_stage')} days in Experimentation")
    for i in metrics.get("no_executive_owner", []):
        add("No executive owner", i, "no executive sponsor named")
    for m in metrics.get("decaying_models", []):
        add(
            "Decaying model",
            m["initiative_id"],
            f"{m['model']} {m['metric']} -{m['decay_pct']:.1f}%",
        )
    for i in metrics.get("initiatives", []):
        if i.get("business_case_at_risk") and i.get("status") != "retired":
            cost = format_money(i["projected_cost_at_scale"], currency)
            value = format_money(i["projected_value_at_scale"], currency)
            add(
                "Business case at risk", i["initiative_id"], f"{cost} cost vs {value} value a month"
            )
    return pd.DataFrame(rows, columns=["kind", "initiative_id", "name", "detail"])
