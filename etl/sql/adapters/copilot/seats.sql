-- The seat list, dated by its latest timestamp (the list carries no date of its own); each
-- seat existed from the month of its created_at (the list's month when it has none).
create or replace temp table {prefix}_seats as
with seats as (
    select
        _source_row,
        nullif(lower(trim(record ->> '$.assignee.login')), '') as login,
        try_cast(record ->> 'last_activity_at' as timestamptz) at time zone 'UTC' as active_at,
        try_cast(record ->> 'created_at' as timestamptz) at time zone 'UTC' as created_at,
        greatest(
            try_cast(record ->> 'created_at' as timestamptz),
            try_cast(record ->> 'updated_at' as timestamptz),
            try_cast(record ->> 'last_activity_at' as timestamptz)
        ) at time zone 'UTC' as seen_at,
        total_seats
    from {prefix}_records
),

final as (
    select *, (select date_trunc('month', max(seen_at)) from seats)::date as month from seats
)

select * from final
