-- Actual stage periods up to the as-of date (to the next entry, or the as-of date), and
-- planned ones with their stage slip in days, by the rule of slip.sql (docs/metrics.md,
-- Slip): left the stage: its next entry - planned end; still in it: as-of date - planned
-- end once past it, else 0; not entered, its planned start passed: as-of date - planned
-- start; else none (not due). `slip_case` names the rule that applied, and
-- `start_slip_days` is the first entry - the planned start. `is_estimated`: the entry's
-- date is not the source's (an inventory's as-of date, see etl/inventories.py).
-- Named parameters: $origin (the estimated origin), $ids, $as_of.
with entries as (
    select
        initiative_id, stage, entered_on, origin = $origin as is_estimated,
        lead(entered_on) over (partition by initiative_id order by entered_on) as next_on
    from stage_entries
    where initiative_id in (select unnest($ids)) and entered_on <= $as_of::date
),

actual as (
    select initiative_id, stage, 'actual' as kind, entered_on as start_on,
           coalesce(next_on, $as_of::date) as end_on, next_on is null as is_current,
           null::integer as slip_days, null::varchar as slip_case,
           null::integer as start_slip_days, is_estimated
    from entries
),

spans as (
    select
        initiative_id, stage, min(entered_on) as entered_on,
        max(next_on) filter (where next_on is not null) as left_on,
        bool_or(next_on is null) as is_current
    from entries
    group by all
),

planned as (
    select
        r.initiative_id, r.stage, 'planned' as kind, r.planned_start as start_on,
        r.planned_end as end_on, false as is_current,
        case
            when s.is_current then greatest($as_of::date - r.planned_end, 0)
            when s.entered_on is not null then s.left_on - r.planned_end
            when r.planned_start < $as_of::date then $as_of::date - r.planned_start
        end as slip_days,
        case
            when s.is_current then 'in_stage'
            when s.entered_on is not null then 'left'
            when r.planned_start < $as_of::date then 'not_entered'
        end as slip_case,
        s.entered_on - r.planned_start as start_slip_days,
        false as is_estimated
    from roadmap as r
    left join spans as s using (initiative_id, stage)
    where r.initiative_id in (select unnest($ids))
),

final as (select * from actual union all select * from planned)

select * from final order by initiative_id, kind, start_on
