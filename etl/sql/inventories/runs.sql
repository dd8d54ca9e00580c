-- Each sighting of an inventory use case in inventory-year order, with the stage it stands
-- for: its own, except that a use case reported retired after an earlier sighting keeps
-- the stage it had (`resolved_stage`); `starts_entry` marks a change of stage.
create or replace temp table inventory_runs as
with ordered as (
    select
        *,
        row_number() over (partition by initiative_id order by inventory_year) as seq
    from inventory_sightings
),

own as (
    select
        *,
        case when status is not distinct from 'retired' and seq > 1 then null else stage end
            as own_stage
    from ordered
),

resolved as (
    select
        *,
        last_value(own_stage ignore nulls) over (
            partition by initiative_id order by seq
            rows between unbounded preceding and current row
        ) as resolved_stage
    from own
),

final as (
    select
        *,
        resolved_stage is distinct from lag(resolved_stage) over (
            partition by initiative_id order by seq
        ) as starts_entry
    from resolved
)

select * from final
