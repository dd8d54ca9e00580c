-- How the ids and dates of the rows passed on were made, for the load's warnings.
with final as (
    select
        count(*) filter (where id_origin = 'missing') as missing,
        count(*) filter (where id_origin = 'duplicate') as duplicate,
        count(distinct upper(own_id)) filter (where id_origin = 'duplicate') as duplicate_ids,
        count(*) filter (where starts_with(initiative_id, base_id || '-')) as numbered,
        count(*) filter (where id_origin = 'matched') as matched,
        count(*) filter (where own_id is distinct from source_id) as prefixed,
        coalesce(sum(copies - 1), 0) as copies,
        count(*) filter (where is_id_normalised) as normalised,
        coalesce(sum(implausible_dates), 0) as implausible_dates
    from {prefix}_dated
)

select * from final
