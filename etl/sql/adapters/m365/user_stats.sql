-- Records, active users, never-used users and the latest refresh date of the report.
with final as (
    select
        count(*) as records,
        count(*) filter (where problem is null and is_active) as active,
        count(*) filter (where problem is null and last_on is null) as never_used,
        strftime(max(refreshed_on), '%Y-%m-%d') as refreshed
    from {prefix}_users
)

select * from final
