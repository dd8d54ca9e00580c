"""Initiative figures."""

from __future__ import annotations

import pandas as pd

from dashboard.figures import initiative as fig
from dashboard.figures import is_empty_figure
from dashboard.theme import BAD, CATEGORY_COLORS, GOOD, GREY

MONTHS = pd.to_datetime(["2026-01-01", "2026-02-01"])


def test_adoption_overlays_active_on_eligible_users() -> None:
    df = pd.DataFrame({"month": MONTHS, "active_users": [10, 20], "eligible_users": [100, 100]})
    figure = fig.adoption(df)
    assert [t.name for t in figure.data] == ["Eligible", "Active"]
    assert is_empty_figure(fig.adoption(df.assign(active_users=None)))


def test_cost_is_stacked_by_category_in_its_colours() -> None:
    df = pd.DataFrame({"month": MONTHS, "category": ["people", "other"], "cost_rc": [5.0, 1.0]})
    figure = fig.cost_by_category(df, "USD")
    assert figure.layout.barmode == "stack"
    assert {t.name: t.marker.color for t in figure.data} == {
        "other": CATEGORY_COLORS["other"],
        "people": CATEGORY_COLORS["people"],
    }
    assert is_empty_figure(fig.cost_by_category(df.iloc[:0], "USD"))


def test_outcomes_show_value_and_insights() -> None:
    df = pd.DataFrame({"month": MONTHS, "outcome_value_rc": [100.0, 0.0], "insights": [3, 0]})
    figure = fig.outcomes(df, "USD")
    assert [t.name for t in figure.data] == ["Outcome value", "Insights"]
    assert [t.yaxis for t in figure.data] == ["y", "y2"]  # insights on the right axis
    assert (figure.layout.yaxis2.overlaying, figure.layout.yaxis2.side) == ("y", "right")
    assert figure.layout.yaxis.tickprefix == "$"
    assert is_empty_figure(fig.outcomes(df.assign(outcome_value_rc=0.0, insights=0), "USD"))


def test_model_metrics_have_a_panel_per_series_and_name_the_decay() -> None:
    df = pd.DataFrame(
        {
            "model": ["m1", "m1", "m2"],
            "metric": ["accuracy", "accuracy", "f1"],
            "measured_on": pd.to_datetime(["2025-06-01", "2026-03-01", "2026-03-01"]),
            "value": [0.9, 0.8, 0.7],
            "baseline": [0.9, None, None],
        }
    )
    figure = fig.model_metrics(df, {("m1", "accuracy"): 11.1})
    titles = [a.text for a in figure.layout.annotations]
    assert titles == ["m1 · accuracy · decayed 11.1%", "m2 · f1"]
    assert figure.data[0].line.color == BAD
    assert list(figure.data[1].y) == [0.9, 0.9]  # the stated baseline, carried forward
    assert [t.yaxis for t in figure.data] == ["y", "y", "y2"]  # a panel per series
    assert figure.layout.yaxis2.domain[1] < figure.layout.yaxis.domain[0]
    assert figure.layout.annotations[0].font.size == 13
    assert is_empty_figure(fig.model_metrics(df.iloc[:0], {}))


def test_readiness_marks_the_dimensions_below_the_gate() -> None:
    df = pd.DataFrame(
        {
            "dimension": ["data", "governance", "mlops"],
            "score": [4.0, 2.0, 2.0],
            "assessed_on": [pd.Timestamp("2026-01-15"), pd.Timestamp("2026-01-15"), None],
        }
    )
    figure = fig.readiness(df, 3.0)
    (trace,) = figure.data
    (gate,) = figure.layout.shapes  # the gate line at the minimum score, labelled
    assert (gate.x0, gate.x1, gate.yref) == (3.0, 3.0, "y domain")
    assert [a.text for a in figure.layout.annotations] == ["gate"]
    # v2: a dimension never assessed is grey "not assessed", never a score (mlops)
    assert list(trace.marker.color) == [GOOD, BAD, GREY]
    assert list(trace.customdata) == ["assessed 2026-01-15", "assessed 2026-01-15", "not assessed"]
    assert list(trace.text) == ["4.0", "2.0", "not assessed"]
    assert list(trace.y) == ["Data readiness", "Governance", "MLOps"]  # plain cause names
    assert is_empty_figure(fig.readiness(df.iloc[:0], 3.0))


def test_a_long_model_metric_title_wraps_to_fit_a_phone() -> None:
    df = pd.DataFrame(
        {
            "model": ["payment-fraud-detection-v1"],
            "metric": ["accuracy"],
            "measured_on": pd.to_datetime(["2026-03-01"]),
            "value": [0.8],
            "baseline": [0.9],
        }
    )
    figure = fig.model_metrics(df, {("payment-fraud-detection-v1", "accuracy"): 22.5})
    assert figure.layout.annotations[0].text == (
        "payment-fraud-detection-v1 ·<br>accuracy · decayed 22.5%"
    )
