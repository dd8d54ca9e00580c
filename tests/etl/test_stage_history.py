"""Stage history: grown by initiatives loads, replaced by a stage_history file."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_csv
from tests.etl.conftest import INITIATIVES_HEADER, load, metrics, table

HISTORY = ("initiative_id", "stage", "entered_on")


def _initiative(folder: Path, name: str, stage: str, entered_on: str) -> Path:
    return write_csv(
        folder / name,
        INITIATIVES_HEADER,
        [("a", "A", "Finance", stage, entered_on, "Ann", 100, "active")],
    )


def _entries(db: Path) -> list[tuple[object, ...]]:
    return table(
        db, "select stage, strftime(entered_on, '%Y-%m-%d') from stage_entries order by entered_on"
    )


def test_an_initiative_that_moves_keeps_its_old_entry(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    load(db, _initiative(tmp_path / "1", "initiatives.csv", "Experimentation", "2025-01-01"))
    load(db, _initiative(tmp_path / "2", "initiatives.csv", "Operationalization", "2025-07-01"))

    assert _entries(db) == [
        ("Experimentation", "2025-01-01"),
        ("Operationalization", "2025-07-01"),
    ]
    assert metrics(db, as_of="2025-03")["initiatives"][0]["stage"] == "Experimentation"
    assert metrics(db, as_of="2025-08")["initiatives"][0]["stage"] == "Operationalization"


def test_stage_history_file_replaces_the_named_history(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    load(db, _initiative(tmp_path / "1", "initiatives.csv", "Experimentation", "2025-01-01"))
    load(db, _initiative(tmp_path / "2", "initiatives.csv", "Standardization", "2026-01-01"))
    history = write_csv(
        tmp_path / "h" / "stage_history.csv",
        HISTORY,
        [
            ("a", "Experimentation", "2024-06-01"),
            ("a", "Operationalization", "2025-03-01"),
            ("a", "Experimentation", "2026-01-01"),  # same day as the initiatives row: loses
        ],
    )

    load(db, history)

    assert _entries(db) == [
        ("Experimentation", "2024-06-01"),
        ("Operationalization", "2025-03-01"),
        ("Standardization", "2026-01-01"),
    ]


def test_history_in_the_same_command_as_initiatives(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    history = write_csv(
        tmp_path / "in" / "stage_history.csv", HISTORY, [("a", "Standardization", "2025-01-01")]
    )
    init = _initiative(tmp_path / "in", "initiatives.csv", "Operationalization", "2025-06-01")

    load(db, history, init)

    assert _entries(db) == [("Standardization", "2025-01-01"), ("Operationalization", "2025-06-01")]


def test_a_regression_still_counts_as_having_reached_scale(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    init = _initiative(tmp_path / "in", "initiatives.csv", "Experimentation", "2025-09-01")
    history = write_csv(
        tmp_path / "in" / "stage_history.csv",
        HISTORY,
        [("a", "Experimentation", "2024-01-01"), ("a", "Operationalization", "2025-01-01")],
    )
    load(db, init, history)

    assert metrics(db, as_of="2026-03")["pilot_to_production_rate"] == 1.0
    assert metrics(db, as_of="2024-06")["pilot_to_production_rate"] == 0.0
    assert metrics(db, as_of="2023-06")["pilot_to_production_rate"] is None
