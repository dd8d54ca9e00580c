-- The stage and its entry date: an unchanged stage, or a retired use case seen before,
-- keeps its stored one; else the stage's date in the file (or, when the source gives none,
-- the inventory's as-of date `$first_day`, 31 December of its year: never a date earlier
-- than the evidence; `is_estimated` says so), moved after the stored history when it is
-- not after it. A use case first seen as retired takes the stage its own dates support: a
-- date implemented (operational) -> Operationalization, none -> the mapping's stage.
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
        case
            when s.stage is null and r.mapped_status is not distinct from 'retired'
                and r.stage_dates['Operationalization'] is not null
                then 'Operationalization'
            else r.mapped_stage
        end as evidenced_stage
    from {prefix}_ids as r
    left join stored as s using (initiative_id)
    where r.mapped_stage is not null
),

evidenced as (
    select *, stage_dates[evidenced_stage] as stage_date from staged
),

final as (
    select
        *,
        case when keeps_stage then stored_stage else evidenced_stage end as stage,
        not keeps_stage and stage_date is null as is_estimated,
        case
            when keeps_stage then stored_on
            when last_entered_on is null or coalesce(stage_date, $first_day) > last_entered_on
                then coalesce(stage_date, $first_day)
            when $first_day > last_entered_on then $first_day
            else last_entered_on + 1
        end as entered_on,
        not keeps_stage and last_entered_on >= coalesce(stage_date, $first_day) as is_moved
    from evidenced
)

select * from final
