-- One row per record: the elements of the envelope's container key (or of a top-level
-- array), or each document itself (newline-delimited records), numbered in file order.
create or replace temp table {prefix}_records as
with lists as (
    select
        doc_row,
        case
            when $container is not null
                then from_json(coalesce(doc -> cast($container as varchar), '[]'), '["json"]')
            when $is_array then from_json(doc, '["json"]')
            else [doc]
        end as items,
        doc ->> 'report_start_day' as start_day,
        doc ->> 'report_end_day' as end_day,
        doc ->> 'total_seats' as total_seats
    from {prefix}_docs
),

items as (
    select
        doc_row, unnest(items) as record, generate_subscripts(items, 1) as item,
        start_day, end_day, total_seats
    from lists
),

final as (
    select
        row_number() over (order by doc_row, item) as _source_row,
        * exclude (doc_row, item)
    from items
)

select * from final
