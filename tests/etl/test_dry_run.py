"""`load --dry-run` checks and reports exactly as a real load would, and changes nothing: not
the database, not the files beside it (only the audit log records the attempt)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli, write_csv
from tests.helpers import (
    ADOPTION,
    COSTS,
    EVENTS,
    copy_store,
    dump_tables,
    sidecars,
    write_initiatives,
)

ENV = {"SCALEBOARD_PSEUDONYM_KEY": "dry-run-test-key"}


def _good(folder: Path) -> list[Path]:
    return [
        write_csv(folder / "costs.csv", COSTS, [("a", "2026-01", "compute", "12.5")]),
        write_csv(folder / "adoption.csv", ADOPTION, [("b", "2026-01", "3", "9")]),
    ]


def _good_with_events(folder: Path) -> list[Path]:
    events = [("a", "u1", "2026-01-05T10:00:00", "open"), ("c", "u2", "2026-02-01 08:00", "")]
    return [*_good(folder), write_csv(folder / "usage_events.csv", EVENTS, events)]


def _rejects(folder: Path) -> list[Path]:
    rows = [
        ("a", "2026-01", "compute", "10"),
        ("zz", "2026-01", "compute", "10"),  # unknown initiative
        ("b", "2026-13", "people", "-1"),  # bad month, negative amount
    ]
    return [
        write_csv(folder / "costs.csv", COSTS, rows),
        write_csv(folder / "adoption.csv", ADOPTION, [("b", "2026-01", "3", "9")]),
    ]


def _refused(folder: Path) -> list[Path]:
    missing_amount = write_csv(folder / "costs-bad.csv", COSTS[:3], [("a", "2026-01", "compute")])
    return [*_good(folder), missing_amount]


CASES: dict[str, tuple[Callable[[Path], list[Path]], int, str]] = {
    "good": (_good, 0, "loaded"),
    "good_with_events": (_good_with_events, 0, "loaded"),
    "rejects": (_rejects, 1, "loaded_with_rejects"),
    "refused": (_refused, 2, "refused"),
}


@pytest.fixture
def loaded_db(tmp_path: Path) -> Path:
    """A database with the initiatives a, b, c loaded (no usage events yet)."""
    db = tmp_path / "db" / "db.duckdb"
    first = run_cli("load", "--db", db, write_initiatives(tmp_path / "first"), env=ENV)
    assert first.returncode == 0, first.stderr
    return db


def _summary(result: Any) -> dict[str, Any]:
    summary = dict(json.loads(result.stdout))
    summary.pop("dry_run")
    return summary


@pytest.mark.parametrize("case", CASES)
def test_dry_run_reports_what_a_load_would_and_changes_nothing(
    case: str, loaded_db: Path, tmp_path: Path
) -> None:
    make, code, status = CASES[case]
    files = make(tmp_path / "in")
    twin = copy_store(loaded_db, tmp_path / "twin")
    before = dump_tables(loaded_db)

    dry = run_cli("load", "--db", loaded_db, *files, "--dry-run", "--json", env=ENV)
    real = run_cli("load", "--db", twin, *files, "--json", env=ENV)

    assert (dry.returncode, real.returncode) == (code, code), dry.stderr + real.stderr
    assert json.loads(dry.stdout)["dry_run"] is True
    assert json.loads(dry.stdout)["status"] == status
    assert _summary(dry) == _summary(real)
    assert dump_tables(loaded_db) == before
    if code != 2:
        assert dump_tables(twin) != before  # the real load did change something


@pytest.mark.parametrize("case", CASES)
def test_dry_run_leaves_no_file_but_the_audit_log(
    case: str, loaded_db: Path, tmp_path: Path
) -> None:
    files = CASES[case][0](tmp_path / "in")
    before = sidecars(loaded_db)
    audit = loaded_db.with_name(loaded_db.name + ".audit.jsonl").name

    # no SCALEBOARD_PSEUDONYM_KEY: a real load with events would create the key file
    dry = run_cli("load", "--db", loaded_db, *files, "--dry-run", "--json")

    assert dry.returncode == CASES[case][1], dry.stderr
    after = sidecars(loaded_db)
    assert {k: v for k, v in after.items() if k != audit} == {
        k: v for k, v in before.items() if k != audit
    }
    assert after[audit] > before[audit]  # the attempt is recorded


def test_dry_run_on_a_new_path_creates_no_database(tmp_path: Path) -> None:
    db = tmp_path / "db" / "new.duckdb"
    files = [write_initiatives(tmp_path / "in"), *_good_with_events(tmp_path / "in")]

    dry = run_cli("load", "--db", db, *files, "--dry-run", "--json", env=ENV)

    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["rows_loaded"] == 3 + 1 + 1 + 2
    assert not db.exists()
    # the lock serialises a dry run with a real load (both write PATH.next): an empty file
    assert set(sidecars(db)) <= {"new.duckdb.audit.jsonl", "new.duckdb.lock"}, sidecars(db)
    shown = run_cli("metrics", "--db", db, "--json", env=ENV)
    assert shown.returncode == 2 and "no database at" in shown.stderr  # still none
    assert not db.exists()


def test_files_checked_by_a_dry_run_still_load(loaded_db: Path, tmp_path: Path) -> None:
    files = _good_with_events(tmp_path / "in")
    dry = run_cli("load", "--db", loaded_db, *files, "--dry-run", "--json", env=ENV)
    assert dry.returncode == 0, dry.stderr

    real = run_cli("load", "--db", loaded_db, *files, "--json", env=ENV)

    assert real.returncode == 0, real.stderr
    summary = json.loads(real.stdout)
    assert (summary["rows_loaded"], summary["rows_skipped"]) == (4, 0)
    assert not any(f["skipped"] for f in summary["files"])


def test_dry_run_text_output_says_nothing_changed(loaded_db: Path, tmp_path: Path) -> None:
    before = dump_tables(loaded_db)

    dry = run_cli("load", "--db", loaded_db, *_rejects(tmp_path / "in"), "--dry-run", env=ENV)

    assert dry.returncode == 1
    assert "dry run, nothing changed" in dry.stdout
    assert "2 rejected" in dry.stdout
    assert dump_tables(loaded_db) == before
