-- The checked, claimed charges summed per (initiative, month, category, currency, source).
create or replace temp table {prefix}_groups as
with final as (
    select
        initiative_id, month, category, currency, source,
        sum(amount) as net, min(_source_row) as first_row, count(*) as records
    from {prefix}_rows
    where problems is null and initiative_id is not null
    group by initiative_id, month, category, currency, source
)

select * from final
