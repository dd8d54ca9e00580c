-- The export's JSON document, without the `mlflow` envelope some exports wrap it in.
create or replace temp table {prefix}_doc as
with final as (
    select coalesce(doc -> 'mlflow', doc) as body
    from (select content::json as doc from read_text($path))
)

select * from final
