-- Actual stage periods up to the as-of date (to the next entry, or the as-of date), and
-- planned ones with their slip in days (first entry - planned start; never entered: as-of
-- date - planned start once the planned start has passed). `is_estimated`: the entry's
-- date is not the source's (an inventory's as-of date, see etl/inventories.py).
-- Parameters in order: the estimated origin, the ids, as_of_date, as_of_date, as_of_date,
-- as_of_date, the ids.
with entries as (
    select
        initiative_id, stage, entered_on, origin = ? as is_estimated,
        lead(entered_on) over (partition by initiative_id order by entered_on) as next_on
    from stage_entries
    where list_contains(?, initiative_id) and entered_on <= ?
),

actual as (
    select initiative_id, stage, 'actual' as kind, entered_on as start_on,
           coalesce(next_on, ?::date) as end_on, next_on is null as is_current,
           null::integer as slip_days, is_estimated
    from entries
),

first_entry as (
    select initiative_id, stage, min(entered_on) as entered_on from entries group by all
),

planned as (
    select
        r.initiative_id, r.stage, 'planned' as kind, r.planned_start as start_on,
        r.planned_end as end_on, false as is_current,
        case
            when f.entered_on is not null then f.entered_on - r.planned_start
            when r.planned_start < ?::date then ?::date - r.planned_start
        end as slip_days,
        false as is_estimated
    from roadmap as r
    left join first_entry as f using (initiative_id, stage)
    where list_contains(?, r.initiative_id)
),

final as (select * from actual union all select * from planned)

select * from final order by initiative_id, kind, start_on
