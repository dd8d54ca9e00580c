"""Figures of the roadmap page: the stage timeline (actual vs planned) and the
prioritisation matrix."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import empty_figure, plain, plain_all, whole_figure, wrapped
from dashboard.queries.roadmap import READY
from dashboard.theme import BAD, GOOD, GREY, GRID, NO_STAGE, ORANGE, STAGE_COLORS, stage_color
from etl.registry import BLOCKER_REASON_LABELS, cause_label, metric

_DAY_MS = 86_400_000
LINE_PX, BARS_PX, GAP_PX, UNIT_PX = 15, 18, 7, 26
"""The timeline's rows in pixels: a line of an initiative's name, its two bars (planned
over actual), the space after them, a business unit's heading."""
TOP_PX, BOTTOM_PX = 40, 8
MUTED = "#52606D"
UNIT_FONT = {"size": 13, "weight": "bold"}


def _label(row: pd.Series) -> str:
    return f"{row['name']} ({row['initiative_id']})"


def timeline_rows(initiatives: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, int]], int]:
    """Where each initiative goes on the timeline, top to bottom in pixels: the lines of
    its name (`label_lines`, from `label_y`), then its bars (centred on `bar_y`); a heading
    `(unit, y)` over each run of initiatives of one business unit; the height of it all."""
    y, unit = 0, None
    headings: list[tuple[str, int]] = []
    label_y, bar_y, lines = [], [], []
    for name, initiative_id, business_unit in initiatives[
        ["name", "initiative_id", "business_unit"]
    ].itertuples(index=False):
        if business_unit != unit:
            unit = business_unit
            headings.append((str(unit), y))
            y += UNIT_PX
        text = wrapped(f"{name} ({initiative_id})")
        label_y.append(y)
        lines.append(text)
        y += LINE_PX * len(text)
        bar_y.append(y + BARS_PX // 2)
        y += BARS_PX + GAP_PX
    lines_of = pd.Series(lines, index=initiatives.index, dtype=object)
    placed = initiatives.assign(label_lines=lines_of, label_y=label_y, bar_y=bar_y)
    return placed, headings, y


def _days(n: int, late: str, on_time: str, early: str) -> str:
    if n > 0:
        return f"{late} {n} days late"
    return on_time if n == 0 else f"{early} {-n} days early"


def slip_text(case: object, days: float, start_days: float = math.nan) -> str:
    """How a planned stage went, by the slip rule that applied (`slip_case` of the stage
    periods): `left 71 days late (entered 70 days late)`, `not entered, 273 days past its
    planned start`, `not due yet`, ..."""
    entered = (
        ""
        if math.isnan(start_days)
        else f" ({_days(int(start_days), 'entered', 'entered on time', 'entered')})"
    )
    if case == "left" and not math.isnan(days):
        return _days(int(days), "left", "left on time", "left") + entered
    if case == "in_stage" and not math.isnan(days):
        shown = f"{int(days)} days past its planned end" if days > 0 else "within its plan"
        return f"in it, {shown}{entered}"
    if case == "not_entered" and not math.isnan(days):
        return f"not entered, {int(days)} days past its planned start"
    return "not due yet"


ESTIMATED_NOTE = "start estimated: the source gives no date, this is its inventory's as-of date"
"""What the hover of a period says when its start is not the source's own date."""


def _actual_note(is_current: bool, is_estimated: bool) -> str:
    parts = ["current"] * bool(is_current) + [ESTIMATED_NOTE] * bool(is_estimated)
    return f"({'; '.join(parts)})" if parts else ""


def _notes(rows: pd.DataFrame, planned: bool) -> list[str]:
    if planned:
        slips = pd.to_numeric(rows["slip_days"], errors="coerce").astype(float)
        starts = pd.to_numeric(rows["start_slip_days"], errors="coerce").astype(float)
        return [
            f"({slip_text(case, d, start)})"
            for case, d, start in zip(rows["slip_case"], slips, starts, strict=True)
        ]
    estimated = rows["is_estimated"] if "is_estimated" in rows else [False] * len(rows)
    return [
        _actual_note(current, est is True)
        for current, est in zip(rows["is_current"], estimated, strict=True)
    ]


def _drawn(df: pd.DataFrame) -> pd.DataFrame:
    """The periods with what their bars and the table show, computed once for all of
    them: start and end as text, the length in ms, the hover's note, the label escaped."""
    start, end = pd.to_datetime(df["start_on"]), pd.to_datetime(df["end_on"])
    planned = (df["kind"] == "planned").to_numpy()
    notes = np.empty(len(df), dtype=object)
    notes[planned] = _notes(df[planned], True)
    notes[~planned] = _notes(df[~planned], False)
    return df.assign(
        start_text=start.dt.strftime("%Y-%m-%d"),
        end_text=end.dt.strftime("%Y-%m-%d"),
        length_ms=(end - start).dt.days.clip(lower=1) * _DAY_MS,
        note=notes,
        shown_label=plain_all(df["label"]),
    )


def _bars(rows: pd.DataFrame, stage: str, kind: str) -> dict[str, Any]:
    """One stage's bars of one kind (`rows` of `_drawn`): the planned ones in the upper
    half of each initiative's row, outlined; the actual ones under them, filled."""
    color, planned = STAGE_COLORS[stage], kind == "planned"
    half = BARS_PX / 2
    parts = rows[["start_text", "end_text", "note", "shown_label"]]
    return {
        "type": "bar",
        "y": rows["bar_y"].tolist(),
        "x": rows["length_ms"].tolist(),
        "base": rows["start_text"].tolist(),
        "orientation": "h",
        "width": half - 1,
        "offset": -half if planned else 1,
        "name": stage,
        "legendgroup": stage,
        "showlegend": not planned,
        "offsetgroup": kind,
        "marker": {
            "color": "rgba(0,0,0,0)" if planned else color,
            "line": {"color": color, "width": 1.5},
        },
        "customdata": parts.to_numpy().tolist(),
        "hovertemplate": f"%{{customdata[3]}}<br>{stage} {kind}: "
        "%{customdata[0]} to %{customdata[1]} %{customdata[2]}<extra></extra>",
    }


def _names(placed: pd.DataFrame, headings: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """The annotations: each business unit's heading, each initiative's name over its bars
    (inside the plot, so that no name is cut on a narrow screen)."""
    common = {
        "xref": "paper",
        "x": 0,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "align": "left",
        "font": {"size": 12},
    }
    notes: list[dict[str, Any]] = [
        {**common, "name": "unit", "y": y + 5, "text": plain(unit), "font": UNIT_FONT}
        for unit, y in headings
    ]
    notes += [
        {**common, "name": "initiative", "y": y, "text": "<br>".join(plain_all(lines))}
        for lines, y in zip(placed["label_lines"], placed["label_y"], strict=True)
    ]
    return notes


def _periods(df: pd.DataFrame, kind: str) -> pd.Series:
    """Each (label, stage)'s first period of `kind` (`df` of `_drawn`) as the table writes
    it: `2025-01-01 to 2025-06-30 (entered 45 days late)`."""
    rows = df[df["kind"] == kind].drop_duplicates(["label", "stage"])
    start, end = rows["start_text"].fillna("NaT"), rows["end_text"].fillna("NaT")
    text = (start + " to " + end + " " + rows["note"]).str.strip()
    return pd.Series(text.to_numpy(), index=pd.MultiIndex.from_frame(rows[["label", "stage"]]))


def timeline_values(df: pd.DataFrame, labels: Iterable[str]) -> dict[str, Any]:
    """The timeline as a table (`df`: the periods of `_drawn`), its text alternative: a row
    per initiative (in the order of `labels`) and stage, with the planned and the actual
    period (`layout.meta.values`; texts escaped as everywhere in a figure, the browser's
    table shows them as text)."""
    order = {label: i for i, label in enumerate(labels)}
    stages = {stage: i for i, stage in enumerate(STAGE_COLORS)}
    shown = df[df["label"].isin(list(order)) & df["stage"].isin(list(stages))]
    keys = shown[["label", "stage"]].drop_duplicates()
    keys = keys.iloc[
        np.lexsort((keys["stage"].map(stages).to_numpy(), keys["label"].map(order).to_numpy()))
    ]
    index = pd.MultiIndex.from_frame(keys)
    planned = _periods(shown, "planned").reindex(index).fillna("")
    actual = _periods(shown, "actual").reindex(index).fillna("")
    rows = [
        [plain(label), stage, p, a]
        for (label, stage), p, a in zip(index, planned, actual, strict=True)
    ]
    return {"columns": ["Initiative", "Stage", "Planned", "Actual"], "rows": rows}


def timeline(periods: pd.DataFrame, initiatives: pd.DataFrame, as_of: str | None) -> go.Figure:
    """Each initiative's actual stage periods (filled) under its planned ones (outlined),
    its name over them, grouped by business unit; the hover of a planned stage says how
    late it was entered."""
    if periods.empty or initiatives.empty:
        return empty_figure()
    placed, headings, height = timeline_rows(initiatives)
    labels = placed.assign(label=placed.apply(_label, axis=1))
    df = _drawn(periods.merge(labels[["initiative_id", "label", "bar_y"]], on="initiative_id"))
    groups = dict(tuple(df.groupby(["stage", "kind"], sort=False)))
    return whole_figure(  # colours: stages, as in the matrix
        [
            _bars(groups[stage, kind], stage, kind)
            for stage in STAGE_COLORS
            for kind in ("planned", "actual")
            if (stage, kind) in groups
        ],
        height=TOP_PX + height + BOTTOM_PX,
        barmode="overlay",
        margin={"t": TOP_PX, "b": BOTTOM_PX, "l": 8, "r": 8},
        showlegend=False,
        annotations=_names(placed, headings),
        meta={"values": timeline_values(df, labels["label"])},
        xaxis={"type": "date", "side": "top", "automargin": False},
        yaxis={"range": [height, 0], "visible": False, "fixedrange": True, "automargin": False},
        shapes=_rules(headings, as_of),
    )


def _rules(headings: list[tuple[str, int]], as_of: str | None) -> list[dict[str, Any]]:
    """A line between business units and a dotted one at the as-of date, as the shapes
    `add_hline` and `add_vline` make (which cost 20 ms each on a figure this size)."""
    line = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y"}
    shapes = [
        {**line, "y0": y, "y1": y, "line": {"color": GRID, "width": 1}} for _, y in headings[1:]
    ]
    if as_of:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "x0": as_of,
                "x1": as_of,
                "yref": "y domain",
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dot", "color": MUTED},
            }
        )
    return shapes


def _jitter(initiative_id: str) -> float:
    """A stable offset in [-0.2, 0.2] so initiatives of one impact level do not overlap."""
    return (zlib.crc32(initiative_id.encode()) % 1000) / 2500 - 0.2


def _bubbles(group: pd.DataFrame, stage: str, biggest: float, currency: str) -> dict[str, Any]:
    cost = metric("total_cost")  # the hover's figure in the registry's format
    costs = [cost.format(c, currency) for c in group["total_cost"]]
    ids = group["initiative_id"].tolist()
    escaped = plain_all(ids)
    shown_ids, id_column = ([], 0) if escaped == ids else ([escaped], 3)
    return {
        "type": "scatter",
        "x": group["readiness"].to_numpy(),
        "y": group["impact"].to_numpy(),
        "mode": "markers",
        "name": stage,
        "marker": {
            "size": group["total_cost"].clip(lower=0).to_numpy(),
            "sizemode": "area",
            "sizeref": 2.0 * biggest / 45**2,
            "sizemin": 5,
            "color": stage_color(stage),
            "line": {"color": "white", "width": 1},
            "opacity": 0.85,
        },
        # an array, not a list of tuples: plotly validates a list element by element; the
        # id as it is (a click opens it), then the texts as shown, the id's own only when
        # some id reads as markup (each is repeated for thousands of bubbles)
        "customdata": np.column_stack(
            [group["initiative_id"], plain_all(group["name"]), costs, *shown_ids]
        ),
        "hovertemplate": f"%{{customdata[1]}} (%{{customdata[{id_column}]}})<br>readiness "
        "%{x:.1f}, cost %{customdata[2]}<br>Click to open<extra></extra>",
    }


MATRIX_VALUES = 100
"""Initiatives the matrix's table of values lists at most (those of highest cost; the page's
initiative table lists them all). How the tables of values are kept short:
`dashboard.components.values`."""


def matrix_values(df: pd.DataFrame, currency: str) -> dict[str, Any]:
    """The matrix as a table (its text alternative, `layout.meta.values`): the bubbles of
    highest cost first, at most MATRIX_VALUES, then a row saying how many are left out;
    the figures in the registry's words and formats."""
    shown = df.sort_values(["total_cost", "initiative_id"], ascending=[False, True])
    readiness, cost = metric("readiness_score"), metric("total_cost")
    rows: list[list[Any]] = [
        [
            plain(f"{name} ({i})"),
            stage,
            readiness.format(None if pd.isna(score) else score),
            str(impact),
            cost.format(None if pd.isna(spent) else spent, currency),
        ]
        for name, i, stage, score, impact, spent in shown[
            [
                "name",
                "initiative_id",
                "stage_name",
                "readiness_score",
                "strategic_impact",
                "total_cost",
            ]
        ]
        .head(MATRIX_VALUES)
        .itertuples(index=False)
    ]
    left = len(shown) - len(rows)
    if left > 0:
        rows.append(
            [f"... and {left:,} more: the initiative table lists every one", "", "", "", ""]
        )
    columns = ["Initiative", "Stage", readiness.label, "Strategic impact", cost.label]
    return {"columns": columns, "rows": rows}


def priority_matrix(rows: pd.DataFrame, currency: str) -> go.Figure:
    """Strategic impact vs readiness score; bubble size = cost over the window, colour =
    stage. A click on a bubble opens the initiative."""
    if rows.empty:
        return empty_figure()
    df = rows.assign(
        impact=rows["strategic_impact"] + rows["initiative_id"].map(_jitter),
        readiness=rows["readiness_score"].fillna(0),
        stage_name=rows["stage"].fillna(NO_STAGE),
    )
    biggest = max(float(df["total_cost"].max()), 1.0)
    groups = dict(tuple(df.groupby("stage_name", sort=False)))
    return whole_figure(
        [
            _bubbles(groups[stage], stage, biggest, currency)
            for stage in [*STAGE_COLORS, NO_STAGE]
            if stage in groups
        ],
        meta={"values": matrix_values(df, currency)},
        xaxis={"title": "Readiness score (0-5)", "range": [-0.2, 5.2]},
        yaxis={"title": "Strategic impact (1-5)", "range": [0.5, 5.5], "dtick": 1},
        shapes=[  # the minimum readiness, as `add_vline` draws it
            {
                "type": "line",
                "xref": "x",
                "x0": 3,
                "x1": 3,
                "yref": "y domain",
                "y0": 0,
                "y1": 1,
                "line": {"dash": "dot", "color": "#9AA5B1"},
            }
        ],
    )


REASON_COLORS = {"not_assessed": GREY, "below_minimum": BAD, "signal": ORANGE}


def _gate_label(cause: str) -> str:
    return "Ready for the next stage" if cause == READY else cause_label(cause)


def gate_blockers(df: pd.DataFrame) -> go.Figure:
    """How many initiatives each failure cause holds at the stage gate, split by why (not
    assessed, assessed below the minimum, flagged by the data), and how many are ready.
    A click on a bar narrows the table to that cause (`customdata` is its key)."""
    if df.empty or df["initiatives"].sum() == 0:
        return empty_figure()
    order = [_gate_label(c) for c in dict.fromkeys(df["cause"])]
    totals = df.groupby("cause", sort=False)["initiatives"].sum()
    top = int(totals.max())
    axis = {"title": "Initiatives", "dtick": 1 if top < 10 else None, "range": [0, top * 1.18]}
    parts = [(READY, "Ready for the next stage", GOOD)]
    parts += [(r, BLOCKER_REASON_LABELS[r], c) for r, c in REASON_COLORS.items()]
    by_reason = dict(tuple(df.groupby("reason", sort=False)))
    bars = [
        {
            "type": "bar",
            "y": [_gate_label(c) for c in by_reason[reason]["cause"]],
            "x": by_reason[reason]["initiatives"].to_numpy(),
            "customdata": by_reason[reason]["cause"].to_numpy(),
            "orientation": "h",
            "name": name,
            "marker": {"color": color},
            "showlegend": reason != READY,
            "hovertemplate": f"%{{y}}: %{{x}} initiatives ({name.lower()})<extra></extra>",
        }
        for reason, name, color in parts
        if reason in by_reason
    ]
    labels = {
        "type": "scatter",
        "y": [_gate_label(c) for c in totals.index],
        "x": totals.to_numpy(),
        "text": [f" {n:,}" for n in totals.to_numpy()],
        "mode": "text",
        "textposition": "middle right",
        "showlegend": False,
        "hoverinfo": "skip",
        "cliponaxis": False,
    }
    return whole_figure(
        [*bars, labels],
        xaxis=axis,
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": order},
        barmode="stack",
        legend={"orientation": "h", "y": -0.2},
    )
