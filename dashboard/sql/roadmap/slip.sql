-- Plan against actual, per planned stage and per initiative of S, as of the as-of date.
-- A stage's slip: its planned end against its actual end (the next stage entry after it);
-- while the initiative is still in it, the as-of date once past the planned end (0 before);
-- a planned stage not entered yet whose planned start has passed slips by as-of - start.
-- An initiative's slip: that of its latest planned stage (by planned start) that has one.
-- Parameters in order: the ids of S, as_of_date, as_of_date, as_of_date, as_of_date, the
-- ids of S.
with entries as (
    select
        initiative_id, stage, entered_on,
        lead(entered_on) over (partition by initiative_id order by entered_on) as next_on
    from stage_entries
    where initiative_id in (select unnest(?)) and entered_on <= ?
),

spans as (
    select
        initiative_id, stage, min(entered_on) as entered_on,
        max(next_on) filter (where next_on is not null) as left_on,
        bool_or(next_on is null) as is_current
    from entries
    group by all
),

stage_slip as (
    select
        r.initiative_id, r.stage, r.planned_start, r.planned_end,
        case
            when s.is_current then greatest(?::date - r.planned_end, 0)
            when s.entered_on is not null then s.left_on - r.planned_end
            when r.planned_start < ?::date then ?::date - r.planned_start
        end as stage_slip_days
    from roadmap as r
    left join spans as s using (initiative_id, stage)
    where r.initiative_id in (select unnest(?))
),

final as (
    select
        initiative_id,
        arg_max(stage_slip_days, planned_start) filter (
            where stage_slip_days is not null
        ) as slip_days
    from stage_slip
    group by initiative_id
)

select * from final order by initiative_id
