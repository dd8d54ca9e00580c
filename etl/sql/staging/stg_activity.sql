-- active_users(i, m) and eligible_users(i, m): from usage events where an initiative has
-- events in the month (eligible from its adoption row, else the seats that existed in the
-- month, else its target_users), else from its adoption row. No row: no figure.
create or replace view stg_activity as
with seats as (
    select initiative_id, month, arg_max(eligible_users, report_date) as eligible_users
    from adoption_reports
    where report_kind = 'seats'
    group by initiative_id, month
),

final as (
    select
        coalesce(e.initiative_id, a.initiative_id) as initiative_id,
        coalesce(e.month, a.month) as month,
        coalesce(e.active_users, a.active_users) as active_users,
        case
            when e.initiative_id is not null
                then coalesce(a.eligible_users, s.eligible_users, i.target_users)
            else a.eligible_users
        end as eligible_users,
        e.initiative_id is not null as is_from_events
    from usage_monthly_active as e
    full outer join stg_adoption as a
        on a.initiative_id = e.initiative_id and a.month = e.month
    left join seats as s on s.initiative_id = e.initiative_id and s.month = e.month
    left join initiatives as i
        on i.initiative_id = coalesce(e.initiative_id, a.initiative_id)
)

select * from final
