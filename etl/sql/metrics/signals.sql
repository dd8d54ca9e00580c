-- The per-initiative signals of S that need no time series: stalled pilot, no executive owner.
with final as (
    select
        initiative_id,
        status <> 'retired'
            and status = 'active'
            and stage = 'Experimentation'
            and days_in_stage > $stalled_after_days as is_stalled_pilot,
        status <> 'retired'
            and coalesce(trim(executive_sponsor), '') = '' as has_no_executive_owner
    from selected
)

select * from final order by initiative_id
