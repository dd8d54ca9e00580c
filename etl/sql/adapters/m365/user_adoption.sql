-- One adoption row per refresh month: eligible = its distinct users, active = those whose
-- last activity falls in that month.
create or replace temp table {prefix}_adoption as
with final as (
    select
        $initiative as _raw_initiative_id,
        strftime(month, '%Y-%m') as _raw_month,
        (count(distinct user_id) filter (where is_active))::varchar as _raw_active_users,
        count(distinct user_id)::varchar as _raw_eligible_users,
        min(_source_row) as _source_row,
        count(*) as _weight
    from {prefix}_users
    where problem is null
    group by month
)

select * from final
