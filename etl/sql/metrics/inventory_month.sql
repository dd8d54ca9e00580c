-- The as-of month of a database with initiatives but no facts: the month of the latest
-- stage entry of all initiatives, whatever the filters.
select date_trunc('month', max(entered_on))::date as inventory_month from stage_entries
