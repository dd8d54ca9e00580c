-- Each model metric's series at the end of each month, from the month of its first
-- measurement to the latest month of any series (a later as-of month reads that last
-- one), from the measurements on or before the month's end: baseline = the baseline of
-- the latest measurement giving one, else the earliest value; latest = the latest value;
-- decay_pct = (baseline - latest) / |baseline| * 100, negated when lower is better (null
-- when the baseline is 0). The alert threshold is a setting: the metric models apply it.
create or replace table mart_model_decay as
with measured as (
    select
        initiative_id,
        model,
        metric,
        measured_on,
        value as latest,
        higher_is_better,
        coalesce(
            last_value(baseline ignore nulls) over running,
            first_value(value) over running
        ) as baseline
    from stg_model_metrics
    window running as (
        partition by initiative_id, model, metric order by measured_on
        rows between unbounded preceding and current row
    )
),

months as (
    select
        initiative_id,
        model,
        metric,
        unnest(generate_series(
            date_trunc('month', min(measured_on)),
            (select date_trunc('month', max(measured_on)) from measured),
            interval 1 month
        ))::date as month
    from measured
    group by initiative_id, model, metric
),

final as (
    select
        m.initiative_id,
        m.model,
        m.metric,
        m.month,
        d.baseline,
        d.latest,
        d.higher_is_better,
        (d.baseline - d.latest) / nullif(abs(d.baseline), 0) * 100
            * (case when d.higher_is_better then 1 else -1 end) as decay_pct
    from months as m
    asof join measured as d
        on m.initiative_id = d.initiative_id
        and m.model = d.model
        and m.metric = d.metric
        and last_day(m.month) >= d.measured_on
)

select * from final order by month, initiative_id, model, metric
