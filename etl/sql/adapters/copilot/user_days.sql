-- Per-user-per-day records: one usage event per user and active day, the features used as
-- its action. Logins are lower-cased (GitHub logins are case-insensitive).
create or replace temp table {prefix}_out as
with final as (
    select
        $initiative as _raw_initiative_id,
        nullif(lower(trim(coalesce(record ->> 'user_login', record ->> 'login'))), '')
            as _raw_user_id,
        nullif(trim(record ->> 'day'), '') as _raw_event_time,
        coalesce(nullif(array_to_string(list_sort(list_distinct(
            json_extract_string(record, '$.totals_by_feature[*].feature')
        )), ','), ''), 'copilot') as _raw_action,
        _source_row,
        1 as _weight
    from {prefix}_records
)

select * from final
