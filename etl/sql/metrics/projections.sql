-- Projected monthly cost and value at scale per initiative of S, from the 3 months ending
-- the as-of month (whatever the window): total / active users of those months x
-- target_users; the business case is at risk when the cost exceeds the value.
create or replace temp table projections as
with recent as (
    select
        initiative_id,
        sum(cost_rc) as cost_rc,
        sum(outcome_value_rc) as value_rc,
        sum(active_users) as active_users
    from mart_initiative_month
    where month between $as_of_month::date - interval 2 month and $as_of_month::date
    group by initiative_id
),

projected as (
    select
        s.initiative_id,
        coalesce(r.cost_rc, 0) / nullif(r.active_users, 0) * s.target_users
            as projected_cost_at_scale,
        coalesce(r.value_rc, 0) / nullif(r.active_users, 0) * s.target_users
            as projected_value_at_scale
    from selected as s
    left join recent as r using (initiative_id)
),

final as (
    select
        *,
        projected_cost_at_scale > projected_value_at_scale as business_case_at_risk
    from projected
)

select * from final
