"""`--format m365-copilot`: user-count summary and trend reports -> report figures; the
per-user report -> report figures of licensed vs active users (no usage events); staging
resolves a month's adoption by one precedence."""

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

FIXTURES = Path(__file__).parent / "fixtures" / "m365-copilot"
REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
REAL = REALDATA / "m365-copilot-usage"


def _setup(tmp_path: Path) -> Path:
    db = tmp_path / "db.duckdb"
    initiatives = write_csv(
        tmp_path / "initiatives.csv",
        ("initiative_id", "name", "business_unit", "stage", "stage_entered_on", "target_users"),
        [("AI-0007", "Microsoft 365 Copilot", "IT", "Standardization", "2025-06-01", 30)],
    )
    assert load_files(db, [initiatives], Settings()).status == "loaded"
    return db


def _load(db: Path, *paths: Path, initiative: str | None = "AI-0007") -> LoadResult:
    return load_files(
        db,
        list(paths),
        Settings(),
        adapter="m365-copilot",
        adapter_options=AdapterOptions(initiative=initiative),
    )


def _rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with open_reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def _adoption(db: Path) -> list[tuple[Any, ...]]:
    return _rows(
        db,
        "select strftime(month, '%Y-%m'), active_users, eligible_users from stg_adoption "
        "where initiative_id = 'AI-0007' order by month",
    )


@pytest.mark.parametrize("name", ["UserCountSummary_v1.csv", "UserCountSummary_beta.json"])
def test_summary_gives_the_refresh_month(tmp_path: Path, name: str) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / name)
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 1, 1)
    assert _adoption(db) == [("2026-07", 10, 25)]


@pytest.mark.parametrize("name", ["UserCountTrend_v1.csv", "UserCountTrend_beta.json"])
def test_trend_gives_peak_active_and_last_enabled_per_month(tmp_path: Path, name: str) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / name)
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 4, 4)
    assert _adoption(db) == [("2026-06", 7, 21), ("2026-07", 6, 22)]


@pytest.mark.parametrize("name", ["UsageUserDetail_v1.csv", "UsageUserDetail_beta.json"])
def test_user_detail_gives_licensed_and_active_users(tmp_path: Path, name: str) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / name)
    assert result.status == "loaded_with_rejects"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 4, 2)
    # four licensed users; two active in July (the one of 2026-06-30 and the never-user not)
    assert _adoption(db) == [("2026-07", 2, 4)]
    assert _rows(db, "select count(*) from usage_monthly_active") == [(0,)]  # no events
    assert _rows(db, "select row_number, column_name, reason from rejects order by 1") == [
        (5, "User Principal Name", "User Principal Name is blank"),
        (6, "Last Activity Date", "Last Activity Date yesterday is not a date"),
    ]
    mappings = _rows(db, "select source_value, mapped_to, rows from adapter_mappings order by 1")
    assert mappings == [
        ("blank (never used)", "eligible, inactive", 1),
        ("in the refresh month", "active", 2),
    ]
    assert "refreshed 2026-07-20" in result.files[0].warnings[0]
    with open_reader(db) as con:
        figures = compute_metrics(con, Filters(as_of="2026-07"), Settings()).to_json()
    assert figures["adoption_rate"] == pytest.approx(0.5)


def test_user_ids_are_not_stored(tmp_path: Path) -> None:
    """The per-user report gives counts only: no user principal name is kept anywhere."""
    db = _setup(tmp_path)
    _load(db, FIXTURES / "UsageUserDetail_v1.csv")
    assert not list((tmp_path / "db.duckdb.events").glob("**/*.parquet"))
    [(stored,)] = _rows(db, "select count(*) from adoption_reports")
    assert stored == 1


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    files = [FIXTURES / "UserCountTrend_v1.csv", FIXTURES / "UsageUserDetail_beta.json"]
    _load(db, *files)
    before = _adoption(db), _rows(db, "select * from usage_monthly_active")
    with open_reader(db) as con:
        figures = compute_metrics(con, Filters(as_of="2026-07"), Settings()).to_json()
    again = _load(db, *files)
    assert again.status == "loaded" and all(f.skipped for f in again.files)
    assert (_adoption(db), _rows(db, "select * from usage_monthly_active")) == before
    with open_reader(db) as con:
        assert compute_metrics(con, Filters(as_of="2026-07"), Settings()).to_json() == figures


def test_missing_initiative_and_other_files_are_refused(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    refused = _load(db, FIXTURES / "UserCountSummary_v1.csv", initiative=None)
    assert refused.status == "refused" and "--initiative" in (refused.error or "")
    other = write_csv(tmp_path / "other.csv", ("a", "b"), [(1, 2)])
    refused = _load(db, other)
    assert refused.status == "refused" and "user-detail report" in (refused.error or "")
    assert _adoption(db) == []


@pytest.mark.skipif(not REAL.exists(), reason="the real Microsoft 365 examples are not present")
@pytest.mark.parametrize(
    ("name", "adoption"),
    [
        ("UserCountSummary_v1_example.csv", [("2026-07", 0, 25)]),
        ("UserCountSummary_beta_example.json", [("2025-08", 165115, 359229)]),
        ("UserCountTrend_v1_example.csv", [("2026-07", 0, 25)]),
        ("UserCountTrend_beta_example.json", [("2025-08", 94745, 357584)]),
        ("UsageUserDetail_v1_example.csv", [("2026-07", 0, 1)]),  # licensed, never used
        ("UsageUserDetail_beta_example.json", [("2025-08", 1, 1)]),
    ],
)
def test_real_examples(tmp_path: Path, name: str, adoption: list[tuple[Any, ...]]) -> None:
    db = _setup(tmp_path)
    result = _load(db, REAL / name)
    assert result.status == "loaded", result.error
    assert result.rows_read == result.rows_loaded + result.rows_rejected == 1
    assert _adoption(db) == adoption
