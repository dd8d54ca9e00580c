-- Cost, outcome value and insights of S per month of the window (0 when none).
-- Parameters in order: window_from, window_to, the ids of S, window_from, window_to.
with months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),

facts as (
    select month, sum(cost_rc) as cost_rc, sum(outcome_value_rc) as outcome_value_rc,
           sum(insights) as insights
    from mart_initiative_month
    where initiative_id in (select unnest(?)) and month between ? and ?
    group by month
),

final as (
    select m.month, coalesce(f.cost_rc, 0) as cost_rc,
           coalesce(f.outcome_value_rc, 0) as outcome_value_rc,
           coalesce(f.insights, 0) as insights
    from months as m left join facts as f using (month)
)

select * from final order by month
