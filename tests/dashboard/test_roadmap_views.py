"""The roadmap page's callbacks, called directly."""

from __future__ import annotations

import pytest
from dash import no_update

from dashboard.db import Reader
from dashboard.views import roadmap as view
from tests.dashboard.layout_tools import text


def test_every_output_for_the_default_view(reader: Reader) -> None:
    (label, empty, notice, timeline, style, matrix, blockers, columns, rows) = view.roadmap(
        reader, ""
    )
    assert label.startswith("As of 2026-03")
    assert empty == [] and notice == []
    assert style == {"height": f"{timeline.layout.height}px"}
    assert len(matrix.data) == 3
    assert {c["field"] for c in columns} >= {
        "stage",
        "days_in_stage",
        "readiness_score",
        "gate_blockers",
        "adoption_rate",
        "cost_per_insight",
        "roi",
        "projected_cost_at_scale",
        "projected_value_at_scale",
        "business_case",
    }
    by_id = {r["initiative_id"]: r for r in rows}
    assert by_id["a"]["gate_blockers"] == "mlops"
    assert by_id["a"]["business_case"] == "at risk"
    assert by_id["b"]["business_case"] == "ok"
    assert by_id["c"]["business_case"] == "unknown"
    assert by_id["a"]["days_in_stage"] == 445
    assert list(blockers.data[0].y)[-1] == "ready for the next stage"


def test_the_timeline_says_when_it_shows_only_the_top_initiatives(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(view, "TIMELINE_LIMIT", 2)
    outputs = view.roadmap(reader, "?status=active&status=retired")
    assert "the 2 of 3 initiatives with the highest strategic impact" in text(outputs[2])
    assert len(outputs[3].layout.yaxis.categoryarray[1]) == 2


def test_the_table_links_keep_the_filters(reader: Reader) -> None:
    columns = view.roadmap(reader, "?business_unit=Finance")[7]
    link = columns[0]
    assert link["cellRenderer"] == "InitiativeLink"
    assert link["cellRendererParams"] == {"search": "?business_unit=Finance"}


def test_a_click_on_a_bubble_opens_the_initiative() -> None:
    assert (
        view.clicked_initiative({"points": [{"customdata": ["a b", "Name", "$1"]}]})
        == "/initiatives/a%20b"
    )
    assert view.clicked_initiative({"points": [{}]}) is no_update
    assert view.clicked_initiative(None) is no_update


def test_no_match_shows_the_empty_state(reader: Reader) -> None:
    outputs = view.roadmap(reader, "?business_unit=Nobody")
    assert "No data for these filters" in text(outputs[1])
    assert outputs[8] == []
