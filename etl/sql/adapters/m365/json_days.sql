-- A beta JSON count report's entries (per product or per date), dated like the CSV ones.
create or replace temp table {prefix}_days as
with doc as (select content::json as j from read_text($path)),

reports as (select unnest(from_json(j -> 'value', '["json"]')) as report from doc),

entries as (
    select
        report ->> 'reportRefreshDate' as refreshed,
        unnest(from_json(
            coalesce(report -> 'adoptionByDate', report -> 'adoptionByProduct'), '["json"]'
        )) as entry
    from reports
),

final as (
    select
        row_number() over () as _source_row,
        coalesce(try_cast(entry ->> 'reportDate' as date), try_cast(refreshed as date)) as day,
        refreshed,
        entry ->> 'anyAppEnabledUsers' as enabled,
        entry ->> 'anyAppActiveUsers' as active
    from entries
)

select * from final
