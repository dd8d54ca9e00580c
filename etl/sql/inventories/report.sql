-- Counts of the resolved inventory use cases, for the load's warnings.
with final as (
    select
        count(*) filter (where retired_since is not null) as retired_absent,
        count(*) filter (where is_unreported_since) as unreported,
        count(*) filter (where is_estimated) as estimated
    from inventory_state
)

select * from final
