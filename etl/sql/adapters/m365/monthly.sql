-- One adoption row per month: the highest active count of the month, and the enabled users
-- of its last report date.
create or replace temp table {prefix}_adoption as
with days as (
    select * replace (try_cast(active as bigint) as active, try_cast(enabled as bigint) as enabled)
    from {prefix}_days
),

final as (
    select
        $initiative as _raw_initiative_id,
        strftime(date_trunc('month', day), '%Y-%m') as _raw_month,
        max(active)::varchar as _raw_active_users,
        arg_max(enabled, day)::varchar as _raw_eligible_users,
        min(_source_row) as _source_row,
        count(*) as _weight
    from days
    group by date_trunc('month', day), day is null
)

select * from final
