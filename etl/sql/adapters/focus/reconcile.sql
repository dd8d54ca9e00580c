-- The ledger of one cost export as stored: a group the loader rejected (no fx rate, ...) is
-- unallocated with the reason `rejected: <why>`. Parameters: the load id and source file.
insert into cost_reconciliation
with rejected as (
    select row_number, min(reason) as reason
    from rejects
    where load_id = $load_id and source_file = $source_file and entity = 'costs'
    group by row_number
),

final as (
    select
        $load_id as load_id,
        $source_file as source_file,
        l.billing_month as billing_period,
        l.currency,
        case when r.reason is not null then 'unallocated' else l.outcome end as outcome,
        case when r.reason is not null then 'rejected: ' || r.reason else l.reason end
            as reason,
        sum(l.amount) as amount,
        sum(l.source_rows) as source_rows
    from {ledger} as l
    left join rejected as r on l.outcome = 'allocated' and r.row_number = l.first_row
    group by all
)

select * from final
