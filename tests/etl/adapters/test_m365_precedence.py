"""Microsoft 365 Copilot: a month's adoption follows one precedence (the summary with the
longest period up to 30 days, else the trend's peak, else the per-user report), whatever the
order of the files and however they are split between loads."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import load_files
from etl.storage import open_reader
from tests.conftest import write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "m365-copilot"
REAL = Path(__file__).resolve().parents[4] / "shared" / "realdata" / "m365-copilot-usage"
BETA = [
    REAL / "UsageUserDetail_beta_example.json",
    REAL / "UserCountSummary_beta_example.json",
    REAL / "UserCountTrend_beta_example.json",
]
OWN = [
    FIXTURES / "UsageUserDetail_v1.csv",
    FIXTURES / "UserCountSummary_v1.csv",
    FIXTURES / "UserCountTrend_v1.csv",
]


def _fresh(parent: Path) -> Path:
    """A new database in a folder of its own (a Hypothesis example shares `tmp_path`)."""
    folder = Path(tempfile.mkdtemp(dir=parent))
    db = folder / "db.duckdb"
    initiatives = write_csv(
        folder / "initiatives.csv",
        ("initiative_id", "name", "business_unit", "stage", "stage_entered_on"),
        [("AI-0007", "Microsoft 365 Copilot rollout", "IT", "Standardization", "2025-01-01")],
    )
    assert load_files(db, [initiatives], Settings()).status == "loaded"
    return db


def _load_in(db: Path, loads: list[list[Path]]) -> dict[str, tuple[int, int]]:
    for paths in loads:
        result = load_files(
            db,
            paths,
            Settings(),
            adapter="m365-copilot",
            adapter_options=AdapterOptions(initiative="AI-0007"),
        )
        assert result.status in ("loaded", "loaded_with_rejects"), result.error
    with open_reader(db) as con:
        rows = con.execute(
            "select strftime(month, '%Y-%m'), active_users, eligible_users from stg_activity "
            "where initiative_id = 'AI-0007' order by month"
        ).fetchall()
    return {month: (active, eligible) for month, active, eligible in rows}


def _splits(files: list[Path]) -> st.SearchStrategy[list[list[Path]]]:
    """A permutation of the files cut into consecutive loads."""

    def cut(order: list[Path], cuts: list[bool]) -> list[list[Path]]:
        loads: list[list[Path]] = [[order[0]]]
        for path, new_load in zip(order[1:], cuts, strict=True):
            loads.append([path]) if new_load else loads[-1].append(path)
        return loads

    return st.permutations(files).flatmap(
        lambda order: st.lists(st.booleans(), min_size=2, max_size=2).map(
            lambda cuts: cut(list(order), cuts)
        )
    )


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(loads=_splits(OWN))
def test_any_order_and_split_of_the_reports_gives_one_answer(
    tmp_path: Path, loads: list[list[Path]]
) -> None:
    figures = _load_in(_fresh(tmp_path), loads)
    assert figures["2026-07"] == (10, 25)  # the D7 summary, never the per-user report's 2 / 4
    assert figures["2026-06"] == (7, 21)  # the trend's peak: no summary of June


@pytest.mark.skipif(not REAL.exists(), reason="the real Microsoft 365 examples are not present")
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(loads=_splits(BETA))
def test_the_beta_examples_give_the_tenants_summary_in_any_order(
    tmp_path: Path, loads: list[list[Path]]
) -> None:
    assert _load_in(_fresh(tmp_path), loads)["2025-08"] == (165115, 359229)


def test_a_per_user_report_never_overrides_a_count_report(tmp_path: Path) -> None:
    db = _fresh(tmp_path)
    _load_in(db, [[FIXTURES / "UserCountTrend_v1.csv"]])
    figures = _load_in(db, [[FIXTURES / "UsageUserDetail_v1.csv"]])
    assert figures["2026-07"] == (6, 22)  # the trend's, though the per-user report came last
    with open_reader(db) as con:
        assert con.execute("select count(*) from usage_monthly_active").fetchall() == [(0,)]


def _summary(path: Path, period: int, refreshed: str, active: int, enabled: int) -> Path:
    path.write_text(
        json.dumps(
            {
                "value": [
                    {
                        "reportRefreshDate": refreshed,
                        "adoptionByProduct": [
                            {
                                "reportPeriod": period,
                                "anyAppEnabledUsers": enabled,
                                "anyAppActiveUsers": active,
                            }
                        ],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("reverse", [False, True])
def test_the_longest_summary_up_to_30_days_wins(tmp_path: Path, reverse: bool) -> None:
    files = [
        _summary(tmp_path / "d7.json", 7, "2025-09-20", 100, 400),
        _summary(tmp_path / "d28.json", 28, "2025-09-10", 180, 390),
        _summary(tmp_path / "d90.json", 90, "2025-09-25", 300, 410),
    ]
    figures = _load_in(_fresh(tmp_path), [[f] for f in (files[::-1] if reverse else files)])
    assert figures["2025-09"] == (180, 390)  # D28 over D7; a D90 window counts no month


def test_a_trend_split_between_loads_keeps_the_month_peak(tmp_path: Path) -> None:
    header, *days = (FIXTURES / "UserCountTrend_v1.csv").read_text().splitlines(keepends=True)
    first, second = tmp_path / "trend_a.csv", tmp_path / "trend_b.csv"
    first.write_text(header + days[1] + days[2])
    second.write_text(header + days[0] + days[3])
    db = _fresh(tmp_path)
    split: dict[str, Any] = _load_in(db, [[second], [first]])
    whole = _load_in(_fresh(tmp_path), [[FIXTURES / "UserCountTrend_v1.csv"]])
    assert split == whole
