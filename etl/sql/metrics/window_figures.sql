-- Window sums per initiative of S and for all of S (the row whose initiative_id is null):
-- cost, outcome value (all of it, at scale, in pilot by stage(i, m), the mart's
-- stage_rank) and insights.
create or replace temp table window_figures as
with facts as (
    select f.*
    from mart_initiative_month as f
    where f.month between $window_from::date and $window_to::date
      and f.initiative_id in (select initiative_id from selected)
),

final as (
    select
        initiative_id,
        coalesce(sum(cost_rc), 0) as total_cost,
        coalesce(sum(outcome_value_rc), 0) as outcome_value,
        coalesce(sum(insights), 0) as insights,
        coalesce(sum(outcome_value_rc) filter (where stage_rank >= 2), 0) as outcomes_at_scale,
        coalesce(sum(outcome_value_rc) filter (where stage_rank = 1), 0) as outcomes_in_pilot
    from facts
    group by grouping sets ((initiative_id), ())
)

select
    *,
    total_cost / nullif(insights, 0) as cost_per_insight,
    (outcome_value - total_cost) / nullif(total_cost, 0) as roi
from final
