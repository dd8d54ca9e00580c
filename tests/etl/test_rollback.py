"""`scaleboard rollback` restores the state before the latest load, one load at a time, and
what it undoes (usage events included) no longer counts anywhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli, write_csv
from tests.helpers import (
    ADOPTION,
    COSTS,
    EVENTS,
    dump_tables,
    metrics_of,
    write_initiatives,
)

ENV = {"SCALEBOARD_PSEUDONYM_KEY": "rollback-test-key"}


def _load(db: Path, *paths: Path, env: dict[str, str] = ENV) -> None:
    result = run_cli("load", "--db", db, *paths, "--json", env=env)
    assert result.returncode == 0, result.stderr + result.stdout


def _rollback(db: Path, env: dict[str, str] = ENV) -> dict[str, int]:
    result = run_cli("rollback", "--db", db, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def _events(path: Path, initiative: str, month: str, users: range) -> Path:
    rows = [(initiative, f"user-{u}", f"{month}-03T10:00:00", "open") for u in users]
    return write_csv(path, EVENTS, rows)


@pytest.fixture
def three_loads(tmp_path: Path) -> list[list[Path]]:
    """The files of three loads: initiatives and January, February with events, March."""
    src = tmp_path / "in"
    return [
        [
            write_initiatives(src),
            write_csv(src / "costs-01.csv", COSTS, [("a", "2026-01", "compute", "100")]),
            write_csv(src / "adoption-01.csv", ADOPTION, [("a", "2026-01", "10", "100")]),
        ],
        [
            write_csv(src / "costs-02.csv", COSTS, [("b", "2026-02", "people", "200")]),
            _events(src / "usage_events-02.csv", "a", "2026-02", range(30)),
        ],
        [
            write_csv(src / "costs-03.csv", COSTS, [("a", "2026-01", "compute", "150")]),
            write_csv(src / "adoption-03.csv", ADOPTION, [("c", "2026-03", "5", "50")]),
        ],
    ]


def test_rollback_steps_back_through_every_load(
    three_loads: list[list[Path]], tmp_path: Path
) -> None:
    db = tmp_path / "db" / "db.duckdb"
    states = []
    for files in three_loads:
        _load(db, *files)
        states.append((dump_tables(db), metrics_of(db)))

    assert _rollback(db) == {"undone_load_id": 3, "restored_load_id": 2}
    assert (dump_tables(db), metrics_of(db)) == states[1]
    assert _rollback(db) == {"undone_load_id": 2, "restored_load_id": 1}
    assert (dump_tables(db), metrics_of(db)) == states[0]
    assert _rollback(db) == {"undone_load_id": 1, "restored_load_id": 0}

    emptied = dump_tables(db)
    assert {t: rows for t, rows in emptied.items() if rows} == {
        t: emptied[t] for t in ("meta", "stage_order")
    }
    assert not list(db.with_name(db.name + ".events").glob("load-*"))
    _load(db, *three_loads[0])  # a new load on the emptied database works
    assert metrics_of(db) == states[0][1]


def test_metrics_work_on_a_database_rolled_back_to_empty(
    three_loads: list[list[Path]], tmp_path: Path
) -> None:
    db = tmp_path / "db" / "db.duckdb"
    _load(db, *three_loads[0])
    _rollback(db)

    shown = run_cli("metrics", "--db", db, "--json", env=ENV)

    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == metrics_of(tmp_path / "never-loaded.duckdb")


def _leave_a_killed_load(db: Path) -> None:
    """What a load killed after copying the release and writing some rows leaves: PATH.next."""
    shutil.copyfile(db, db.with_name(db.name + ".next"))
    with duckdb.connect(str(db.with_name(db.name + ".next"))) as con:
        con.execute(
            "insert into costs (initiative_id, month, category, amount, source) "
            "values ('a', date '2026-04-01', 'compute', 999, 'manual')"
        )


@pytest.mark.parametrize("loads", [1, 2])
def test_rollback_after_a_killed_load_ignores_its_leftovers(
    loads: int, three_loads: list[list[Path]], tmp_path: Path
) -> None:
    db = tmp_path / "db.duckdb"
    states = []
    for files in three_loads[:loads]:
        _load(db, *files)
        states.append(dump_tables(db))
    _leave_a_killed_load(db)

    assert _rollback(db) == {"undone_load_id": loads, "restored_load_id": loads - 1}

    rolled = dump_tables(db)
    if loads == 2:
        assert rolled == states[0]
    else:  # an empty database: the killed load's copy of load 1 must not come back
        assert {t: rows for t, rows in rolled.items() if rows} == {
            t: rolled[t] for t in ("meta", "stage_order")
        }
    assert not db.with_name(db.name + ".next").exists()


def test_rollback_says_so_in_text(three_loads: list[list[Path]], tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _load(db, *three_loads[0])
    _load(db, *three_loads[1])

    result = run_cli("rollback", "--db", db, env=ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"rolled back load 2: {db} is now the state after load 1"


def test_rollback_of_a_database_without_loads_refuses(
    three_loads: list[list[Path]], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.duckdb"
    result = run_cli("rollback", "--db", missing, env=ENV)
    assert result.returncode == 2
    assert (
        result.stderr.strip() == f"error: {missing} does not exist; there is nothing to roll back."
    )
    assert not missing.exists()

    db = tmp_path / "db.duckdb"
    _load(db, *three_loads[0])
    _rollback(db)
    before = dump_tables(db)
    again = run_cli("rollback", "--db", db, env=ENV)
    assert again.returncode == 2
    assert again.stderr.strip() == f"error: {db} has no load to roll back."
    assert dump_tables(db) == before


def test_rollback_refuses_when_no_earlier_state_is_kept(
    three_loads: list[list[Path]], tmp_path: Path
) -> None:
    db = tmp_path / "db.duckdb"
    keep_one = {**ENV, "SCALEBOARD_RELEASES_KEPT": "1"}
    for files in three_loads:
        _load(db, *files, env=keep_one)
    _rollback(db, env=keep_one)
    after_one = dump_tables(db)

    result = run_cli("rollback", "--db", db, env=keep_one)

    assert result.returncode == 2
    assert "no earlier state" in result.stderr
    assert dump_tables(db) == after_one


def test_events_of_an_undone_load_no_longer_count(
    three_loads: list[list[Path]], tmp_path: Path
) -> None:
    db = tmp_path / "db" / "db.duckdb"
    first, second, third = three_loads
    _load(db, *first)
    _load(db, *second)
    with_events = metrics_of(db, as_of="2026-02")
    assert with_events["initiatives"][0]["adoption_rate"] == pytest.approx(30 / 1000)
    _rollback(db)

    later = _events(tmp_path / "in" / "usage_events-later.csv", "a", "2026-02", range(25, 37))
    _load(db, *third, later)

    reference = tmp_path / "reference" / "db.duckdb"
    _load(reference, *first)
    _load(reference, *third, later)
    assert metrics_of(db) == metrics_of(reference)
    by_month = metrics_of(db, as_of="2026-02")
    assert by_month["initiatives"][0]["adoption_rate"] == pytest.approx(12 / 1000)
    partitions = dump_tables(db)["event_partitions"]
    assert {row[0] for row in partitions} == {3}
    events_dir = db.with_name(db.name + ".events")
    assert sorted(p.name for p in events_dir.iterdir()) == ["load-3"]

    # the undone file is not "already loaded": loading it again brings its events back
    again = run_cli("load", "--db", db, second[1], "--json", env=ENV)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["rows_skipped"] == 0
    rate = metrics_of(db, as_of="2026-02")["initiatives"][0]["adoption_rate"]
    assert rate == pytest.approx(37 / 1000)  # users 0-36: the union of both files
