"""Data page queries: freshness and row counts, coverage, loads and rejects."""

from __future__ import annotations

from pathlib import Path

from dashboard.db import Database, Reader
from dashboard.queries import Selection
from dashboard.queries import data as q
from etl.config import Settings
from etl.load import load_files
from tests.conftest import write_csv
from tests.helpers import copy_store


def test_freshness_counts_rows_of_the_selection(reader: Reader, selection: Selection) -> None:
    df = reader.fetch(q.entity_freshness, selection).set_index("entity")
    assert df.loc["initiatives", "row_count"] == 3
    assert df.loc["costs", "row_count"] == 6
    assert str(df.loc["costs", "latest"])[:7] == "2026-03"
    assert df.loc["usage_events", "row_count"] == 0
    assert df.loc["costs", "last_load_id"] == 1
    only_b = Selection(("b",), selection.as_of, selection.window_from, selection.window_to)
    assert (
        reader.fetch(q.entity_freshness, only_b).set_index("entity").loc["costs", "row_count"] == 2
    )


def test_coverage_counts_started_initiatives_reporting_each_month(
    reader: Reader, selection: Selection
) -> None:
    df = reader.fetch(q.coverage, selection).set_index("month")
    march = df.iloc[-1]
    assert march["started_count"] == 3
    assert (march["with_cost"], march["with_outcomes"], march["with_adoption"]) == (1, 0, 2)


def test_loads_and_rejects(tiny_db: Path, tmp_path: Path) -> None:
    db = copy_store(tiny_db, tmp_path / "copy")
    bad = write_csv(
        tmp_path / "costs-bad.csv",
        ("initiative_id", "month", "category", "amount"),
        [("zz", "2026-03", "data", 1), ("a", "2026-03", "snacks", 2)],
    )
    assert load_files(db, [bad], Settings()).exit_code == 1
    with Database(db, Settings()).reader() as reader:
        loads = reader.fetch(q.load_history)
        assert list(loads["load_id"]) == [2, 1]
        assert loads.iloc[0]["status"] == "loaded_with_rejects"
        rejects = reader.fetch(q.rejects)
        assert list(rejects["row_number"]) == [1, 2]
        assert rejects["reason"].str.len().min() > 0
        assert reader.fetch(q.reject_count) == 2
