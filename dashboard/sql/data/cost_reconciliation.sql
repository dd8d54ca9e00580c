-- Per cost export of each load, billing period and currency: where the cost column went
-- (amounts in that currency), and why the unallocated part is unallocated, largest first. A
-- negative unallocated amount is credits no initiative claims, or credits that exceed an
-- initiative's charges: the explanation says so.
with reasons as (
    select
        load_id, source_file, billing_period, currency,
        string_agg(
            reason || ': ' || printf('%.2f', amount::double) || ' (' || source_rows || ' rows)',
            '; ' order by abs(amount) desc, reason
        ) as reasons
    from cost_reconciliation
    where outcome = 'unallocated'
    group by all
),

totals as (
    select
        load_id, source_file, billing_period, currency,
        sum(amount) filter (where outcome <> 'unparsed')::double as source_total,
        coalesce(sum(amount) filter (where outcome = 'allocated'), 0)::double as allocated,
        coalesce(sum(amount) filter (where outcome = 'unallocated'), 0)::double as unallocated,
        coalesce(sum(source_rows) filter (where outcome = 'unparsed'), 0) as unparsed_rows
    from cost_reconciliation
    group by all
),

final as (
    select
        t.load_id, t.source_file, t.billing_period, t.currency, t.source_total, t.allocated,
        t.unallocated, t.unparsed_rows,
        case
            when t.unallocated < 0 then 'negative: credits no initiative claims exceed the '
                || 'unallocated charges. '
            else ''
        end || coalesce(r.reasons, '') as why_unallocated
    from totals as t
    left join reasons as r using (load_id, source_file, billing_period, currency)
)

select * from final
order by load_id desc, source_file, billing_period nulls last, currency
limit ?
