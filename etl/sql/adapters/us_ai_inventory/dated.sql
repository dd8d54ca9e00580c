-- The stage and its entry date: an unchanged stage, or a retired use case seen before,
-- keeps its stored one; else the stage's date in the file (or the inventory year's first
-- day), moved after the stored history when it is not after it.
create or replace temp table {prefix}_dated as
with stored as (
    select
        i.initiative_id,
        i.stage,
        i.stage_entered_on,
        i.started_on,
        (select max(e.entered_on) from stage_entries as e where e.initiative_id = i.initiative_id)
            as last_entered_on
    from initiatives as i
),

staged as (
    select
        r.*,
        s.stage as stored_stage,
        s.stage_entered_on as stored_on,
        s.started_on as stored_started_on,
        s.last_entered_on,
        s.stage is not null
            and (r.mapped_status is not distinct from 'retired' or s.stage = r.mapped_stage)
            as keeps_stage,
        r.stage_dates[r.mapped_stage] as stage_date
    from {prefix}_ids as r
    left join stored as s using (initiative_id)
    where r.mapped_stage is not null
),

final as (
    select
        *,
        case when keeps_stage then stored_stage else mapped_stage end as stage,
        case
            when keeps_stage then stored_on
            when last_entered_on is null or coalesce(stage_date, $first_day) > last_entered_on
                then coalesce(stage_date, $first_day)
            when $first_day > last_entered_on then $first_day
            else last_entered_on + 1
        end as entered_on,
        not keeps_stage and last_entered_on >= coalesce(stage_date, $first_day) as is_moved
    from staged
)

select * from final
