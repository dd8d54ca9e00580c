-- Cost rows in the reporting currency: amount x rate_to_reporting of the row's month.
create or replace view stg_costs as
with reporting as (
    select value as currency from meta where name = 'reporting_currency'
),

final as (
    select
        c.initiative_id,
        c.month,
        c.category,
        c.source,
        c.currency,
        c.amount,
        case
            when c.currency = reporting.currency then c.amount::double
            else c.amount::double * f.rate_to_reporting
        end as cost_usd
    from costs as c
    cross join reporting
    left join fx_rates as f on f.month = c.month and f.currency = c.currency
)

select * from final
