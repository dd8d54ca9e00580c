"""Queries of the data page: freshness and row counts per entity, reporting coverage,
load history, rejects, unallocated spend and how the sources' values mapped."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.queries import Selection, frame, sql_text

REJECTS_SHOWN = 5000


def unallocated_spend(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Spend of cost exports that no initiative claims, per month, source and reason."""
    return frame(con, sql_text("data", "unallocated_spend"))


def cost_reconciliation(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per cost export, billing period and currency: source total, allocated, unallocated
    (with its reasons) and unparsed rows, newest load first."""
    return frame(con, sql_text("data", "cost_reconciliation"), [REJECTS_SHOWN])


def source_mappings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per adapter load: which source values mapped to which stage or category, and which
    did not (mapped_to null), newest load first."""
    return frame(con, sql_text("data", "source_mappings"), [REJECTS_SHOWN])


def entity_freshness(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Per entity: rows of the selected initiatives, the latest month or date, and when a
    load last brought rows of it (usage events: all initiatives, from the partitions)."""
    return frame(con, sql_text("data", "entity_freshness"), [list(sel.initiative_ids)])


def coverage(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Per month of the window: initiatives of S started by then, and how many of them
    have cost, outcome and adoption figures for the month."""
    if sel.is_empty:
        return pd.DataFrame(
            columns=["month", "started_count", "with_cost", "with_outcomes", "with_adoption"]
        )
    ids = list(sel.initiative_ids)
    return frame(con, sql_text("data", "coverage"), [sel.window_from, sel.window_to, ids, ids])


def load_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every committed load, newest first, with the files it read."""
    return frame(con, sql_text("data", "load_history"))


def rejects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rejected rows with their reasons, newest load first (at most REJECTS_SHOWN)."""
    return frame(con, sql_text("data", "rejects"), [REJECTS_SHOWN])


def all_rejects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every rejected row with its reason, newest load first: what the CSV export writes."""
    return frame(con, sql_text("data", "all_rejects"))


def reject_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select count(*) from rejects").fetchone()
    return int(row[0]) if row else 0
