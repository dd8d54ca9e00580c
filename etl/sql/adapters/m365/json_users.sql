-- A beta JSON per-user report's users.
create or replace temp table {prefix}_users_read as
with doc as (select content::json as j from read_text($path)),

users as (select unnest(from_json(j -> 'value', '["json"]')) as u from doc),

final as (
    select
        row_number() over () as _source_row,
        u ->> 'userPrincipalName' as user_id,
        u ->> 'reportRefreshDate' as refreshed,
        u ->> 'lastActivityDate' as last_activity
    from users
)

select * from final
