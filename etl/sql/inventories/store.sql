-- The sightings of the rows this load stored from one inventory file (`{sightings}`, the
-- adapter's table, joined to the stored initiatives row by load, file and row).
create or replace temp table new_sightings as
with final as (
    select
        i.initiative_id,
        t.inventory_year,
        t.as_of,
        i.business_unit,
        i.name,
        t.stage,
        t.stage_date,
        t.status,
        i.program_owner,
        i.risk_tier,
        i.started_on,
        i.description,
        i.load_id,
        i.source_file,
        i.row_number,
        t.is_name_unique
    from {sightings} as t
    join initiatives as i
        on i.load_id = $load_id and i.source_file = $source_file and i.row_number = t._source_row
)

select * from final
