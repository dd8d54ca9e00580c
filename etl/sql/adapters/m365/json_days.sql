-- A beta JSON count report's entries (per product: a summary; per date: a trend), dated like
-- the CSV ones, with the report's kind and period (days).
create or replace temp table {prefix}_days as
with doc as (select content::json as j from read_text($path)),

reports as (select unnest(from_json(j -> 'value', '["json"]')) as report from doc),

entries as (
    select
        report ->> 'reportRefreshDate' as refreshed,
        report ->> 'reportPeriod' as report_period,
        (report -> 'adoptionByDate') is not null as is_trend,
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
        case when is_trend then 'trend' else 'summary' end as report_kind,
        try_cast(
            regexp_extract(coalesce(entry ->> 'reportPeriod', report_period), '\d+') as integer
        ) as period_days,
        entry ->> 'anyAppEnabledUsers' as enabled,
        entry ->> 'anyAppActiveUsers' as active
    from entries
)

select * from final
