"""Queries of the roadmap page: initiative attributes, actual stage periods and the planned
roadmap with the slip of each planned stage."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.queries import Selection, frame, sql_text
from etl.inventories import ESTIMATED_ORIGIN


def attributes(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """The initiatives of S with the attributes the roadmap needs, and `estimated_dates`,
    their stage entries' dates that the source does not give."""
    return frame(
        con, sql_text("roadmap", "attributes"), [ESTIMATED_ORIGIN, list(sel.initiative_ids)]
    )


def stage_periods(
    con: duckdb.DuckDBPyConnection, sel: Selection, ids: tuple[str, ...]
) -> pd.DataFrame:
    """Actual stage periods (to the next entry, or the as-of date) up to the as-of date, and
    planned ones with their stage slip in days (late when > 0; the rule of `slip`, named in
    `slip_case`) and their start slip; `is_estimated`: an actual period whose start the
    source does not give."""
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
                "slip_case",
                "start_slip_days",
                "is_estimated",
            ]
        )
    params = {"origin": ESTIMATED_ORIGIN, "ids": list(ids), "as_of": day}
    return frame(con, sql_text("roadmap", "stage_periods"), params)


def initiative_rows(initiatives: pd.DataFrame, attrs: pd.DataFrame) -> pd.DataFrame:
    """compute_metrics' `initiatives` (as a frame) with their strategic impact and target
    users."""
    rows = initiatives
    if rows.empty:
        return pd.DataFrame(
            columns=["initiative_id", "name", "business_unit", "stage", "strategic_impact"]
        )
    extra = attrs[
        ["initiative_id", "strategic_impact", "target_users", "program_owner", "estimated_dates"]
    ]
    return rows.merge(extra, on="initiative_id", how="left")


def top_by_impact(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The `limit` initiatives of highest strategic impact (ties: by id), by business unit."""
    if rows.empty:
        return rows
    top = rows.sort_values(["strategic_impact", "initiative_id"], ascending=[False, True]).head(
        limit
    )
    return top.sort_values(["business_unit", "name", "initiative_id"])


GATE_COLUMNS = ["cause", "reason", "initiatives"]


def gate_blocker_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """The stage gate: per failure cause and reason (not assessed, assessed below the
    minimum, flagged by the data), how many initiatives it holds, over the initiatives at a
    gate (`ready_for_next_stage` false); and the row cause `ready` with those that are
    ready (true). Causes most blocking first."""
    if rows.empty:
        return pd.DataFrame(columns=GATE_COLUMNS)
    held = rows[rows["ready_for_next_stage"].eq(False).fillna(False).astype(bool)]
    pairs = held["gate_blocker_reasons"].explode().dropna().tolist()
    reasons = pd.DataFrame(
        {"cause": [p["cause"] for p in pairs], "reason": [p["reason"] for p in pairs]}
    )
    counts = reasons.value_counts(["cause", "reason"]).reset_index(name="initiatives")
    totals = counts.groupby("cause")["initiatives"].transform("sum")
    counts = counts.assign(total=totals).sort_values(
        ["total", "cause", "reason"], ascending=[False, True, True]
    )
    ready = int(rows["ready_for_next_stage"].eq(True).fillna(False).sum())
    extra = pd.DataFrame({"cause": [READY], "reason": [READY], "initiatives": [ready]})
    return pd.concat([counts[GATE_COLUMNS], extra], ignore_index=True)


def held_by(rows: pd.DataFrame, blocker: str | None) -> pd.DataFrame:
    """The initiatives `blocker` holds at the stage gate (all rows when it is None)."""
    if blocker is None or rows.empty:
        return rows
    at_gate = rows["ready_for_next_stage"].eq(False).fillna(False).astype(bool)
    held = at_gate & rows["gate_blockers"].map(lambda causes: blocker in list(causes))
    return rows[held]


READY = "ready"


def decidable(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The active initiatives a stage-gate decision can be made on, with their owners (who
    may decide is the policy's question, asked per user)."""
    return frame(
        con,
        "select initiative_id, name, stage, program_owner from initiatives "
        "where status = 'active' order by initiative_id",
    )


def slip(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Each initiative of S with a plan: its slip in days as of the as-of date (late when
    > 0; `dashboard/sql/roadmap/slip.sql`)."""
    day = sel.as_of_date
    if day is None or sel.is_empty:
        return pd.DataFrame({"initiative_id": [], "slip_days": []})
    ids = list(sel.initiative_ids)
    return frame(con, sql_text("roadmap", "slip"), [ids, day, day, day, day, ids])


def monthly_now(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Each initiative of S today: monthly average cost, outcome value and active users over
    the 3 months ending the as-of month (`dashboard/sql/roadmap/monthly_now.sql`)."""
    if sel.is_empty:
        return pd.DataFrame(
            {"initiative_id": [], "cost_now": [], "value_now": [], "active_now": []}
        )
    ids = list(sel.initiative_ids)
    return frame(con, sql_text("roadmap", "monthly_now"), [ids, sel.as_of, sel.as_of])
