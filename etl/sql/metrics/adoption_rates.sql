-- Adoption rate per month (and per initiative and month) over the initiatives of S that
-- have an adoption row or usage events in the month and more than 0 eligible users; the
-- rows whose initiative_id is null are the program's.
create or replace temp table adoption_rates as
with final as (
    select
        initiative_id,
        month,
        sum(active_users) / sum(eligible_users) as adoption_rate
    from mart_initiative_month
    where has_activity
      and list_contains($months, month)
      and eligible_users > 0
      and initiative_id in (select initiative_id from selected)
    group by grouping sets ((initiative_id, month), (month))
)

select * from final
