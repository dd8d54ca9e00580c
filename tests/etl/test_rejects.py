"""Every row-level reject of CONTRACT.md: that row is rejected with its reason, the rest load."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli, write_csv
from tests.etl.conftest import write_worked_example

COSTS = ("initiative_id", "month", "category", "amount", "currency")
GOOD_COST = ("a", "2026-02", "compute", "10.5", "")

# (file name, header, bad row, good row, first offending column, value, words in the reason)
CASES = [
    (
        "missing_required",
        "costs.csv",
        COSTS,
        ("a", "2026-02", "data", "  ", ""),
        GOOD_COST,
        "amount",
        None,
        "amount is required",
    ),
    (
        "wrong_type",
        "costs.csv",
        COSTS,
        ("a", "2026-02", "data", "12,5", ""),
        GOOD_COST,
        "amount",
        "12,5",
        "not a decimal number",
    ),
    (
        "bad_month",
        "costs.csv",
        COSTS,
        ("a", "2026-13", "compute", "1", ""),
        GOOD_COST,
        "month",
        "2026-13",
        "not a month",
    ),
    (
        "out_of_range",
        "costs.csv",
        COSTS,
        ("a", "2026-02", "data", "-1", ""),
        GOOD_COST,
        "amount",
        "-1",
        "must be >= 0",
    ),
    (
        "unknown_enum",
        "costs.csv",
        COSTS,
        ("a", "2026-02", "cloud", "1", ""),
        GOOD_COST,
        "category",
        "cloud",
        "one of compute",
    ),
    (
        "unknown_initiative",
        "costs.csv",
        COSTS,
        ("zz", "2026-02", "compute", "1", ""),
        GOOD_COST,
        "initiative_id",
        "zz",
        "not a loaded initiative",
    ),
    (
        "no_fx_rate",
        "costs.csv",
        COSTS,
        ("a", "2026-01", "compute", "1", "EUR"),
        GOOD_COST,
        "currency",
        "EUR",
        "no fx rate for 2026-01",
    ),
    (
        "eligible_below_active",
        "adoption.csv",
        ("initiative_id", "month", "active_users", "eligible_users"),
        ("a", "2026-02", "30", "20"),
        ("a", "2026-01", "20", "30"),
        "eligible_users",
        "20",
        "must be >= active_users",
    ),
    (
        "end_before_start",
        "roadmap.csv",
        ("initiative_id", "stage", "planned_start", "planned_end"),
        ("a", "Standardization", "2026-05-01", "2026-04-01"),
        ("a", "Operationalization", "2025-01-01", "2025-06-30"),
        "planned_end",
        "2026-04-01",
        "must be >= planned_start",
    ),
    (
        "score_above_five",
        "readiness.csv",
        ("initiative_id", "dimension", "score", "assessed_on"),
        ("a", "data", "5.5", "2026-01-01"),
        ("a", "mlops", "2", "2026-01-01"),
        "score",
        "5.5",
        "must be <= 5",
    ),
    (
        "bad_boolean",
        "model_metrics.csv",
        ("initiative_id", "model", "metric", "measured_on", "value", "higher_is_better"),
        ("a", "m", "acc", "2026-01-01", "0.9", "maybe"),
        ("a", "m", "acc", "2026-02-01", "0.9", "No"),
        "higher_is_better",
        "maybe",
        "not a boolean",
    ),
    (
        "bad_timestamp",
        "usage_events.csv",
        ("initiative_id", "user_id", "event_time"),
        ("a", "u1", "yesterday"),
        ("a", "u1", "2026-03-01 10:00"),
        "event_time",
        "yesterday",
        "not an ISO 8601 timestamp",
    ),
    (
        "amount_with_separator",
        "costs.csv",
        ("initiative_id", "month", "category", "amount"),
        ("a", "2026-02", "data", "1_000"),
        ("a", "2026-02", "people", "1000"),
        "amount",
        "1_000",
        "is not a decimal number",
    ),
    (
        "value_with_separator",
        "model_metrics.csv",
        ("initiative_id", "model", "metric", "measured_on", "value"),
        ("a", "m", "acc", "2026-01-01", "0_9"),
        ("a", "m", "acc", "2026-02-01", "9e-1"),
        "value",
        "0_9",
        "is not a finite number",
    ),
    # months, dates and times outside the plausible months (1990-01 to ten years ahead)
    (
        "month_far_ahead",
        "adoption.csv",
        ("initiative_id", "month", "active_users", "eligible_users"),
        ("a", "9999-12", "1", "2"),
        ("a", "2026-02", "1", "2"),
        "month",
        "9999-12",
        "is outside the plausible months 1990-01 to",
    ),
    (
        "month_zero",
        "costs.csv",
        ("initiative_id", "month", "category", "amount"),
        ("a", "0000-01", "data", "5"),
        ("a", "2026-02", "data", "5"),
        "month",
        "0000-01",
        "is outside the plausible months",
    ),
    (
        "date_before_1990",
        "readiness.csv",
        ("initiative_id", "dimension", "score", "assessed_on"),
        ("a", "data", "3", "1905-07-13"),
        ("a", "mlops", "3", "2026-01-01"),
        "assessed_on",
        "1905-07-13",
        "is outside the plausible months",
    ),
    (
        "time_far_ahead",
        "usage_events.csv",
        ("initiative_id", "user_id", "event_time"),
        ("a", "u1", "9999-12-31T23:00:00Z"),
        ("a", "u1", "2026-03-01 10:00"),
        "event_time",
        "9999-12-31T23:00:00Z",
        "is outside the plausible months",
    ),
]


def _rejects(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select entity, row_number, column_name, value, reason from rejects order by row_number"
        ).fetchall()


@pytest.mark.parametrize(
    ("name", "file", "header", "bad", "good", "column", "value", "reason"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_each_reject_reason(
    tmp_path: Path,
    name: str,
    file: str,
    header: tuple[str, ...],
    bad: tuple[str, ...],
    good: tuple[str, ...],
    column: str,
    value: str | None,
    reason: str,
) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    assert run_cli("load", "--db", db, folder).returncode == 0
    fact = write_csv(tmp_path / "more" / file, header, [good, bad])

    result = run_cli("load", "--db", db, fact, "--json")

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["status"] == "loaded_with_rejects"
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (2, 1, 1)
    [reject] = _rejects(db)
    assert reject[1:4] == (2, column, value)
    assert reason in str(reject[4])


def test_duplicate_keys_reject_every_row_of_the_key(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    run_cli("load", "--db", db, folder)
    fact = write_csv(
        tmp_path / "more" / "costs.csv",
        ("initiative_id", "month", "category", "amount", "source"),
        [
            ("a", "2026-02", "compute", "1", ""),  # source defaults to manual ...
            ("a", "2026-02", " COMPUTE", "2", "manual"),  # ... so this is the same key
            ("a", "2026-02", "data", "3", ""),
        ],
    )

    result = run_cli("load", "--db", db, fact)

    assert result.returncode == 1
    rejects = _rejects(db)
    assert [r[1] for r in rejects] == [1, 2]
    assert all("appears 2 times" in str(r[4]) for r in rejects)


def test_reason_names_every_rule_broken(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    run_cli("load", "--db", db, folder)
    fact = write_csv(
        tmp_path / "more" / "costs.csv", COSTS, [("zz", "March", "cloud", "-3", "EURO")]
    )

    run_cli("load", "--db", db, fact)

    [reject] = _rejects(db)
    assert reject[2:4] == ("initiative_id", "zz")
    for words in ("not a loaded initiative", "not a month", "one of", "must be >= 0", "ISO 4217"):
        assert words in str(reject[4])


def test_rejects_command_lists_latest_load(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    run_cli("load", "--db", db, folder)
    fact = write_csv(tmp_path / "more" / "costs.csv", COSTS, [("zz", "2026-01", "data", "1", "")])
    run_cli("load", "--db", db, fact)

    listed = json.loads(run_cli("rejects", "--db", db, "--json").stdout)

    assert listed["load_id"] == 2
    assert [r["value"] for r in listed["rejects"]] == ["zz"]


def test_minus_zero_is_stored_as_zero(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    header = ("initiative_id", "model", "metric", "measured_on", "value", "baseline")
    write_csv(folder / "model_metrics.csv", header, [("a", "m", "drift", "2026-01-01", "-0", "-0")])
    assert run_cli("load", "--db", db, folder).returncode == 0

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select 1 / value, 1 / baseline from model_metrics").fetchone()
    assert row == (float("inf"), float("inf"))  # +0, not -0 (1 / -0 is -inf)


def test_rejects_command_shows_the_latest_load_that_has_rejects(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    run_cli("load", "--db", db, folder)
    fact = write_csv(tmp_path / "more" / "costs.csv", COSTS, [("zz", "2026-01", "data", "1", "")])
    run_cli("load", "--db", db, fact)
    clean = write_csv(tmp_path / "clean" / "costs.csv", COSTS, [GOOD_COST])
    run_cli("load", "--db", db, clean)  # load 3: no rejects

    listed = json.loads(run_cli("rejects", "--db", db, "--json").stdout)
    table = run_cli("rejects", "--db", db).stdout

    assert listed["load_id"] == 2 and [r["value"] for r in listed["rejects"]] == ["zz"]
    assert "Rejects of load 2 (the latest load that has rejects)" in table
