-- The file as one JSON document (a report envelope or an array of records); no row when
-- it is not one valid JSON document.
create or replace temp table {prefix}_docs as
with final as (
    select 1 as doc_row, content::json as doc from read_text($path) where json_valid(content)
)

select * from final
