-- Money at risk: the window cost of the initiatives of S that are not retired and carry a
-- signal (stalled pilot, no executive owner, a decaying model, business case at risk),
-- each counted once, and the same per signal (an initiative may count under several).
with flagged as (
    select
        s.*,
        coalesce(w.total_cost, 0) as total_cost,
        coalesce(s.business_case_at_risk, false) as is_case_at_risk
    from signals as s
    left join window_figures as w using (initiative_id)
    where s.status <> 'retired'
),

final as (
    select
        coalesce(sum(total_cost) filter (
            where is_stalled_pilot or has_no_executive_owner or has_decaying_model
                or is_case_at_risk
        ), 0) as cost_at_risk,
        coalesce(sum(total_cost) filter (where is_stalled_pilot), 0)
            as cost_at_risk_stalled_pilots,
        coalesce(sum(total_cost) filter (where has_no_executive_owner), 0)
            as cost_at_risk_no_executive_owner,
        coalesce(sum(total_cost) filter (where has_decaying_model), 0)
            as cost_at_risk_decaying_models,
        coalesce(sum(total_cost) filter (where is_case_at_risk), 0)
            as cost_at_risk_business_case_at_risk
    from flagged
)

select * from final
