"""Portfolio figures: pure functions of their frames, with an explicit empty state."""

from __future__ import annotations

import pandas as pd

from dashboard.figures import is_empty_figure
from dashboard.figures import portfolio as fig
from dashboard.theme import STAGE_COLORS, VERMILLION

COUNTS = pd.DataFrame({"stage": list(STAGE_COLORS), "initiatives": [16, 15, 8, 6]})
MONTHLY = pd.DataFrame(
    {
        "month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
        "cost_rc": [100.0, 200.0],
        "outcome_value_rc": [300.0, 0.0],
        "insights": [1, 2],
    }
)


def test_the_funnel_counts_initiatives_by_stage_in_stage_colours() -> None:
    figure = fig.maturity_funnel(COUNTS)
    (trace,) = figure.data
    assert list(trace.y) == list(STAGE_COLORS)
    assert list(trace.x) == [16, 15, 8, 6]
    assert list(trace.marker.color) == list(STAGE_COLORS.values())
    assert is_empty_figure(fig.maturity_funnel(COUNTS.assign(initiatives=0)))


def test_the_trend_shows_gaps_for_months_without_data() -> None:
    trend = pd.DataFrame(
        {"month": ["2026-01", "2026-02", "2026-03"], "adoption_rate": [0.2, None, 0.3]}
    )
    (trace,) = fig.adoption_trend(trend).data
    assert [str(x)[:7] for x in trace.x] == ["2026-01", "2026-02", "2026-03"]
    assert trace.connectgaps is False
    assert is_empty_figure(fig.adoption_trend(trend.assign(adoption_rate=None)))


def test_value_vs_cost_has_a_bar_each() -> None:
    figure = fig.value_vs_cost(MONTHLY, "EUR")
    assert [t.name for t in figure.data] == ["Outcome value", "Cost"]
    assert list(figure.data[1].y) == [100.0, 200.0]
    assert figure.data[1].marker.color == VERMILLION
    assert figure.layout.yaxis.tickprefix == "€"
    assert is_empty_figure(fig.value_vs_cost(MONTHLY.iloc[:0], "USD"))


def test_cost_by_category_is_largest_on_top_with_shares() -> None:
    df = pd.DataFrame(
        {"category": ["people", "other"], "cost_rc": [90.0, 10.0], "share": [0.9, 0.1]}
    )
    (trace,) = fig.cost_by_category(df, "USD").data
    assert list(trace.y) == ["other", "people"]  # plotly draws the last category on top
    assert list(trace.text) == ["10%", "90%"]
    assert is_empty_figure(fig.cost_by_category(df.assign(cost_rc=0.0), "USD"))
