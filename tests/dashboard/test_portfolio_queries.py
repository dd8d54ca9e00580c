"""Portfolio queries on the tiny portfolio, whose figures are known by hand."""

from __future__ import annotations

import pytest

from dashboard.db import Reader
from dashboard.filters import PageFilters
from dashboard.queries import Selection
from dashboard.queries import portfolio as q
from tests.dashboard.metrics_tools import initiatives_frame, metrics_result, no_data


def test_the_selection_is_the_set_and_window_of_the_metrics(selection: Selection) -> None:
    assert selection.initiative_ids == ("a", "b", "c")
    assert (str(selection.window_from), str(selection.window_to)) == ("2025-04-01", "2026-03-01")
    assert str(selection.as_of_date) == "2026-03-31"
    assert not selection.is_empty


def test_value_vs_cost_has_every_month_and_sums_to_the_metrics(
    reader: Reader, selection: Selection, window_filters: PageFilters
) -> None:
    df = reader.fetch(q.value_vs_cost, selection)
    assert len(df) == 12
    by_month = {
        str(m)[:7]: (c, v)
        for m, c, v in zip(df["month"], df["cost_rc"], df["outcome_value_rc"], strict=True)
    }
    assert by_month["2025-04"] == (1000, 0)
    assert by_month["2025-10"] == (0, 400_000)
    assert by_month["2026-02"] == pytest.approx((5500, 0))
    metrics = reader.metrics(window_filters)
    assert df["cost_rc"].sum() == pytest.approx(metrics.total_cost) == pytest.approx(156_500)
    assert df["insights"].sum() == 40_000


def test_cost_by_category(reader: Reader, selection: Selection) -> None:
    df = reader.fetch(q.cost_by_category, selection)
    assert list(df["category"]) == ["compute", "people", "licensing", "other"]
    assert list(df["cost_rc"]) == pytest.approx([71_000, 50_000, 30_000, 5_500])
    assert df["share"].sum() == pytest.approx(1)


def test_no_cost_export_means_no_unallocated_spend(reader: Reader, selection: Selection) -> None:
    assert q.unallocated_spend(reader.con, selection) == (0.0, 0.0)


def test_a_selection_of_one_business_unit(reader: Reader) -> None:
    sel = Selection.from_metrics(reader.metrics(PageFilters(business_units=("Legal",))))
    assert sel.initiative_ids == ("b",)
    df = reader.fetch(q.cost_by_category, sel)
    assert list(df["category"]) == ["licensing", "other"]


def test_an_empty_selection_gives_empty_frames(reader: Reader) -> None:
    sel = Selection.from_metrics(reader.metrics(PageFilters(business_units=("Nobody",))))
    assert sel.is_empty
    assert reader.fetch(q.value_vs_cost, sel).empty
    assert reader.fetch(q.cost_by_category, sel).empty
    assert q.unallocated_spend(reader.con, sel)[0] == 0.0


def test_funnel_trend_and_alerts_come_from_the_metrics(
    reader: Reader, window_filters: PageFilters
) -> None:
    metrics = reader.metrics(window_filters)
    counts = q.stage_counts(metrics)
    assert list(counts["initiatives"]) == [1, 1, 0, 0]  # c is retired
    trend = q.adoption_trend(metrics)
    assert len(trend) == 12
    assert trend["adoption_rate"].iloc[-1] == pytest.approx(320 / 1050)
    assert trend["adoption_rate"].iloc[0] is None or trend["adoption_rate"].isna().iloc[0]
    alerts = q.alerts(metrics, reader.initiatives(window_filters)[1])
    assert list(zip(alerts["kind"], alerts["initiative_id"], strict=True)) == [
        ("Stalled pilot", "b"),
        ("No executive owner", "b"),
        ("Decaying model", "a"),
        ("Business case at risk", "a"),
    ]
    assert list(alerts["cost_rc"]) == pytest.approx([35_500, 35_500, 120_000, 120_000])
    assert alerts["name"].iloc[0] == "Contract triage"
    assert alerts["detail"].iloc[0] == "303 days in Experimentation"
    assert alerts["detail"].iloc[2] == "m1 accuracy -11.1%"
    assert alerts["detail"].iloc[3] == "$90.9K cost vs $0.00 value a month"


def test_alerts_of_one_kind_show_the_largest_money_first() -> None:
    metrics = metrics_result(
        stalled_pilots=["p", "q", "r"],
        initiatives=[
            {"initiative_id": "p", "total_cost": 10.0},
            {"initiative_id": "q", "total_cost": 30.0},
            {"initiative_id": "r", "total_cost": 30.0},
        ],
    )
    alerts = q.alerts(metrics, initiatives_frame(metrics))
    assert list(alerts["initiative_id"]) == ["q", "r", "p"]  # ties: by id
    assert list(alerts["cost_rc"]) == [30.0, 30.0, 10.0]


def test_no_data_gives_empty_shapes() -> None:
    empty = no_data()
    assert Selection.from_metrics(empty).is_empty
    assert list(q.stage_counts(empty)["initiatives"]) == [0, 0, 0, 0]
    assert q.adoption_trend(empty).empty
    assert q.alerts(empty, initiatives_frame(empty)).empty
