-- One initiative's row, with the dates of its stage entries that the source does not give
-- (origin `estimated`, an inventory's as-of date).
-- Parameters in order: the estimated origin, the initiative id.
select
    i.* exclude (load_id, source_file, row_number),
    coalesce(
        (
            select list(e.entered_on order by e.entered_on)
            from stage_entries as e
            where e.initiative_id = i.initiative_id and e.origin = ?
        ),
        []
    ) as estimated_dates
from initiatives as i
where i.initiative_id = ?
