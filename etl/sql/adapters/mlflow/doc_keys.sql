-- How many documents the file holds, and the top-level keys of one.
with final as (
    select count(*) as docs, any_value(json_keys(body)) as keys from {prefix}_doc
)

select * from final
