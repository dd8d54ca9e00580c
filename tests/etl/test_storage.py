"""The storage seam: schema versions, foreign files, the files kept beside the database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.ddl import SCHEMA_VERSION
from etl.storage import StorageError, open_reader
from tests.conftest import run_cli
from tests.etl.conftest import load, metrics, write_worked_example


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db.duckdb"
    load(path, write_worked_example(tmp_path / "in"))
    return path


def _set_version(db: Path, version: int) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("update meta set value = ? where name = 'schema_version'", [str(version)])


def test_a_newer_schema_is_refused_with_a_clear_message(db: Path) -> None:
    _set_version(db, SCHEMA_VERSION + 1)

    result = run_cli("metrics", "--db", db)

    assert result.returncode == 2
    assert "newer Scaleboard" in result.stderr and "Traceback" not in result.stderr


def test_an_older_schema_is_upgraded_by_the_next_load(db: Path, tmp_path: Path) -> None:
    _set_version(db, SCHEMA_VERSION - 1)
    with pytest.raises(StorageError, match="upgrade it in place"):
        open_reader(db)
    more = write_worked_example(tmp_path / "more")
    (more / "adoption.csv").write_text(
        "initiative_id,month,active_users,eligible_users\na,2026-02,1,2\n", encoding="utf-8"
    )

    assert load(db, more / "adoption.csv").status == "loaded"

    assert metrics(db)["as_of"] == "2026-03"


def test_marts_built_by_other_models_are_rebuilt_by_a_load_that_skips_every_file(
    db: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(db)) as con:  # as a release written by another version
        con.execute("update meta set value = 'other models' where name = 'models'")
        con.execute("drop view stg_fx_rates")

    refused = run_cli("metrics", "--db", db)
    assert refused.returncode == 2 and "upgrade it in place" in refused.stderr
    assert "Traceback" not in refused.stderr

    result = load(db, tmp_path / "in")

    assert result.status == "loaded" and all(f.skipped for f in result.files)
    assert metrics(db)["as_of"] == "2026-03"


def test_a_foreign_duckdb_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("create table t (x int)")

    result = run_cli("metrics", "--db", other)

    assert result.returncode == 2
    assert "not a Scaleboard database" in result.stderr


def test_files_beside_the_database_are_named_after_it(db: Path) -> None:
    names = sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name))

    assert names == ["db.duckdb", "db.duckdb.audit.jsonl", "db.duckdb.lock"]


def test_a_reader_keeps_its_release_while_a_load_switches_in(db: Path, tmp_path: Path) -> None:
    reader = open_reader(db)
    before = reader.execute("select count(*) from costs").fetchone()
    extra = tmp_path / "costs-more.csv"
    extra.write_text("initiative_id,month,category,amount\na,2026-01,data,1\n", encoding="utf-8")

    load(db, extra)

    assert reader.execute("select count(*) from costs").fetchone() == before
    reader.close()
    with open_reader(db) as fresh:
        assert fresh.execute("select count(*) from costs").fetchone() == (before[0] + 1,)


def _as_built_by_version_1(db: Path) -> None:
    """Turns a current database back into what version 1 wrote: the events engine's table
    named as a mart, money columns in `_usd`, its own models' fingerprint."""
    with duckdb.connect(str(db)) as con:
        con.execute("alter table usage_monthly_active rename to mart_monthly_active")
        renames = {
            "mart_initiative_month": ("cost_rc", "outcome_value_rc"),
            "mart_cost_by_category": ("cost_rc",),
            "mart_unallocated_spend": ("amount_rc",),
        }
        for table, columns in renames.items():
            for column in columns:
                old = column.removesuffix("_rc") + "_usd"
                con.execute(f"alter table {table} rename column {column} to {old}")
        con.execute("update meta set value = '1' where name = 'schema_version'")
        con.execute("update meta set value = 'version 1 models' where name = 'models'")


def test_a_database_of_version_1_is_migrated_by_the_next_load(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    folder = write_worked_example(tmp_path / "in")
    events = folder / "usage_events.csv"
    events.write_text(
        "initiative_id,user_id,event_time\na,u1,2026-03-02T10:00:00Z\na,u2,2026-03-05 08:00\n"
    )
    load(db, folder)
    before = metrics(db)
    _as_built_by_version_1(db)
    with pytest.raises(StorageError, match="upgrade it in place"):
        open_reader(db)

    more = tmp_path / "more" / "costs-2026-03.csv"
    more.parent.mkdir()
    more.write_text("initiative_id,month,category,amount\nb,2026-03,data,5\n")
    assert run_cli("load", "--db", db, more).returncode == 0

    after = metrics(db)
    assert after["total_cost"] == pytest.approx(before["total_cost"] + 5)
    assert after["adoption_rate"] == before["adoption_rate"]
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        active = con.execute("select * from usage_monthly_active").fetchall()
        columns = {r[0] for r in con.execute("describe mart_initiative_month").fetchall()}
    assert "mart_monthly_active" not in tables and len(active) == 1
    assert {"cost_rc", "outcome_value_rc"} <= columns and "cost_usd" not in columns


def test_a_symlinked_db_loads_into_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real" / "db.duckdb"
    real.parent.mkdir()
    load(real, write_worked_example(tmp_path / "in"))
    link = tmp_path / "elsewhere" / "link.duckdb"
    link.parent.mkdir()
    link.symlink_to(real)
    more = tmp_path / "more" / "costs.csv"
    more.parent.mkdir()
    more.write_text("initiative_id,month,category,amount\nb,2026-03,data,5\n")

    assert run_cli("load", "--db", link, more).returncode == 0

    assert link.is_symlink() and link.resolve() == real  # still the link, not a copy
    assert metrics(real)["total_cost"] == pytest.approx(150_005)
    assert sorted(p.name for p in link.parent.iterdir()) == [
        "link.duckdb"
    ]  # files beside the target
    assert (real.parent / "db.duckdb.audit.jsonl").exists()
    assert run_cli("rollback", "--db", link).returncode == 0
    assert metrics(real)["total_cost"] == pytest.approx(150_000)
