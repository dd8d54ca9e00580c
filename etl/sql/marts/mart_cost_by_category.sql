-- Cost per initiative, month and category, in the reporting currency.
create or replace table mart_cost_by_category as
with final as (
    select initiative_id, month, category, sum(cost_rc) as cost_rc
    from stg_costs
    group by all
)

select * from final order by initiative_id, month, category
