"""Queries of the initiative page: one initiative's profile and monthly figures over the
window, its model metrics and readiness up to the as-of date."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from dashboard.queries import frame, sql_text
from etl.inventories import ESTIMATED_ORIGIN


def profile(con: duckdb.DuckDBPyConnection, initiative_id: str) -> pd.DataFrame:
    """The initiative's row (no row for an unknown id), with `estimated_dates`: the dates of
    its stage entries that the source does not give (see `etl.inventories`)."""
    return frame(con, sql_text("initiative", "profile"), [ESTIMATED_ORIGIN, initiative_id])


def monthly(
    con: duckdb.DuckDBPyConnection, initiative_id: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Active and eligible users, cost, outcome value and insights per month of the window."""
    return frame(con, sql_text("initiative", "monthly"), [start, end, initiative_id, start, end])


def cost_by_category(
    con: duckdb.DuckDBPyConnection, initiative_id: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Cost per month and category over the window."""
    return frame(con, sql_text("initiative", "cost_by_category"), [initiative_id, start, end])


def model_metrics(
    con: duckdb.DuckDBPyConnection, initiative_id: str, until: dt.date
) -> pd.DataFrame:
    """Every measurement of the initiative's models on or before `until`."""
    return frame(con, sql_text("initiative", "model_metrics"), [initiative_id, until])


def readiness(
    con: duckdb.DuckDBPyConnection, initiative_id: str, until: dt.date, dimensions: tuple[str, ...]
) -> pd.DataFrame:
    """The latest score of each dimension assessed on or before `until` (0 when none)."""
    return frame(con, sql_text("initiative", "readiness"), [initiative_id, until, list(dimensions)])
