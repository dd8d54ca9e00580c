-- A run export: one run. Its model is the registered_model_name tag, else the experiment
-- name, else `experiment <id>`, else the run name (`model_from` says which).
create or replace temp table {prefix}_runs as
with run as (
    select body -> 'info' as info, body -> 'tags' as tags, body -> 'metrics' as metrics
    from {prefix}_doc
),

named as (
    select
        *,
        case
            when nullif(trim(tags ->> 'registered_model_name'), '') is not null
                then ['tag registered_model_name', trim(tags ->> 'registered_model_name')]
            when nullif(
                trim(tags ->> '$."mlflow_export_import.metadata.experiment_name"'), ''
            ) is not null
                then [
                    'experiment name',
                    trim(tags ->> '$."mlflow_export_import.metadata.experiment_name"')
                ]
            when (info ->> 'experiment_id') is not null
                then ['experiment id', 'experiment ' || (info ->> 'experiment_id')]
            else ['run name',
                coalesce(info ->> 'run_name', tags ->> '$."mlflow.runName"', info ->> 'run_id')]
        end as model_of
    from run
),

final as (
    select
        1 as run_no, model_of[2] as model, model_of[1] as model_from, null::varchar as version,
        info ->> 'run_id' as run_id, info ->> 'status' as status,
        info ->> 'lifecycle_stage' as lifecycle, metrics,
        try_cast(coalesce(info ->> 'end_time', info ->> 'start_time') as bigint) as fallback_ms
    from named
)

select * from final
