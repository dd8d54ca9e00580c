-- What each value of the initiative tag mapped to (NULL: no initiative).
with final as (
    select tag_value, min(initiative_id) as initiative_id, count(*) as row_count
    from {prefix}_rows
    where problems is null
    group by tag_value
)

select * from final
order by tag_value nulls first
