"""`--format copilot-usage`: GitHub Copilot users reports -> usage events (monthly distinct
users), seat lists -> adoption (eligible users), aggregate and legacy reports rejected."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.ddl import create_schema
from etl.load import LoadResult, load_files
from etl.metrics import Filters, compute_metrics
from etl.storage import Store, open_reader
from etl.writers import append_checked_events
from tests.conftest import write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "copilot-usage"
USERS_28 = FIXTURES / "organization-users-28-day-report.json"
USERS_1 = FIXTURES / "organization-users-1-day-report.ndjson"
TOTALS = FIXTURES / "enterprise-users-28-day-report.json"
SEATS = FIXTURES / "organization-seats.json"
REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
REAL = REALDATA / "github-copilot-metrics"


def _setup(tmp_path: Path) -> Path:
    db = tmp_path / "db.duckdb"
    initiatives = write_csv(
        tmp_path / "initiatives.csv",
        ("initiative_id", "name", "business_unit", "stage", "stage_entered_on", "target_users"),
        [("AI-0012", "GitHub Copilot", "Engineering", "Operationalization", "2025-06-01", 40)],
    )
    assert load_files(db, [initiatives], Settings()).status == "loaded"
    return db


def _load(db: Path, *paths: Path, initiative: str | None = "AI-0012") -> LoadResult:
    return load_files(
        db,
        list(paths),
        Settings(),
        adapter="copilot-usage",
        adapter_options=AdapterOptions(initiative=initiative),
    )


def _rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with open_reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def _active(db: Path) -> list[tuple[str, int]]:
    return [
        (month, int(n))
        for month, n in _rows(
            db,
            "select strftime(month, '%Y-%m'), active_users from usage_monthly_active "
            "where initiative_id = 'AI-0012' order by month",
        )
    ]


def _balanced(result: LoadResult) -> None:
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f


def test_user_days_become_one_event_per_user_and_day(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, USERS_28)
    assert result.status == "loaded_with_rejects"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 5, 2)
    _balanced(result)
    assert _active(db) == [("2026-03", 1), ("2026-04", 3)]  # Alice and alice are one user
    rejects = _rows(db, "select row_number, column_name, reason from rejects order by 1")
    assert [(r[0], r[1]) for r in rejects] == [(6, "user_id"), (7, "event_time")]
    assert "user_id is required" in rejects[0][2]
    warnings = " ".join(result.files[0].warnings)
    assert "3 of 31 days of 2026-03" in warnings and "25 of 30 days of 2026-04" in warnings


def test_append_checked_events_writes_only_valid_rows(tmp_path: Path) -> None:
    con = duckdb.connect()
    create_schema(con)
    con.execute("create temp macro user_key(u) as 'k-' || u")
    con.execute(
        """
        create temp table checked as select * from (values
            ('AI-1', 'ann', timestamp '2026-04-02 10:00', 'chat', []),
            ('AI-1', 'bob', timestamp '2026-05-01 00:00', null, []),
            ('AI-1', null, null, null, [{'reason': 'user_id is required but blank'}])
        ) t(initiative_id, user_id, event_time, action, _problems)
        """
    )
    store = Store(tmp_path / "db.duckdb")
    months = append_checked_events(con, store, 3, "file-0-x", "checked")
    assert sorted(str(m) for m in months) == ["2026-04-01", "2026-05-01"]
    assert con.execute("select month, rows from event_partitions order by 1").fetchall() == [
        (dt.date(2026, 4, 1), 1),
        (dt.date(2026, 5, 1), 1),
    ]
    written = con.execute(
        "select user_key, action from read_parquet(?) order by 1",
        [str(store.events_dir_of(3) / "file-0-x.parquet")],
    ).fetchall()
    assert written == [("k-ann", "chat"), ("k-bob", None)]


def test_events_carry_the_features_and_pseudonymised_logins(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    _load(db, USERS_28)
    [(path,)] = _rows(db, "select distinct path from event_partitions where month = '2026-03-01'")
    events = _rows(
        db,
        f"select user_key, action from read_parquet('{tmp_path / path}') "
        "where month = '2026-03-01'",
    )
    assert [action for _, action in events] == ["chat_panel_agent_mode"]
    assert events[0][0] != "alice"
    actions = _rows(
        db,
        "select distinct action from read_parquet(?, hive_partitioning = false) order by 1",
        [str(tmp_path / "db.duckdb.events" / "**" / "*.parquet")],
    )
    assert actions == [
        ("agent_edit",),
        ("chat_inline,code_completion",),
        ("chat_panel_agent_mode",),
        ("copilot",),
        ("copilot_cli",),
    ]


def test_ndjson_report_adds_its_users_to_the_month(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, USERS_28, USERS_1)
    _balanced(result)
    assert result.files[1].rows_read == 2 and result.files[1].rows_rejected == 0
    assert _active(db) == [("2026-03", 1), ("2026-04", 4)]  # erin is new, alice is not


def test_user_totals_count_only_in_months_the_window_proves(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, TOTALS)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    # window 2026-02-04..03-03: 25 days in February, 3 in March
    assert _active(db) == [("2026-02", 2), ("2026-03", 1)]  # erin, frank; frank (26 > 25)
    reasons = [r for (r,) in _rows(db, "select reason from rejects order by row_number")]
    assert reasons[0].startswith("2 active day(s) in 2026-02-04..2026-03-03 cannot be placed")
    assert reasons[1] == "no active day in the report window"


def test_seat_list_gives_eligible_users_without_double_counting(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, SEATS)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    assert _rows(
        db, "select strftime(month, '%Y-%m'), active_users, eligible_users from adoption"
    ) == [("2026-05", 1, 3)]
    assert _rows(db, "select column_name, reason from rejects") == [
        ("assignee.login", "the seat has no assignee login")
    ]
    warnings = " ".join(result.files[0].warnings)
    assert "dated 2026-05" in warnings and "4 seat row(s) for 3 distinct user(s)" in warnings


def test_active_users_come_from_events_and_eligible_from_seats(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    may = tmp_path / "may-users.json"
    may.write_text(
        json.dumps(
            {
                "report_start_day": "2026-05-10",
                "report_end_day": "2026-05-10",
                "day_totals": [
                    {"user_login": login, "day": "2026-05-10", "totals_by_feature": []}
                    for login in ("ivan", "judy")
                ],
            }
        )
    )
    assert _load(db, SEATS, may).rows_loaded == 6
    with open_reader(db) as con:
        figures = compute_metrics(con, Filters(as_of="2026-05"), Settings()).to_json()
    assert figures["adoption_rate"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("name", "rows", "column", "reason"),
    [
        ("organization-28-day-report.json", 2, "day", "aggregate report counts active users"),
        ("legacy_metrics.json", 2, "date", "legacy Copilot metrics API"),
        ("legacy_usage.json", 1, "day", "retired Copilot usage API"),
        ("billing.json", 1, "sku", "is cost data, not usage"),
    ],
)
def test_reports_without_identities_are_rejected_with_the_reason(
    tmp_path: Path, name: str, rows: int, column: str, reason: str
) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / name)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (rows, 0, rows)
    rejects = _rows(db, "select column_name, value, reason from rejects")
    assert len(rejects) == rows
    assert all(c == column and v and reason in r for c, v, r in rejects)
    assert _rows(db, "select count(*) from adoption") == [(0,)]


def test_download_link_envelope_loads_nothing_and_says_why(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(db, FIXTURES / "download-links.json")
    assert result.status == "loaded" and result.rows_read == 0
    assert "download the report files" in result.files[0].warnings[0]


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    files = [USERS_28, USERS_1, TOTALS, SEATS]
    _load(db, *files)
    before = _active(db), _rows(db, "select * exclude (load_id) from adoption")
    again = _load(db, *files)
    assert again.status == "loaded" and all(f.skipped for f in again.files)
    assert (_active(db), _rows(db, "select * exclude (load_id) from adoption")) == before


def test_missing_initiative_and_unknown_files_are_refused(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    refused = _load(db, USERS_28, initiative=None)
    assert refused.status == "refused" and "--initiative" in (refused.error or "")
    other = tmp_path / "other.json"
    other.write_text('{"foo": 1}')
    refused = _load(db, other)
    assert refused.status == "refused" and "not a GitHub Copilot" in (refused.error or "")
    text = tmp_path / "notes.json"
    text.write_text("not json at all\n")
    assert _load(db, text).status == "refused"
    assert _rows(db, "select count(*) from event_partitions") == [(0,)]


@pytest.mark.skipif(not REAL.exists(), reason="the real Copilot exports are not present")
def test_real_exports_load_or_reject_every_record(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    files = sorted(REAL.glob("*/*.json"))
    started = time.perf_counter()
    result = _load(db, *files)
    elapsed = time.perf_counter() - started
    assert result.status == "loaded_with_rejects", result.error
    _balanced(result)
    by_name = {Path(f.path).name: f for f in result.files}
    assert by_name["organization-users-28-day-report.json"].rows_loaded == 107
    assert by_name["enterprise-users-28-day-report.json"].rows_loaded == 8
    assert by_name["billing-credits.json"].rows_rejected == 110
    assert by_name["organization_metrics_response_sample.json"].rows_rejected == 21
    # 8 users in 2026-02 (enterprise totals); 6 in 2026-03 (3 days), 8 in 2026-04
    assert _active(db) == [("2026-02", 8), ("2026-03", 6), ("2026-04", 8)]
    # two seat lists of 2026-05 (the later file wins) and the duplicate seats of 2021-10
    adoption = _rows(
        db, "select strftime(month, '%Y-%m'), active_users, eligible_users from adoption order by 1"
    )
    assert adoption == [("2021-10", 2, 2), ("2026-05", 8, 9)]
    assert elapsed < 30


def test_seats_are_eligible_for_every_month_they_existed(tmp_path: Path) -> None:
    """A month whose active users come from a users report takes its eligible users from the
    seats that existed then (created_at), not from the initiative's target users."""
    db = _setup(tmp_path)
    _load(
        db,
        FIXTURES / "organization-users-1-day-report.ndjson",
        FIXTURES / "organization-seats.json",
    )
    seats = _rows(
        db,
        "select strftime(month, '%Y-%m'), eligible_users from adoption_reports "
        "where report_kind = 'seats' order by month",
    )
    assert [m for m, _ in seats] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    [(eligible,)] = _rows(
        db, "select eligible_users from stg_activity where month = '2026-04-01' and is_from_events"
    )
    assert eligible == dict(seats)["2026-04"]


@pytest.mark.skipif(not REAL.exists(), reason="the real Copilot samples are not present")
def test_real_seats_give_the_eligible_users_of_the_users_reports_months(tmp_path: Path) -> None:
    db = _setup(tmp_path)
    result = _load(
        db,
        *sorted((REAL / "usage-metrics-api").glob("*users*.json")),
        REAL / "seats-and-billing" / "organization_seats_response_sample.json",
    )
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    rows = _rows(
        db,
        "select strftime(month, '%Y-%m'), active_users, eligible_users from stg_activity "
        "order by month",
    )
    assert rows == [("2026-02", 8, 8), ("2026-03", 6, 8), ("2026-04", 8, 9), ("2026-05", 8, 9)]
