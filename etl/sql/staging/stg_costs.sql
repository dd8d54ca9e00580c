-- Cost rows in the reporting currency: amount x rate_to_reporting of the row's month.
create or replace view stg_costs as
with final as (
    select
        c.initiative_id,
        c.month,
        c.category,
        c.source,
        c.currency,
        c.amount,
        c.amount::double * r.rate_to_reporting as cost_rc
    from costs as c
    left join stg_fx_rates as r on r.month = c.month and r.currency = c.currency
)

select * from final
