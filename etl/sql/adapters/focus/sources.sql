-- The cost sources of the file (account and billing period): their stored rows are replaced.
with final as (
    select distinct source from {prefix}_rows where source is not null
)

select * from final
order by source
