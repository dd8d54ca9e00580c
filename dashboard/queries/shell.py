"""Queries of the frame of every page: filter choices, freshness, known initiatives."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.queries import frame, sql_text


def business_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every business unit with an initiative, in name order."""
    return frame(con, "select distinct business_unit from initiatives order by business_unit")


def data_months(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every month from the first to the latest that has any data, as `YYYY-MM`."""
    return frame(con, sql_text("shell", "data_months"))


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: the latest month with data, when the last load finished, its id."""
    return frame(con, sql_text("shell", "freshness"))


def initiative_exists(con: duckdb.DuckDBPyConnection, initiative_id: str) -> bool:
    row = con.execute(
        "select count(*) from initiatives where initiative_id = ?", [initiative_id]
    ).fetchone()
    return bool(row and row[0])


def initiative_name(con: duckdb.DuckDBPyConnection, initiative_id: str) -> str | None:
    """The initiative's name, or None when there is no such initiative."""
    row = con.execute(
        "select name from initiatives where initiative_id = ?", [initiative_id]
    ).fetchone()
    return str(row[0]) if row else None
