"""The METRICS.md worked example as contract files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from etl.config import Settings
from etl.load import LoadResult, load_files
from etl.metrics import Filters, compute_metrics
from etl.storage import open_reader
from tests.conftest import write_csv

INITIATIVES_HEADER = (
    "initiative_id",
    "name",
    "business_unit",
    "stage",
    "stage_entered_on",
    "executive_sponsor",
    "target_users",
    "status",
)


def write_worked_example(folder: Path) -> Path:
    """Two initiatives, as-of 2026-03: a at scale since 2025-01-10, b a pilot since 2025-06-01."""
    write_csv(
        folder / "initiatives.csv",
        INITIATIVES_HEADER,
        [
            (
                "a",
                "Invoice matching",
                "Finance",
                "Operationalization",
                "2025-01-10",
                "Ann",
                1000,
                "active",
            ),
            ("b", "Contract triage", "Legal", "Experimentation", "2025-06-01", "Bo", 50, "active"),
        ],
    )
    write_csv(
        folder / "adoption.csv",
        ("initiative_id", "month", "active_users", "eligible_users"),
        [("a", "2026-03", 300, 1000), ("b", "2026-03", 20, 50)],
    )
    write_csv(
        folder / "costs.csv",
        ("initiative_id", "month", "category", "amount"),
        [
            ("a", "2025-05", "compute", 70000),
            ("a", "2026-03", "people", 50000),
            ("b", "2025-12", "licensing", 30000),
            ("a", "2025-03", "compute", 99999),  # before the window: not counted
        ],
    )
    write_csv(
        folder / "outcomes.csv",
        ("initiative_id", "month", "value", "insights"),
        [("a", "2025-10", 400000, 40000), ("b", "2026-01", 10000, 0)],
    )
    return folder


@pytest.fixture
def worked_example(tmp_path: Path) -> Path:
    return write_worked_example(tmp_path / "in")


def load(db: Path, *paths: Path, **options: Any) -> LoadResult:
    """Loads in-process (the CLI itself is tested through subprocesses elsewhere)."""
    return load_files(db, list(paths), Settings(), **options)


def metrics(db: Path, settings: Settings | None = None, **filters: Any) -> dict[str, Any]:
    with open_reader(db) as con:
        return compute_metrics(con, Filters(**filters), settings or Settings()).to_json()


def table(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _spark_missing() -> str | None:
    """Why the Spark tests cannot run here (no PySpark, no Java), or None."""
    import importlib.util
    import os
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (make setup-spark)"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and not shutil.which("java"):
        return "Java is not installed (make setup-spark)"
    return None


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """The one local Spark session of a test run: two cores, few shuffle partitions, no UI."""
    missing = _spark_missing()
    if missing:
        pytest.skip(missing)
    from etl.events_spark import spark_session as start

    session = start("local[2]", {"spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()
