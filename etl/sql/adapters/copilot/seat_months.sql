-- The seats' eligible users of every month they existed, from the earliest created_at to
-- the list's month: the distinct logins whose seat was created by the end of the month.
-- Kept as report figures (kind `seats`): staging uses them as the eligible users of a month
-- whose active users come from usage events. `active_users` is those whose last activity
-- falls in the month (a lower bound before the list's month; not used as a figure).
create or replace temp table {prefix}_seat_months as
with months as (
    select unnest(generate_series(
        min(date_trunc('month', coalesce(created_at, month::timestamp))), any_value(month),
        interval 1 month
    ))::date as month
    from {prefix}_seats
    where login is not null
),

final as (
    select
        $initiative as _raw_initiative_id,
        strftime(m.month, '%Y-%m') as _raw_month,
        (count(distinct s.login) filter (where date_trunc('month', s.active_at) = m.month))
            ::varchar as _raw_active_users,
        count(distinct s.login)::varchar as _raw_eligible_users,
        'seats' as _report_kind,
        0 as _period_days,
        any_value(s.month) as _report_date,
        min(s._source_row) as _source_row,
        0 as _weight
    from months as m
    join {prefix}_seats as s
        on s.login is not null
        and date_trunc('month', coalesce(s.created_at, s.month::timestamp)) <= m.month
    group by m.month
)

select * from final
