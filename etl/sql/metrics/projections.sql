-- Projected monthly cost and value at scale per initiative of S, from the 3 months ending
-- the as-of month: total / active users of those months x target_users.
with recent as (
    select
        initiative_id,
        sum(cost_usd) as cost_usd,
        sum(outcome_value_usd) as value_usd,
        sum(active_users) as active_users
    from mart_initiative_month
    where month between $as_of_month::date - interval 2 month and $as_of_month::date
    group by initiative_id
),

final as (
    select
        s.initiative_id,
        coalesce(r.cost_usd, 0) / nullif(r.active_users, 0) * s.target_users
            as projected_cost_at_scale,
        coalesce(r.value_usd, 0) / nullif(r.active_users, 0) * s.target_users
            as projected_value_at_scale
    from selected as s
    left join recent as r using (initiative_id)
)

select
    *,
    projected_cost_at_scale > projected_value_at_scale as business_case_at_risk
from final
