-- A v1.0 CSV per-user report's rows.
create or replace temp table {prefix}_users_read as
with final as (
    select
        row_number() over () as _source_row,
        "User Principal Name" as user_id,
        "Report Refresh Date" as refreshed,
        "Last Activity Date" as last_activity
    from {prefix}_users_csv
)

select * from final
