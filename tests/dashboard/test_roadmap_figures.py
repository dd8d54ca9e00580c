"""Roadmap figures: the timeline, the prioritisation matrix and the gate blockers."""

from __future__ import annotations

import math

import pandas as pd

from dashboard.db import Reader
from dashboard.figures import LINE_CHARS, is_empty_figure, wrapped
from dashboard.figures import roadmap as fig
from dashboard.filters import PageFilters
from dashboard.queries import Selection
from dashboard.queries import roadmap as q


def _data(reader: Reader, filters: PageFilters) -> tuple[pd.DataFrame, pd.DataFrame]:
    metrics = reader.metrics(filters)
    sel = Selection.from_metrics(metrics)
    rows = q.initiative_rows(reader.initiatives(filters)[1], reader.fetch(q.attributes, sel))
    return rows, reader.fetch(q.stage_periods, sel, tuple(rows["initiative_id"]))


def test_the_timeline_draws_actual_over_planned_periods(
    reader: Reader, window_filters: PageFilters
) -> None:
    rows, periods = _data(reader, window_filters)
    figure = fig.timeline(periods, rows, "2026-03-31")
    kinds = {(t.name, t.offsetgroup) for t in figure.data}
    assert ("Operationalization", "actual") in kinds
    assert ("Standardization", "planned") in kinds
    planned = next(
        t for t in figure.data if t.name == "Operationalization" and t.offsetgroup == "planned"
    )
    assert planned.marker.color == "rgba(0,0,0,0)"  # outlined
    notes = [c[2] for c in planned.customdata]
    assert "(in it, 274 days past its planned end (entered 70 days late))" in notes
    units = [a.text for a in figure.layout.annotations if a.name == "unit"]
    assert units == ["Finance", "Legal", "Finance"]  # a heading per run
    names = [a.text for a in figure.layout.annotations if a.name == "initiative"]
    assert len(names) == 3 and all(n.endswith(")") for n in names)
    row = fig.LINE_PX + fig.BARS_PX + fig.GAP_PX
    assert figure.layout.height == fig.TOP_PX + 3 * (fig.UNIT_PX + row) + fig.BOTTOM_PX


def test_the_timeline_puts_each_name_over_its_bars_wrapped_to_fit_a_phone() -> None:
    long_name = "Field service knowledge assistant for the northern region depots"
    initiatives = pd.DataFrame(
        {"initiative_id": ["a", "b"], "name": [long_name, "Short"], "business_unit": ["Ops"] * 2}
    )
    placed, headings, height = fig.timeline_rows(initiatives)
    lines = placed["label_lines"].tolist()
    assert lines[0] == ["Field service knowledge assistant for the", "northern region depots (a)"]
    assert lines[1] == ["Short (b)"]
    assert all(len(line) <= LINE_CHARS for line in lines[0])
    assert headings == [("Ops", 0)]
    first_bars = fig.UNIT_PX + 2 * fig.LINE_PX + fig.BARS_PX // 2
    second_label = fig.UNIT_PX + 2 * fig.LINE_PX + fig.BARS_PX + fig.GAP_PX
    assert placed["bar_y"].tolist() == [first_bars, second_label + fig.LINE_PX + fig.BARS_PX // 2]
    assert placed["label_y"].tolist() == [fig.UNIT_PX, second_label]
    assert height == second_label + fig.LINE_PX + fig.BARS_PX + fig.GAP_PX
    assert wrapped("") == [""]


def test_slip_texts() -> None:
    assert fig.slip_text("left", 5, 0) == "left 5 days late (entered on time)"
    assert fig.slip_text("left", 0, -3) == "left on time (entered 3 days early)"
    assert fig.slip_text("left", -2) == "left 2 days early"
    assert fig.slip_text("in_stage", 0, 4) == "in it, within its plan (entered 4 days late)"
    assert fig.slip_text("not_entered", 30) == "not entered, 30 days past its planned start"
    assert fig.slip_text(None, math.nan) == "not due yet"


def test_the_matrix_has_one_bubble_per_initiative_by_stage(
    reader: Reader, window_filters: PageFilters
) -> None:
    rows, _ = _data(reader, window_filters)
    figure = fig.priority_matrix(rows, "USD")
    ids = {c[0]: t.name for t in figure.data for c in t.customdata}
    assert ids == {"a": "Operationalization", "b": "Experimentation", "c": "Standardization"}
    assert all(abs(y - round(y)) <= 0.2 for t in figure.data for y in t.y)


def test_gate_blockers_colour_ready_apart() -> None:
    df = pd.DataFrame(
        {"cause": ["mlops", q.READY], "reason": ["below_minimum", q.READY], "initiatives": [2, 1]}
    )
    ready, blocked, totals = fig.gate_blockers(df).data  # a stacked bar per reason, the totals
    assert (list(blocked.x), list(ready.x)) == ([2], [1])
    assert (list(blocked.y), list(ready.y)) == (["MLOps"], ["Ready for the next stage"])
    assert (list(blocked.customdata), list(ready.customdata)) == (["mlops"], [q.READY])
    assert ready.marker.color != blocked.marker.color
    assert list(totals.x) == [2, 1]


def test_empty_frames_give_the_empty_state() -> None:
    assert is_empty_figure(fig.timeline(pd.DataFrame(), pd.DataFrame(), None))
    assert is_empty_figure(fig.priority_matrix(pd.DataFrame(), "USD"))
    assert is_empty_figure(fig.gate_blockers(pd.DataFrame(columns=q.GATE_COLUMNS)))


def test_the_timeline_has_a_table_of_its_periods(
    reader: Reader, window_filters: PageFilters
) -> None:
    rows, periods = _data(reader, window_filters)
    values = fig.timeline(periods, rows, "2026-03-31").layout.meta["values"]
    assert values["columns"] == ["Initiative", "Stage", "Planned", "Actual"]
    labels = [f"{n} ({i})" for n, i in zip(rows["name"], rows["initiative_id"], strict=True)]
    assert list(dict.fromkeys(r[0] for r in values["rows"])) == labels  # in the figure's order
    planned = [r[2] for r in values["rows"] if r[1] == "Operationalization"]
    assert any(p.endswith("past its planned end (entered 70 days late))") for p in planned)
    assert all(" to " in r[2] or " to " in r[3] for r in values["rows"])


def test_the_matrix_lists_its_costliest_bubbles_as_its_table_of_values() -> None:
    n = fig.MATRIX_VALUES + 5
    rows = pd.DataFrame(
        {
            "initiative_id": [f"i{k:03d}" for k in range(n)],
            "name": ["<b>x</b>"] * n,
            "stage": ["Experimentation"] * n,
            "strategic_impact": [3] * n,
            "readiness_score": [2.5] * n,
            "total_cost": [float(k) for k in range(n)],
        }
    )
    values = fig.priority_matrix(rows, "USD").layout.meta["values"]
    assert values["columns"] == [
        "Initiative",
        "Stage",
        "Readiness",
        "Strategic impact",
        "Total spend",
    ]
    assert len(values["rows"]) == fig.MATRIX_VALUES + 1
    assert values["rows"][0] == [
        f"&lt;b&gt;x&lt;/b&gt; (i{n - 1:03d})",
        "Experimentation",
        "2.5",
        "3",
        "$104.00",
    ]
    assert values["rows"][-1][0] == "... and 5 more: the initiative table lists every one"
