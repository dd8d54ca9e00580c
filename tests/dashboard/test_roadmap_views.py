"""The roadmap page's callbacks, called directly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dash import no_update

from dashboard.db import Database, Reader
from dashboard.views import roadmap as view
from dashboard.views import scenarios as scenarios_view
from dashboard.views.backlog import DEFAULT_RANKING
from etl.config import Settings
from tests.dashboard.layout_tools import text, walk


def test_every_output_for_the_default_view(reader: Reader) -> None:
    outputs = view.roadmap(reader, "")
    label, empty, notice = outputs["window"], outputs["empty"], outputs["timeline_notice"]
    timeline, style = outputs["timeline"], outputs["timeline_style"]
    matrix, blockers, columns = (
        outputs["priority_matrix"],
        outputs["gate_blockers"],
        outputs["table_columns"],
    )
    rows = view.table_block(reader, "", {"startRow": 0, "endRow": 50})["rowData"]
    assert label.startswith("As of 2026-03")
    assert empty == [] and notice == [] and outputs["blocker_notice"] == []
    assert style == {"height": f"{timeline.layout.height}px"}
    assert len(matrix.data) == 3
    assert {c["field"] for c in columns} >= {
        "stage",
        "days_in_stage",
        "readiness_score",
        "gate_blockers",
        "not_assessed",
        "ready_for_next_stage",
        "adoption_rate",
        "total_cost",
        "cost_per_insight",
        "roi",
        "projected_cost_at_scale",
        "projected_value_at_scale",
        "business_case",
    }
    by_id = {r["initiative_id"]: r for r in rows}
    # v2: plain cause names, and a's business case at risk blocks it too
    assert by_id["a"]["gate_blockers"] == "Business case, MLOps"
    assert by_id["a"]["not_assessed"] == "none"
    assert [by_id[i]["ready_for_next_stage"] for i in "abc"] == [
        "blocked",
        "blocked",
        "n/a (not at a gate)",  # c is retired
    ]
    assert by_id["a"]["business_case"] == "at risk"
    assert by_id["b"]["business_case"] == "ok"
    assert by_id["c"]["business_case"] == "unknown"
    assert by_id["a"]["days_in_stage"] == 445
    assert list(blockers.layout.yaxis.categoryarray)[-1] == "Ready for the next stage"


def test_the_timeline_says_when_it_shows_only_the_top_initiatives(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(view, "TIMELINE_LIMIT", 2)
    outputs = view.roadmap(reader, "?status=active&status=retired")
    assert "the 2 of 3 initiatives with the highest strategic impact" in text(
        outputs["timeline_notice"]
    )
    names = [a for a in outputs["timeline"].layout.annotations if a.name == "initiative"]
    assert len(names) == 2


def test_the_table_links_keep_the_filters(reader: Reader) -> None:
    columns = view.roadmap(reader, "?business_unit=Finance")["table_columns"]
    link = next(c for c in columns if c["field"] == "initiative_id")
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
    assert "No data for these filters" in text(outputs["empty"])
    empty = view.table_block(reader, "?business_unit=Nobody", {"startRow": 0, "endRow": 50})
    assert empty == {"rowData": [], "rowCount": 0}


def test_the_table_is_served_a_block_at_a_time(reader: Reader) -> None:
    request = {
        "startRow": 1,
        "endRow": 2,
        "sortModel": [{"colId": "initiative_id", "sort": "desc"}],
    }

    response = view.table_block(reader, "", request)

    assert response["rowCount"] == 3
    assert [r["initiative_id"] for r in response["rowData"]] == ["b"]
    assert view.table_block(reader, "", None) is no_update


def test_the_table_filters_on_the_server(reader: Reader) -> None:
    stage = {"stage": {"filterType": "text", "type": "contains", "filter": "experim"}}

    response = view.table_block(reader, "", {"startRow": 0, "endRow": 50, "filterModel": stage})

    assert {r["stage"] for r in response["rowData"]} == {"Experimentation"}


def test_the_export_holds_every_matching_row_with_the_shown_headers(reader: Reader) -> None:
    text_csv = view.table_csv(reader, "", {"sortModel": [{"colId": "initiative_id"}]})

    lines = text_csv.splitlines()
    assert lines[0].startswith('"Rank","Priority score","Rank set by owner","Initiative","Name"')
    assert [line.split(",")[3] for line in lines[1:]] == ['"a"', '"b"', '"c"']
    assert [line.split(",")[0] for line in lines[1:]] == ['"2"', '"1"', '""']  # c: retired


def test_the_export_runs_no_formula(reader: Reader, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that a spreadsheet would run is exported as text; numbers stay numbers."""
    rows = view.table_frame(reader, "").assign(name='=HYPERLINK("http://x","y")')
    rows["total_cost"] = -12.5
    monkeypatch.setattr(view, "table_frame", lambda *_: rows)

    text_csv = view.table_csv(reader, "?csv-formula", None)

    first = text_csv.splitlines()[1]
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in first
    assert '"-12.5"' in first


STAGE_SORT = [{"colId": "stage", "sort": "asc"}, {"colId": "roi", "sort": "desc"}]
EXPERIMENTS = {"stage": {"filterType": "text", "type": "contains", "filter": "Exp"}}


def test_a_header_sort_or_filter_goes_into_the_url() -> None:
    first = {"startRow": 0, "endRow": 50, "sortModel": [{"colId": "rank", "sort": "asc"}]}
    sorted_ = {**first, "sortModel": STAGE_SORT, "filterModel": EXPERIMENTS}
    search = "?business_unit=HR"

    new_search, seen = view.grid_search(search, first, None)
    assert new_search is no_update  # the grid's first request sets nothing
    assert seen == {"sort": None, "grid_filters": []}

    new_search, seen = view.grid_search(search, sorted_, seen)
    assert new_search == "?business_unit=HR&sort=stage%2C-roi&filter=stage%3Acontains%3AExp"
    assert view.grid_search(new_search, {**sorted_, "startRow": 50}, seen) == (
        no_update,
        no_update,
    )  # a scroll: the same sort and filter

    cleared = {**first, "sortModel": []}
    assert view.grid_search(new_search, cleared, seen)[0] == "?business_unit=HR"


def test_a_first_request_never_overwrites_a_shared_link() -> None:
    search = "?filter=stage%3Acontains%3AExp&sort=-slip_days"
    unfiltered = {"startRow": 0, "endRow": 50, "sortModel": [], "filterModel": {}}

    assert view.grid_search(search, unfiltered, None)[0] is no_update


def test_a_link_sets_the_grid_filter_and_the_page_ignores_it(reader: Reader) -> None:
    search = "?filter=stage%3Acontains%3AExp&filter=roi%3AlessThan%3A0"

    assert view.table_filter(search) == {
        "stage": {"filterType": "text", "type": "contains", "filter": "Exp"},
        "roi": {"filterType": "number", "type": "lessThan", "filter": 0.0},
    }
    assert view.view_search(search) == ""  # the page's figures: the same as without it
    rows = view.table_block(reader, search, {"filterModel": view.table_filter(search)})
    assert rows["rowCount"] == len(
        [
            r
            for r in view.table_block(reader, "", {"endRow": 500})["rowData"]
            if "Exp" in r["stage"] and r["roi"] is not None and r["roi"] < 0
        ]
    )


def test_the_url_sorts_the_table_by_several_columns(reader: Reader) -> None:
    columns = {c["field"]: c for c in view.roadmap(reader, "?sort=stage,-roi")["table_columns"]}
    rows = view.table_block(reader, "?sort=stage,-roi", {"endRow": 500})["rowData"]

    assert (columns["stage"]["sort"], columns["stage"]["sortIndex"]) == ("asc", 0)
    assert (columns["roi"]["sort"], columns["roi"]["sortIndex"]) == ("desc", 1)
    assert "sort" not in columns["rank"]
    stages = [r["stage"] for r in rows if r["stage"]]
    assert stages == sorted(stages)


def test_the_scenario_results_read_the_backlog_only_for_a_scenario(tiny_db: Path) -> None:
    data = Database(tiny_db, Settings())  # a cache of its own, empty
    with data.reader() as reader:
        hint = scenarios_view.results(reader, "", DEFAULT_RANKING)
        assert hint.id == "roadmap-scenario-results-empty"
        assert not [k for k in data.cache._items if k[1][0] in ("backlog", "initiatives")]

        compared = scenarios_view.results(reader, "?scenario_a=top:1", DEFAULT_RANKING)
        assert "roadmap-scenario-table" in str(compared)
        assert [k for k in data.cache._items if k[1][0] == "backlog"]
    data.close()


def test_a_pick_list_offers_the_initiatives_typed_and_keeps_the_picked() -> None:
    ids = [f"I-{n:03d}" for n in range(60)]
    frame = pd.DataFrame(
        {
            "initiative_id": [*ids, "R-1"],
            "name": [f"Claims triage {n:02d}" for n in range(60)] + ["Claims archive"],
            "status": ["active"] * 60 + ["retired"],
        }
    )
    assert scenarios_view.pick_options(frame, None, []) == []  # nothing before typing
    found = scenarios_view.pick_options(frame, "  CLAIMS ", [])
    assert len(found) == scenarios_view.PICK_MATCHES  # at most, by name; never a retired one
    assert found[0] == {"label": "Claims triage 00 (I-000)", "value": "I-000"}
    assert "R-1" not in {o["value"] for o in found}
    by_id = scenarios_view.pick_options(frame, "i-05", ["I-010"])
    assert [o["value"] for o in by_id] == ["I-010", *(f"I-05{n}" for n in range(10))]
    assert [o["value"] for o in scenarios_view.pick_options(frame, "zzz", ["I-010"])] == ["I-010"]


def test_the_scenario_forms_list_only_the_picked_initiatives(reader: Reader) -> None:
    forms = scenarios_view.forms(reader, "?scenario_a=pick:a")
    picks = {c.id: c.options for c in walk(forms) if str(getattr(c, "id", "")).endswith("-pick")}
    assert picks == {
        "roadmap-scenario-a-pick": [{"label": "Invoice matching (a)", "value": "a"}],
        "roadmap-scenario-b-pick": [],
    }
    typed = scenarios_view.pick_search(reader, "?scenario_a=pick:a", "B", ["a"])
    assert [o["value"] for o in typed] == ["a", "b"]  # c, retired, is never offered
