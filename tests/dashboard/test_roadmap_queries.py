"""Roadmap queries: attributes, actual and planned stage periods with slips, top N."""

from __future__ import annotations

import pandas as pd

from dashboard.db import Reader
from dashboard.filters import PageFilters
from dashboard.queries import Selection
from dashboard.queries import roadmap as q


def _rows(reader: Reader, filters: PageFilters) -> pd.DataFrame:
    attrs = reader.fetch(q.attributes, Selection.from_metrics(reader.metrics(filters)))
    return q.initiative_rows(reader.initiatives(filters)[1], attrs)


def test_initiative_rows_add_strategic_impact_to_the_metrics_entries(
    reader: Reader, window_filters: PageFilters
) -> None:
    rows = _rows(reader, window_filters).set_index("initiative_id")
    assert list(rows.index) == ["a", "b", "c"]
    assert list(rows["strategic_impact"]) == [5, 3, 1]
    # v2: a's business case at risk blocks it too (its decaying model gives mlops)
    assert list(rows.loc["a", "gate_blockers"]) == ["business_case", "mlops"]
    assert rows.loc["a", "business_case_at_risk"]


def test_stage_periods_run_to_the_next_entry_or_the_as_of_date(
    reader: Reader, selection: Selection
) -> None:
    df = reader.fetch(q.stage_periods, selection, ("a",))
    actual = df[df["kind"] == "actual"]
    assert [
        (r.stage, str(r.start_on)[:10], str(r.end_on)[:10], r.is_current)
        for r in actual.itertuples()
    ] == [
        ("Experimentation", "2024-06-01", "2025-01-10", False),
        ("Operationalization", "2025-01-10", "2026-03-31", True),
    ]


def test_a_planned_stage_slips_by_the_rule_of_the_backlogs_slip(
    reader: Reader, selection: Selection
) -> None:
    """As of 2026-03-31 (see the slip test below): each planned stage's slip and the rule
    that gave it, and its start slip (first entry - planned start)."""
    df = reader.fetch(q.stage_periods, selection, ("a", "b"))
    planned = df[df["kind"] == "planned"].set_index(["initiative_id", "stage"])
    shown = planned[["slip_days", "slip_case", "start_slip_days"]].astype(object)
    got = {k: tuple(None if pd.isna(v) else v for v in row) for k, row in shown.iterrows()}
    assert got[("a", "Experimentation")] == (71, "left", 0)  # planned end 2024-10-31
    assert got[("a", "Operationalization")] == (274, "in_stage", 70)
    assert got[("a", "Standardization")] == (273, "not_entered", None)  # planned 2025-07-01
    assert got[("b", "Operationalization")] == (None, None, None)  # not due yet


def test_the_timeline_and_the_backlog_give_an_initiative_the_same_slip(
    reader: Reader, selection: Selection
) -> None:
    """The backlog's slip is that of the latest planned stage that has one: the timeline's
    planned bars say the same."""
    periods = reader.fetch(q.stage_periods, selection, ("a", "b", "c"))
    planned = periods[(periods["kind"] == "planned") & periods["slip_days"].notna()]
    latest = planned.sort_values("start_on").groupby("initiative_id")["slip_days"].last()
    found = q.slip(reader.con, selection).set_index("initiative_id")["slip_days"]
    assert latest.astype(int).to_dict() == found.astype(int).to_dict()


def test_the_timeline_takes_the_highest_strategic_impact_grouped_by_unit(
    reader: Reader, window_filters: PageFilters
) -> None:
    rows = _rows(reader, window_filters)
    top = q.top_by_impact(rows, 2)
    assert list(top["initiative_id"]) == ["a", "b"]  # Finance, then Legal
    assert q.top_by_impact(rows.iloc[:0], 2).empty


def test_gate_blocker_counts_leave_retired_initiatives_out(
    reader: Reader, window_filters: PageFilters
) -> None:
    df = q.gate_blocker_counts(_rows(reader, window_filters))
    counts = df.groupby("cause", sort=False)["initiatives"].sum()
    assert counts["mlops"] == 2  # a and b; c is retired (not at a gate)
    assert counts["data"] == 1  # b scored 1
    assert counts[q.READY] == 0
    # v2: per cause and why, ownership and business_case included (b has no sponsor, a's
    # business case is at risk), most blocking causes first
    assert list(df.itertuples(index=False, name=None)) == [
        ("business_case", "not_assessed", 1),
        ("business_case", "signal", 1),
        ("mlops", "not_assessed", 1),
        ("mlops", "signal", 1),
        ("change", "not_assessed", 1),
        ("data", "below_minimum", 1),
        ("governance", "not_assessed", 1),
        ("ownership", "signal", 1),
        (q.READY, q.READY, 0),
    ]
    assert q.gate_blocker_counts(pd.DataFrame()).empty


def test_an_empty_selection_has_no_periods(reader: Reader) -> None:
    sel = Selection.from_metrics(reader.metrics(PageFilters(business_units=("Nobody",))))
    assert reader.fetch(q.stage_periods, sel, ()).empty
    assert q.initiative_rows(
        reader.initiatives(PageFilters(business_units=("Nobody",)))[1], pd.DataFrame()
    ).empty


def test_slip_is_the_latest_planned_stages_against_the_as_of_date(
    reader: Reader, selection: Selection
) -> None:
    """As of 2026-03-31. a left Experimentation on 2025-01-10 (planned end 2024-10-31: 71
    days late), is still in Operationalization 274 days past its planned end, and has not
    entered Standardization, planned to start 2025-07-01: 273 days late, its latest planned
    stage. b is in Experimentation 182 days past its planned end; its next stage is not due.
    c has no plan."""
    found = q.slip(reader.con, selection).set_index("initiative_id")["slip_days"].to_dict()
    assert found == {"a": 273, "b": 182}
