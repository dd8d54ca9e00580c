"""Figures of the roadmap page: the stage timeline (actual vs planned) and the
prioritisation matrix."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import base_figure, empty_figure, plain, plain_all
from dashboard.queries.roadmap import READY
from dashboard.theme import BAD, GOOD, GREY, NO_STAGE, ORANGE, STAGE_COLORS, stage_color
from etl.formatting import format_money
from etl.registry import BLOCKER_REASON_LABELS, cause_label

_DAY_MS = 86_400_000


def _label(row: pd.Series) -> str:
    return plain(f"{row['name']} ({row['initiative_id']})")


def slip_text(days: float) -> str:
    """How a planned stage went: `entered 45 days late`, `not entered yet`, ..."""
    if math.isnan(days):
        return "not due yet"
    n = int(days)
    if n > 0:
        return f"entered {n} days late"
    return "entered on time" if n == 0 else f"entered {-n} days early"


ESTIMATED_NOTE = "start estimated: the source gives no date, this is its inventory's as-of date"
"""What the hover of a period says when its start is not the source's own date."""


def _actual_note(is_current: bool, is_estimated: bool) -> str:
    parts = ["current"] * bool(is_current) + [ESTIMATED_NOTE] * bool(is_estimated)
    return f"({'; '.join(parts)})" if parts else ""


def _notes(rows: pd.DataFrame, planned: bool) -> list[str]:
    if planned:
        slips = pd.to_numeric(rows["slip_days"], errors="coerce").astype(float)
        return [f"({slip_text(d)})" for d in slips]
    estimated = rows["is_estimated"] if "is_estimated" in rows else [False] * len(rows)
    return [
        _actual_note(current, est is True)
        for current, est in zip(rows["is_current"], estimated, strict=True)
    ]


def _bars(df: pd.DataFrame, stage: str, kind: str) -> go.Bar:
    rows = df[(df["stage"] == stage) & (df["kind"] == kind)]
    start, end = pd.to_datetime(rows["start_on"]), pd.to_datetime(rows["end_on"])
    color, planned = STAGE_COLORS[stage], kind == "planned"
    dates = zip(
        start.dt.strftime("%Y-%m-%d"),
        end.dt.strftime("%Y-%m-%d"),
        _notes(rows, planned),
        strict=True,
    )
    return go.Bar(
        y=[rows["business_unit"], rows["label"]],
        x=((end - start).dt.days.clip(lower=1) * _DAY_MS).tolist(),
        base=start.dt.strftime("%Y-%m-%d").tolist(),
        orientation="h",
        name=stage,
        legendgroup=stage,
        showlegend=not planned,
        offsetgroup=kind,
        marker={
            "color": "rgba(0,0,0,0)" if planned else color,
            "line": {"color": color, "width": 1.5},
        },
        customdata=list(dates),
        hovertemplate=f"%{{y}}<br>{stage} {kind}: "
        "%{customdata[0]} to %{customdata[1]} %{customdata[2]}<extra></extra>",
    )


def timeline(periods: pd.DataFrame, initiatives: pd.DataFrame, as_of: str | None) -> go.Figure:
    """Each initiative's actual stage periods (filled) over its planned ones (outlined),
    grouped by business unit; the hover of a planned stage says how late it was entered."""
    if periods.empty or initiatives.empty:
        return empty_figure()
    labels = initiatives.assign(
        label=initiatives.apply(_label, axis=1),
        business_unit=plain_all(initiatives["business_unit"]),
    )
    df = periods.merge(labels[["initiative_id", "label", "business_unit"]], on="initiative_id")
    fig = base_figure(height=110 + 30 * len(labels), barmode="group", bargap=0.3, bargroupgap=0.0)
    for stage in STAGE_COLORS:
        for kind in ("planned", "actual"):
            if ((df["stage"] == stage) & (df["kind"] == kind)).any():
                fig.add_trace(_bars(df, stage, kind))
    fig.update_layout(margin={"t": 40}, showlegend=False)  # colours: stages, as in the matrix
    fig.update_xaxes(type="date", title=None, side="top")
    order = [list(labels["business_unit"]), list(labels["label"])]
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=order, title=None)
    if as_of:
        fig.add_vline(x=as_of, line={"dash": "dot", "color": "#52606D"})
    return fig


def _jitter(initiative_id: str) -> float:
    """A stable offset in [-0.2, 0.2] so initiatives of one impact level do not overlap."""
    return (zlib.crc32(initiative_id.encode()) % 1000) / 2500 - 0.2


def _bubbles(group: pd.DataFrame, stage: str, biggest: float, currency: str) -> go.Scatter:
    costs = [format_money(c, currency) for c in group["total_cost"]]
    return go.Scatter(
        x=group["readiness"],
        y=group["impact"],
        mode="markers",
        name=stage,
        marker={
            "size": group["total_cost"].clip(lower=0),
            "sizemode": "area",
            "sizeref": 2.0 * biggest / 45**2,
            "sizemin": 5,
            "color": stage_color(stage),
            "line": {"color": "white", "width": 1},
            "opacity": 0.85,
        },
        # an array, not a list of tuples: plotly validates a list element by element; the
        # id as it is (a click opens it), then the texts as shown
        customdata=np.column_stack(
            [
                group["initiative_id"],
                plain_all(group["name"]),
                costs,
                plain_all(group["initiative_id"]),
            ]
        ),
        hovertemplate="%{customdata[1]} (%{customdata[3]})<br>readiness %{x:.1f}, cost "
        "%{customdata[2]}<br>Click to open<extra></extra>",
    )


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
    fig = base_figure(xaxis={"title": "Readiness score (0-5)", "range": [-0.2, 5.2]})
    fig.update_yaxes(title="Strategic impact (1-5)", range=[0.5, 5.5], dtick=1)
    for stage in [*STAGE_COLORS, NO_STAGE]:
        group = df[df["stage_name"] == stage]
        if not group.empty:
            fig.add_trace(_bubbles(group, stage, biggest, currency))
    fig.add_vline(x=3, line={"dash": "dot", "color": "#9AA5B1"})
    return fig


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
    fig = base_figure(xaxis=axis, barmode="stack", legend={"orientation": "h", "y": -0.2})
    parts = [(READY, "Ready for the next stage", GOOD)]
    parts += [(r, BLOCKER_REASON_LABELS[r], c) for r, c in REASON_COLORS.items()]
    for reason, name, color in parts:
        rows = df[df["reason"] == reason]
        if rows.empty:
            continue
        fig.add_trace(
            go.Bar(
                y=[_gate_label(c) for c in rows["cause"]],
                x=rows["initiatives"],
                customdata=rows["cause"],
                orientation="h",
                name=name,
                marker_color=color,
                showlegend=reason != READY,
                hovertemplate=f"%{{y}}: %{{x}} initiatives ({name.lower()})<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            y=[_gate_label(c) for c in totals.index],
            x=totals.values,
            text=[f" {n:,}" for n in totals.values],
            mode="text",
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    fig.update_yaxes(autorange="reversed", title=None, categoryorder="array", categoryarray=order)
    return fig
