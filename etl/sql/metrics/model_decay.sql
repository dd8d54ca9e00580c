-- Decay per (initiative, model, metric) of S from the measurements on or before as_of_date:
-- baseline = the baseline of the latest row giving one, else the earliest value;
-- decay_pct = (baseline - latest) / |baseline| * 100, negated when lower is better (null
-- when the baseline is 0). `is_past_alert`: decay_pct >= decay_alert_pct, whatever the
-- status (a gate blocker); `is_decaying`: the same for an initiative that is not retired
-- (the decaying_models signal).
create or replace temp table model_decay as
with measured as (
    select *
    from model_metrics
    where measured_on <= $as_of_date::date
      and initiative_id in (select initiative_id from selected)
),

series as (
    select
        initiative_id,
        model,
        metric,
        coalesce(
            arg_max(baseline, measured_on) filter (where baseline is not null),
            arg_min(value, measured_on)
        ) as baseline,
        arg_max(value, measured_on) as latest,
        arg_max(higher_is_better, measured_on) as higher_is_better
    from measured
    group by initiative_id, model, metric
),

decay as (
    select
        *,
        (baseline - latest) / nullif(abs(baseline), 0) * 100
            * (case when higher_is_better then 1 else -1 end) as decay_pct
    from series
),

final as (
    select
        d.*,
        coalesce(d.decay_pct >= $decay_alert_pct, false) as is_past_alert,
        coalesce(d.decay_pct >= $decay_alert_pct and s.status <> 'retired', false)
            as is_decaying
    from decay as d
    join selected as s using (initiative_id)
)

select * from final order by initiative_id, model, metric
