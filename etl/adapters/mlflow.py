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
from `etl/adapters/mappings/mlflow_metrics.csv` (metric, higher_is_better), matched on the whole
name or on a `_ . / -` separated prefix or suffix (`val_loss` -> `loss`); unknown metrics count
as higher-is-better and are reported as `true (default)`.
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
    run_adapter_sql,
)

# The queries are in etl/sql/adapters/mlflow/.


def _sql(
    con: duckdb.DuckDBPyConnection, name: str, prefix: str, **params: object
) -> duckdb.DuckDBPyConnection:
    return run_adapter_sql(con, "mlflow", name, prefix, params)


def _shape(con: duckdb.DuckDBPyConnection, prefix: str) -> str:
    row = _sql(con, "doc_keys", prefix).fetchone()
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
        try:
            _sql(con, "doc", prefix, path=str(path))
        except duckdb.Error as exc:
            raise AdapterError(f"not a JSON MLflow export: {str(exc).splitlines()[0]}") from None
        shape = _shape(con, prefix)
        if shape == "listing":
            return Conversion(
                outputs=[],
                rows_read=0,
                notes=[
                    "an experiment or summary listing carries no metrics: load the "
                    "run.json (or model.json) files it lists"
                ],
            )
        _sql(con, "runs_of_run" if shape == "run" else "runs_of_model", prefix)
        _sql(con, "points", prefix)
        mapping_table(con, f"{prefix}_mapping", mapping)
        _sql(con, "rejects", prefix)
        _sql(con, "metrics", prefix, initiative=options.initiative)
        [(rows,)] = _sql(con, "rows_read", prefix).fetchall()
        return Conversion(
            outputs=[Converted("model_metrics", f"{prefix}_metrics")],
            rows_read=int(rows),
            rejects_table=f"{prefix}_rejects",
            mappings=_mappings(con, prefix),
        )


def _mappings(con: duckdb.DuckDBPyConnection, prefix: str) -> list[Mapping]:
    """What each metric's direction and each run's model name came from."""
    directions = _sql(con, "direction_report", prefix).fetchall()
    models = _sql(con, "model_report", prefix).fetchall()
    return [Mapping("metric", m, d, int(n)) for m, d, n in directions] + [
        Mapping(f"model ({source})", model, model, int(n)) for source, model, n in models
    ]
