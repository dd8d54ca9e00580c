-- One report figure per refresh month of the per-user report: eligible = its distinct
-- users, active = those whose last activity falls in that month, dated by the latest
-- refresh date of the month.
create or replace temp table {prefix}_adoption as
with final as (
    select
        $initiative as _raw_initiative_id,
        strftime(month, '%Y-%m') as _raw_month,
        (count(distinct user_id) filter (where is_active))::varchar as _raw_active_users,
        count(distinct user_id)::varchar as _raw_eligible_users,
        'user_detail' as _report_kind,
        0 as _period_days,
        max(refreshed_on) as _report_date,
        min(_source_row) as _source_row,
        count(*) as _weight
    from {prefix}_users
    where problem is null
    group by month
)

select * from final
