-- One row per initiative and month that has any cost, outcome or activity figure, with
-- the rank of stage(i, m), the stage at the month's last day (null before the first entry):
-- no filter changes it, so the metric models read it rather than join the history again.
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

staged as (
    select k.initiative_id, k.month, e.stage_rank
    from keys as k
    asof left join stg_stage_entries as e
        on k.initiative_id = e.initiative_id and last_day(k.month) >= e.entered_on
),

final as (
    select
        k.initiative_id,
        k.month,
        k.stage_rank,
        c.cost_rc,
        o.outcome_value_rc,
        o.insights,
        a.active_users,
        a.eligible_users,
        a.initiative_id is not null as has_activity
    from staged as k
    left join costs as c using (initiative_id, month)
    left join outcomes as o using (initiative_id, month)
    left join stg_activity as a using (initiative_id, month)
)

select * from final order by initiative_id, month
