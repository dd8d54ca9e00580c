-- The file as newline-delimited JSON: one document per record.
create or replace temp table {prefix}_docs as
with final as (
    select row_number() over () as doc_row, json as doc
    from read_json_objects($path, format = 'newline_delimited')
)

select * from final
