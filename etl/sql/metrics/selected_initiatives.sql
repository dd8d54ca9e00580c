-- S: the initiatives the filters select, with their state at as_of_date (the as-of month's
-- row of mart_initiative_state, or its last month's for a later as-of month): stage(i,
-- as_of_date) and the entry giving it, the highest stage rank reached, the readiness
-- scores assessed by then.
create or replace temp table selected as
with state as (
    select *
    from mart_initiative_state
    where $as_of_month::date is not null
      and month = least($as_of_month::date, (select max(month) from mart_initiative_state))
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
        $as_of_date::date - s.stage_entered_on as days_in_stage,
        s.highest_stage_rank,
        s.scores
    from initiatives as i
    left join state as s using (initiative_id)
    where (len($business_units) = 0 or list_contains($business_units, i.business_unit))
      and (len($statuses) = 0 or list_contains($statuses, i.status))
      and (len($stages) = 0 or list_contains($stages, s.stage))
)

select * from final
