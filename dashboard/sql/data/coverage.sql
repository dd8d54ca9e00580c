-- Per month of the window: the initiatives of S started by then, and how many of them
-- have cost, outcome and adoption figures for the month.
-- Parameters in order: window_from, window_to, the ids of S, the ids of S.
with months as (
    select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month
),

started as (
    select initiative_id, min(entered_on) as first_entry
    from stage_entries where initiative_id in (select unnest(?)) group by all
),

facts as (
    select * from mart_initiative_month where initiative_id in (select unnest(?))
),

final as (
    select
        m.month,
        count(distinct s.initiative_id) as started_count,
        count(distinct f.initiative_id) filter (where f.cost_rc is not null) as with_cost,
        count(distinct f.initiative_id) filter (where f.outcome_value_rc is not null)
            as with_outcomes,
        count(distinct f.initiative_id) filter (where f.has_activity) as with_adoption
    from months as m
    left join started as s on s.first_entry <= last_day(m.month)
    left join facts as f on f.month = m.month and f.initiative_id = s.initiative_id
    group by m.month
)

select * from final order by month
