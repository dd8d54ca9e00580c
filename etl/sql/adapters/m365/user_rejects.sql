-- The per-user records that cannot count, with their first problem.
create or replace temp table {prefix}_rejects as
with final as (
    select
        _source_row, problem[1] as column_name, problem[2] as value, problem[3] as reason,
        1 as _weight
    from {prefix}_users
    where problem is not null
)

select * from final
