-- One row per initiative and month that has any cost, outcome or activity figure.
create or replace table mart_initiative_month as
with costs as (
    select initiative_id, month, sum(cost_usd) as cost_usd
    from stg_costs group by all
),

outcomes as (
    select initiative_id, month, sum(value_usd) as outcome_value_usd, sum(insights) as insights
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
        c.cost_usd,
        o.outcome_value_usd,
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
