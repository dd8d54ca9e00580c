-- How many documents the file holds, and the JSON type and keys of one of them.
with final as (
    select count(*) as docs, any_value(json_type(doc)) as kind, any_value(json_keys(doc)) as keys
    from {prefix}_docs
)

select * from final
