-- One row: the latest month with data (YYYY-MM), when the last load finished, its id.
with final as (
    select
        (select strftime(max(month), '%Y-%m') from stg_data_months) as latest_month,
        (select max(finished_at) from loads) as last_load_at,
        (select max(load_id) from loads) as load_id
)

select * from final
