-- Per-user 28-day totals placed in the calendar months where the user was certainly active
-- (more active days than the window has outside that month), on the window's first day
-- there; day is NULL when no month can be proven.
create or replace temp table {prefix}_placed as
with users as (
    select
        _source_row,
        nullif(lower(trim(coalesce(record ->> 'user_login', record ->> 'login'))), '') as login,
        record ->> 'total_active_days' as days_text,
        try_cast(record ->> 'total_active_days' as integer) as active_days,
        try_cast(start_day as date) as first_day,
        try_cast(end_day as date) as last_day
    from {prefix}_records
),

months as (
    select *, unnest(generate_series(
        date_trunc('month', first_day), date_trunc('month', last_day), interval 1 month
    ))::date as month
    from users
    where first_day <= last_day
),

certain as (
    select
        _source_row, login, greatest(first_day, month) as day,
        row_number() over (partition by _source_row order by month) as nth
    from months
    where active_days > (last_day - first_day + 1)
        - (least(last_day, last_day(month)) - greatest(first_day, month) + 1)
),

final as (
    select u.*, c.day, c.nth from users as u left join certain as c using (_source_row)
)

select * from final
