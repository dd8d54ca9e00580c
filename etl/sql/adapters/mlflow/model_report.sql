-- Where each run's model name came from.
with final as (
    select model_from, model, count(*) as runs
    from {prefix}_runs
    group by all
)

select * from final
order by model_from, model
