"""Queries of the initiative page: one initiative's profile and monthly figures over the
window, its model metrics and readiness up to the as-of date."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from dashboard.queries import frame

_MONTHLY = """
with months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),

facts as (
    select * from mart_initiative_month where initiative_id = ? and month between ? and ?
),

final as (
    select m.month, f.active_users, f.eligible_users,
           coalesce(f.cost_usd, 0) as cost_usd,
           coalesce(f.outcome_value_usd, 0) as outcome_value_usd,
           coalesce(f.insights, 0) as insights
    from months as m left join facts as f using (month)
)

select * from final order by month
"""

_COST_BY_CATEGORY = """
select month, category, sum(cost_usd) as cost_usd
from mart_cost_by_category
where initiative_id = ? and month between ? and ?
group by all
order by month, category
"""

_MODEL_METRICS = """
select model, metric, measured_on, value, baseline, higher_is_better
from model_metrics
where initiative_id = ? and measured_on <= ?
order by model, metric, measured_on
"""

_READINESS = """
with latest as (
    select dimension, arg_max(score, assessed_on) as score, max(assessed_on) as assessed_on
    from readiness
    where initiative_id = ? and assessed_on <= ?
    group by dimension
),

final as (
    select d.dimension, coalesce(l.score, 0) as score, l.assessed_on
    from (select unnest(?::varchar[]) as dimension) as d
    left join latest as l using (dimension)
)

select * from final order by dimension
"""


def profile(con: duckdb.DuckDBPyConnection, initiative_id: str) -> pd.DataFrame:
    """The initiative's row (no row for an unknown id)."""
    sql = "select * exclude (load_id, source_file, row_number) from initiatives"
    return frame(con, sql + " where initiative_id = ?", [initiative_id])


def monthly(
    con: duckdb.DuckDBPyConnection, initiative_id: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Active and eligible users, cost, outcome value and insights per month of the window."""
    return frame(con, _MONTHLY, [start, end, initiative_id, start, end])


def cost_by_category(
    con: duckdb.DuckDBPyConnection, initiative_id: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Cost per month and category over the window."""
    return frame(con, _COST_BY_CATEGORY, [initiative_id, start, end])


def model_metrics(
    con: duckdb.DuckDBPyConnection, initiative_id: str, until: dt.date
) -> pd.DataFrame:
    """Every measurement of the initiative's models on or before `until`."""
    return frame(con, _MODEL_METRICS, [initiative_id, until])


def readiness(
    con: duckdb.DuckDBPyConnection, initiative_id: str, until: dt.date, dimensions: tuple[str, ...]
) -> pd.DataFrame:
    """The latest score of each dimension assessed on or before `until` (0 when none)."""
    return frame(con, _READINESS, [initiative_id, until, list(dimensions)])
