"""Figures of the initiative page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures import base_figure, empty_figure, plain, plain_lines
from dashboard.theme import BAD, BLUE, GOOD, GREY, VALUE_COLOR, category_color, template
from etl.formatting import currency_prefix
from etl.registry import cause_label


def _money_axis(currency: str) -> dict[str, Any]:
    return {
        "title": currency,
        "tickprefix": currency_prefix(currency).strip(),
        "exponentformat": "B",
    }


def adoption(df: pd.DataFrame) -> go.Figure:
    """Active users against eligible users per month."""
    if df.empty or df["active_users"].isna().all():
        return empty_figure("No adoption data in the window")
    fig = base_figure(barmode="overlay", yaxis={"title": "Users", "rangemode": "tozero"})
    fig.add_trace(
        go.Bar(x=df["month"], y=df["eligible_users"], name="Eligible", marker_color="#CBD2D9")
    )
    fig.add_trace(
        go.Bar(
            x=df["month"],
            y=df["active_users"],
            name="Active",
            marker_color=BLUE,
            width=20 * 86_400_000,
        )
    )
    fig.update_xaxes(tickformat="%Y-%m", title=None)
    return fig


def cost_by_category(df: pd.DataFrame, currency: str) -> go.Figure:
    """Cost per month, stacked by category."""
    if df.empty or df["cost_rc"].sum() == 0:
        return empty_figure("No cost in the window")
    fig = base_figure(barmode="stack", yaxis=_money_axis(currency))
    for category, rows in df.groupby("category", sort=True):
        name = str(category)
        color = category_color(name)
        fig.add_trace(
            go.Bar(x=rows["month"], y=rows["cost_rc"], name=plain(name), marker_color=color)
        )
    fig.update_xaxes(tickformat="%Y-%m", title=None)
    return fig


def outcomes(df: pd.DataFrame, currency: str) -> go.Figure:
    """Outcome value (bars) and insights delivered (line, right axis) per month."""
    if df.empty or (df["outcome_value_rc"].abs().sum() == 0 and df["insights"].sum() == 0):
        return empty_figure("No outcomes in the window")
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.update_layout(template=template())
    fig.add_trace(
        go.Bar(
            x=df["month"], y=df["outcome_value_rc"], name="Outcome value", marker_color=VALUE_COLOR
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=df["month"],
            y=df["insights"],
            name="Insights",
            mode="lines+markers",
            line={"color": BLUE},
        ),
        secondary_y=True,
    )
    fig.update_yaxes(_money_axis(currency), secondary_y=False)
    fig.update_yaxes(
        title="Insights",
        rangemode="tozero",
        showgrid=False,
        secondary_y=True,
        tickmode="auto",
        tickformat="~s",
    )
    fig.update_xaxes(tickformat="%Y-%m", title=None)
    return fig


TITLE_CHARS = 36
"""Characters in a line of a panel's title (13 px) at most, so that it fits a phone."""


def _title(model: str, metric: str, decay: dict[tuple[str, str], float]) -> str:
    """`model · metric · decayed 5.2%`, wrapped to fit a phone."""
    pct = decay.get((model, metric))
    shown = f"{model} · {metric}"
    return plain_lines(shown + (f" · decayed {pct:.1f}%" if pct is not None else ""), TITLE_CHARS)


def _measurements(rows: pd.DataFrame, decayed: bool) -> list[go.Scatter]:
    """A series' values, and its stated baseline carried forward (dashed) when it has one."""
    color = BAD if decayed else BLUE
    traces = [
        go.Scatter(
            x=rows["measured_on"], y=rows["value"], mode="lines+markers", line={"color": color}
        )
    ]
    base = rows["baseline"].ffill()
    if base.notna().any():
        dashed = {"color": GREY, "dash": "dash"}
        traces.append(
            go.Scatter(x=rows["measured_on"], y=base, mode="lines", line=dashed, name="baseline")
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
    fig = make_subplots(rows=len(series), cols=1, subplot_titles=titles, vertical_spacing=spacing)
    fig.update_layout(template=template(), showlegend=False, height=max(260, 200 * len(series)))
    fig.update_annotations(font_size=13)  # the panels' titles
    for row, (key, rows) in enumerate(series, start=1):
        for trace in _measurements(rows, key in decay):
            fig.add_trace(trace, row=row, col=1)
    return fig


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
    fig = base_figure(
        xaxis={"range": [0, 5.2], "title": "Score (0-5)", "dtick": 1}, showlegend=False
    )
    fig.add_trace(
        go.Bar(
            y=df["cause"],
            x=df["score"].where(assessed, 0),
            orientation="h",
            marker_color=colors,
            customdata=notes,
            hovertemplate="%{y}: %{text} (%{customdata})<extra></extra>",
            text=[
                f"{s:.1f}" if ok else "not assessed"
                for s, ok in zip(df["score"], assessed, strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
        )
    )
    gate = {"dash": "dot", "color": "#52606D"}
    fig.add_vline(x=gate_min_score, line=gate, annotation_text="gate", annotation_position="top")
    fig.update_yaxes(autorange="reversed", title=None)
    return fig
