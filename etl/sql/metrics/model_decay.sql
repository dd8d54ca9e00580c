-- Decay per (initiative, model, metric) of S from the measurements on or before as_of_date
-- (the as-of month's row of mart_model_decay, which says how baseline and decay_pct are
-- found). `is_past_alert`: decay_pct >= decay_alert_pct, whatever the status (a gate
-- blocker); `is_decaying`: the same for an initiative that is not retired (the
-- decaying_models signal).
create or replace temp table model_decay as
with measured as (
    select *
    from mart_model_decay
    where $as_of_month::date is not null
      and month = least($as_of_month::date, (select max(month) from mart_model_decay))
),

final as (
    select
        d.initiative_id,
        d.model,
        d.metric,
        d.baseline,
        d.latest,
        d.higher_is_better,
        d.decay_pct,
        coalesce(d.decay_pct >= $decay_alert_pct, false) as is_past_alert,
        coalesce(d.decay_pct >= $decay_alert_pct and s.status <> 'retired', false)
            as is_decaying
    from measured as d
    join selected as s using (initiative_id)
)

select * from final order by initiative_id, model, metric
