-- The records that do not parse (their amount, when it parses, is reconciled as unallocated).
create or replace temp table {prefix}_rejects as
with final as (
    select
        _source_row,
        problems[1].column_name as column_name,
        problems[1].value as value,
        array_to_string(list_transform(problems, lambda p: p.reason), '; ') as reason,
        1::bigint as _weight
    from {prefix}_rows
    where problems is not null
)

select * from final
