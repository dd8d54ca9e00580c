-- Initiatives (not retired) whose cost in the as-of month is above `factor` times the
-- average of their three months before it (a month without cost counts as 0).
-- Parameters in order: the as-of month (its first day), factor.
with params as (
    select cast(? as date) as as_of_month, cast(? as double) as factor
),

months as (
    select m.initiative_id, m.month, coalesce(m.cost_rc, 0) as cost_rc
    from mart_initiative_month as m, params as p
    where m.month between cast(p.as_of_month - interval 3 month as date) and p.as_of_month
),

per_initiative as (
    select
        initiative_id,
        coalesce(sum(m.cost_rc) filter (where m.month = p.as_of_month), 0) as cost_rc,
        coalesce(sum(m.cost_rc) filter (where m.month < p.as_of_month), 0) / 3 as average_rc
    from months as m, params as p
    group by initiative_id
),

final as (
    select c.initiative_id, i.name, c.cost_rc, c.average_rc
    from per_initiative as c
    inner join initiatives as i using (initiative_id)
    cross join params as p
    where i.status != 'retired' and c.average_rc > 0 and c.cost_rc > p.factor * c.average_rc
)

select * from final order by initiative_id
