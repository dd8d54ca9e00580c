-- The per-user report typed: each user's refresh month, whether its last activity falls in
-- that month, and the first problem of a record that cannot count.
create or replace temp table {prefix}_users as
with typed as (
    select
        _source_row,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(refreshed), '') as refreshed,
        nullif(trim(last_activity), '') as last_activity,
        try_cast(nullif(trim(refreshed), '') as date) as refreshed_on,
        try_cast(nullif(trim(last_activity), '') as date) as last_on
    from {prefix}_users_read
),

final as (
    select
        *,
        date_trunc('month', refreshed_on)::date as month,
        date_trunc('month', last_on) = date_trunc('month', refreshed_on) as is_active,
        case
            when user_id is null
                then ['User Principal Name', null, 'User Principal Name is blank']
            when refreshed_on is null then ['Report Refresh Date', refreshed,
                'Report Refresh Date ' || coalesce(refreshed, '(blank)') || ' is not a date']
            when last_activity is not null and last_on is null then ['Last Activity Date',
                last_activity, 'Last Activity Date ' || last_activity || ' is not a date']
        end as problem
    from typed
)

select * from final
