-- What this inventory says of each use case it passes on: the stage its own dates support
-- (a use case reported retired takes Operationalization when it has a date implemented,
-- else the mapping's stage; `etl/sql/inventories` gives one seen before its earlier stage)
-- and that stage's date in the file, or, when the source gives none, the inventory's as-of
-- date `$as_of`, 31 December of its year, never a date earlier than the evidence
-- (`is_estimated` says so). The stage history across inventories is resolved after the
-- load from every inventory's sightings, whatever the order they were loaded in.
create or replace temp table {prefix}_dated as
with evidenced as (
    select
        *,
        case
            when mapped_status is not distinct from 'retired'
                and stage_dates['Operationalization'] is not null
                then 'Operationalization'
            else mapped_stage
        end as stage
    from {prefix}_ids
    where mapped_stage is not null
),

final as (
    select
        *,
        stage_dates[stage] as stage_date,
        coalesce(stage_dates[stage], $as_of::date) as entered_on,
        stage_dates[stage] is null as is_estimated,
        $year::integer as inventory_year,
        $as_of::date as as_of
    from evidenced
)

select * from final
