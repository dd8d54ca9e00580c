"""Data page figures."""

from __future__ import annotations

import pandas as pd

from dashboard.figures import data as fig
from dashboard.figures import is_empty_figure


def test_coverage_is_a_share_of_the_started_initiatives() -> None:
    df = pd.DataFrame(
        {
            "month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
            "started_count": [4, 0],
            "with_cost": [2, 0],
            "with_outcomes": [4, 0],
            "with_adoption": [1, 0],
        }
    )
    figure = fig.coverage(df)
    assert [t.name for t in figure.data] == ["Cost", "Outcomes", "Adoption"]
    assert figure.data[0].y[0] == 0.5
    assert pd.isna(figure.data[0].y[1])  # no initiative started yet: no share
    assert len({t.line.dash for t in figure.data}) == 3
    assert is_empty_figure(fig.coverage(df.assign(started_count=0)))
