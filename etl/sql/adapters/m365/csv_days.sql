-- A v1.0 CSV count report's rows; a summary (no Report Date) is dated by its refresh date.
-- Parameter: whether the file is a trend report (it has a Report Date column).
create or replace temp table {prefix}_days as
with final as (
    select
        row_number() over () as _source_row,
        coalesce(
            try_cast("Report Date" as date), try_cast("Report Refresh Date" as date)
        ) as day,
        nullif(trim("Report Refresh Date"), '') as refreshed,
        case when $is_trend then 'trend' else 'summary' end as report_kind,
        try_cast(regexp_extract("Report Period", '\d+') as integer) as period_days,
        "Any App Enabled Users" as enabled,
        "Any App Active Users" as active
    from {prefix}_csv
)

select * from final
