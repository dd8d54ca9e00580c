-- Spend no initiative claims (FOCUS charges with no initiative tag, or a tag value that maps
-- to no initiative), per month, cost source and reason, in the reporting currency. A currency
-- with no fx rate for the month gives a NULL amount_rc: unknown, never counted as zero.
create or replace table mart_unallocated_spend as
with converted as (
    select
        u.month,
        u.source,
        u.reason,
        u.source_rows,
        u.amount::double * r.rate_to_reporting as amount_rc
    from unallocated_costs as u
    left join stg_fx_rates as r on r.month = u.month and r.currency = u.currency
),

final as (
    select
        month,
        source,
        reason,
        case when count(amount_rc) = count(*) then sum(amount_rc) end as amount_rc,
        sum(source_rows)::bigint as source_rows
    from converted
    group by month, source, reason
)

select * from final order by month, source, reason
