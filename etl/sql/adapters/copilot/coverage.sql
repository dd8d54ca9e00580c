-- The report windows that cover a month only in part, with the days covered of each.
with windows as (
    select distinct try_cast(start_day as date) as s, try_cast(end_day as date) as e
    from {prefix}_records
),

months as (
    select s, e, unnest(generate_series(
        date_trunc('month', s), date_trunc('month', e), interval 1 month
    ))::date as month
    from windows
    where s <= e
),

final as (
    select
        s, e,
        s::varchar || '..' || e::varchar as report_window,
        string_agg(
            (least(e, last_day(month)) - greatest(s, month) + 1) || ' of '
            || day(last_day(month)) || ' days of ' || strftime(month, '%Y-%m'), ', '
            order by month
        ) as parts
    from months
    where least(e, last_day(month)) - greatest(s, month) + 1 < day(last_day(month))
    group by s, e
)

select report_window, parts from final
order by s
