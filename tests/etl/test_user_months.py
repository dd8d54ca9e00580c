"""The events seam on DuckDB: `aggregate-events` and `load` of its output folder give what
`load` of the event files gives; output keyed otherwise is refused; bad input is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.aggregate import aggregate_into_db, make_engine
from etl.config import Settings
from etl.events_duckdb import DuckDBEvents
from etl.load import load_files
from etl.user_months import EngineError
from tests.conftest import ROOT, SAMPLE, metrics_json, run_cli
from tests.etl.user_months_helpers import (
    job_of,
    monthly_actives,
    output_of,
    rejects_of,
    same_figures,
    write_events,
)
from tests.helpers import write_initiatives

NON_EVENTS = sorted(p for p in SAMPLE.glob("*.csv") if p.name != "usage_events.csv")

BAD_AND_GOOD: list[tuple[str | None, ...]] = [
    ("a", "u1", "2026-01-31T23:30:00-02:00", "chat"),  # 2026-02 in UTC
    ("a", "u1", "2026-02-01T01:00:00Z", None),
    ("b", "u2", "2026-02-28T23:59:59+00:00", "chat"),
    ("zz", "u3", "2026-02-03T10:00:00Z", None),  # no such initiative
    ("a", "u\u200b4", "2026-02-03T10:00:00Z", None),  # a lookalike id
    ("a", "u5", "2026-02-03T10:00:00+15:00", None),  # beyond +14:00
    ("a", "u6", "9999-01-01T00:00:00Z", None),  # outside the plausible months
    ("c", "", "2026-02-03", None),  # blank user
    ("c", "u7", "yesterday", None),
]


@pytest.fixture
def two_dbs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two databases with the same initiatives, and a folder of events for them."""
    init = write_initiatives(tmp_path / "init")
    first, second = tmp_path / "one" / "db.duckdb", tmp_path / "two" / "db.duckdb"
    for db in (first, second):
        assert load_files(db, [init], Settings()).status == "loaded"
    events = tmp_path / "events"
    write_events(events / "usage_events-1.csv", BAD_AND_GOOD)
    write_events(events / "month=2026-02" / "part-0.parquet", BAD_AND_GOOD[:3] * 2)
    return first, second, events


def test_aggregated_events_load_as_the_event_files_do(two_dbs: tuple[Path, Path, Path]) -> None:
    by_load, by_engine, events = two_dbs
    files = [events / "usage_events-1.csv", events / "month=2026-02" / "part-0.parquet"]

    loaded = load_files(by_load, files, Settings(), entity="usage_events")
    aggregated = aggregate_into_db(by_engine, [str(events)], Settings(), DuckDBEvents())

    assert (aggregated.status, aggregated.rows_read, aggregated.rows_rejected) == (
        loaded.status,
        loaded.rows_read,
        loaded.rows_rejected,
    )
    assert monthly_actives(by_engine) == monthly_actives(by_load)
    assert rejects_of(by_engine) == rejects_of(by_load)
    assert not same_figures(metrics_json(by_engine), metrics_json(by_load))


def test_a_later_load_of_the_same_month_counts_each_user_once(
    two_dbs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    by_load, by_engine, _ = two_dbs
    early = write_events(tmp_path / "e1" / "usage_events.csv", [("a", "u1", "2026-02-02", None)])
    late = write_events(
        tmp_path / "e2" / "usage_events.csv",
        [("a", "u1", "2026-02-20", None), ("a", "u2", "2026-02-21", None)],
    )
    for db in (by_load, by_engine):
        load_files(db, [early], Settings())

    load_files(by_load, [late], Settings())
    aggregate_into_db(by_engine, [str(late)], Settings(), DuckDBEvents())

    assert monthly_actives(by_engine) == monthly_actives(by_load)
    assert ("a", 2) in {(r[0], r[2]) for r in monthly_actives(by_engine)}


def test_files_loaded_before_are_skipped(two_dbs: tuple[Path, Path, Path]) -> None:
    _, db, events = two_dbs
    aggregate_into_db(db, [str(events)], Settings(), DuckDBEvents())
    before = monthly_actives(db)

    again = aggregate_into_db(db, [str(events)], Settings(), DuckDBEvents())
    by_load = load_files(db, [events / "usage_events-1.csv"], Settings())

    assert again.status == "loaded" and all(f.skipped for f in again.files)
    assert by_load.files[0].skipped
    assert monthly_actives(db) == before


def test_the_sample_data_gives_the_same_metrics(tmp_path: Path) -> None:
    by_load, by_engine = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert run_cli("load", "--db", by_load, SAMPLE).returncode == 0
    assert run_cli("load", "--db", by_engine, *NON_EVENTS).returncode == 0

    result = run_cli("aggregate-events", "--db", by_engine, "--json", SAMPLE / "usage_events.csv")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows_loaded"] == 20000
    assert not same_figures(metrics_json(by_engine), metrics_json(by_load))


def _key_file(path: Path, secret: str) -> Path:
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return path


def test_output_keyed_with_the_database_key_loads_and_another_key_is_refused(
    two_dbs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, db, events = two_dbs
    init = tmp_path / "init" / "initiatives.csv"
    ours = _key_file(tmp_path / "ours.key", "shared secret")
    env = {"SCALEBOARD_PSEUDONYM_KEY_FILE": str(ours)}
    theirs = {"SCALEBOARD_PSEUDONYM_KEY": "another secret"}
    args = ("aggregate-events", "--initiatives", init, str(events))

    good = run_cli(*args, "--out", tmp_path / "good", env=env)
    bad = run_cli(*args, "--out", tmp_path / "bad", env=theirs)
    assert good.returncode == 0 and bad.returncode == 0, good.stderr + bad.stderr

    refused = run_cli("load", "--db", db, tmp_path / "bad", env=env)
    assert refused.returncode == 2
    assert (
        "another pseudonym key" in refused.stderr and "SCALEBOARD_PSEUDONYM_KEY" in refused.stderr
    )
    loaded = run_cli("load", "--db", db, tmp_path / "good", env=env)
    assert loaded.returncode == 1, loaded.stderr  # loaded, with the rejected rows
    assert "another secret" not in (tmp_path / "bad" / "scaleboard-user-months.json").read_text()


def test_output_in_another_key_format_is_refused(
    two_dbs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, db, events = two_dbs
    env = {"SCALEBOARD_PSEUDONYM_KEY": "shared secret"}
    aggregate = run_cli(
        "aggregate-events",
        "--out",
        tmp_path / "hex",
        "--key-format",
        "md5-hex",
        "--initiatives",
        tmp_path / "init" / "initiatives.csv",
        str(events),
        env=env,
    )
    assert aggregate.returncode == 0, aggregate.stderr

    refused = run_cli("load", "--db", db, tmp_path / "hex", env=env)

    assert refused.returncode == 2
    assert "format md5-hex" in refused.stderr and "--key-format md5-64" in refused.stderr


def _cli_without_key(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`scaleboard ARGS` with no pseudonym key in the environment at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCALEBOARD_PSEUDONYM_KEY")}
    return subprocess.run(
        [sys.executable, "-m", "scaleboard", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_out_needs_a_configured_key(two_dbs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    init = tmp_path / "init" / "initiatives.csv"
    result = _cli_without_key(
        "aggregate-events", "--out", tmp_path / "o", "--initiatives", init, str(two_dbs[2])
    )
    assert result.returncode == 2
    assert "SCALEBOARD_PSEUDONYM_KEY" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--engine", "flink"], "unknown engine 'flink'; use one of duckdb, spark"),
        (["--spark-conf", "no-equals"], "is not KEY=VALUE"),
    ],
)
def test_bad_options_are_named(
    two_dbs: tuple[Path, Path, Path], args: list[str], said: str
) -> None:
    _, db, events = two_dbs
    result = run_cli("aggregate-events", "--db", db, *args, str(events))
    assert result.returncode == 2
    assert said in result.stderr and "Traceback" not in result.stderr


def test_missing_files_and_json_events_are_refused(
    two_dbs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, db, _ = two_dbs
    json_events = tmp_path / "usage_events.json"
    json_events.write_text("[]")

    missing = run_cli("aggregate-events", "--db", db, tmp_path / "nope.csv")
    no_match = run_cli("aggregate-events", "--db", db, str(tmp_path / "nope-*.csv"))
    as_json = run_cli("aggregate-events", "--db", db, json_events)
    no_db = run_cli("aggregate-events", "--db", tmp_path / "none.duckdb", json_events)

    assert [r.returncode for r in (missing, no_match, as_json, no_db)] == [2, 2, 2, 2]
    assert "no such file or folder" in missing.stderr
    assert "no file matches this pattern" in no_match.stderr
    assert "reads CSV and Parquet" in as_json.stderr
    assert "load its initiatives first" in no_db.stderr


def test_spark_not_installed_says_how_to_install_it(two_dbs: tuple[Path, Path, Path]) -> None:
    """PySpark made unimportable for this one process, as on an install without the extra."""
    _, db, events = two_dbs
    code = (
        "import sys\n"
        "class NoSpark:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pyspark', 'py4j'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoSpark())\n"
        "from scaleboard.cli import main\n"
        "sys.argv = ['scaleboard', 'aggregate-events', '--engine', 'spark', '--db', "
        f"{str(db)!r}, {str(events)!r}]\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert "needs PySpark" in result.stderr and "make setup-spark" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_duckdb_engine_numbers_rejects_as_the_loader(tmp_path: Path) -> None:
    engine = make_engine("duckdb")
    path = write_events(tmp_path / "usage_events.csv", BAD_AND_GOOD)

    engine.aggregate(job_of(engine, [path], ["a", "b", "c"]), str(tmp_path / "out"))
    out = output_of(tmp_path / "out")

    assert [r[1] for r in out["rejects"]] == [4, 5, 6, 7, 8, 9]
    assert out["manifest"]["files"][0]["rows_read"] == len(BAD_AND_GOOD)
    assert out["manifest"]["months"] == {"2026-02-01": 3}


def test_an_out_folder_of_other_files_is_refused_and_an_earlier_output_replaced(
    tmp_path: Path,
) -> None:
    engine = DuckDBEvents()
    bad = write_events(tmp_path / "bad" / "usage_events.csv", BAD_AND_GOOD)
    good = write_events(tmp_path / "good" / "usage_events.csv", BAD_AND_GOOD[:3])
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")

    with pytest.raises(EngineError, match="holds other files"):
        engine.aggregate(job_of(engine, [good], ["a", "b", "c"]), str(other))
    engine.aggregate(job_of(engine, [bad], ["a", "b", "c"]), str(tmp_path / "out"))
    engine.aggregate(job_of(engine, [good], ["a", "b", "c"]), str(tmp_path / "out"))

    assert (other / "notes.txt").read_text() == "mine"
    assert output_of(tmp_path / "out")["rejects"] == []  # none left from the earlier output
