-- One row per initiative and month that has any cost, outcome or activity figure.
create or replace table mart_initiative_month as
with costs as (
    select initiative_id, month, sum(cost_rc) as cost_rc
    from stg_costs group by all
),

outcomes as (
    select initiative_id, month, sum(value_rc) as outcome_value_rc, sum(insights) as insights
    from stg_outcomes group by all
),

keys as (
    select initiative_id, month from costs
    union
    select initiative_id, month from outcomes
    union
    select initiative_id, month from stg_activity
),

final as (
    select
        k.initiative_id,
        k.month,
        c.cost_rc,
        o.outcome_value_rc,
        o.insights,
        a.active_users,
        a.eligible_users,
        a.initiative_id is not null as has_activity
    from keys as k
    left join costs as c using (initiative_id, month)
    left join outcomes as o using (initiative_id, month)
    left join stg_activity as a using (initiative_id, month)
)

select * from final order by initiative_id, month
