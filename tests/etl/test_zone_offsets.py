"""An event time's zone offset must lie within -14:00..+14:00: DuckDB accepts `+25:00`, which
would move the event into another day, or month."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli, write_csv
from tests.etl.conftest import write_worked_example

BAD = [
    ("plus_25", "2026-03-01T00:30:00+25:00", "+25:00"),
    ("minus_99", "2026-03-31 23:00-99", "-99:00"),
    ("plus_14_30", "2026-03-01T10:00:00+14:30", "+14:30"),
    ("minus_1401", "2026-03-01 10:00:00.5-1401", "-14:01"),
]
GOOD = ["2026-03-01T10:00:00+14:00", "2026-03-01 10:00-12:00", "2026-03-01 10:00Z", "2026-03-01"]


@pytest.mark.parametrize(("time", "shown"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_an_offset_beyond_14_hours_is_rejected(tmp_path: Path, time: str, shown: str) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    assert run_cli("load", "--db", db, folder).returncode == 0
    events = write_csv(
        tmp_path / "more" / "usage_events.csv",
        ("initiative_id", "user_id", "event_time"),
        [("a", f"u{i}", t) for i, t in enumerate([*GOOD, time])],
    )

    result = run_cli("load", "--db", db, events, "--json")

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rows_loaded"], summary["rows_rejected"]) == (len(GOOD), 1)
    with duckdb.connect(str(db), read_only=True) as con:
        [(row, column, value, reason)] = con.execute(
            "select row_number, column_name, value, reason from rejects where load_id = 2"
        ).fetchall()
        months = con.execute("select distinct month from usage_monthly_active").fetchall()
    assert (row, column, value) == (len(GOOD) + 1, "event_time", time)
    assert f"has the zone offset {shown}, outside -14:00 to +14:00" in reason
    assert {m for (m,) in months} <= {dt.date(2026, 2, 1), dt.date(2026, 3, 1)}
