-- Readiness per initiative of S: the latest score of each of the six dimensions assessed
-- on or before as_of_date (0 when not assessed), their mean, the dimensions never
-- assessed by then, and those scoring below gate_min_score.
create or replace temp table readiness_scores as
with latest as (
    select initiative_id, dimension, arg_max(score, assessed_on) as score
    from readiness
    where assessed_on <= $as_of_date::date
    group by initiative_id, dimension
),

grid as (
    select
        s.initiative_id,
        d.dimension,
        coalesce(l.score, 0) as score,
        l.score is null as is_not_assessed
    from selected as s
    cross join (select unnest($dimensions) as dimension) as d
    left join latest as l using (initiative_id, dimension)
),

final as (
    select
        initiative_id,
        sum(score)::double / count(*) as readiness_score,  -- an exact decimal sum: one rounding
        coalesce(list(dimension order by dimension) filter (where is_not_assessed), [])
            as not_assessed,
        coalesce(
            list(dimension order by dimension) filter (where score < $gate_min_score), []
        ) as dimensions_below_minimum
    from grid
    group by initiative_id
)

select * from final
