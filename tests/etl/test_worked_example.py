"""METRICS.md's worked example, from contract files through `load` to `metrics --json`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import empty_database, metrics_json, run_cli, write_csv
from tests.etl.conftest import INITIATIVES_HEADER


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
    db = empty_database(tmp_path / "new.duckdb")
    before = db.stat()
    m = metrics_json(db)

    assert m["as_of"] is None
    assert m["window"] is None
    assert (m["total_cost"], m["outcomes_at_scale"], m["outcomes_in_pilot"]) == (0, 0, 0)
    assert m["adoption_rate"] is None and m["roi"] is None and m["cost_per_insight"] is None
    assert m["adoption_trend"] == [] and m["initiatives"] == [] and m["decaying_models"] == []
    assert (db.stat().st_mtime_ns, db.stat().st_size) == (before.st_mtime_ns, before.st_size)


def test_worked_example_money_at_risk_v2(worked_example: Path, tmp_path: Path) -> None:
    """The v2 example: b's target_users blank, a's outcome inside its last three months."""
    db = tmp_path / "db.duckdb"
    write_csv(
        worked_example / "initiatives.csv",
        INITIATIVES_HEADER,
        [
            (
                "a",
                "Invoice matching",
                "Finance",
                "Operationalization",
                "2025-01-10",
                "Ann",
                1000,
                "active",
            ),
            (
                "b",
                "Contract triage",
                "Legal",
                "Experimentation",
                "2025-06-01",
                "Bo",
                None,
                "active",
            ),
        ],
    )
    write_csv(
        worked_example / "outcomes.csv",
        ("initiative_id", "month", "value", "insights"),
        [("a", "2026-03", 400000, 40000), ("b", "2026-01", 10000, 0)],
    )
    assert run_cli("load", "--db", db, worked_example).returncode == 0

    m = metrics_json(db)

    assert (m["total_cost"], m["outcomes_at_scale"], m["outcomes_in_pilot"]) == (
        pytest.approx(150_000),
        pytest.approx(400_000),
        pytest.approx(10_000),
    )
    assert m["cost_per_insight"] == pytest.approx(3.75)
    assert m["roi"] == pytest.approx(260_000 / 150_000)
    assert m["partial_months"] == []
    assert m["cost_at_risk"] == pytest.approx(30_000)
    assert m["cost_at_risk_by_signal"] == {
        "stalled_pilots": pytest.approx(30_000),
        "no_executive_owner": 0.0,
        "decaying_models": 0.0,
        "business_case_at_risk": 0.0,
    }
    a, b = m["initiatives"]
    assert a["business_case_at_risk"] is False and b["business_case_at_risk"] is None
    assert a["not_assessed"] == sorted(a["not_assessed"]) and len(a["not_assessed"]) == 6
    assert a["ready_for_next_stage"] is False and b["ready_for_next_stage"] is False
