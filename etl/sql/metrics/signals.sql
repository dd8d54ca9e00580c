-- Every signal per initiative of S. The signal lists never hold retired initiatives
-- (stalled pilot, no executive owner, a decaying model); the gate holds every initiative:
-- its blockers are the dimensions below the minimum, plus ownership without a sponsor,
-- business_case when the business case is at risk and mlops when a model decays past
-- the alert, whatever the scores and the status. Only an active initiative with a stage
-- before the last one is ready for the next stage or not.
create or replace temp table signals as
with decay as (
    select
        initiative_id,
        bool_or(is_past_alert) as is_past_alert,
        bool_or(is_decaying) as has_decaying_model
    from model_decay
    group by initiative_id
),

causes as (
    select
        s.initiative_id,
        s.status,
        s.stage,
        coalesce(
            s.status = 'active'
            and s.stage = 'Experimentation'
            and s.days_in_stage > $stalled_after_days,
            false
        ) as is_stalled_pilot,
        coalesce(trim(s.executive_sponsor), '') = '' as has_blank_sponsor,
        coalesce(d.has_decaying_model, false) as has_decaying_model,
        coalesce(d.is_past_alert, false) as is_past_alert,
        p.business_case_at_risk,
        r.readiness_score,
        r.not_assessed,
        r.dimensions_below_minimum
    from selected as s
    left join decay as d using (initiative_id)
    left join projections as p using (initiative_id)
    left join readiness_scores as r using (initiative_id)
),

blockers as (
    select
        *,
        list_sort(list_distinct(list_concat(
            dimensions_below_minimum,
            case when has_blank_sponsor then ['ownership'] else [] end,
            case when business_case_at_risk then ['business_case'] else [] end,
            case when is_past_alert then ['mlops'] else [] end
        ))) as gate_blockers
    from causes
),

explained as (
    -- Why each blocker holds: the evidence of a signal first, else the assessment.
    select
        *,
        list_transform(gate_blockers, lambda cause: struct_pack(
            cause := cause,
            reason := case
                when (cause = 'ownership' and has_blank_sponsor)
                    or (cause = 'business_case' and coalesce(business_case_at_risk, false))
                    or (cause = 'mlops' and is_past_alert) then 'signal'
                when list_contains(not_assessed, cause) then 'not_assessed'
                else 'below_minimum'
            end
        )) as gate_blocker_reasons
    from blockers
),

final as (
    select
        initiative_id,
        status,
        is_stalled_pilot,
        has_blank_sponsor and status <> 'retired' as has_no_executive_owner,
        has_decaying_model,
        business_case_at_risk,
        readiness_score,
        not_assessed,
        gate_blockers,
        gate_blocker_reasons,
        case
            when status <> 'active' or stage is null or stage = 'Enterprise Transformation'
                then null
            else len(gate_blockers) = 0
        end as ready_for_next_stage
    from explained
)

select * from final order by initiative_id
