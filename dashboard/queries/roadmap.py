"""Queries of the roadmap page: initiative attributes, actual stage periods and the planned
roadmap with the slip of each planned stage."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from dashboard.queries import Selection, frame

_ATTRIBUTES = """
select initiative_id, name, business_unit, status, strategic_impact, target_users,
       executive_sponsor, program_owner, risk_tier
from initiatives
where list_contains(?, initiative_id)
order by initiative_id
"""

_PERIODS = """
with entries as (
    select
        initiative_id, stage, entered_on,
        lead(entered_on) over (partition by initiative_id order by entered_on) as next_on
    from stage_entries
    where list_contains(?, initiative_id) and entered_on <= ?
),

actual as (
    select initiative_id, stage, 'actual' as kind, entered_on as start_on,
           coalesce(next_on, ?::date) as end_on, next_on is null as is_current,
           null::integer as slip_days
    from entries
),

first_entry as (
    select initiative_id, stage, min(entered_on) as entered_on from entries group by all
),

planned as (
    select
        r.initiative_id, r.stage, 'planned' as kind, r.planned_start as start_on,
        r.planned_end as end_on, false as is_current,
        case
            when f.entered_on is not null then f.entered_on - r.planned_start
            when r.planned_start < ?::date then ?::date - r.planned_start
        end as slip_days
    from roadmap as r
    left join first_entry as f using (initiative_id, stage)
    where list_contains(?, r.initiative_id)
),

final as (select * from actual union all select * from planned)

select * from final order by initiative_id, kind, start_on
"""


def attributes(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """The initiatives of S with the attributes the roadmap needs."""
    return frame(con, _ATTRIBUTES, [list(sel.initiative_ids)])


def stage_periods(
    con: duckdb.DuckDBPyConnection, sel: Selection, ids: tuple[str, ...]
) -> pd.DataFrame:
    """Actual stage periods (to the next entry, or the as-of date) up to the as-of date, and
    planned ones with their slip in days (first entry - planned start; late when > 0)."""
    day = sel.as_of_date
    if day is None or not ids:
        return pd.DataFrame(
            columns=[
                "initiative_id",
                "stage",
                "kind",
                "start_on",
                "end_on",
                "is_current",
                "slip_days",
            ]
        )
    return frame(con, _PERIODS, [list(ids), day, day, day, day, list(ids)])


def initiative_rows(metrics: dict[str, Any], attrs: pd.DataFrame) -> pd.DataFrame:
    """compute_metrics' `initiatives` entries with their strategic impact and target users."""
    rows = pd.DataFrame(metrics.get("initiatives") or [])
    if rows.empty:
        return pd.DataFrame(
            columns=["initiative_id", "name", "business_unit", "stage", "strategic_impact"]
        )
    extra = attrs[["initiative_id", "strategic_impact", "target_users", "program_owner"]]
    return rows.merge(extra, on="initiative_id", how="left")


def top_by_impact(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The `limit` initiatives of highest strategic impact (ties: by id), by business unit."""
    if rows.empty:
        return rows
    top = rows.sort_values(["strategic_impact", "initiative_id"], ascending=[False, True]).head(
        limit
    )
    return top.sort_values(["business_unit", "name", "initiative_id"])


def gate_blocker_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per readiness dimension: how many initiatives (not retired) it blocks; and the row
    `ready for the next stage` for those with no blocker."""
    if rows.empty:
        return pd.DataFrame(columns=["dimension", "initiatives"])
    live = rows[rows["status"] != "retired"]
    blocked = live["gate_blockers"].explode().dropna()
    counts = blocked.value_counts().rename_axis("dimension").reset_index(name="initiatives")
    ready = int((live["gate_blockers"].map(len) == 0).sum())
    extra = pd.DataFrame({"dimension": [READY], "initiatives": [ready]})
    return pd.concat(
        [counts.sort_values(["initiatives", "dimension"], ascending=[False, True]), extra],
        ignore_index=True,
    )


READY = "ready for the next stage"
