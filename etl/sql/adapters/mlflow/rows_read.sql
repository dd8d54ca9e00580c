-- Source records: every metric point, plus each run that logged none.
with final as (
    select
        (select count(*) from {prefix}_points)
        + (select count(*) from {prefix}_rejects where column_name = 'metrics') as records
)

select * from final
