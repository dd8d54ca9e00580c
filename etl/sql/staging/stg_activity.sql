-- active_users(i, m) and eligible_users(i, m): from usage events where an initiative has
-- events in the month (eligible from its adoption row, else its target_users), else from
-- its adoption row. No row: no figure.
create or replace view stg_activity as
with final as (
    select
        coalesce(e.initiative_id, a.initiative_id) as initiative_id,
        coalesce(e.month, a.month) as month,
        coalesce(e.active_users, a.active_users) as active_users,
        case
            when e.initiative_id is not null then coalesce(a.eligible_users, i.target_users)
            else a.eligible_users
        end as eligible_users,
        e.initiative_id is not null as is_from_events
    from usage_monthly_active as e
    full outer join stg_adoption as a
        on a.initiative_id = e.initiative_id and a.month = e.month
    left join initiatives as i
        on i.initiative_id = coalesce(e.initiative_id, a.initiative_id)
)

select * from final
