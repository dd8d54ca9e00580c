-- Checked charges no initiative claims, kept per source, month, currency and reason.
create or replace temp table {prefix}_unallocated as
with final as (
    select
        source, month, currency, sum(amount)::decimal(38, 12) as amount, count(*) as _weight,
        unallocated_reason as reason
    from {prefix}_rows
    where problems is null and initiative_id is null
    group by source, month, currency, unallocated_reason
)

select * from final
