-- The stage history of each inventory use case: one entry per change of stage, dated by
-- the source's date of that stage when it is after the previous entry, else by the
-- inventory's as-of date (`is_estimated`: the source gives no date, or none after the
-- history), so that a later inventory gives the current stage and no date is earlier
-- than the evidence.
create or replace temp table inventory_entries as
with recursive numbered as (
    select
        initiative_id,
        inventory_year,
        as_of,
        resolved_stage as stage,
        stage_date,
        row_number() over (partition by initiative_id order by seq) as k
    from inventory_runs
    where starts_entry
),

dated as (
    select
        initiative_id,
        k,
        stage,
        inventory_year,
        stage_date,
        coalesce(stage_date, as_of) as entered_on,
        stage_date is null as is_estimated
    from numbered
    where k = 1
    union all
    select
        n.initiative_id,
        n.k,
        n.stage,
        n.inventory_year,
        n.stage_date,
        case
            when n.stage_date > d.entered_on then n.stage_date
            else greatest(n.as_of, d.entered_on + 1)
        end as entered_on,
        not coalesce(n.stage_date > d.entered_on, false) as is_estimated
    from numbered as n
    join dated as d on d.initiative_id = n.initiative_id and n.k = d.k + 1
)

select * from dated
