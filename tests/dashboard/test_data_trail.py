"""The data team's trail on the data page: every load, refused ones with their message and
rolled-back ones marked (when, by which command), and every rejected row exported as CSV
from the server with no cell that a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from dashboard.db import Database
from dashboard.views import data as view
from etl.audit import audit_attempts
from etl.config import Settings
from etl.load import load_files
from tests.conftest import run_cli, write_csv
from tests.dashboard.conftest import build, write_tiny

HYPERLINK = '=HYPERLINK("http://x","y")'


def _tiny(tmp_path: Path) -> Path:
    return build(tmp_path / "db.duckdb", write_tiny(tmp_path / "in"))


def _loads(db: Path) -> list[dict[str, Any]]:
    database = Database(db, Settings())
    try:
        with database.reader() as reader:
            rows: list[dict[str, Any]] = reader.view(view.data, "", reader.audit_stamp)["load_rows"]
            return rows
    finally:
        database.close()


def test_a_refused_load_is_listed_with_its_message(tmp_path: Path) -> None:
    db = _tiny(tmp_path)
    bad = write_csv(tmp_path / "costs.csv", ("initiative_id", "month"), [("a", "2026-03")])
    refused = load_files(db, [bad], Settings(), command=f"load {bad}")
    assert refused.status == "refused"

    rows = _loads(db)

    assert [r["status"] for r in rows] == ["Refused", "Loaded"]
    assert "costs.csv" in rows[0]["message"] and "amount" in rows[0]["message"]
    assert rows[0]["command"] == f"load {bad}"
    assert rows[1]["load_id"] == 1 and rows[1]["files"]


def test_a_cached_page_shows_a_load_refused_since(tmp_path: Path) -> None:
    """A refusal changes no database file, only the audit log: the page must still show it."""
    db = _tiny(tmp_path)
    database = Database(db, Settings())
    try:
        with database.reader() as reader:
            assert len(reader.view(view.data, "", reader.audit_stamp)["load_rows"]) == 1
        load_files(db, [tmp_path / "missing.csv"], Settings())
        with database.reader() as reader:
            rows = reader.view(view.data, "", reader.audit_stamp)["load_rows"]
    finally:
        database.close()
    assert [r["status"] for r in rows] == ["Refused", "Loaded"]


def test_a_rolled_back_load_is_marked_with_when_and_by_what_command(tmp_path: Path) -> None:
    db = _tiny(tmp_path)
    more = write_csv(
        tmp_path / "adoption-more.csv",
        ("initiative_id", "month", "active_users", "eligible_users"),
        [("a", "2026-01", 10, 100)],
    )
    assert load_files(db, [more], Settings()).exit_code == 0
    result = run_cli("rollback", "--db", db)
    assert result.returncode == 0, result.stderr

    rows = _loads(db)

    assert [(r["load_id"], r["status"]) for r in rows] == [(2, "Rolled back"), (1, "Loaded")]
    message = rows[0]["message"]
    assert message.startswith("rolled back at 20") and "by `rollback`" in message
    assert "(the state after load 1 restored)" in message


def test_a_load_id_used_again_after_a_rollback_shows_both_loads(tmp_path: Path) -> None:
    records = [
        {"at": "2026-01-01T10:00:00+00:00", "event": "started", "load_id": 2, "command": "load x"},
        {"at": "2026-01-01T10:00:05+00:00", "event": "committed", "load_id": 2, "status": "loaded"},
        {"at": "2026-01-01T11:00:00+00:00", "event": "rolled_back", "load_id": 2, "restored": 1},
        {"at": "2026-01-01T12:00:00+00:00", "event": "refused", "load_id": None, "error": "no"},
        {"at": "2026-01-01T13:00:00+00:00", "event": "started", "load_id": 2, "command": "load y"},
        {"at": "2026-01-01T13:00:05+00:00", "event": "committed", "load_id": 2, "status": "loaded"},
    ]

    attempts = audit_attempts(records)

    assert [(a["load_id"], a["status"], a["command"]) for a in attempts] == [
        (2, "rolled_back", "load x"),
        (None, "refused", None),
        (2, "loaded", "load y"),
    ]
    assert attempts[1]["message"] == "no"


def test_the_rejects_export_holds_every_reject_and_runs_no_formula(tmp_path: Path) -> None:
    db = _tiny(tmp_path)
    bad = write_csv(
        tmp_path / "costs-bad.csv",
        ("initiative_id", "month", "category", "amount"),
        [("a", "2026-03", HYPERLINK, 1), ("a", "2026-03", "-cmd", 2)],
    )
    assert load_files(db, [bad], Settings()).exit_code == 1
    database = Database(db, Settings())
    try:
        with database.reader() as reader:
            text = view.rejects_csv(reader)
    finally:
        database.close()

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Row"] for r in rows] == ["1", "2"]
    assert [r["Value"] for r in rows] == ["'" + HYPERLINK, "'-cmd"]
    assert all(r["Reason"] for r in rows) and rows[0]["Column"] == "category"
