-- A registered-model or model-version export: one run per version (its metrics are there
-- only when the version carries its run).
create or replace temp table {prefix}_runs as
with model as (
    select
        coalesce(body -> 'registered_model', body -> 'model_version') as m,
        case when (body -> 'registered_model') is null then [body -> 'model_version']
            else from_json(coalesce(
                body -> '$.registered_model.versions',
                body -> '$.registered_model.latest_versions', '[]'), '["json"]')
        end as versions
    from {prefix}_doc
),

versions as (
    select
        m ->> 'name' as model, unnest(versions) as v, generate_subscripts(versions, 1) as run_no
    from model
),

runs as (select *, coalesce(v -> 'run', v) as run from versions),

final as (
    select
        run_no, model, 'registered model' as model_from, v ->> 'version' as version,
        coalesce(run ->> '$.info.run_id', v ->> 'run_id') as run_id,
        run ->> '$.info.status' as status,
        run ->> '$.info.lifecycle_stage' as lifecycle,
        coalesce(run -> 'metrics', run -> '$.data.metrics') as metrics,
        try_cast(coalesce(
            run ->> '$.info.end_time', v ->> 'creation_timestamp'
        ) as bigint) as fallback_ms
    from runs
)

select * from final
