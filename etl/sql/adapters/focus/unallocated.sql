-- Checked charges no initiative claims, and the groups whose credits exceed their charges,
-- kept per source, month, currency and reason.
create or replace temp table {prefix}_unallocated as
with unclaimed as (
    select
        source, month, currency, sum(amount)::decimal(38, 12) as amount, count(*) as _weight,
        unallocated_reason as reason
    from {prefix}_rows
    where problems is null and initiative_id is null
    group by source, month, currency, unallocated_reason
),

negative as (
    select
        source, month, currency, net::decimal(38, 12) as amount, records as _weight,
        'negative net: the credits of initiative ' || initiative_id || ', category ' || category
        || ' exceed its charges (' || records || ' rows, the first at row ' || first_row || ')'
        as reason
    from {prefix}_groups
    where net < 0
),

final as (
    select * from unclaimed
    union all
    select * from negative
)

select * from final
