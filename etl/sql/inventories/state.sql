-- Each inventory use case's current state: its latest inventory's attributes, the stage
-- of its last history entry, and its status: `retired` when an inventory later than its
-- latest one holds loaded rows of its agency but not this use case (`retired_since`, the
-- first such inventory); a later inventory with no loaded row of its agency says nothing,
-- so the use case keeps its state (`is_unreported_since`).
create or replace temp table inventory_state as
with latest as (
    select * from inventory_runs
    qualify seq = max(seq) over (partition by initiative_id)
),

started as (
    select initiative_id, arg_max(started_on, inventory_year) as started_on
    from inventory_sightings
    where started_on is not null
    group by all
),

current_entry as (
    select * from inventory_entries
    qualify k = max(k) over (partition by initiative_id)
),

reporting as (
    select distinct business_unit, inventory_year from inventory_sightings
),

later as (
    select
        l.initiative_id,
        min(y.inventory_year) filter (where r.business_unit is not null) as retired_since,
        bool_or(r.business_unit is null) as is_unreported_since
    from latest as l
    join (select distinct inventory_year from inventory_sightings) as y
        on y.inventory_year > l.inventory_year
    left join reporting as r
        on r.business_unit = l.business_unit and r.inventory_year = y.inventory_year
    group by all
),

final as (
    select
        l.initiative_id,
        l.name,
        l.business_unit,
        l.program_owner,
        l.risk_tier,
        s.started_on,
        e.stage,
        e.entered_on as stage_entered_on,
        e.is_estimated,
        a.retired_since,
        coalesce(a.is_unreported_since and a.retired_since is null, false)
            as is_unreported_since,
        case when a.retired_since is not null then 'retired' else coalesce(l.status, 'active') end
            as status,
        nullif(concat_ws(
            ' ',
            l.description,
            case when e.is_estimated then
                'Stage date estimated: ' || strftime(e.entered_on, '%Y-%m-%d') || ', the '
                || e.inventory_year || ' inventory''s as-of date (' || case
                    when e.stage_date is null then 'the source gives none'
                    else 'the source''s ' || strftime(e.stage_date, '%Y-%m-%d')
                        || ' is not after the stage history'
                end || ').'
            end,
            case when a.retired_since is not null then
                'Retired since the ' || a.retired_since || ' inventory: ' || l.business_unit
                || ' reported other use cases in it, not this one (last reported in the '
                || l.inventory_year || ' inventory).'
            end
        ), '') as description
    from latest as l
    join current_entry as e using (initiative_id)
    left join started as s using (initiative_id)
    left join later as a using (initiative_id)
)

select * from final
