-- One report figure per month, kind and period: a summary's figures of its latest refresh
-- date in the month; a trend's highest daily active count of the month and the enabled
-- users of its last report date (both survive splitting the days between loads: staging
-- takes the highest and the latest again). `_report_date` is that date.
create or replace temp table {prefix}_adoption as
with days as (
    select * replace (try_cast(active as bigint) as active, try_cast(enabled as bigint) as enabled)
    from {prefix}_days
),

final as (
    select
        $initiative as _raw_initiative_id,
        strftime(date_trunc('month', day), '%Y-%m') as _raw_month,
        case
            when report_kind = 'trend' then max(active)
            else arg_max(active, day)
        end::varchar as _raw_active_users,
        arg_max(enabled, day)::varchar as _raw_eligible_users,
        report_kind as _report_kind,
        case when report_kind = 'trend' then 1 else period_days end as _period_days,
        max(day) as _report_date,
        min(_source_row) as _source_row,
        count(*) as _weight
    from days
    group by date_trunc('month', day), day is null, report_kind,
        case when report_kind = 'trend' then 1 else period_days end
)

select * from final
