"""Figures of the portfolio page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import empty_figure, plain_all, whole_figure
from dashboard.theme import BLUE, COST_COLOR, STAGE_COLORS, VALUE_COLOR, category_color
from etl.formatting import currency_prefix


def money_axis(currency: str, **extra: Any) -> dict[str, Any]:
    """An axis in the reporting currency: `$2M`, `$400k` ticks."""
    prefix = currency_prefix(currency).strip()
    return {"title": None, "tickprefix": prefix, "exponentformat": "B", **extra}


def _months(values: pd.Series) -> pd.Series:
    """Months as dates (the trend's `YYYY-MM` text or the marts' first days)."""
    return pd.to_datetime(values.astype(str).str.slice(0, 7), format="%Y-%m")


def maturity_funnel(df: pd.DataFrame) -> go.Figure:
    """Initiatives (not retired) by current stage; a click on a stage filters by it."""
    if df.empty or df["initiatives"].sum() == 0:
        return empty_figure("No initiatives for these filters")
    funnel = {
        "type": "funnel",
        "y": df["stage"].to_numpy(),
        "x": df["initiatives"].to_numpy(),
        "textinfo": "value",
        "textfont": {"size": 15},
        "marker": {"color": [STAGE_COLORS[s] for s in df["stage"]]},
        "connector": {"fillcolor": "#E4E7EB", "line": {"width": 0}},
        "hovertemplate": "%{y}: %{x} initiatives<br>Click to filter by this stage<extra></extra>",
    }
    return whole_figure([funnel], margin={"l": 8, "r": 8, "t": 8, "b": 8}, clickmode="event")


def adoption_trend(df: pd.DataFrame) -> go.Figure:
    """Adoption rate per month of the window (gaps where a month has no data)."""
    if df.empty or df["adoption_rate"].isna().all():
        return empty_figure()
    line = {
        "type": "scatter",
        "x": _months(df["month"]).to_numpy(),
        "y": df["adoption_rate"].to_numpy(),
        "mode": "lines+markers",
        "line": {"color": BLUE, "width": 3},
        "marker": {"size": 7},
        "connectgaps": False,
        "hovertemplate": "%{x|%Y-%m}: %{y:.1%}<extra>Adoption rate</extra>",
    }
    return whole_figure(
        [line],
        yaxis={"tickformat": ".0%", "rangemode": "tozero"},
        xaxis={"tickformat": "%Y-%m"},
    )


def value_vs_cost(df: pd.DataFrame, currency: str) -> go.Figure:
    """Outcome value and cost per month of the window, side by side."""
    if df.empty or (df["cost_rc"].abs().sum() == 0 and df["outcome_value_rc"].abs().sum() == 0):
        return empty_figure()
    prefix = currency_prefix(currency)
    months = _months(df["month"]).to_numpy()
    bars = [
        {
            "type": "bar",
            "x": months,
            "y": df[column].to_numpy(),
            "name": name,
            "marker": {"color": color},
            "hovertemplate": f"%{{x|%Y-%m}}: {prefix}%{{y:,.0f}}<extra>{name}</extra>",
        }
        for column, name, color in (
            ("outcome_value_rc", "Outcome value", VALUE_COLOR),
            ("cost_rc", "Cost", COST_COLOR),
        )
    ]
    return whole_figure(
        bars, barmode="group", yaxis=money_axis(currency), xaxis={"tickformat": "%Y-%m"}
    )


def cost_by_category(df: pd.DataFrame, currency: str) -> go.Figure:
    """Cost over the window per category, largest on top, with its share of the total."""
    if df.empty or df["cost_rc"].sum() == 0:
        return empty_figure()
    ordered = df.sort_values("cost_rc")
    prefix = currency_prefix(currency)
    top = float(ordered["cost_rc"].max())
    bar = {
        "type": "bar",
        "y": plain_all(ordered["category"]),
        "x": ordered["cost_rc"].to_numpy(),
        "orientation": "h",
        "marker": {"color": [category_color(c) for c in ordered["category"]]},
        "customdata": ordered["share"].to_numpy(),
        "text": [f"{s:.0%}" for s in ordered["share"]],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": f"%{{y}}: {prefix}%{{x:,.0f}} (%{{customdata:.1%}})<extra></extra>",
    }
    return whole_figure([bar], xaxis=money_axis(currency, range=[0, top * 1.2]), showlegend=False)
