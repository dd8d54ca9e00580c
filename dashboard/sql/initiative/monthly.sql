-- One initiative's active and eligible users, cost, outcome value and insights per month
-- of the window (money and insights 0 when none).
-- Parameters in order: start, end, initiative_id, start, end.
with months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),

facts as (
    select * from mart_initiative_month where initiative_id = ? and month between ? and ?
),

final as (
    select m.month, f.active_users, f.eligible_users,
           coalesce(f.cost_rc, 0) as cost_rc,
           coalesce(f.outcome_value_rc, 0) as outcome_value_rc,
           coalesce(f.insights, 0) as insights
    from months as m left join facts as f using (month)
)

select * from final order by month
