"""Figures of the data page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import empty_figure, whole_figure
from dashboard.theme import BLUE, ORANGE, VALUE_COLOR

SERIES = (
    ("with_cost", "Cost", ORANGE, "solid", "circle"),
    ("with_outcomes", "Outcomes", VALUE_COLOR, "dash", "square"),
    ("with_adoption", "Adoption", BLUE, "dot", "diamond"),
)
"""(column, name, colour, line dash, marker): lines that coincide stay distinguishable."""


def coverage(df: pd.DataFrame) -> go.Figure:
    """Share of the started initiatives that report cost, outcomes and adoption, per month."""
    if df.empty or df["started_count"].sum() == 0:
        return empty_figure()
    started = df["started_count"].where(df["started_count"] > 0)
    lines = [
        {
            "type": "scatter",
            "x": df["month"].to_numpy(),
            "y": (df[column] / started).to_numpy(),
            "customdata": list(zip(df[column], df["started_count"], strict=True)),
            "name": name,
            "mode": "lines+markers",
            "line": {"color": color, "dash": dash},
            "marker": {"symbol": symbol, "size": 7},
            "hovertemplate": "%{x|%Y-%m}: %{y:.0%} (%{customdata[0]} of %{customdata[1]})"
            f"<extra>{name}</extra>",
        }
        for column, name, color, dash, symbol in SERIES
    ]
    return whole_figure(
        lines, yaxis={"tickformat": ".0%", "range": [0, 1.05]}, xaxis={"tickformat": "%Y-%m"}
    )
