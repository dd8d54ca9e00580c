-- The month of every adoption, cost and outcome row and of every month with usage events:
-- the one definition of "a month with data" (the default as-of month is its latest).
create or replace view stg_data_months as
select month from adoption
union all
select month from costs
union all
select month from outcomes
union all
select month from mart_monthly_active
