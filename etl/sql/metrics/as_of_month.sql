-- The latest month that has any adoption, cost or outcome row or usage event.
with months as (
    select month from adoption
    union all
    select month from costs
    union all
    select month from outcomes
    union all
    select month from mart_monthly_active
)

select max(month) as as_of_month from months
