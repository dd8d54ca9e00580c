"""Queries of the data page: freshness and row counts per entity, reporting coverage,
load history, rejects, unallocated spend and how the sources' values mapped."""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboard.queries import Selection, frame

REJECTS_SHOWN = 5000

_FRESHNESS = """
with selected as (select unnest(?::varchar[]) as initiative_id),

counts as (
    select 'initiatives' as entity, count(*) as row_count, max(stage_entered_on) as latest
    from initiatives where initiative_id in (select * from selected)
    union all
    select 'stage_history', count(*), max(entered_on)
    from stage_entries where initiative_id in (select * from selected)
    union all
    select 'roadmap', count(*), max(planned_start)
    from roadmap where initiative_id in (select * from selected)
    union all
    select 'adoption', count(*), max(month)
    from adoption where initiative_id in (select * from selected)
    union all
    select 'costs', count(*), max(month)
    from costs where initiative_id in (select * from selected)
    union all
    select 'outcomes', count(*), max(month)
    from outcomes where initiative_id in (select * from selected)
    union all
    select 'model_metrics', count(*), max(measured_on)
    from model_metrics where initiative_id in (select * from selected)
    union all
    select 'readiness', count(*), max(assessed_on)
    from readiness where initiative_id in (select * from selected)
    union all
    select 'fx_rates', count(*), max(month) from fx_rates
    union all
    select 'usage_events', coalesce(sum(rows), 0)::bigint, max(month) from event_partitions
),

loaded as (
    select f.entity, max(l.finished_at) as last_loaded_at, max(l.load_id) as last_load_id
    from load_files as f join loads as l using (load_id)
    where f.rows_loaded > 0
    group by f.entity
),

final as (
    select c.entity, c.row_count, c.latest, d.last_loaded_at, d.last_load_id
    from counts as c left join loaded as d using (entity)
)

select * from final
"""

_COVERAGE = """
with months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),

started as (
    select initiative_id, min(entered_on) as first_entry
    from stage_entries where list_contains(?, initiative_id) group by all
),

facts as (
    select * from mart_initiative_month where list_contains(?, initiative_id)
),

final as (
    select
        m.month,
        count(distinct s.initiative_id) as started_count,
        count(distinct f.initiative_id) filter (where f.cost_usd is not null) as with_cost,
        count(distinct f.initiative_id) filter (where f.outcome_value_usd is not null)
            as with_outcomes,
        count(distinct f.initiative_id) filter (where f.has_activity) as with_adoption
    from months as m
    left join started as s on s.first_entry <= last_day(m.month)
    left join facts as f on f.month = m.month and f.initiative_id = s.initiative_id
    group by m.month
)

select * from final order by month
"""

_LOADS = """
select l.load_id, l.started_at, l.finished_at, l.status, l.rows_read, l.rows_loaded,
       l.rows_rejected, l.rows_skipped, string_agg(f.path, ', ' order by f.path) as files
from loads as l left join load_files as f using (load_id)
group by all
order by l.load_id desc
"""

_REJECTS = """
select load_id, source_file, entity, row_number, column_name, value, reason
from rejects
order by load_id desc, source_file, row_number
limit ?
"""


_UNALLOCATED = """
select strftime(month, '%Y-%m') as month, source, reason, amount_usd, source_rows
from mart_unallocated_spend
order by month desc, source, reason
"""

_MAPPINGS = """
select load_id, source_file, adapter, source_column, source_value, mapped_to, rows
from adapter_mappings
order by load_id desc, source_file, source_column, mapped_to nulls first, source_value
limit ?
"""


def unallocated_spend(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Spend of cost exports that no initiative claims, per month, source and reason."""
    return frame(con, _UNALLOCATED)


def source_mappings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per adapter load: which source values mapped to which stage or category, and which
    did not (mapped_to null), newest load first."""
    return frame(con, _MAPPINGS, [REJECTS_SHOWN])


def entity_freshness(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Per entity: rows of the selected initiatives, the latest month or date, and when a
    load last brought rows of it (usage events: all initiatives, from the partitions)."""
    return frame(con, _FRESHNESS, [list(sel.initiative_ids)])


def coverage(con: duckdb.DuckDBPyConnection, sel: Selection) -> pd.DataFrame:
    """Per month of the window: initiatives of S started by then, and how many of them
    have cost, outcome and adoption figures for the month."""
    if sel.is_empty:
        return pd.DataFrame(
            columns=["month", "started_count", "with_cost", "with_outcomes", "with_adoption"]
        )
    ids = list(sel.initiative_ids)
    return frame(con, _COVERAGE, [sel.window_from, sel.window_to, ids, ids])


def load_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every committed load, newest first, with the files it read."""
    return frame(con, _LOADS)


def rejects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rejected rows with their reasons, newest load first (at most REJECTS_SHOWN)."""
    return frame(con, _REJECTS, [REJECTS_SHOWN])


def reject_count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("select count(*) from rejects").fetchone()
    return int(row[0]) if row else 0
