-- What this inventory says of each use case it passes on, beyond its initiatives row:
-- kept in `inventory_sightings` for the rows the load stores (etl/inventories.py), to
-- resolve the use cases' state and stage history across inventories.
create or replace temp table {prefix}_sightings as
with final as (
    select _source_row, inventory_year, as_of, stage, stage_date, mapped_status as status
    from {prefix}_dated
)

select * from final
