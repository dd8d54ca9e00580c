-- initiatives_by_stage (S, not retired, by stage(i, as_of_date)) and
-- pilot_to_production_rate (of S with an entry by as_of_date, the share ever at scale).
with history as (
    select e.initiative_id, max(e.stage_rank) as highest_rank
    from stg_stage_entries as e
    where e.entered_on <= $as_of_date::date and e.stage_rank is not null
      and e.initiative_id in (select initiative_id from selected)
    group by e.initiative_id
),

by_stage as (
    select o.stage, o.stage_rank, count(s.initiative_id) as initiatives
    from stage_order as o
    left join selected as s on s.stage = o.stage and s.status <> 'retired'
    group by o.stage, o.stage_rank
),

final as (
    select
        list(struct_pack(stage := stage, n := initiatives) order by stage_rank)
            as initiatives_by_stage,
        (select avg(case when highest_rank >= 2 then 1.0 else 0.0 end) from history)
            as pilot_to_production_rate
    from by_stage
)

select * from final
