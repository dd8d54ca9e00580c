-- The as-of month of a database with initiatives but no facts: the month of the latest
-- stage entry of all initiatives, whatever the filters (in the plausible range).
select date_trunc('month', max(entered_on))::date as inventory_month
from stage_entries
where entered_on between $first_month::date and last_day($last_month::date)
