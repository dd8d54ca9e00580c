-- What each stage value mapped to (NULL: no stage), most frequent first.
with final as (
    select stage_value, any_value(mapped_stage) as stage, sum(copies) as row_count
    from {prefix}_rows
    group by all
)

select * from final
order by row_count desc, stage_value
