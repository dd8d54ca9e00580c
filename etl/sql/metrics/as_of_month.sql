-- The latest month that has any adoption, cost or outcome row or usage event.
select max(month) as as_of_month from stg_data_months
