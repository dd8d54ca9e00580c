-- The records that do not parse, and the groups whose credits exceed their charges.
create or replace temp table {prefix}_rejects as
with bad_records as (
    select
        _source_row,
        problems[1].column_name as column_name,
        problems[1].value as value,
        array_to_string(list_transform(problems, lambda p: p.reason), '; ') as reason,
        1::bigint as _weight
    from {prefix}_rows
    where problems is not null
),

negative_groups as (
    select
        first_row as _source_row,
        'amount' as column_name,
        net::decimal(38, 12)::varchar as value,
        'the net amount ' || net::decimal(38, 12)::varchar || ' ' || currency
        || ' of initiative ' || initiative_id || ', month ' || strftime(month, '%Y-%m')
        || ', category ' || category || ', source ' || source || ' (' || records
        || ' rows, the first at row ' || first_row
        || ') is negative: its credits and refunds exceed its charges' as reason,
        records as _weight
    from {prefix}_groups
    where net < 0
),

final as (
    select * from bad_records
    union all
    select * from negative_groups
)

select * from final
