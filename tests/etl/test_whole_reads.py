"""Loads that never lie: a file is read to its end or refused, saying where it broke; one odd
JSON row is rejected alone; messages count lines as an editor does; long lists are short."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.conftest import run_cli, write_csv
from tests.helpers import ADOPTION, COSTS, dump_tables, write_initiatives


def _adoption_rows(count: int = 80) -> list[dict[str, Any]]:
    return [
        {
            "initiative_id": "abc"[i % 3],
            "month": f"{2020 + i // 12}-{i % 12 + 1:02d}",
            "active_users": i,
            "eligible_users": 100 + i,
        }
        for i in range(count)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with initiatives a, b, c and one costs row."""
    db = tmp_path / "db" / "db.duckdb"
    costs = write_csv(tmp_path / "first" / "costs.csv", COSTS, [("a", "2026-01", "data", 5)])
    result = run_cli("load", "--db", db, write_initiatives(tmp_path / "first"), costs)
    assert result.returncode == 0, result.stderr
    return db


def _refused(db: Path, *files: Path) -> str:
    """Loads `files`; asserts the command was refused with nothing changed; its error."""
    before = dump_tables(db)
    result = run_cli("load", "--db", db, *files, "--json")
    assert result.returncode == 2, result.stdout
    summary = json.loads(result.stdout)
    assert summary["status"] == "refused"
    assert dump_tables(db) == before
    return str(summary["error"])


def _cut_array(path: Path) -> Path:
    """80 adoption rows as a JSON array cut right after the `}, ` ending row 41."""
    text = json.dumps(_adoption_rows())
    path.parent.mkdir(parents=True, exist_ok=True)
    end = 0
    for _ in range(41):
        end = text.index("}, ", end) + 3
    path.write_text(text[:end], encoding="utf-8")
    return path


@pytest.mark.parametrize("second", [False, True], ids=["alone", "second_file"])
def test_json_array_cut_after_a_comma_is_refused(db: Path, tmp_path: Path, second: bool) -> None:
    bad = _cut_array(tmp_path / "in" / "adoption.json")
    good = write_csv(tmp_path / "in" / "costs.csv", COSTS, [("b", "2026-02", "data", 3)])

    error = _refused(db, *((good, bad) if second else (bad,)))

    ends_at = len(bad.read_bytes().rstrip())
    assert str(bad) in error
    assert "never closed" in error and f"byte {ends_at}" in error and "cut off" in error


def _ndjson_cut_in_last_line(folder: Path) -> Path:
    text = "\n".join(json.dumps(r) for r in _adoption_rows())
    path = folder / "adoption.ndjson"
    path.write_text(text[:-10], encoding="utf-8")
    return path


def _array_with_a_bad_value(folder: Path) -> Path:
    lines = [json.dumps(r) for r in _adoption_rows(5)]
    lines[3] = lines[3].replace('"active_users": 3', '"active_users": 3 4')
    path = folder / "adoption.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    return path


def _ndjson_with_a_bad_line(folder: Path) -> Path:
    lines = [json.dumps(r) for r in _adoption_rows(6)]
    lines[2] = lines[2].replace('"month"', '"month" "')
    path = folder / "adoption.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _csv_cut_in_a_quoted_cell(folder: Path) -> Path:
    path = folder / "costs.csv"
    text = 'initiative_id,month,category,amount\n"a\nb",2026-01,data,1\nb,2026-01,"da'
    path.write_text(text, encoding="utf-8")
    return path


def _csv_cut_in_a_record(folder: Path) -> Path:
    path = folder / "costs.csv"
    text = 'initiative_id,month,category,amount\n"a\nb",2026-01,data,1\nb,2026-0'
    path.write_text(text, encoding="utf-8")
    return path


def _parquet_cut(folder: Path) -> Path:
    path = folder / "costs.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'a' as initiative_id, '2026-01' as month, 'data' as category, "
            f"i::double as amount from range(10000) t(i)) to '{path}' (format parquet)"
        )
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


UNREADABLE: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "ndjson_cut_in_last_line": (_ndjson_cut_in_last_line, ("line 80", "cut off")),
    "json_array_bad_value": (_array_with_a_bad_value, ("line 5, column", "byte", "fix")),
    "ndjson_bad_line": (_ndjson_with_a_bad_line, ("line 3, column", "byte", "fix")),
    "csv_cut_in_a_quoted_cell": (_csv_cut_in_a_quoted_cell, ("line 4", "never closed")),
    "csv_cut_in_a_record": (_csv_cut_in_a_record, ("line 4", "fewer cells", "cut off")),
    "parquet_cut": (_parquet_cut, ("cut off", "again whole")),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_file_unreadable_to_its_end_is_refused_saying_where(
    db: Path, tmp_path: Path, case: str
) -> None:
    make, expected = UNREADABLE[case]
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)
    good = write_csv(folder / "outcomes.csv", ("initiative_id", "month", "value", "insights"), [])

    error = _refused(db, good, bad)

    assert str(bad) in error
    for words in expected:
        assert words in error, (words, error)


def _rejects(db: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select row_number, column_name, value, reason from rejects "
            "where load_id = (select max(load_id) from loads) order by row_number"
        ).fetchall()


ODD_VALUES: dict[str, tuple[str, Any, str]] = {
    "object_id": ("initiative_id", {"id": "a"}, "initiative_id must be text, got an object"),
    "array_id": ("initiative_id", ["a"], "initiative_id must be text, got an array"),
    "boolean_id": ("initiative_id", True, "initiative_id must be text, got a boolean"),
    "object_number": (
        "active_users",
        {"n": 3},
        "active_users must be a whole number, got an object",
    ),
    "nested_arrays": (
        "eligible_users",
        [[100]],
        "eligible_users must be a whole number, got an array",
    ),
    "boolean_month": ("month", False, "month must be a month YYYY-MM, got a boolean"),
}


@pytest.mark.parametrize("ndjson", [False, True], ids=["array", "ndjson"])
@pytest.mark.parametrize("case", list(ODD_VALUES))
def test_one_odd_json_value_rejects_its_row_alone(
    db: Path, tmp_path: Path, case: str, ndjson: bool
) -> None:
    column, value, reason = ODD_VALUES[case]
    rows = _adoption_rows(6)
    rows[2][column] = value
    path = tmp_path / ("adoption.ndjson" if ndjson else "adoption.json")
    lines = [json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) if ndjson else json.dumps(rows), encoding="utf-8")

    result = run_cli("load", "--db", db, path, "--json")

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rows_loaded"], summary["rows_rejected"]) == (5, 1)
    assert _rejects(db) == [(3, column, json.dumps(value, separators=(",", ":")), reason)]


def test_json_numbers_and_booleans_where_they_belong(db: Path, tmp_path: Path) -> None:
    """A number is its text (an id may be numeric); a boolean fills a boolean column; JSON
    null is a missing value, so an optional column takes its default."""
    write_initiatives(
        tmp_path / "ids", [(7, "Seven", "Ops", "Experimentation", "2025-01-01", "", 5)]
    )
    initiatives = tmp_path / "ids" / "initiatives.csv"
    metrics = tmp_path / "model_metrics.json"
    row = {"model": "m", "metric": "auc", "measured_on": "2026-01-05", "value": 0.9}
    metrics.write_text(
        json.dumps(
            [
                {**row, "initiative_id": 7, "higher_is_better": False},
                {**row, "initiative_id": "a", "higher_is_better": None},
            ]
        ),
        encoding="utf-8",
    )

    result = run_cli("load", "--db", db, initiatives, metrics)

    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.execute(
            "select initiative_id, higher_is_better from model_metrics order by 1"
        ).fetchall()
    assert stored == [("7", False), ("a", True)]


def test_csv_refusal_names_the_physical_line(db: Path, tmp_path: Path) -> None:
    """Records 1 and 2 hold line breaks, so the ragged record 3 starts on line 6 (DuckDB
    itself says 'Line: 4', counting records with the header)."""
    path = tmp_path / "costs.csv"
    path.write_text(
        'initiative_id,month,category,amount\n"a\nb",2026-01,data,1\n"c\nd",2026-01,data,1\n'
        "a,2026-01,data,1,9,9\n",
        encoding="utf-8",
    )

    error = _refused(db, path)

    assert "line 6:" in error and "more cells than the header's 4" in error
    assert "Line: 4" not in error


def test_not_utf8_csv_names_the_physical_line(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "costs.csv"
    text = 'initiative_id,month,category,amount\n"a\nb",2026-01,data,1\nb,2026-01,d\xe9ta,1\n'
    path.write_bytes(text.encode("cp1252"))

    error = _refused(db, path)

    assert "not valid UTF-8 at line 4" in error and "--encoding" in error


def test_reject_row_numbers_stay_record_numbers(db: Path, tmp_path: Path) -> None:
    """CONTRACT.md: a reject's row number is its data record, header not counted."""
    path = tmp_path / "costs.csv"
    path.write_text(
        'initiative_id,month,category,amount\n"a\nb",2026-01,data,1\nb,2026-01,data,-1\n',
        encoding="utf-8",
    )

    result = run_cli("load", "--db", db, path)

    assert result.returncode == 1, result.stderr
    assert [r[0] for r in _rejects(db)] == [1, 2]


def test_odd_json_event_is_rejected_alone(db: Path, tmp_path: Path) -> None:
    """Usage events stream from the file; the odd one is still rejected on its own."""
    events = [
        {"initiative_id": "a", "user_id": f"u{i}", "event_time": f"2026-01-0{i + 1}T10:00:00"}
        for i in range(4)
    ]
    events[1]["user_id"] = {"email": "x@example.com"}
    path = tmp_path / "usage_events.ndjson"
    path.write_text("\n".join(json.dumps(e) for e in events), encoding="utf-8")

    result = run_cli("load", "--db", db, path, "--json")

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["rows_loaded"], summary["rows_rejected"]) == (3, 1)
    assert _rejects(db) == [
        (2, "user_id", '{"email":"x@example.com"}', "user_id must be text, got an object")
    ]


def test_long_column_lists_are_summarised(db: Path, tmp_path: Path) -> None:
    extra = [f"x{i}" for i in range(10_000)]
    wide = write_csv(
        tmp_path / "adoption.csv", (*ADOPTION, *extra), [("a", "2026-01", 1, 2, *extra)]
    )
    lacking = write_csv(tmp_path / "costs.csv", ("initiative_id", *extra), [])

    result = run_cli("load", "--db", db, wide, "--json")
    error = _refused(db, lacking)

    assert result.returncode == 0, result.stderr
    (warning,) = json.loads(result.stdout)["files"][0]["warnings"]
    assert warning == ("ignored unknown column(s): x0, x1, x2, x3, x4 and 9995 more (10000 in all)")
    assert len(error) < 400 and "and 9996 more (10001 in all)" in error
