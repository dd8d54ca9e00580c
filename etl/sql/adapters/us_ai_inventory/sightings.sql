-- What this inventory says of each use case it passes on, beyond its initiatives row:
-- kept in `inventory_sightings` for the rows the load stores (etl/inventories.py), to
-- resolve the use cases' state and stage history across inventories, and to match later
-- loads by (agency, name) when no other row of the file has that name (`is_name_unique`).
create or replace temp table {prefix}_sightings as
with final as (
    select
        _source_row,
        inventory_year,
        as_of,
        stage,
        stage_date,
        mapped_status as status,
        coalesce(name_rows = 1, false) as is_name_unique
    from {prefix}_dated
)

select * from final
