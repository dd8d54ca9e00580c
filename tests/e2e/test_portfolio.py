"""The portfolio page in a real browser: KPIs equal `scaleboard metrics --json`, the funnel
filters the page, alerts open their initiative, links reproduce views."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    Console,
    assert_kpis,
    click_plot_point,
    expected_kpis,
    settle,
    shown_kpis,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-portfolio")]


@pytest.mark.parametrize(
    ("search", "options"),
    [
        ("", ()),
        ("?business_unit=Finance", ("--business-unit", "Finance")),
        ("?business_unit=HR&business_unit=IT", ("--business-unit", "HR", "--business-unit", "IT")),
    ],
    ids=["all", "finance", "hr-and-it"],
)
def test_portfolio001_kpis_match_metrics(
    page: Page, server: str, e2e_db: Path, console: Console, search: str, options: tuple[str, ...]
) -> None:
    page.goto(server + "/" + search)
    settle(page)
    assert_kpis(page, expected_kpis(e2e_db, *options))
    assert console.errors == []


def test_portfolio002_funnel_click_filters_page(
    page: Page, server: str, e2e_db: Path, console: Console
) -> None:
    page.goto(server + "/")
    settle(page)
    stage = "Operationalization"
    bar = page.locator("#portfolio-maturity-funnel .funnellayer .point").nth(1)
    click_plot_point(page, "portfolio-maturity-funnel", bar)
    expect(page).to_have_url(re.compile(r"stage=Operationalization"))
    settle(page)
    assert_kpis(page, expected_kpis(e2e_db, "--stage", stage))
    expect(page.locator("#app-filter-stage")).to_contain_text(stage)
    assert console.errors == []


def test_portfolio003_alert_opens_initiative(page: Page, server: str, console: Console) -> None:
    page.goto(server + "/")
    settle(page)
    link = page.locator("#portfolio-alerts a.alert-link-item").first
    name = link.inner_text().strip()
    href = link.get_attribute("href") or ""
    initiative_id = href.split("/initiatives/")[1].split("?")[0]
    link.click()
    expect(page).to_have_url(re.compile(rf"/initiatives/{re.escape(initiative_id)}"))
    settle(page)
    expect(page.locator("#initiative-header")).to_contain_text(name)
    expect(page.locator("#initiative-kpi-readiness")).not_to_be_empty()
    assert console.errors == []


def test_portfolio004_url_with_filters_reproduces_view(
    page: Page, server: str, e2e_db: Path, console: Console
) -> None:
    search = (
        "?business_unit=Finance&business_unit=HR&stage=Experimentation"
        "&as_of=2026-03&from=2025-04&to=2026-03"
    )
    page.goto(server + "/" + search)
    settle(page)
    options = (
        "--business-unit",
        "Finance",
        "--business-unit",
        "HR",
        "--stage",
        "Experimentation",
        "--as-of",
        "2026-03",
        "--from",
        "2025-04",
        "--to",
        "2026-03",
    )
    assert_kpis(page, expected_kpis(e2e_db, *options))
    expect(page.locator("#app-filter-business-unit")).to_contain_text("Finance")
    expect(page.locator("#app-filter-business-unit")).to_contain_text("HR")
    expect(page.locator("#app-filter-as-of")).to_contain_text("2026-03")
    expect(page.locator("#portfolio-window")).to_have_text(
        "As of 2026-03, window 2025-04 to 2026-03, in USD"
    )
    # the same link in a new page shows the same view
    again = page.context.new_page()
    again.goto(server + "/" + search)
    settle(again)
    assert shown_kpis(again) == shown_kpis(page)
    again.close()
    assert console.errors == []


def test_portfolio005_bad_filters_show_a_notice(
    page: Page, server: str, e2e_db: Path, console: Console
) -> None:
    page.goto(server + "/?stage=Pilot&as_of=2026-13&business_unit=Finance")
    settle(page)
    expect(page.locator("#app-notice")).to_contain_text("Ignored stage='Pilot'")
    expect(page.locator("#app-notice")).to_contain_text("Ignored as_of='2026-13'")
    assert_kpis(page, expected_kpis(e2e_db, "--business-unit", "Finance"))
    expect(page.locator("#app-error")).to_be_empty()
    assert console.errors == []


def test_portfolio006_a_null_kpi_is_a_dash_with_its_reason(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/?as_of=2022-01")  # before any data: no adoption, no cost
    settle(page)
    expect(page.locator("#kpi-roi")).to_have_text("—")
    page.locator("#kpi-roi").hover()
    expect(page.locator(".tooltip")).to_contain_text("No value: no cost in the window")
    assert console.errors == []
