-- Each initiative of S as it runs today: its monthly average cost, outcome value and active
-- users over the 3 months ending the as-of month, the months its projections at scale use
-- (METRICS.md); 0 for an initiative with no row in them.
-- Parameters in order: the ids of S, the as-of month, the as-of month.
with recent as (
    select
        initiative_id,
        sum(cost_rc) as cost_rc,
        sum(outcome_value_rc) as value_rc,
        sum(active_users) as active_users
    from mart_initiative_month
    where initiative_id in (select unnest(?))
      and month between ?::date - interval 2 month and ?::date
    group by initiative_id
),

final as (
    select
        initiative_id,
        coalesce(cost_rc, 0) / 3 as cost_now,
        coalesce(value_rc, 0) / 3 as value_now,
        coalesce(active_users, 0) / 3 as active_now
    from recent
)

select * from final order by initiative_id
