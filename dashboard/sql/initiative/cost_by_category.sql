-- One initiative's cost per month and cost category over the window.
-- Parameters in order: initiative_id, start, end.
select month, category, sum(cost_rc) as cost_rc
from mart_cost_by_category
where initiative_id = ? and month between ? and ?
group by all
order by month, category
