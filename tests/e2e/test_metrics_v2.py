"""METRICS.md v2 in a real browser: the money cards, the partial-month banner after a
trickle of rows for a new month, and the stage gate that filters the roadmap table."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from etl.registry import SIGNAL_LABELS, metric
from tests.conftest import metrics_json, run_cli, write_csv
from tests.e2e.conftest import (
    Console,
    assert_kpis,
    click_plot_point,
    expected_kpis,
    server_errors,
    serving,
    settle,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-metrics_v2")]


def test_metricsv2001_money_at_risk_card_breaks_down_by_signal(
    page: Page, server: str, e2e_db: Path, console: Console
) -> None:
    page.goto(server + "/")
    settle(page)
    expected = expected_kpis(e2e_db)
    assert_kpis(page, expected)
    assert expected["kpi-total-cost"] == "$22.1M"  # the sample's window spend
    m = metrics_json(e2e_db)
    for key in SIGNAL_LABELS:
        value = metric(f"cost_at_risk_{key}").format(m["cost_at_risk_by_signal"][key], "USD")
        cell = page.locator(f"#kpi-cost-at-risk-{key.replace('_', '-')}")
        expect(cell).to_contain_text(value)
    # every alert group shows, none inside a scrolling box
    groups = page.locator("#portfolio-alerts .list-group")
    expect(groups).to_have_count(4)
    for n in range(4):
        expect(groups.nth(n)).to_be_visible()
    assert page.eval_on_selector(
        "#portfolio-alerts", "e => e.scrollHeight <= e.clientHeight + 1"
    ), "the alerts scroll inside their box"
    assert console.errors == []


@pytest.fixture(scope="module")
def trickle_db(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plus two cost rows of one initiative for the month after its latest."""
    folder = tmp_path_factory.mktemp("trickle")
    db = folder / "trickle.duckdb"
    shutil.copyfile(e2e_db, db)
    late = write_csv(
        folder / "in" / "costs-late.csv",
        ("initiative_id", "month", "category", "amount"),
        [("AI-0001", "2026-11", "compute", 10), ("AI-0001", "2026-11", "people", 20)],
    )
    result = run_cli("load", "--db", db, late)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="module")
def trickle_server(trickle_db: Path) -> Iterator[str]:
    with serving(trickle_db) as url:
        yield url
    assert server_errors(trickle_db) == []


def test_metricsv2002_partial_month_banner_and_link(
    page: Page, trickle_server: str, trickle_db: Path, e2e_db: Path, console: Console
) -> None:
    m = metrics_json(trickle_db)
    assert m["as_of"] == "2026-10" and m["partial_months"] == ["2026-11"]
    page.goto(trickle_server + "/roadmap")
    settle(page)
    banner = page.locator("#app-partial-months-notice")
    expect(banner).to_contain_text("2026-11: 1 initiative reported")
    expect(banner).to_contain_text("figures are as of 2026-10")
    page.goto(trickle_server + "/")
    settle(page)
    assert_kpis(page, expected_kpis(e2e_db))  # the trickle moved no headline figure
    page.locator("#app-partial-months-link").click()
    expect(page).to_have_url(re.compile(r"as_of=2026-11"))
    settle(page)
    assert_kpis(page, expected_kpis(trickle_db, "--as-of", "2026-11"))
    expect(page.locator("#app-partial-months-notice")).to_contain_text("You are viewing 2026-11")
    assert console.errors == []


def test_metricsv2003_gate_bar_filters_the_table_by_url(
    page: Page, server: str, e2e_db: Path, console: Console
) -> None:
    m = metrics_json(e2e_db)
    held = [
        i["initiative_id"]
        for i in m["initiatives"]
        if i["ready_for_next_stage"] is False and "mlops" in i["gate_blockers"]
    ]
    page.goto(server + "/roadmap")
    settle(page)
    gate = page.locator("#roadmap-gate-blockers")
    expect(gate).to_contain_text("MLOps")
    expect(gate).not_to_contain_text("mlops")
    page.goto(server + "/roadmap?blocker=mlops")  # a shared link reproduces the view
    settle(page)
    expect(page.locator("#roadmap-blocker-notice")).to_contain_text("MLOps")
    expect(page.locator("#roadmap-table")).to_contain_text(f"1 to {len(held)} of {len(held)}")
    page.goto(server + "/roadmap")
    settle(page)
    bars = page.locator("#roadmap-gate-blockers .barlayer .point")
    widest = max(
        range(bars.count()), key=lambda n: (bars.nth(n).bounding_box() or {"width": 0})["width"]
    )
    click_plot_point(page, "roadmap-gate-blockers", bars.nth(widest))
    expect(page).to_have_url(re.compile(r"blocker=[a-z_]+"))
    settle(page)
    expect(page.locator("#roadmap-blocker-notice")).to_be_visible()
    assert console.errors == []
