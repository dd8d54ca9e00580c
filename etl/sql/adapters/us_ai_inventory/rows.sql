-- The use cases with their agency (through the agency map) and stage and status (through
-- the stage map); `is_mapped` says whether the stage value is in the map at all.
create or replace temp table {prefix}_rows as
with keyed as (
    select s.*, coalesce(a.target, s.agency_value) as agency
    from {prefix}_source as s
    left join {prefix}_agencies as a on a.source_key = lower(s.agency_value)
),

final as (
    select k.*, m.stage as mapped_stage, m.status as mapped_status, m.source_key is not null
        as is_mapped
    from keyed as k
    left join {prefix}_stages as m on m.source_key = lower(k.stage_value)
)

select * from final
