-- Spend of cost exports that no initiative claims, per month (YYYY-MM), source and reason,
-- newest month first.
select strftime(month, '%Y-%m') as month, source, reason, amount_rc, source_rows
from mart_unallocated_spend
order by month desc, source, reason
