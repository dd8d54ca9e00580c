"""Usage events: distinct users per initiative and month, pseudonymised, append-only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from etl.config import Settings
from etl.load import load_files
from etl.pseudonyms import derived_key
from etl.validate import quote_literal
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

    assert table(db, "select strftime(month, '%Y-%m'), active_users from usage_monthly_active") == [
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
    (february,) = table(db, "select path from event_partitions")
    (db.parent / february[0]).rename(db.parent / "february-set-aside.parquet")

    result = load(db, march)  # fails reading February's partition if it rebuilds every month

    assert result.status == "loaded", result.error

    months = table(
        db, "select strftime(month, '%Y-%m'), active_users from usage_monthly_active order by 1"
    )
    assert months == [("2026-02", 1), ("2026-03", 1)]
    assert len(table(db, "select * from event_partitions")) == 2


# ---- how events are stored -----------------------------------------------------------------


def test_an_events_file_keeps_only_its_valid_rows(db: Path, tmp_path: Path) -> None:
    events = write_csv(
        tmp_path / "usage_events.csv",
        EVENTS,
        [
            ("a", "u1", "2026-02-03T10:00:00Z", "chat"),
            ("a", "u2", "not a time", "chat"),
            ("zz", "u3", "2026-03-03T10:00:00Z", "chat"),
            ("a", "u4", "2026-03-04T10:00:00Z", None),
        ],
    )

    result = load(db, events)

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    partitions = table(db, "select month, path, rows from event_partitions order by month")
    assert [(str(m), rows) for m, _, rows in partitions] == [("2026-02-01", 1), ("2026-03-01", 1)]
    [path] = {p for _, p, _ in partitions}  # one file, named under each month it holds
    stored = table(db, f"select month, action from read_parquet('{db.parent / path}') order by 1")
    assert [(str(m), a) for m, a in stored] == [("2026-02-01", "chat"), ("2026-03-01", None)]


def test_user_keys_are_the_keyed_md5_of_the_user_id(db: Path, tmp_path: Path) -> None:
    secret = "a secret of any length"
    events = write_csv(tmp_path / "usage_events.csv", EVENTS, [("a", "alice", "2026-02-03", None)])

    load_files(db, [events], Settings(pseudonym_key=secret))

    [(path,)] = table(db, "select path from event_partitions")
    [(stored,)] = table(db, f"select user_key from read_parquet('{db.parent / path}')")
    digest = hashlib.md5(derived_key(secret) + b"alice").digest()
    assert stored == int.from_bytes(digest[:8], "little")
    assert table(db, "select value from meta where name = 'user_key_format'") == [("md5-64",)]


def _make_legacy(db: Path, secret: str, users: list[str]) -> None:
    """Turns `db` into a database of the earlier format: events in one month folder per
    month, keys as 32 hex characters, no key format recorded."""
    folder = db.with_name(db.name + ".events") / "load-1" / "file-9" / "month=2026-02-01"
    folder.mkdir(parents=True)
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""
            copy (select 'a' as initiative_id, date '2026-02-01' as month,
                         md5({quote_literal(secret)} || u) as user_key,
                         timestamptz '2026-02-02 10:00:00+00' as event_time,
                         null::varchar as action
                  from unnest(?) as t(u))
            to '{folder / "events_0.parquet"}' (format parquet)
            """,
            [users],
        )
        relative = str((folder / "events_0.parquet").relative_to(db.parent))
        con.execute(
            "insert into event_partitions values (1, date '2026-02-01', ?, ?)",
            [relative, len(users)],
        )
        con.execute("delete from meta where name = 'user_key_format'")


def test_a_database_of_hex_keys_keeps_them_and_its_old_partitions_count(
    db: Path, tmp_path: Path
) -> None:
    settings = Settings(pseudonym_key="legacy secret")
    _make_legacy(db, "legacy secret", ["u1", "u2"])
    events = write_csv(
        tmp_path / "usage_events.csv",
        EVENTS,
        [("a", "u2", "2026-02-10T10:00:00Z", None), ("a", "u3", "2026-02-11T10:00:00Z", None)],
    )

    assert load_files(db, [events], settings).status == "loaded"

    assert table(db, "select value from meta where name = 'user_key_format'") == [("md5-hex",)]
    assert table(db, "select active_users from usage_monthly_active") == [(3,)]  # u2 once


def test_switching_pseudonymisation_off_is_refused(db: Path, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "1" / "usage_events.csv", EVENTS, [("a", "u1", "2026-02-03", None)]
    )
    later = write_csv(
        tmp_path / "2" / "usage_events.csv", EVENTS, [("a", "u1", "2026-02-04", None)]
    )
    load(db, first)
    before = table(db, "select * from usage_monthly_active")

    result = load_files(db, [later], Settings(pseudonymise_user_ids=False))

    assert result.status == "refused"
    assert result.error is not None and "SCALEBOARD_PSEUDONYMISE_USER_IDS" in result.error
    assert table(db, "select * from usage_monthly_active") == before


def test_a_file_of_rejected_events_leaves_no_file(db: Path, tmp_path: Path) -> None:
    events = write_csv(tmp_path / "usage_events.csv", EVENTS, [("zz", "u1", "2026-02-03", None)])

    result = load(db, events)

    assert (result.rows_read, result.rows_rejected) == (1, 1)
    assert table(db, "select count(*) from event_partitions") == [(0,)]
    events_dir = db.with_name(db.name + ".events")
    assert not list(events_dir.glob("**/*.parquet"))
