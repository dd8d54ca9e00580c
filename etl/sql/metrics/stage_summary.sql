-- initiatives_by_stage (S, not retired, by stage(i, as_of_date)) and
-- pilot_to_production_rate (of S with an entry of a ranked stage by as_of_date, the share
-- whose history has reached a rank of 2, Operationalization, or more).
with by_stage as (
    select o.stage, o.stage_rank, count(s.initiative_id) as initiatives
    from stage_order as o
    left join selected as s on s.stage = o.stage and s.status <> 'retired'
    group by o.stage, o.stage_rank
),

final as (
    select
        list(struct_pack(stage := stage, n := initiatives) order by stage_rank)
            as initiatives_by_stage,
        (
            select avg(case when highest_stage_rank >= 2 then 1.0 else 0.0 end)
            from selected
            where highest_stage_rank is not null
        ) as pilot_to_production_rate
    from by_stage
)

select * from final
