-- Outcome rows in the reporting currency; every kind is its own stream and all are summed.
create or replace view stg_outcomes as
with final as (
    select
        o.initiative_id,
        o.month,
        o.kind,
        o.insights,
        o.value::double * r.rate_to_reporting as value_rc
    from outcomes as o
    left join stg_fx_rates as r on r.month = o.month and r.currency = o.currency
)

select * from final
