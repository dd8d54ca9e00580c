-- One row per billing period and currency of a stored reconciliation: source_total is the
-- sum of the amounts that parse, allocated + unallocated = source_total (exact decimals).
with final as (
    select
        billing_period,
        currency,
        sum(amount) filter (where outcome <> 'unparsed') as source_total,
        coalesce(sum(amount) filter (where outcome = 'allocated'), 0) as allocated,
        coalesce(sum(amount) filter (where outcome = 'unallocated'), 0) as unallocated,
        coalesce(sum(source_rows) filter (where outcome = 'unparsed'), 0) as unparsed_rows
    from cost_reconciliation
    where load_id = $load_id and source_file = $source_file
    group by billing_period, currency
)

select * from final
order by billing_period nulls last, currency nulls last
