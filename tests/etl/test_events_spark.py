"""The Spark engine of the events seam equals the DuckDB engine row for row: the same keyed
user-months, the same rejects with the same reasons and record numbers, the same counts;
and a database filled through it gives the same figures as `scaleboard load`.

One local Spark session serves the whole run (`spark_session`, tests/etl/conftest.py);
every test here is marked `spark` and skips where PySpark or Java is absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.aggregate import aggregate_into_db
from etl.config import Settings
from etl.events_duckdb import DuckDBEvents
from etl.load import load_files
from etl.storage import Store, read_audit
from tests.conftest import SAMPLE, metrics_json, run_cli
from tests.etl.user_months_helpers import (
    job_of,
    monthly_actives,
    rejects_of,
    run_engine,
    same_figures,
    write_events,
)
from tests.helpers import write_initiatives

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

KNOWN = ["a", "b", "c"]
NON_EVENTS = sorted(p for p in SAMPLE.glob("*.csv") if p.name != "usage_events.csv")


@pytest.fixture
def spark(spark_session: Any) -> Any:
    from etl.events_spark import SparkEvents

    return SparkEvents(session=spark_session)


def _both(spark: Any, paths: list[Path | str], out: Path) -> tuple[Any, Any]:
    duck = DuckDBEvents()
    by_duckdb = run_engine(duck, job_of(duck, paths, KNOWN), out / "duckdb")
    by_spark = run_engine(spark, job_of(spark, paths, KNOWN), out / "spark")
    return by_duckdb, by_spark


def test_the_sample_events_aggregate_alike(spark: Any, tmp_path: Path) -> None:
    duck = DuckDBEvents()
    paths = [SAMPLE / "usage_events.csv"]
    known = [f"AI-{i:04d}" for i in range(1, 100)]

    by_duckdb = run_engine(duck, job_of(duck, paths, known), tmp_path / "duckdb")
    by_spark = run_engine(spark, job_of(spark, paths, known), tmp_path / "spark")

    assert by_spark == by_duckdb
    assert by_spark["manifest"]["files"][0]["rows_read"] == 20000
    assert len(by_spark["users"]) == by_spark["manifest"]["user_month_rows"] > 0


# Instants on both sides of month ends, written in several zones, and what a file gets wrong.
EDGES = [
    "2025-12-31T23:59:59",
    "2026-01-01T00:00:00",
    "2026-01-31T22:30:00",
    "2026-02-01T01:30:00",
    "2026-02-28T23:00:00",
    "2026-03-01T00:30:00",
]
ZONES = ["", "Z", "+00:00", "+02:00", "-05:00", "+14:00", "-12:00", "+05:30", "+15:00", " UTC"]
BAD_TIMES = ["", "2026-13-01", "9999-01-01T00:00:00Z", "not a time", "2026-02-30T10:00:00Z"]

events = st.tuples(
    st.sampled_from(["a", "b", "c", "zz", " a ", "\uff41"]),
    st.sampled_from(["u1", "u2", "u3", "u4", "u\u200b1", "", " u2 "]),
    st.one_of(
        st.builds(lambda t, z: t + z, st.sampled_from(EDGES), st.sampled_from(ZONES)),
        st.sampled_from(BAD_TIMES),
    ),
    st.sampled_from([None, "chat", "accept"]),
)
streams = st.lists(
    st.tuples(st.sampled_from(["csv", "parquet"]), st.lists(events, min_size=0, max_size=12)),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cases=st.lists(streams, min_size=1, max_size=4))
def test_generated_event_streams_aggregate_alike(
    spark: Any,
    tmp_path_factory: pytest.TempPathFactory,
    cases: list[list[tuple[str, list[Any]]]],
) -> None:
    """Several generated streams per example, side by side in one lake (a Spark job costs
    seconds, a stream milliseconds): every file of every stream, one job per engine."""
    folder = tmp_path_factory.mktemp("stream")
    paths: list[Path | str] = []
    for n, files in enumerate(cases):
        for i, (fmt, rows) in enumerate(files):
            # duplicates within and across files, and files of the same month side by side
            month = folder / f"stream-{n}" / f"month=2026-0{1 + i % 2}"
            paths.append(write_events(month / f"usage_events-{i}.{fmt}", rows + rows[:2]))

    by_duckdb, by_spark = _both(spark, paths, folder / "out")

    assert by_spark == by_duckdb


def test_several_files_and_a_folder_uri_aggregate_alike(spark: Any, tmp_path: Path) -> None:
    rows = [
        ("a", "u1", "2026-01-31T23:30:00-01:00", None),
        ("a", "u2", "2026-02-01T00:30:00+01:00", None),
        ("zz", "u3", "2026-02-02T00:00:00Z", None),
    ]
    for i in range(3):
        write_events(tmp_path / "lake" / f"month=2026-0{1 + i % 2}" / f"part-{i}.parquet", rows)
    write_events(tmp_path / "lake" / "_SUCCESS.csv", rows)  # a name Spark keeps for itself

    by_duckdb, by_spark = _both(spark, [tmp_path / "lake"], tmp_path / "out")
    uri = (tmp_path / "lake").resolve().as_uri()
    by_uri = run_engine(spark, job_of(spark, [uri], KNOWN), tmp_path / "out" / "uri")

    assert by_spark == by_duckdb
    assert [f["rows_read"] for f in by_spark["manifest"]["files"]] == [3, 3, 3]
    assert by_uri["users"] == by_spark["users"] and by_uri["rejects"] == by_spark["rejects"]


def test_typed_parquet_timestamps_aggregate_alike(spark: Any, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "usage_events.parquet"
    instants = [dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, 0, 30)]
    table = pa.table(
        {
            "initiative_id": ["a", "b"],
            "user_id": ["u1", "u2"],
            "event_time": pa.array(instants, pa.timestamp("us", tz="UTC")),
        }
    )
    pq.write_table(table, path)

    by_duckdb, by_spark = _both(spark, [path], tmp_path / "out")

    assert by_spark == by_duckdb
    assert {r[1] for r in by_spark["users"]} == {dt.date(2026, 1, 1), dt.date(2026, 2, 1)}


def test_a_database_filled_through_spark_equals_one_loaded(spark: Any, tmp_path: Path) -> None:
    """Late events for an old month, after the month was loaded: each user counts once."""
    init = write_initiatives(tmp_path / "init")
    first = write_events(tmp_path / "e1" / "usage_events.csv", [("a", "u1", "2026-01-05", None)])
    late = write_events(
        tmp_path / "e2" / "usage_events.csv",
        [("a", "u1", "2026-01-20", None), ("a", "u2", "2026-01-21", None), ("q", "u", "x", None)],
    )
    by_load, by_spark = tmp_path / "l" / "db.duckdb", tmp_path / "s" / "db.duckdb"
    for db in (by_load, by_spark):
        load_files(db, [init, first], Settings())

    load_files(by_load, [late], Settings())
    result = aggregate_into_db(by_spark, [str(late)], Settings(), spark)

    assert result.status == "loaded_with_rejects" and result.rows_rejected == 1
    assert monthly_actives(by_spark) == monthly_actives(by_load)
    assert rejects_of(by_spark) == rejects_of(by_load)
    assert not same_figures(metrics_json(by_spark), metrics_json(by_load))


def test_the_sample_data_through_the_spark_command_gives_the_same_metrics(
    tmp_path: Path,
) -> None:
    """The acceptance check: one database loads the sample with its events, the other takes
    the events through `aggregate-events --engine spark` (its own local session)."""
    by_load, by_spark = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert run_cli("load", "--db", by_load, SAMPLE).returncode == 0
    assert run_cli("load", "--db", by_spark, *NON_EVENTS).returncode == 0

    result = run_cli(
        "aggregate-events",
        "--engine",
        "spark",
        "--spark-conf",
        "spark.sql.shuffle.partitions=2",
        "--db",
        by_spark,
        SAMPLE / "usage_events.csv",
    )

    assert result.returncode == 0, result.stderr
    assert not same_figures(metrics_json(by_spark), metrics_json(by_load))


def test_spark_without_java_says_how_to_get_it(tmp_path: Path) -> None:
    init = write_initiatives(tmp_path / "init")
    db = tmp_path / "db.duckdb"
    load_files(db, [init], Settings())
    events = write_events(tmp_path / "usage_events.csv", [("a", "u1", "2026-01-05", None)])

    result = run_cli(
        "aggregate-events",
        "--engine",
        "spark",
        "--db",
        db,
        events,
        env={"JAVA_HOME": str(tmp_path / "no-java")},
    )

    assert result.returncode == 2
    assert "Java 17" in result.stderr and "make setup-spark" in result.stderr
    assert "Traceback" not in result.stderr
    last = read_audit(Store(db))[-1]  # the failed job is in the log, like a refused load
    assert (last["event"], last["command"].split(" ")[:3]) == (
        "refused",
        ["aggregate-events", "--engine", "spark"],
    )
    assert "Java 17" in last["error"]
