-- Spend no initiative claims (FOCUS charges with no initiative tag, or a tag value that maps
-- to no initiative), per month, cost source and reason, in the reporting currency. A currency
-- with no fx rate for the month gives a NULL amount_usd: unknown, never counted as zero.
create or replace table mart_unallocated_spend as
with reporting as (
    select value as currency from meta where name = 'reporting_currency'
),

converted as (
    select
        u.month,
        u.source,
        u.reason,
        u.source_rows,
        case
            when u.currency = reporting.currency then u.amount::double
            else u.amount::double * f.rate_to_reporting
        end as amount_usd
    from unallocated_costs as u
    cross join reporting
    left join fx_rates as f on f.month = u.month and f.currency = u.currency
),

final as (
    select
        month,
        source,
        reason,
        case when count(amount_usd) = count(*) then sum(amount_usd) end as amount_usd,
        sum(source_rows)::bigint as source_rows
    from converted
    group by month, source, reason
)

select * from final order by month, source, reason
