-- A usage event on the last activity date of each user active in the refresh month; the
-- record already counts in the adoption row, so the event weighs nothing.
create or replace temp table {prefix}_events as
with final as (
    select
        $initiative as _raw_initiative_id,
        user_id as _raw_user_id,
        strftime(last_on, '%Y-%m-%d') as _raw_event_time,
        'copilot (any app, last activity)' as _raw_action,
        _source_row,
        0 as _weight
    from {prefix}_users
    where problem is null and is_active
)

select * from final
