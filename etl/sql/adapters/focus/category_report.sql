-- What each ServiceCategory / ChargeCategory pair mapped to (NULL: no row of the map matched).
with pairs as (
    select
        coalesce(min(service_category), '(blank)') || ' / '
        || coalesce(min(charge_category), '(blank)') as source_value,
        case when bool_and(category_unmapped) then null else min(category) end as mapped_to,
        count(*) as row_count
    from {prefix}_rows
    where problems is null
    group by lower(trim(service_category)), lower(trim(charge_category))
),

final as (
    select source_value, mapped_to, row_count from pairs
)

select * from final
order by source_value
