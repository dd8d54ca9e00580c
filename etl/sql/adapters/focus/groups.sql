-- The checked, claimed charges summed per cost key (initiative, month, category, source: the
-- source names the currency). A net below zero is kept as unallocated spend, not a cost row.
create or replace temp table {prefix}_groups as
with final as (
    select
        initiative_id, month, category, source,
        min(currency) as currency,
        sum(amount) as net, min(_source_row) as first_row, count(*) as records
    from {prefix}_rows
    where problems is null and initiative_id is not null
    group by initiative_id, month, category, source
)

select * from final
