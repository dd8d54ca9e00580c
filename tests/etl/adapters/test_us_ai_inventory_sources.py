"""What the inventories themselves get wrong: lookalike dashes and spaces in their ids
(normalised, with a warning) and dates such as 7/13/1905 (read as missing, with a warning)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import run_cli, write_csv

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
REAL_2024 = REALDATA / "us-federal-ai-inventory-2024" / "2024_consolidated_ai_inventory_raw_v2.csv"
REAL_2025 = (
    REALDATA / "us-federal-ai-inventory-2025" / "2025_individually_reported_AI_use_cases.csv"
)
needs_realdata = pytest.mark.skipif(not REALDATA.exists(), reason="no shared/realdata here")

HEADER_2025 = ("agency", "id", "use_case_name", "agency_bureau", "development_stage")
HEADER_2024 = (
    "Agency Abbreviation",
    "Use Case Name",
    "Bureau",
    "Stage of Development",
    "Date Initiated",
    "Date Implemented",
)


def _load(db: Path, path: Path) -> dict[str, Any]:
    result = run_cli("load", "--db", db, "--format", "us-ai-inventory", path, "--json")
    assert result.returncode in (0, 1), result.stderr
    return dict(json.loads(result.stdout))


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_ids_with_lookalike_dashes_and_spaces_are_normalised(tmp_path: Path) -> None:
    inventory = write_csv(
        tmp_path / "2025.csv",
        HEADER_2025,
        [
            ("FDIC", "FDIC \u2013 3", "Call summaries", "DOF", "Deployed"),
            ("FDIC", "FDIC\u00a0-\u200b4", "Exam triage", "DOF", "Deployed"),
            ("FDIC", "\uff26\uff24\uff29\uff23-5", "Fraud flags", "DOF", "Pilot"),
            ("FDIC", "FDIC-6", "Plain", "DOF", "Pilot"),
        ],
    )
    db = tmp_path / "db.duckdb"

    summary = _load(db, inventory)

    assert (summary["status"], summary["rows_loaded"]) == ("loaded", 4)
    ids = [r[0] for r in _rows(db, "select initiative_id from initiatives order by 1")]
    assert ids == ["FDIC - 3", "FDIC -4", "FDIC-5", "FDIC-6"]
    [warning] = [w for w in summary["files"][0]["warnings"] if "lookalike" in w]
    assert warning.startswith("3 ids held lookalike characters")


def test_implausible_dates_are_read_as_missing_with_a_warning(tmp_path: Path) -> None:
    inventory = write_csv(
        tmp_path / "2024.csv",
        HEADER_2024,
        [
            (
                "USAID",
                "Treatment prediction",
                "GH",
                "Operation and Maintenance",
                "7/13/1905",
                "7/13/1905",
            ),
            ("USAID", "Crop pests", "RFS", "Operation and Maintenance", "3/1/2021", "6/1/2022"),
        ],
    )
    db = tmp_path / "db.duckdb"

    summary = _load(db, inventory)

    assert (summary["status"], summary["rows_loaded"], summary["rows_rejected"]) == (
        "loaded",
        2,
        0,
    )
    rows = _rows(
        db,
        "select name, strftime(started_on, '%Y-%m-%d'), strftime(stage_entered_on, '%Y-%m-%d') "
        "from initiatives order by name",
    )
    assert rows == [
        ("Crop pests", "2021-03-01", "2022-06-01"),
        ("Treatment prediction", None, "2024-12-31"),  # no date: the as-of date
    ]
    [warning] = [w for w in summary["files"][0]["warnings"] if "read as missing" in w]
    assert warning.startswith("2 dates outside 1990-01-01 to 2024-12-31")


def test_the_earliest_month_setting_bounds_the_dates(tmp_path: Path) -> None:
    inventory = write_csv(
        tmp_path / "2024.csv",
        HEADER_2024,
        [("NSF", "Topic modeling", "OIA", "Operation and Maintenance", "5/1/2019", "")],
    )
    db = tmp_path / "db.duckdb"

    result = run_cli(
        "load",
        "--db",
        db,
        "--format",
        "us-ai-inventory",
        inventory,
        "--json",
        env={"SCALEBOARD_EARLIEST_MONTH": "2020-01"},
    )

    assert result.returncode == 0, result.stderr
    assert _rows(db, "select started_on from initiatives") == [(None,)]
    assert any(
        "1 dates outside 2020-01-01" in w for w in json.loads(result.stdout)["files"][0]["warnings"]
    )


@needs_realdata
def test_the_real_2025_inventory_loads_its_en_dash_ids(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"

    summary = _load(db, REAL_2025)

    assert any(w.startswith("32 ids held lookalike") for w in summary["files"][0]["warnings"])
    assert _rows(db, "select count(*) from rejects where column_name = 'initiative_id'") == [(0,)]
    assert (
        _rows(db, "select count(*) from initiatives where initiative_id like 'FDIC - %'")[0][0]
        >= 32
    )


@needs_realdata
def test_the_real_2024_inventory_reads_1905_as_missing(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"

    summary = _load(db, REAL_2024)

    assert any("dates outside 1990-01-01" in w for w in summary["files"][0]["warnings"])
    assert _rows(db, "select count(*) from initiatives where started_on < '1990-01-01'") == [(0,)]
    [(name, started)] = _rows(
        db,
        "select name, started_on from initiatives "
        "where name like 'Using ML for predicting treatment interr%'",
    )
    assert started is None, name
