"""`--format mlflow`: MLflow run and registered-model exports -> model_metrics.

Reads the JSON of `mlflow-export-import` (and the REST shapes): a run export (`run.json`:
`info`, `metrics{name: [{value, timestamp, step}]}`, `tags`, with or without the `mlflow`
envelope), a registered-model export (`registered_model.versions[]` or `latest_versions[]`;
a version's metrics are read when it carries its run) and a model-version export.

Each run gives, per metric, its final value (last step, then last timestamp), measured on
the UTC date of that point's timestamp (else the run's end time): the model's quality in that
run, not its training curve. Runs of one file that fall on the same model, metric and day keep
the last one (the contract would reject every row of a repeated key). The model is the run's
`registered_model_name` tag, else its experiment name, else `experiment <id>`, else its run
name; in a model export, the registered model's name. Whether a higher value is better comes
from `data/mappings/mlflow_metrics.csv` (metric, higher_is_better), matched on the whole name
or on a `_ . / -` separated prefix or suffix (`val_loss` -> `loss`); unknown metrics count as
higher-is-better and are reported as `true (default)`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.adapters.base import (
    AdapterError,
    AdapterOptions,
    Conversion,
    Converted,
    Mapping,
    mapping_table,
    read_mapping,
)
from etl.validate import quote_literal

_DOC = """
create or replace temp table {doc} as
select coalesce(doc -> 'mlflow', doc) as body
from (select content::json as doc from read_text(?))
"""

_RUN_MODEL = """
case
    when nullif(trim(tags ->> 'registered_model_name'), '') is not null
        then ['tag registered_model_name', trim(tags ->> 'registered_model_name')]
    when nullif(trim(tags ->> '$."mlflow_export_import.metadata.experiment_name"'), '') is not null
        then ['experiment name', trim(tags ->> '$."mlflow_export_import.metadata.experiment_name"')]
    when (info ->> 'experiment_id') is not null
        then ['experiment id', 'experiment ' || (info ->> 'experiment_id')]
    else ['run name',
        coalesce(info ->> 'run_name', tags ->> '$."mlflow.runName"', info ->> 'run_id')]
end
"""

_RUNS_OF_RUN = f"""
create or replace temp table {{runs}} as
with run as (
    select body -> 'info' as info, body -> 'tags' as tags, body -> 'metrics' as metrics
    from {{doc}}
),
named as (select *, {_RUN_MODEL} as model_of from run)
select
    1 as run_no, model_of[2] as model, model_of[1] as model_from, null::varchar as version,
    info ->> 'run_id' as run_id, info ->> 'status' as status,
    info ->> 'lifecycle_stage' as lifecycle, metrics,
    try_cast(coalesce(info ->> 'end_time', info ->> 'start_time') as bigint) as fallback_ms
from named
"""

_RUNS_OF_MODEL = """
create or replace temp table {runs} as
with model as (
    select
        coalesce(body -> 'registered_model', body -> 'model_version') as m,
        case when (body -> 'registered_model') is null then [body -> 'model_version']
            else from_json(coalesce(
                body -> '$.registered_model.versions',
                body -> '$.registered_model.latest_versions', '[]'), '["json"]')
        end as versions
    from {doc}
),
versions as (
    select
        m ->> 'name' as model, unnest(versions) as v, generate_subscripts(versions, 1) as run_no
    from model
),
runs as (select *, coalesce(v -> 'run', v) as run from versions)
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
"""

_POINTS = """
create or replace temp table {points} as
with by_name as (
    select r.* exclude (metrics), unnest(map_entries(metrics::map(varchar, json))) as entry
    from {runs} as r where json_type(metrics) = 'OBJECT'
),
named_lists as (
    select * exclude (entry), entry.key as metric,
        case when json_type(entry.value) = 'ARRAY' then from_json(entry.value, '["json"]')
            else [entry.value] end as points
    from by_name
),
listed as (
    select r.* exclude (metrics), null::varchar as metric, from_json(metrics, '["json"]') as points
    from {runs} as r where json_type(metrics) = 'ARRAY'
),
points as (
    select * exclude (points), unnest(points) as point, generate_subscripts(points, 1) as nth
    from (select * from named_lists union all by name select * from listed)
)
select
    row_number() over (order by run_no, metric, nth) as _source_row,
    * exclude (point, nth, metric),
    nullif(trim(coalesce(metric, point ->> 'key')), '') as metric,
    case when json_type(point) = 'OBJECT' then point ->> 'value' else point ->> '$' end as value,
    try_cast(point ->> 'timestamp' as bigint) as ts,
    try_cast(point ->> 'step' as bigint) as step
from points
"""

_PROBLEM = """
case
    when lifecycle = 'deleted'
        then ['lifecycle_stage', lifecycle, 'run ' || run_id || ' is deleted']
    when status is not null and upper(status) <> 'FINISHED'
        then ['status', status, 'run ' || run_id || ' has status ' || status
            || ', not FINISHED: its metrics are not a finished model''s']
    when metric is null then ['metric', null, 'the metric has no name']
end
"""

_REJECTS = f"""
create or replace temp table {{rejects}} as
select
    _source_row, problem[1] as column_name, problem[2] as value, problem[3] as reason,
    1 as _weight
from (select *, {_PROBLEM} as problem from {{points}})
where problem is not null
union all
select
    (select count(*) from {{points}}) + row_number() over (order by run_no) as _source_row,
    'metrics' as column_name, run_id as value,
    case when version is null then 'run ' || coalesce(run_id, '?') || ' logged no metrics'
        else 'model version ' || version || ' (run ' || coalesce(run_id, '?')
            || ') carries no metrics in this export; load its run.json'
    end as reason,
    1 as _weight
from {{runs}} as r
where not exists (select 1 from {{points}} as p where p.run_no = r.run_no)
"""

_ROWS = f"""
create or replace temp table {{table}} as
with good as (
    select * from {{points}} where {_PROBLEM} is null
),
per_run as (
    select
        model, metric, run_no,
        arg_max(value, {{{{'step': coalesce(step, -1), 'ts': coalesce(ts, -1)}}}}) as value,
        arg_max(ts, {{{{'step': coalesce(step, -1), 'ts': coalesce(ts, -1)}}}}) as ts,
        any_value(fallback_ms) as fallback_ms,
        min(_source_row) as _source_row,
        count(*) as _weight
    from good group by model, metric, run_no
),
dated as (
    select *, (to_timestamp(coalesce(ts, fallback_ms) / 1000) at time zone 'UTC')::date as day
    from per_run
),
per_day as (
    select
        model, metric, day,
        arg_max(value, {{{{'ts': coalesce(ts, fallback_ms, -1), 'run': run_no}}}}) as value,
        min(_source_row) as _source_row,
        sum(_weight) as _weight
    from dated group by model, metric, day
),
better as (
    select d.metric, arg_max(m.target, length(m.source_key)) as target
    from (select distinct metric from per_day) as d
    left join {{mapping}} as m
        on lower(d.metric) = m.source_key
        or (ends_with(lower(d.metric), m.source_key)
            and substr(lower(d.metric), length(d.metric) - length(m.source_key), 1)
                in ('_', '.', '/', '-'))
        or (starts_with(lower(d.metric), m.source_key)
            and substr(lower(d.metric), length(m.source_key) + 1, 1) in ('_', '.', '/', '-'))
    group by d.metric
)
select
    {{initiative}} as _raw_initiative_id,
    model as _raw_model,
    metric as _raw_metric,
    strftime(day, '%Y-%m-%d') as _raw_measured_on,
    value as _raw_value,
    null::varchar as _raw_baseline,
    coalesce(b.target, 'true') as _raw_higher_is_better,
    b.target is null as _default_direction,
    _source_row,
    _weight
from per_day left join better as b using (metric)
"""


def _shape(con: duckdb.DuckDBPyConnection, doc: str) -> str:
    row = con.execute(f"select count(*), any_value(json_keys(body)) from {doc}").fetchone()
    assert row is not None
    if int(row[0]) != 1:
        raise AdapterError("an MLflow export is one JSON document")
    keys = set(row[1] or [])
    if "registered_model" in keys or "model_version" in keys:
        return "model"
    if "info" in keys and ("metrics" in keys or "params" in keys):
        return "run"
    if keys & {"experiment", "experiments", "models", "runs"}:
        return "listing"
    raise AdapterError(
        "not an MLflow run, registered-model or model-version export "
        f"(top-level keys: {', '.join(sorted(keys)) or 'none'})"
    )


class Mlflow:
    name = "mlflow"
    produces: tuple[str, ...] = ("model_metrics",)
    summary = "MLflow run and registered-model exports (mlflow-export-import) -> model_metrics"
    example = "scaleboard load --format mlflow --initiative AI-0002 runs/*/run.json"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        if not options.initiative:
            raise AdapterError("--format mlflow needs --initiative ID (the model's initiative)")
        mapping = read_mapping("mlflow_metrics", options, ("metric", "higher_is_better"))
        doc, runs, points = f"{prefix}_doc", f"{prefix}_runs", f"{prefix}_points"
        try:
            con.execute(_DOC.format(doc=doc), [str(path)])
        except duckdb.Error as exc:
            raise AdapterError(f"not a JSON MLflow export: {str(exc).splitlines()[0]}") from None
        shape = _shape(con, doc)
        if shape == "listing":
            return Conversion(
                outputs=[],
                rows_read=0,
                notes=[
                    "an experiment or summary listing carries no metrics: load the "
                    "run.json (or model.json) files it lists"
                ],
            )
        query = _RUNS_OF_RUN if shape == "run" else _RUNS_OF_MODEL
        con.execute(query.format(runs=runs, doc=doc))
        con.execute(_POINTS.format(points=points, runs=runs))
        table, rejects, mapped = f"{prefix}_metrics", f"{prefix}_rejects", f"{prefix}_mapping"
        mapping_table(con, mapped, mapping)
        con.execute(_REJECTS.format(rejects=rejects, points=points, runs=runs))
        con.execute(
            _ROWS.format(
                table=table,
                points=points,
                mapping=mapped,
                initiative=quote_literal(options.initiative),
            )
        )
        [(rows,)] = con.execute(
            f"select (select count(*) from {points}) + "
            f"(select count(*) from {rejects} where column_name = 'metrics')"
        ).fetchall()
        return Conversion(
            outputs=[Converted("model_metrics", table)],
            rows_read=int(rows),
            rejects_table=rejects,
            mappings=_mappings(con, table, runs),
        )


def _mappings(con: duckdb.DuckDBPyConnection, table: str, runs: str) -> list[Mapping]:
    """What each metric's direction and each run's model name came from."""
    directions = con.execute(
        f"""
        select _raw_metric,
            case when _default_direction then 'true (default)' else _raw_higher_is_better end,
            sum(_weight)::bigint
        from {table} group by all order by 1
        """
    ).fetchall()
    models = con.execute(
        f"select model_from, model, count(*) from {runs} group by all order by 1, 2"
    ).fetchall()
    return [Mapping("metric", m, d, int(n)) for m, d, n in directions] + [
        Mapping(f"model ({source})", model, model, int(n)) for source, model, n in models
    ]
