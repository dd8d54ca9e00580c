"""Figures of the initiative page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures import empty_figure, plain, plain_lines, whole_figure
from dashboard.theme import BAD, BLUE, GOOD, GREY, VALUE_COLOR, category_color
from etl.formatting import currency_prefix
from etl.registry import cause_label

MONTHS = {"tickformat": "%Y-%m", "title": None}
"""The x axis of a chart per month."""


def _money_axis(currency: str) -> dict[str, Any]:
    return {
        "title": currency,
        "tickprefix": currency_prefix(currency).strip(),
        "exponentformat": "B",
    }


def _grid(**options: Any) -> dict[str, Any]:
    """The axes and panel titles of a figure of several panels (`make_subplots`' options):
    the layout that the traces, given as dicts naming their axes, are drawn on."""
    layout: dict[str, Any] = make_subplots(**options).layout.to_plotly_json()
    layout.pop("template", None)
    return layout


def adoption(df: pd.DataFrame) -> go.Figure:
    """Active users against eligible users per month."""
    if df.empty or df["active_users"].isna().all():
        return empty_figure("No adoption data in the window")
    months = df["month"].to_numpy()
    bars: list[dict[str, Any]] = [
        {
            "type": "bar",
            "x": months,
            "y": df["eligible_users"].to_numpy(),
            "name": "Eligible",
            "marker": {"color": "#CBD2D9"},
        },
        {
            "type": "bar",
            "x": months,
            "y": df["active_users"].to_numpy(),
            "name": "Active",
            "marker": {"color": BLUE},
            "width": 20 * 86_400_000,
        },
    ]
    return whole_figure(
        bars, barmode="overlay", yaxis={"title": "Users", "rangemode": "tozero"}, xaxis=MONTHS
    )


def cost_by_category(df: pd.DataFrame, currency: str) -> go.Figure:
    """Cost per month, stacked by category."""
    if df.empty or df["cost_rc"].sum() == 0:
        return empty_figure("No cost in the window")
    bars = [
        {
            "type": "bar",
            "x": rows["month"].to_numpy(),
            "y": rows["cost_rc"].to_numpy(),
            "name": plain(category),
            "marker": {"color": category_color(str(category))},
        }
        for category, rows in df.groupby("category", sort=True)
    ]
    return whole_figure(bars, barmode="stack", yaxis=_money_axis(currency), xaxis=MONTHS)


def outcomes(df: pd.DataFrame, currency: str) -> go.Figure:
    """Outcome value (bars) and insights delivered (line, right axis) per month."""
    if df.empty or (df["outcome_value_rc"].abs().sum() == 0 and df["insights"].sum() == 0):
        return empty_figure("No outcomes in the window")
    months = df["month"].to_numpy()
    traces = [
        {
            "type": "bar",
            "x": months,
            "y": df["outcome_value_rc"].to_numpy(),
            "name": "Outcome value",
            "marker": {"color": VALUE_COLOR},
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "x": months,
            "y": df["insights"].to_numpy(),
            "name": "Insights",
            "mode": "lines+markers",
            "line": {"color": BLUE},
            "xaxis": "x",
            "yaxis": "y2",
        },
    ]
    layout = _grid(specs=[[{"secondary_y": True}]])
    insights = {
        "title": "Insights",
        "rangemode": "tozero",
        "showgrid": False,
        "tickmode": "auto",
        "tickformat": "~s",
    }
    layout["xaxis"] = {**layout["xaxis"], **MONTHS}
    layout["yaxis"] = {**layout["yaxis"], **_money_axis(currency)}
    layout["yaxis2"] = {**layout["yaxis2"], **insights}
    return whole_figure(traces, **layout)


TITLE_CHARS = 36
"""Characters in a line of a panel's title (13 px) at most, so that it fits a phone."""


def _title(model: str, metric: str, decay: dict[tuple[str, str], float]) -> str:
    """`model · metric · decayed 5.2%`, wrapped to fit a phone."""
    pct = decay.get((model, metric))
    shown = f"{model} · {metric}"
    return plain_lines(shown + (f" · decayed {pct:.1f}%" if pct is not None else ""), TITLE_CHARS)


def _measurements(rows: pd.DataFrame, decayed: bool, panel: int) -> list[dict[str, Any]]:
    """A series' values, and its stated baseline carried forward (dashed) when it has one,
    on the axes of panel `panel` (1 for the first)."""
    axes = {"xaxis": f"x{panel}" if panel > 1 else "x", "yaxis": f"y{panel}" if panel > 1 else "y"}
    dates = rows["measured_on"].to_numpy()
    line = {"color": BAD if decayed else BLUE}
    traces = [
        {
            "type": "scatter",
            "x": dates,
            "y": rows["value"].to_numpy(),
            "mode": "lines+markers",
            "line": line,
            **axes,
        }
    ]
    base = rows["baseline"].ffill()
    if base.notna().any():
        dashed = {"color": GREY, "dash": "dash"}
        traces.append(
            {
                "type": "scatter",
                "x": dates,
                "y": base.to_numpy(),
                "mode": "lines",
                "line": dashed,
                "name": "baseline",
                **axes,
            }
        )
    return traces


def model_metrics(df: pd.DataFrame, decay: dict[tuple[str, str], float]) -> go.Figure:
    """One panel per model and metric: the measurements and the stated baseline (dashed);
    the title names the decay (from compute_metrics) when it passed the alert threshold."""
    if df.empty:
        return empty_figure("No model metrics recorded")
    series = [
        ((str(k[0]), str(k[1])), rows) for k, rows in df.groupby(["model", "metric"], sort=True)
    ]
    titles = [_title(model, metric, decay) for (model, metric), _ in series]
    spacing = min(0.12, 0.6 / max(len(series) - 1, 1))
    layout = _grid(rows=len(series), cols=1, subplot_titles=titles, vertical_spacing=spacing)
    for note in layout["annotations"]:  # the panels' titles
        note["font"] = {**note.get("font", {}), "size": 13}
    traces = [
        trace
        for panel, (key, rows) in enumerate(series, start=1)
        for trace in _measurements(rows, key in decay, panel)
    ]
    return whole_figure(traces, **layout, showlegend=False, height=max(260, 200 * len(series)))


def readiness(df: pd.DataFrame, gate_min_score: float) -> go.Figure:
    """The latest score of each readiness dimension; below the gate line = a gate blocker.
    A dimension never assessed reads "not assessed" (grey), never a score of 0."""
    if df.empty:
        return empty_figure("No readiness assessment")
    df = df.assign(cause=df["dimension"].map(cause_label)).sort_values("cause")
    assessed = df["assessed_on"].notna()
    notes = [
        f"assessed {pd.Timestamp(a):%Y-%m-%d}" if ok else "not assessed"
        for a, ok in zip(df["assessed_on"], assessed, strict=True)
    ]
    colors = [
        (BAD if s < gate_min_score else GOOD) if ok else GREY
        for s, ok in zip(df["score"], assessed, strict=True)
    ]
    bar = {
        "type": "bar",
        "y": df["cause"].to_numpy(),
        "x": df["score"].where(assessed, 0).to_numpy(),
        "orientation": "h",
        "marker": {"color": colors},
        "customdata": notes,
        "hovertemplate": "%{y}: %{text} (%{customdata})<extra></extra>",
        "text": [
            f"{s:.1f}" if ok else "not assessed"
            for s, ok in zip(df["score"], assessed, strict=True)
        ],
        "textposition": "outside",
        "cliponaxis": False,
    }
    gate_line = {
        "type": "line",
        "x0": gate_min_score,
        "x1": gate_min_score,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": {"dash": "dot", "color": "#52606D"},
    }
    gate_label = {
        "text": "gate",
        "x": gate_min_score,
        "xref": "x",
        "y": 1,
        "yref": "y domain",
        "showarrow": False,
        "xanchor": "center",
        "yanchor": "bottom",
    }
    return whole_figure(
        [bar],
        xaxis={"range": [0, 5.2], "title": "Score (0-5)", "dtick": 1},
        yaxis={"autorange": "reversed", "title": None},
        showlegend=False,
        shapes=[gate_line],
        annotations=[gate_label],
    )
