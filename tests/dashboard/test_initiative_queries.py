"""Initiative queries: one initiative's profile, months, models and readiness."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.db import Reader
from dashboard.queries import initiative as q
from etl.contracts.entities import Dimension

START, END, AS_OF = dt.date(2025, 4, 1), dt.date(2026, 3, 1), dt.date(2026, 3, 31)
DIMENSIONS = tuple(d.value for d in Dimension)


def test_profile(reader: Reader) -> None:
    row = reader.fetch(q.profile, "b").iloc[0]
    assert (row["name"], row["business_unit"], row["risk_tier"]) == (
        "Contract triage",
        "Legal",
        "high",
    )
    assert reader.fetch(q.profile, "nope").empty


def test_monthly_figures_cover_the_window(reader: Reader) -> None:
    df = reader.fetch(q.monthly, "a", START, END)
    assert len(df) == 12
    last = df.iloc[-1]
    assert (last["active_users"], last["eligible_users"], last["cost_rc"]) == (300, 1000, 50_000)
    assert df["outcome_value_rc"].sum() == 400_000
    assert df["active_users"].isna().sum() == 10  # adoption only in 2026-02 and 2026-03


def test_cost_by_category_per_month(reader: Reader) -> None:
    df = reader.fetch(q.cost_by_category, "b", START, END)
    assert list(df["category"]) == ["licensing", "other"]
    assert list(df["cost_rc"]) == pytest.approx([30_000, 5_500])


def test_model_metrics_up_to_the_as_of_date(reader: Reader) -> None:
    df = reader.fetch(q.model_metrics, "a", AS_OF)
    assert list(zip(df["model"], df["metric"], strict=True)) == [
        ("m1", "accuracy"),
        ("m1", "accuracy"),
        ("m2", "f1"),
    ]
    assert len(reader.fetch(q.model_metrics, "a", dt.date(2025, 12, 31))) == 1


def test_readiness_scores_every_dimension(reader: Reader) -> None:
    df = reader.fetch(q.readiness, "b", AS_OF, DIMENSIONS).set_index("dimension")
    assert len(df) == 6
    assert df.loc["data", "score"] == 1
    assert df.loc["mlops", "score"] == 0
    assert df["assessed_on"].isna().sum() == 5
