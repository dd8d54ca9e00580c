"""`--format mlflow`: MLflow run and registered-model exports -> model_metrics, one row per
model, metric and day (a run's final value), so decay shows across runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import LoadResult, load_files
from etl.metrics import Filters, compute_metrics
from etl.storage import open_reader
from tests.conftest import write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "mlflow"
RUNS = [FIXTURES / f"run_00{n}.json" for n in (1, 2, 3)]
REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
REAL = REALDATA / "mlflow-export"


def _setup(tmp_path: Path) -> Path:
    db = tmp_path / "db.duckdb"
    initiatives = write_csv(
        tmp_path / "initiatives.csv",
        ("initiative_id", "name", "business_unit", "stage", "stage_entered_on"),
        [("AI-0002", "Churn prediction", "Sales", "Operationalization", "2025-06-01")],
    )
    assert load_files(db, [initiatives], Settings()).status == "loaded"
    return db


def _load(db: Path, *paths: Path, **options: Any) -> LoadResult:
    options.setdefault("initiative", "AI-0002")
    return load_files(
        db,
        list(paths),
        Settings(),
        adapter="mlflow",
        adapter_options=AdapterOptions(**options),
    )


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with open_reader(db) as con:
        return con.execute(sql).fetchall()


def _metrics(db: Path) -> list[tuple[Any, ...]]:
    return _rows(
        db,
        "select model, metric, strftime(measured_on, '%Y-%m-%d'), round(value, 4), "
        "higher_is_better from model_metrics order by model, metric, measured_on",
    )


def _balanced(result: LoadResult) -> None:
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f


def test_runs_spanning_months_show_decay(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, *RUNS)
    assert result.status == "loaded"
    _balanced(result)
    assert result.rows_read == 7  # accuracy logged twice in the first run
    assert _metrics(db) == [
        ("churn", "accuracy", "2026-01-10", 0.9, True),  # the run's last step
        ("churn", "accuracy", "2026-02-10", 0.88, True),
        ("churn", "accuracy", "2026-03-10", 0.8, True),
        ("churn", "rmse", "2026-01-10", 0.3, False),
        ("churn", "rmse", "2026-02-10", 0.33, False),
        ("churn", "rmse", "2026-03-10", 0.4, False),
    ]
    with open_reader(db) as con:
        decaying = compute_metrics(con, Filters(as_of="2026-03"), Settings()).to_json()[
            "decaying_models"
        ]
    assert [(d["model"], d["metric"]) for d in decaying] == [
        ("churn", "accuracy"),
        ("churn", "rmse"),
    ]
    assert decaying[0]["decay_pct"] == pytest.approx(100 * (0.9 - 0.8) / 0.9)
    assert decaying[1]["decay_pct"] == pytest.approx(100 * (0.4 - 0.3) / 0.3)


def test_directions_and_model_names_are_reported(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, RUNS[0], FIXTURES / "run_old_format.json")
    assert result.status == "loaded_with_rejects"
    _balanced(result)
    old = _rows(
        db,
        "select metric, value, higher_is_better from model_metrics "
        "where model = 'fraud_model' order by metric",
    )
    assert old == [("custom_metric", 3.5, True), ("val_loss", 0.25, False)]
    [(column, reason)] = _rows(db, "select column_name, reason from rejects")
    assert column == "value" and "NaN is not a finite number" in reason
    mappings = _rows(
        db, "select source_column, source_value, mapped_to from adapter_mappings order by all"
    )
    assert ("metric", "custom_metric", "true (default)") in mappings
    assert ("metric", "val_loss", "false") in mappings
    assert ("metric", "accuracy", "true") in mappings
    assert ("model (tag registered_model_name)", "churn", "churn") in mappings
    assert ("model (experiment name)", "fraud_model", "fraud_model") in mappings


def test_map_file_overrides_the_directions(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    _load(db, FIXTURES / "run_old_format.json", map_file=FIXTURES / "metrics_override.csv")
    assert _rows(db, "select metric, higher_is_better from model_metrics order by 1") == [
        ("custom_metric", False),
        ("val_loss", False),
    ]


def test_model_export_keeps_the_last_run_of_a_day(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / "model_with_runs.json")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert _metrics(db) == [("churn_registry", "auc", "2026-04-01", 0.85, True)]
    [(value, reason)] = _rows(db, "select value, reason from rejects")
    assert value == "r103" and reason.startswith("model version 3 (run r103) carries no metrics")


def test_deleted_runs_are_rejected(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / "run_deleted.json")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 0, 2)
    assert _rows(db, "select distinct column_name, reason from rejects") == [
        ("lifecycle_stage", "run r005 is deleted")
    ]


def test_listing_loads_nothing_and_says_why(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / "experiment.json")
    assert result.status == "loaded" and result.rows_read == 0
    assert "carries no metrics" in result.files[0].warnings[0]


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    _load(db, *RUNS, FIXTURES / "model_with_runs.json")
    before = _metrics(db)
    with open_reader(db) as con:
        figures = compute_metrics(con, Filters(as_of="2026-04"), Settings()).to_json()
    again = _load(db, *RUNS, FIXTURES / "model_with_runs.json")
    assert again.status == "loaded" and all(f.skipped for f in again.files)
    assert _metrics(db) == before
    with open_reader(db) as con:
        assert compute_metrics(con, Filters(as_of="2026-04"), Settings()).to_json() == figures


def test_missing_initiative_and_other_files_are_refused(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    refused = _load(db, RUNS[0], initiative=None)
    assert refused.status == "refused" and "--initiative" in (refused.error or "")
    other = tmp_path / "other.json"
    other.write_text('{"foo": 1}')
    refused = _load(db, other)
    assert refused.status == "refused" and "not an MLflow" in (refused.error or "")
    text = tmp_path / "notes.json"
    text.write_text("not json\n")
    refused = _load(db, text)
    assert refused.status == "refused" and "not a JSON MLflow export" in (refused.error or "")
    assert _metrics(db) == []


@pytest.mark.skipif(not REAL.exists(), reason="the real MLflow exports are not present")
def test_real_exports_load_or_reject_every_record(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, *sorted(REAL.glob("*.json")))
    assert result.status == "loaded_with_rejects", result.error
    _balanced(result)
    assert _metrics(db) == [
        ("sklearn_wine", "mae", "2023-05-20", 0.5877, False),
        ("sklearn_wine", "r2", "2023-05-20", 0.281, True),
        ("sklearn_wine", "rmse", "2023-05-20", 0.7368, False),
    ]
    # registered-model exports name runs but carry no metrics: one reject per version
    assert result.rows_rejected == 2 + 1 + 3 + 3
    reasons = {r for (r,) in _rows(db, "select reason from rejects")}
    assert all("carries no metrics in this export" in r for r in reasons)
