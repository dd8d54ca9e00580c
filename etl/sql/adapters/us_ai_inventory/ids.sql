-- Each use case's initiative id: a stored initiative's when the file's id finds one, else
-- the use case of another inventory year whose (agency, name) is, like this row's, unique
-- in its file (`inventory_sightings.is_name_unique`), else the file's own (agency-prefixed)
-- id when it is unique, else `<AGENCY>-<year>-<8 hex of md5(agency|name|bureau)>`,
-- numbered when that repeats. Which rows are one use case thus depends on the set of
-- loaded inventories alone; only which year's id it keeps depends on the load order.
create or replace temp table {prefix}_ids as
with prefixed as (
    select
        *,
        case
            when source_id is null then null
            when starts_with(upper(source_id), upper(agency_value))
                or starts_with(upper(source_id), upper(agency)) then source_id
            else agency || '-' || source_id
        end as own_id,
        lower(name) as name_key
    from {prefix}_rows
),

counted as (
    select
        *,
        case when own_id is not null then count(*) over (partition by upper(own_id)) end
            as id_rows,
        case when name_key is not null then count(*) over (partition by agency, name_key) end
            as name_rows,
        coalesce(agency, 'NA') || '-' || $year || '-'
            || md5(concat_ws('|', agency, name_key, lower(bureau)))[1:8] as base_id
    from prefixed
),

reused as (  -- an id the file shares with a stored initiative: the same use case again
    select c._source_row, i.initiative_id
    from counted as c
    join initiatives as i on upper(i.initiative_id) = upper(c.own_id)
    where c.id_rows = 1
),

named as (  -- the one use case holding another inventory's rows of (agency, name), each
    -- the only row of that name in its agency and file: a name one inventory repeats
    -- stays out, whichever year was loaded first, so a later load never splits a match
    select
        business_unit,
        lower(regexp_replace(trim(name), '\s+', ' ', 'g')) as name_key,
        any_value(initiative_id) as initiative_id
    from inventory_sightings
    where is_name_unique and inventory_year <> $year::integer
    group by all
    having count(distinct initiative_id) = 1
),

matched as (
    select c._source_row, n.initiative_id
    from counted as c
    join named as n on n.business_unit = c.agency and n.name_key = c.name_key
    where c.name_rows = 1
        and c._source_row not in (select _source_row from reused)
        and n.initiative_id not in (select initiative_id from reused)
),

chosen as (
    select
        c.*,
        coalesce(r.initiative_id, m.initiative_id, case when c.id_rows = 1 then c.own_id end)
            as kept_id,
        case
            when r.initiative_id is not null then 'stored'
            when m.initiative_id is not null then 'matched'
            when c.id_rows = 1 then 'own'
            when c.own_id is not null then 'duplicate'
            else 'missing'
        end as id_origin
    from counted as c
    left join reused as r using (_source_row)
    left join matched as m using (_source_row)
),

final as (
    select
        * exclude (kept_id),
        coalesce(kept_id, base_id || case
            when count(*) over (partition by base_id, kept_id is null) > 1
                then '-' || row_number() over (
                    partition by base_id, kept_id is null order by _source_row
                )
            else ''
        end) as initiative_id
    from chosen
)

select * from final
