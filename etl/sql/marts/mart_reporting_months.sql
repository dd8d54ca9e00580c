-- n(m) of METRICS.md: per month with data, how many initiatives reported in it (an
-- adoption row, a cost row, an outcome row or usage events), whatever the filters.
create or replace table mart_reporting_months as
with final as (
    select month, count(distinct initiative_id) as reporting_initiatives
    from stg_data_months
    group by month
)

select * from final order by month
