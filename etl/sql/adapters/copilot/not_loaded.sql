-- Every record of a report that cannot be loaded, rejected with the reason.
create or replace temp table {prefix}_rejects as
with final as (
    select
        _source_row, $column as column_name, record ->> $column as value, $reason as reason,
        1 as _weight
    from {prefix}_records
)

select * from final
