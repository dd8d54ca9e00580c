-- The account and billing periods of the file: their stored cost rows (of every currency)
-- are replaced.
with final as (
    select distinct account_period from {prefix}_rows where account_period is not null
)

select * from final
order by account_period
