-- The state of each initiative at the end of each month, from the month of its first stage
-- entry or assessment to the latest month of any initiative's (a later as-of month reads
-- that last one: nothing changed since). The metric models read the row of the as-of month
-- instead of aggregating the histories again for every period asked:
--   stage, stage_entered_on: stage(i, d), the latest entry on or before the month's end;
--   highest_stage_rank: the highest rank the history reached by then (null: no entry of a
--     ranked stage yet);
--   scores: the latest score of each readiness dimension assessed by then (a dimension
--     never assessed by then has no key).
create or replace table mart_initiative_state as
with dated as (
    select initiative_id, entered_on as dated_on from stg_stage_entries
    union all
    select initiative_id, assessed_on from stg_readiness
),

months as (
    select
        initiative_id,
        unnest(generate_series(
            date_trunc('month', min(dated_on)),
            (select date_trunc('month', max(dated_on)) from dated),
            interval 1 month
        ))::date as month
    from dated
    group by initiative_id
),

entries as (
    select
        *,
        max(stage_rank) over (
            partition by initiative_id order by entered_on
            rows between unbounded preceding and current row
        ) as highest_stage_rank
    from stg_stage_entries
),

staged as (
    select
        m.initiative_id,
        m.month,
        e.stage,
        e.entered_on as stage_entered_on,
        e.highest_stage_rank
    from months as m
    asof left join entries as e
        on m.initiative_id = e.initiative_id and last_day(m.month) >= e.entered_on
),

dimension_months as (
    select m.initiative_id, m.month, d.dimension
    from (select distinct initiative_id, dimension from stg_readiness) as d
    join months as m using (initiative_id)
),

assessed as (
    select m.initiative_id, m.month, r.dimension, r.score
    from dimension_months as m
    asof join stg_readiness as r
        on m.initiative_id = r.initiative_id
        and m.dimension = r.dimension
        and last_day(m.month) >= r.assessed_on
),

scored as (
    select
        initiative_id,
        month,
        map(list(dimension order by dimension), list(score order by dimension)) as scores
    from assessed
    group by initiative_id, month
),

final as (
    select s.*, c.scores
    from staged as s
    left join scored as c using (initiative_id, month)
)

select * from final order by month, initiative_id
