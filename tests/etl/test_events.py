"""Usage events: distinct users per initiative and month, pseudonymised, append-only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_csv
from tests.etl.conftest import INITIATIVES_HEADER, load, metrics, table

EVENTS = ("initiative_id", "user_id", "event_time", "action")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db.duckdb"
    init = write_csv(
        tmp_path / "in" / "initiatives.csv",
        INITIATIVES_HEADER,
        [
            ("a", "A", "Finance", "Operationalization", "2025-01-01", "Ann", 10, "active"),
            ("b", "B", "Finance", "Operationalization", "2025-01-01", "Ann", None, "active"),
        ],
    )
    adoption = write_csv(
        tmp_path / "in" / "adoption.csv",
        ("initiative_id", "month", "active_users", "eligible_users"),
        [("a", "2026-02", 1, 8), ("a", "2026-01", 5, 8)],
    )
    load(path, init, adoption)
    return path


def test_events_define_active_users_and_adoption_keeps_eligible(db: Path, tmp_path: Path) -> None:
    events = write_csv(
        tmp_path / "usage_events.csv",
        EVENTS,
        [
            ("a", "u1", "2026-02-03T10:00:00Z", "chat"),
            ("a", "u1", "2026-02-04 11:00", "chat"),
            ("a", "u2", "2026-02-05T10:00:00.5+02:00", None),
            ("a", "u3", "2026-02-06T10:00:00Z", "chat"),
        ],
    )

    load(db, events)

    m = metrics(db, as_of="2026-02")
    assert m["adoption_rate"] == pytest.approx(3 / 8)
    assert metrics(db, as_of="2026-01")["adoption_rate"] == pytest.approx(5 / 8)


def test_duplicated_events_and_reloads_change_no_metric(db: Path, tmp_path: Path) -> None:
    rows = [("a", "u1", "2026-02-03T10:00:00Z", "chat"), ("a", "u2", "2026-02-03T10:00:00Z", "x")]
    first = write_csv(tmp_path / "1" / "usage_events.csv", EVENTS, rows)
    again = write_csv(tmp_path / "2" / "usage_events-dup.csv", EVENTS, rows + rows)
    load(db, first)
    before = metrics(db, as_of="2026-02")

    skipped = load(db, first)
    load(db, again)

    assert skipped.files[0].skipped
    assert metrics(db, as_of="2026-02") == before


def test_month_of_an_event_is_its_utc_month(db: Path, tmp_path: Path) -> None:
    events = write_csv(
        tmp_path / "usage_events.csv",
        EVENTS,
        [("a", "u1", "2026-03-01T01:00:00+02:00", None), ("a", "u2", "2026-02-28T23:30:00", None)],
    )

    load(db, events)

    assert table(db, "select strftime(month, '%Y-%m'), active_users from mart_monthly_active") == [
        ("2026-02", 2)
    ]


def test_target_users_are_eligible_when_there_is_no_adoption_row(db: Path, tmp_path: Path) -> None:
    events = write_csv(
        tmp_path / "usage_events.csv",
        EVENTS,
        [("a", "u1", "2026-04-01T10:00:00Z", None), ("b", "u1", "2026-04-01T10:00:00Z", None)],
    )

    load(db, events)

    m = metrics(db, as_of="2026-04")
    assert m["adoption_rate"] == pytest.approx(1 / 10)  # b has no eligible users: left out
    assert {i["initiative_id"]: i["adoption_rate"] for i in m["initiatives"]} == {
        "a": pytest.approx(0.1),
        "b": None,
    }


def test_user_ids_are_stored_pseudonymised(db: Path, tmp_path: Path) -> None:
    events = write_csv(
        tmp_path / "usage_events.csv", EVENTS, [("a", "alice@example.com", "2026-02-01", None)]
    )

    load(db, events)

    [(path,)] = table(db, "select path from event_partitions")
    stored = table(db, f"select user_key from read_parquet('{db.parent / path}')")
    assert stored[0][0] != "alice@example.com"
    assert "alice" not in (db.parent / path).read_bytes().decode("latin-1")


def test_only_touched_months_are_recomputed(db: Path, tmp_path: Path) -> None:
    load(
        db,
        write_csv(tmp_path / "1" / "usage_events.csv", EVENTS, [("a", "u1", "2026-02-01", None)]),
    )
    march = write_csv(
        tmp_path / "2" / "usage_events.csv", EVENTS, [("a", "u2", "2026-03-01", None)]
    )

    load(db, march)

    months = table(
        db, "select strftime(month, '%Y-%m'), active_users from mart_monthly_active order by 1"
    )
    assert months == [("2026-02", 1), ("2026-03", 1)]
    assert len(table(db, "select * from event_partitions")) == 2
