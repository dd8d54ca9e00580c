"""Warehouses for the dashboard's tests, built once per session: a tiny portfolio whose
figures are known by hand, and the committed sample portfolio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.db import Database, Reader
from dashboard.filters import PageFilters
from dashboard.queries import Selection
from etl.config import Settings
from etl.load import load_files
from tests.conftest import SAMPLE, write_csv

AS_OF = "2026-03"
WINDOW = ("2025-04", "2026-03")


def write_tiny(folder: Path) -> Path:
    """a: Finance, at scale since 2025-01-10; b: Legal, a pilot with no executive sponsor;
    c: Finance, retired. As of 2026-03; the window is 2025-04..2026-03."""
    write_csv(
        folder / "initiatives.csv",
        (
            "initiative_id",
            "name",
            "business_unit",
            "stage",
            "stage_entered_on",
            "executive_sponsor",
            "program_owner",
            "strategic_impact",
            "target_users",
            "status",
            "risk_tier",
        ),
        [
            (
                "a",
                "Invoice matching",
                "Finance",
                "Operationalization",
                "2025-01-10",
                "Ann",
                "Al",
                5,
                1000,
                "active",
                "limited",
            ),
            (
                "b",
                "Contract triage",
                "Legal",
                "Experimentation",
                "2025-06-01",
                "",
                "Bea",
                3,
                50,
                "active",
                "high",
            ),
            (
                "c",
                "Old chatbot",
                "Finance",
                "Standardization",
                "2024-11-01",
                "Cy",
                "Cid",
                1,
                10,
                "retired",
                "minimal",
            ),
        ],
    )
    write_csv(
        folder / "stage_history.csv",
        ("initiative_id", "stage", "entered_on"),
        [("a", "Experimentation", "2024-06-01"), ("c", "Experimentation", "2024-01-01")],
    )
    write_csv(
        folder / "roadmap.csv",
        ("initiative_id", "stage", "planned_start", "planned_end"),
        [
            ("a", "Experimentation", "2024-06-01", "2024-10-31"),
            ("a", "Operationalization", "2024-11-01", "2025-06-30"),
            ("a", "Standardization", "2025-07-01", "2025-12-31"),
            ("b", "Experimentation", "2025-06-01", "2025-09-30"),
            ("b", "Operationalization", "2026-06-01", "2026-12-31"),
        ],
    )
    write_csv(
        folder / "fx_rates.csv",
        ("month", "currency", "rate_to_reporting"),
        [("2026-02", "EUR", 1.1)],
    )
    write_csv(
        folder / "adoption.csv",
        ("initiative_id", "month", "active_users", "eligible_users"),
        [("a", "2026-02", 250, 1000), ("a", "2026-03", 300, 1000), ("b", "2026-03", 20, 50)],
    )
    write_csv(
        folder / "costs.csv",
        ("initiative_id", "month", "category", "amount", "currency"),
        [
            ("a", "2025-05", "compute", 70000, "USD"),
            ("a", "2026-03", "people", 50000, "USD"),
            ("b", "2025-12", "licensing", 30000, "USD"),
            ("b", "2026-02", "other", 5000, "EUR"),  # 5,500 USD: unallocated spend
            ("a", "2025-03", "compute", 99999, "USD"),  # before the window
            ("c", "2025-04", "compute", 1000, "USD"),
        ],
    )
    write_csv(
        folder / "outcomes.csv",
        ("initiative_id", "month", "value", "insights"),
        [("a", "2025-10", 400000, 40000), ("b", "2026-01", 10000, 0)],
    )
    write_csv(
        folder / "model_metrics.csv",
        ("initiative_id", "model", "metric", "measured_on", "value", "baseline"),
        [
            ("a", "m1", "accuracy", "2025-06-01", 0.9, 0.9),
            ("a", "m1", "accuracy", "2026-03-01", 0.8, None),
            ("a", "m2", "f1", "2026-03-01", 0.7, 0.7),
        ],
    )
    write_csv(
        folder / "readiness.csv",
        ("initiative_id", "dimension", "score", "assessed_on"),
        [
            *[
                ("a", d, 4, "2026-01-15")
                for d in ("data", "ownership", "business_case", "governance", "change")
            ],
            ("a", "mlops", 2, "2026-01-15"),
            ("b", "data", 1, "2026-01-15"),
        ],
    )
    return folder


def build(db: Path, folder: Path) -> Path:
    result = load_files(db, [folder], Settings())
    assert result.exit_code == 0, result.error
    return db


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    return build(root / "tiny.duckdb", write_tiny(root / "in"))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("sample") / "sample.duckdb", SAMPLE)


@pytest.fixture(scope="session")
def tiny(tiny_db: Path) -> Iterator[Database]:
    database = Database(tiny_db, Settings())
    yield database
    database.close()


@pytest.fixture
def reader(tiny: Database) -> Iterator[Reader]:
    with tiny.reader() as opened:
        yield opened


@pytest.fixture
def window_filters() -> PageFilters:
    return PageFilters(as_of=AS_OF, from_=WINDOW[0], to=WINDOW[1])


@pytest.fixture
def selection(reader: Reader, window_filters: PageFilters) -> Selection:
    return Selection.from_metrics(reader.metrics(window_filters))
