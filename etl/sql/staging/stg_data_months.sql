-- Every (initiative, month) with an adoption row, a cost row, an outcome row or usage events:
-- the one definition of "an initiative reporting in a month" (readiness, model metrics and
-- roadmap rows do not count). n(m) of METRICS.md counts its initiatives per month.
create or replace view stg_data_months as
with final as (
    select initiative_id, month from stg_adoption
    union
    select initiative_id, month from costs
    union
    select initiative_id, month from outcomes
    union
    select initiative_id, month from usage_monthly_active
)

select * from final
