-- A v1.0 CSV count report's rows; a summary (no Report Date) is dated by its refresh date.
create or replace temp table {prefix}_days as
with final as (
    select
        row_number() over () as _source_row,
        coalesce(
            try_cast("Report Date" as date), try_cast("Report Refresh Date" as date)
        ) as day,
        nullif(trim("Report Refresh Date"), '') as refreshed,
        "Any App Enabled Users" as enabled,
        "Any App Active Users" as active
    from {prefix}_csv
)

select * from final
