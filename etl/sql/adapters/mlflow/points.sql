-- One row per logged metric point (metrics by name, or a list of {key, value, ...}), with
-- the problem that keeps it from loading: a deleted or unfinished run, or no metric name.
create or replace temp table {prefix}_points as
with by_name as (
    select r.* exclude (metrics), unnest(map_entries(metrics::map(varchar, json))) as entry
    from {prefix}_runs as r
    where json_type(metrics) = 'OBJECT'
),

named_lists as (
    select * exclude (entry), entry.key as metric,
        case when json_type(entry.value) = 'ARRAY' then from_json(entry.value, '["json"]')
            else [entry.value] end as points
    from by_name
),

listed as (
    select r.* exclude (metrics), null::varchar as metric, from_json(metrics, '["json"]') as points
    from {prefix}_runs as r
    where json_type(metrics) = 'ARRAY'
),

points as (
    select * exclude (points), unnest(points) as point, generate_subscripts(points, 1) as nth
    from (select * from named_lists union all by name select * from listed)
),

parsed as (
    select
        row_number() over (order by run_no, metric, nth) as _source_row,
        * exclude (point, nth, metric),
        nullif(trim(coalesce(metric, point ->> 'key')), '') as metric,
        case when json_type(point) = 'OBJECT' then point ->> 'value' else point ->> '$' end
            as value,
        try_cast(point ->> 'timestamp' as bigint) as ts,
        try_cast(point ->> 'step' as bigint) as step
    from points
),

final as (
    select
        *,
        case
            when lifecycle = 'deleted'
                then ['lifecycle_stage', lifecycle, 'run ' || run_id || ' is deleted']
            when status is not null and upper(status) <> 'FINISHED'
                then ['status', status, 'run ' || run_id || ' has status ' || status
                    || ', not FINISHED: its metrics are not a finished model''s']
            when metric is null then ['metric', null, 'the metric has no name']
        end as problem
    from parsed
)

select * from final
