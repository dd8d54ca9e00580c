-- Cost of S over the window per cost category, largest first.
-- Parameters in order: the ids of S, window_from, window_to.
with final as (
    select category, sum(cost_rc) as cost_rc
    from mart_cost_by_category
    where initiative_id in (select unnest(?)) and month between ? and ?
    group by category
)

select * from final order by cost_rc desc, category
