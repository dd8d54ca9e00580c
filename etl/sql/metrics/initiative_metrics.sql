-- One row per initiative of S, sorted by id: the program formulas with S = {i} and every
-- signal, as the `initiatives` list of `metrics --json` holds them; with $signalled_only,
-- only the initiatives that carry a signal (what an alert list needs).
with adoption as (
    select initiative_id, adoption_rate
    from adoption_rates
    where initiative_id is not null and month = $as_of_month::date
),

final as (
    select
        s.initiative_id,
        s.name,
        s.business_unit,
        s.status,
        s.stage,
        strftime(s.stage_entered_on, '%Y-%m-%d') as stage_entered_on,
        s.days_in_stage,
        a.adoption_rate::double as adoption_rate,
        coalesce(w.total_cost, 0)::double as total_cost,
        coalesce(w.outcome_value, 0)::double as outcome_value,
        w.cost_per_insight::double as cost_per_insight,
        w.roi::double as roi,
        g.readiness_score::double as readiness_score,
        g.not_assessed,
        g.gate_blockers,
        g.gate_blocker_reasons,
        g.ready_for_next_stage,
        p.projected_cost_at_scale::double as projected_cost_at_scale,
        p.projected_value_at_scale::double as projected_value_at_scale,
        p.business_case_at_risk,
        g.is_stalled_pilot,
        g.has_no_executive_owner,
        g.has_decaying_model
    from selected as s
    left join window_figures as w using (initiative_id)
    left join adoption as a using (initiative_id)
    left join signals as g using (initiative_id)
    left join projections as p using (initiative_id)
    where not $signalled_only
       or g.is_stalled_pilot
       or g.has_no_executive_owner
       or g.has_decaying_model
       or coalesce(p.business_case_at_risk, false)
)

select * from final order by initiative_id
