-- Every month from the first to the latest that has any data, as YYYY-MM.
with bounds as (
    select min(month) as first_month, max(month) as last_month from stg_data_months
),

months as (
    select unnest(generate_series(first_month, last_month, interval 1 month))::date as month
    from bounds
    where first_month is not null
),

final as (
    select strftime(month, '%Y-%m') as month from months
)

select * from final order by month
