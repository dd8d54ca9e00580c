-- The initiatives of S with the attributes the roadmap needs, by id; `estimated_dates`:
-- the dates of their stage entries that the source does not give (origin `estimated`).
-- Parameters in order: the estimated origin, the ids of S.
with estimated as (
    select initiative_id, list(entered_on order by entered_on) as estimated_dates
    from stage_entries
    where origin = ?
    group by all
),

final as (
    select i.initiative_id, i.name, i.business_unit, i.status, i.strategic_impact,
           i.target_users, i.executive_sponsor, i.program_owner, i.risk_tier,
           coalesce(e.estimated_dates, []) as estimated_dates
    from initiatives as i
    left join estimated as e using (initiative_id)
    where i.initiative_id in (select unnest(?))
)

select * from final
order by initiative_id
