-- Outcome rows in the reporting currency; every kind is its own stream and all are summed.
create or replace view stg_outcomes as
with reporting as (
    select value as currency from meta where name = 'reporting_currency'
),

final as (
    select
        o.initiative_id,
        o.month,
        o.kind,
        o.insights,
        case
            when o.currency = reporting.currency then o.value::double
            else o.value::double * f.rate_to_reporting
        end as value_usd
    from outcomes as o
    cross join reporting
    left join fx_rates as f on f.month = o.month and f.currency = o.currency
)

select * from final
