-- Window sums per initiative of S and for all of S (the row whose initiative_id is null):
-- cost, outcome value (all of it, at scale, in pilot by stage(i, m)) and insights.
create or replace temp table window_figures as
with facts as (
    select f.*, last_day(f.month) as month_end
    from mart_initiative_month as f
    where f.month between $window_from::date and $window_to::date
      and f.initiative_id in (select initiative_id from selected)
),

staged as (
    select facts.*, e.stage
    from facts
    asof left join stage_entries as e
        on facts.initiative_id = e.initiative_id and facts.month_end >= e.entered_on
),

ranked as (
    select staged.*, o.stage_rank
    from staged left join stage_order as o using (stage)
),

final as (
    select
        initiative_id,
        coalesce(sum(cost_rc), 0) as total_cost,
        coalesce(sum(outcome_value_rc), 0) as outcome_value,
        coalesce(sum(insights), 0) as insights,
        coalesce(sum(outcome_value_rc) filter (where stage_rank >= 2), 0) as outcomes_at_scale,
        coalesce(sum(outcome_value_rc) filter (where stage_rank = 1), 0) as outcomes_in_pilot
    from ranked
    group by grouping sets ((initiative_id), ())
)

select
    *,
    total_cost / nullif(insights, 0) as cost_per_insight,
    (outcome_value - total_cost) / nullif(total_cost, 0) as roi
from final
