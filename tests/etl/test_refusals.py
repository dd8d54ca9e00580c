"""Every whole-file refusal: exit 2, a message naming the file and why, and nothing changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli, write_csv
from tests.etl.conftest import write_worked_example


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of the database, sorted, plus the files beside it."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        tables = {
            n: sorted(map(repr, con.execute(f'select * from "{n}"').fetchall())) for n in names
        }
    files = sorted(str(p.relative_to(db.parent)) for p in db.parent.rglob("*") if p.is_file())
    return {
        **{k: [(v,) for v in vals] for k, vals in tables.items()},
        "files": [(f,) for f in files if not f.endswith("audit.jsonl")],
    }


def _unknown_entity(folder: Path) -> Path:
    return write_csv(folder / "budget.csv", ("a",), [(1,)])


def _missing_column(folder: Path) -> Path:
    return write_csv(
        folder / "costs.csv", ("initiative_id", "month", "category"), [("a", "2026-01", "data")]
    )


def _broken_csv(folder: Path) -> Path:
    path = folder / "costs.csv"
    path.write_text('initiative_id,month,category,amount\na,2026-01,data,"1\n', encoding="utf-8")
    return path


def _ragged_csv(folder: Path) -> Path:
    path = folder / "costs.csv"
    path.write_text("initiative_id,month,category,amount\na,2026-01,data,1,9,9\n", encoding="utf-8")
    return path


def _not_utf8(folder: Path) -> Path:
    path = folder / "initiatives.csv"
    text = (
        "initiative_id,name,business_unit,stage,stage_entered_on\n"
        "c,Caf\xe9 bot,Ops,Experimentation,2026-01-01\n"
    )
    path.write_bytes(text.encode("cp1252"))
    return path


def _bad_parquet(folder: Path) -> Path:
    path = folder / "costs.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    return path


def _bad_json(folder: Path) -> Path:
    path = folder / "costs.json"
    path.write_text('[{"initiative_id": "a", "month": "2026-01",', encoding="utf-8")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "costs.csv"
    path.write_bytes(b"")
    return path


def _missing_file(folder: Path) -> Path:
    return folder / "costs-nowhere.csv"


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "unknown_entity": (_unknown_entity, "names no known entity"),
    "missing_column": (_missing_column, "lacks the required column(s) amount"),
    "broken_csv": (_broken_csv, "cannot be read as CSV"),
    "ragged_csv": (_ragged_csv, "cannot be read as CSV"),
    "not_utf8": (_not_utf8, "not valid UTF-8"),
    "bad_parquet": (_bad_parquet, "cannot be read as PARQUET"),
    "bad_json": (_bad_json, "cannot be read as JSON"),
    "empty": (_empty, "empty"),
    "missing_file": (_missing_file, "no such file"),
}


@pytest.fixture
def loaded_db(tmp_path: Path) -> Path:
    db = tmp_path / "db" / "db.duckdb"
    assert run_cli("load", "--db", db, write_worked_example(tmp_path / "in")).returncode == 0
    return db


@pytest.mark.parametrize("case", list(CASES))
def test_refused_file_changes_nothing(tmp_path: Path, loaded_db: Path, case: str) -> None:
    make, why = CASES[case]
    folder = tmp_path / "bad"
    folder.mkdir()
    good = write_csv(
        folder / "outcomes-good.csv",
        ("initiative_id", "month", "value", "insights"),
        [("a", "2026-02", 5, 1)],
    )
    bad = make(folder)
    before = dump(loaded_db)

    result = run_cli("load", "--db", loaded_db, good, bad, "--json")

    assert result.returncode == 2
    summary = json.loads(result.stdout)
    assert summary["status"] == "refused"
    assert str(bad) in summary["error"] and why in summary["error"]
    assert dump(loaded_db) == before


@pytest.mark.parametrize("case", ["missing_column", "not_utf8"])
def test_refusal_message_is_one_line_without_traceback(
    tmp_path: Path, loaded_db: Path, case: str
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    bad = CASES[case][0](folder)

    result = run_cli("load", "--db", loaded_db, bad)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(bad) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_non_utf8_file_loads_with_its_encoding(tmp_path: Path, loaded_db: Path) -> None:
    bad = _not_utf8(tmp_path)

    result = run_cli("load", "--db", loaded_db, bad, "--encoding", "cp1252")

    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(loaded_db), read_only=True) as con:
        assert con.execute("select name from initiatives where initiative_id = 'c'").fetchone() == (
            "Café bot",
        )


def test_bad_option_is_refused_clearly(loaded_db: Path) -> None:
    result = run_cli("metrics", "--db", loaded_db, "--as-of", "March")

    assert result.returncode == 2
    assert "--as-of" in result.stderr and "YYYY-MM" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["metrics", "rejects", "loads", "audit", "users list"])
def test_a_read_command_on_a_missing_database_says_so_and_creates_nothing(
    tmp_path: Path, command: str
) -> None:
    db = tmp_path / "NO" / "SUCH" / "FILE.duckdb"

    result = run_cli(*command.split(), "--db", db, "--json")

    assert result.returncode == 2 and result.stdout == ""
    assert f"no database at {db}: create it with `scaleboard load --db {db} FILES`" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "NO").exists()


@pytest.mark.parametrize(
    "option", [("--as-of", "9999-12"), ("--as-of", "0001-01"), ("--from", "0001-01")]
)
def test_an_implausible_month_option_is_a_clear_error(
    tmp_path: Path, option: tuple[str, str]
) -> None:
    db = tmp_path / "db.duckdb"
    assert run_cli("load", "--db", db, write_worked_example(tmp_path / "in")).returncode == 0

    result = run_cli("metrics", "--db", db, *option)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{option[0]} {option[1]} is outside the months Scaleboard accepts" in result.stderr


def test_an_implausible_month_already_stored_moves_no_figure(tmp_path: Path) -> None:
    """A database loaded before months were checked may hold 9999-12: it never becomes the
    as-of month, and no figure breaks on it."""
    db = tmp_path / "db.duckdb"
    assert run_cli("load", "--db", db, write_worked_example(tmp_path / "in")).returncode == 0
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into mart_reporting_months values (date '9999-12-01', 2), "
            "(date '0001-01-01', 2)"
        )

    result = run_cli("metrics", "--db", db, "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == "2026-03"
