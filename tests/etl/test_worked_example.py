"""METRICS.md's worked example, from contract files through `load` to `metrics --json`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import metrics_json, run_cli


def test_worked_example_figures(worked_example: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    loaded = run_cli("load", "--db", db, worked_example)
    assert loaded.returncode == 0, loaded.stderr

    m = metrics_json(db)

    assert m["as_of"] == "2026-03"
    assert m["window"] == {"from": "2025-04", "to": "2026-03"}
    assert m["currency"] == "USD"
    assert m["adoption_rate"] == pytest.approx(320 / 1050)
    assert m["outcomes_at_scale"] == pytest.approx(400_000)
    assert m["outcomes_in_pilot"] == pytest.approx(10_000)
    assert m["total_cost"] == pytest.approx(150_000)
    assert m["cost_per_insight"] == pytest.approx(3.75)
    assert m["roi"] == pytest.approx(260_000 / 150_000)
    assert m["pilot_to_production_rate"] == pytest.approx(0.5)
    assert m["stalled_pilots"] == ["b"]
    assert m["no_executive_owner"] == []
    assert m["initiatives_by_stage"] == {
        "Experimentation": 1,
        "Operationalization": 1,
        "Standardization": 0,
        "Enterprise Transformation": 0,
    }
    assert [i["initiative_id"] for i in m["initiatives"]] == ["a", "b"]
    assert m["initiatives"][1]["days_in_stage"] == 303


def test_worked_example_trend_covers_the_window(worked_example: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    run_cli("load", "--db", db, worked_example)

    trend = metrics_json(db)["adoption_trend"]

    assert [t["month"] for t in trend][:2] == ["2025-04", "2025-05"]
    assert len(trend) == 12
    assert trend[-1]["adoption_rate"] == pytest.approx(320 / 1050)
    assert all(t["adoption_rate"] is None for t in trend[:-1])


def test_empty_database_still_answers(tmp_path: Path) -> None:
    m = metrics_json(tmp_path / "new.duckdb")

    assert m["as_of"] is None
    assert m["window"] is None
    assert (m["total_cost"], m["outcomes_at_scale"], m["outcomes_in_pilot"]) == (0, 0, 0)
    assert m["adoption_rate"] is None and m["roi"] is None and m["cost_per_insight"] is None
    assert m["adoption_trend"] == [] and m["initiatives"] == [] and m["decaying_models"] == []
    assert not (tmp_path / "new.duckdb").exists()
