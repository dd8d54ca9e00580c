-- One adoption row for the seat list's month: eligible users = distinct assignee logins,
-- active users = those whose last activity falls in that month.
create or replace temp table {prefix}_out as
with final as (
    select
        $initiative as _raw_initiative_id,
        strftime(any_value(month), '%Y-%m') as _raw_month,
        (count(distinct login) filter (where date_trunc('month', active_at) = month))::varchar
            as _raw_active_users,
        count(distinct login)::varchar as _raw_eligible_users,
        min(_source_row) as _source_row,
        count(*) as _weight
    from {prefix}_seats
    where login is not null
    having count(*) > 0
)

select * from final
