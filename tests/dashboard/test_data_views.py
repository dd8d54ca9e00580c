"""The data page's callback, called directly."""

from __future__ import annotations

from dashboard.db import Reader
from dashboard.views import data as view


def test_every_output_of_the_data_page(reader: Reader) -> None:
    outputs = view.data(reader, "")
    label, empty = outputs["window"], outputs["empty"]
    fresh_cols, fresh_rows = outputs["freshness_columns"], outputs["freshness_rows"]
    coverage, load_cols, loads = outputs["coverage"], outputs["load_columns"], outputs["load_rows"]
    title, reject_cols, rejects = (
        outputs["rejects_title"],
        outputs["reject_columns"],
        outputs["reject_rows"],
    )
    unallocated, mappings = outputs["unallocated_rows"], outputs["mapping_rows"]
    assert label.startswith("As of 2026-03") and empty == []
    by_entity = {r["entity"]: r for r in fresh_rows}
    assert by_entity["costs"]["latest"] == "2026-03"
    assert by_entity["model_metrics"]["latest"] == "2026-03-01"
    assert by_entity["costs"]["last_loaded_at"][:2] == "20"
    assert [c["field"] for c in fresh_cols][:3] == ["entity", "row_count", "latest"]
    assert len(coverage.data) == 3
    assert loads[0]["load_id"] == 1 and loads[0]["status"] == "Loaded"  # now in plain words
    assert title == "Rejected rows: none" and rejects == []
    assert {c["field"] for c in reject_cols} >= {"reason", "row_number", "source_file"}
    assert load_cols[0]["field"] == "load_id"
    assert unallocated == [] and mappings == []


def test_the_rejects_title_says_how_many_are_shown() -> None:
    assert view.rejects_title(0, 0) == "Rejected rows: none"
    assert view.rejects_title(3, 3) == "Rejected rows: 3"
    assert (
        view.rejects_title(5000, 7000) == "Rejected rows: 7000, the 5000 of the newest loads shown"
    )
