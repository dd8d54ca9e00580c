-- Contract model_metrics rows: per model, metric and UTC day, the final value (last step,
-- then last timestamp) of the last run; higher_is_better from the metric map, matched on
-- the whole name or a `_ . / -` separated prefix or suffix (the longest match wins).
create or replace temp table {prefix}_metrics as
with good as (
    select * from {prefix}_points where problem is null
),

per_run as (
    select
        model, metric, run_no,
        arg_max(value, {'step': coalesce(step, -1), 'ts': coalesce(ts, -1)}) as value,
        arg_max(ts, {'step': coalesce(step, -1), 'ts': coalesce(ts, -1)}) as ts,
        any_value(fallback_ms) as fallback_ms,
        min(_source_row) as _source_row,
        count(*) as _weight
    from good
    group by model, metric, run_no
),

dated as (
    select *, (to_timestamp(coalesce(ts, fallback_ms) / 1000) at time zone 'UTC')::date as day
    from per_run
),

per_day as (
    select
        model, metric, day,
        arg_max(value, {'ts': coalesce(ts, fallback_ms, -1), 'run': run_no}) as value,
        min(_source_row) as _source_row,
        sum(_weight) as _weight
    from dated
    group by model, metric, day
),

better as (
    select d.metric, arg_max(m.target, length(m.source_key)) as target
    from (select distinct metric from per_day) as d
    left join {prefix}_mapping as m
        on lower(d.metric) = m.source_key
        or (ends_with(lower(d.metric), m.source_key)
            and substr(lower(d.metric), length(d.metric) - length(m.source_key), 1)
                in ('_', '.', '/', '-'))
        or (starts_with(lower(d.metric), m.source_key)
            and substr(lower(d.metric), length(m.source_key) + 1, 1) in ('_', '.', '/', '-'))
    group by d.metric
),

final as (
    select
        $initiative as _raw_initiative_id,
        model as _raw_model,
        metric as _raw_metric,
        strftime(day, '%Y-%m-%d') as _raw_measured_on,
        value as _raw_value,
        null::varchar as _raw_baseline,
        coalesce(b.target, 'true') as _raw_higher_is_better,
        b.target is null as _default_direction,
        _source_row,
        _weight
    from per_day
    left join better as b using (metric)
)

select * from final
