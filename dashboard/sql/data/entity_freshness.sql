-- Per entity: the rows of the initiatives of S, the latest month or date, and when a load
-- last brought rows of it (fx rates and usage events: all initiatives, usage events from
-- the partitions).
-- Parameters in order: the initiative ids of S (varchar[]).
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
