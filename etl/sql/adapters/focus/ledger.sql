-- Where every unit of the cost column went, per billing period (as written) and currency:
-- `allocated` (a cost row: `first_row` names it, so the loader's rejects can move it to
-- unallocated), `unallocated` with its reason, or `unparsed` (no amount: counted, no sum).
-- Amounts are exact decimals summed over groups, never over floats.
create or replace temp table {prefix}_ledger as
with classified as (
    select
        r.billing_month,
        r.currency_key,
        r.amount,
        case
            when r.amount is null then 'unparsed'
            when r.problems is not null then 'unallocated'
            when r.initiative_id is null then 'unallocated'
            when g.net < 0 then 'unallocated'
            else 'allocated'
        end as outcome,
        case
            when r.amount is null then 'unparseable: the cost column is blank or not a number'
            when r.problems is not null then 'unparseable: '
                || array_to_string(list_transform(r.problems, lambda p: p.reason), '; ')
            when r.initiative_id is null then r.unallocated_reason
            when g.net < 0 then 'negative net: credits exceed charges'
        end as reason,
        case when r.problems is null and g.net >= 0 then g.first_row end as first_row
    from {prefix}_rows as r
    left join {prefix}_groups as g
        on g.initiative_id = r.initiative_id and g.month = r.month
        and g.category = r.category and g.source = r.source
),

final as (
    select
        billing_month, currency_key as currency, outcome, reason, first_row,
        coalesce(sum(amount), 0)::decimal(38, 18) as amount, count(*) as source_rows
    from classified
    group by all
)

select * from final
