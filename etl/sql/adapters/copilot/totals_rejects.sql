-- The 28-day totals that cannot be placed in any calendar month, with the reason.
create or replace temp table {prefix}_rejects as
with final as (
    select
        _source_row,
        'total_active_days' as column_name,
        days_text as value,
        case
            when first_day is null or last_day is null or first_day > last_day
                then 'the report has no valid report_start_day..report_end_day window'
            when active_days is null then 'total_active_days is missing or not a whole number'
            when active_days <= 0 then 'no active day in the report window'
            else active_days || ' active day(s) in ' || first_day || '..' || last_day
                || ' cannot be placed in a calendar month; load the per-day users report'
        end as reason,
        1 as _weight
    from {prefix}_placed
    where day is null
)

select * from final
