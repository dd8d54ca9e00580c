-- The rate that converts an amount to the reporting currency, per month and currency: the
-- reporting currency's rate is 1 (it needs no fx row), any other's is its fx_rates row.
create or replace view stg_fx_rates as
with reporting as (
    select value as currency from meta where name = 'reporting_currency'
),

months as (
    select month from costs
    union
    select month from outcomes
    union
    select month from unallocated_costs
),

final as (
    select f.month, f.currency, f.rate_to_reporting
    from fx_rates as f
    cross join reporting
    where f.currency <> reporting.currency
    union all
    select months.month, reporting.currency, 1.0
    from months
    cross join reporting
)

select * from final
