-- Readiness per initiative of S: the latest score of each of the six dimensions assessed
-- on or before as_of_date (0 when not assessed), their mean, the dimensions never
-- assessed by then, and those scoring below gate_min_score.
create or replace temp table readiness_scores as
with dimensions as (
    select list_sort($dimensions) as names
),

final as (
    select
        s.initiative_id,
        -- the scores (given to one or two decimals) summed exactly, whatever their order
        list_sum([coalesce(s.scores[n], 0)::decimal(18, 6) for n in d.names])::double
            / len(d.names) as readiness_score,
        [n for n in d.names if s.scores[n] is null] as not_assessed,
        [n for n in d.names if coalesce(s.scores[n], 0) < $gate_min_score]
            as dimensions_below_minimum
    from selected as s
    cross join dimensions as d
)

select * from final
