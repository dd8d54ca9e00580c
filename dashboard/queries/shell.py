"""Queries of the frame of every page: filter choices, freshness, known initiatives."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.queries import frame

_MONTHS = """
with bounds as (
    select min(month) as first_month, max(month) as last_month from stg_data_months
),

final as (
    select unnest(generate_series(first_month, last_month, interval 1 month))::date as month
    from bounds
    where first_month is not null
)

select strftime(month, '%Y-%m') as month from final order by month
"""

_FRESHNESS = """
with final as (
    select
        (select strftime(max(month), '%Y-%m') from stg_data_months) as latest_month,
        (select max(finished_at) from loads) as last_load_at,
        (select max(load_id) from loads) as load_id
)

select * from final
"""


def business_units(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every business unit with an initiative, in name order."""
    return frame(con, "select distinct business_unit from initiatives order by business_unit")


def data_months(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every month from the first to the latest that has any data, as `YYYY-MM`."""
    return frame(con, _MONTHS)


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: the latest month with data, when the last load finished, its id."""
    return frame(con, _FRESHNESS)


def initiative_exists(con: duckdb.DuckDBPyConnection, initiative_id: str) -> bool:
    row = con.execute(
        "select count(*) from initiatives where initiative_id = ?", [initiative_id]
    ).fetchone()
    return bool(row and row[0])
