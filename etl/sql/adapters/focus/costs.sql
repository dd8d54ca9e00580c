-- Contract cost rows (as text) of the groups whose net is not negative, in file order.
create or replace temp table {prefix}_costs as
with final as (
    select
        initiative_id as _raw_initiative_id,
        strftime(month, '%Y-%m') as _raw_month,
        category as _raw_category,
        net::varchar as _raw_amount,
        currency as _raw_currency,
        source as _raw_source,
        first_row as _source_row,
        records as _weight
    from {prefix}_groups
    where net >= 0
)

select * from final
order by _source_row
