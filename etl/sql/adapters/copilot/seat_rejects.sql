-- Seats without an assignee login.
create or replace temp table {prefix}_rejects as
with final as (
    select
        _source_row, 'assignee.login' as column_name, null::varchar as value,
        'the seat has no assignee login' as reason, 1 as _weight
    from {prefix}_seats
    where login is null
)

select * from final
