-- The keys of the first record, which tell what the records are.
with final as (
    select json_keys(record) as keys from {prefix}_records order by _source_row limit 1
)

select * from final
