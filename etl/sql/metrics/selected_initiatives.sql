-- S: the initiatives the filters select, with stage(i, as_of_date) and the entry giving it.
create or replace temp table selected as
with stage_now as (
    select
        initiative_id,
        arg_max(stage, entered_on) as stage,
        max(entered_on) as stage_entered_on
    from stage_entries
    where entered_on <= $as_of_date::date
    group by initiative_id
),

final as (
    select
        i.initiative_id,
        i.name,
        i.business_unit,
        i.status,
        i.executive_sponsor,
        i.program_owner,
        i.strategic_impact,
        i.target_users,
        i.risk_tier,
        s.stage,
        s.stage_entered_on,
        $as_of_date::date - s.stage_entered_on as days_in_stage
    from initiatives as i
    left join stage_now as s using (initiative_id)
    where (len($business_units) = 0 or list_contains($business_units, i.business_unit))
      and (len($statuses) = 0 or list_contains($statuses, i.status))
      and (len($stages) = 0 or list_contains($stages, s.stage))
)

select * from final
