-- One usage event per placed month; the record counts once (in its first month).
create or replace temp table {prefix}_out as
with final as (
    select
        $initiative as _raw_initiative_id,
        login as _raw_user_id,
        day::varchar as _raw_event_time,
        'copilot (28-day user total; day unknown)' as _raw_action,
        _source_row,
        case when nth = 1 then 1 else 0 end as _weight
    from {prefix}_placed
    where day is not null
)

select * from final
