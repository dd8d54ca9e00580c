-- The latest score of each given dimension of one initiative assessed on or before a date
-- (score 0 and no date when none).
-- Parameters in order: initiative_id, until, the dimensions (varchar[]).
with latest as (
    select dimension, arg_max(score, assessed_on) as score, max(assessed_on) as assessed_on
    from readiness
    where initiative_id = ? and assessed_on <= ?
    group by dimension
),

final as (
    select d.dimension, coalesce(l.score, 0) as score, l.assessed_on
    from (select unnest(?::varchar[]) as dimension) as d
    left join latest as l using (dimension)
)

select * from final order by dimension
