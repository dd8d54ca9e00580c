"""Every page renders in a real browser without console errors; filters travel in the URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Console, csp_violations, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-pages")]

PAGES = {
    "/": [
        "#kpi-adoption-rate",
        "#portfolio-maturity-funnel .funnellayer .point",
        "#portfolio-alerts a",
    ],
    "/roadmap": [
        "#roadmap-timeline .barlayer",
        "#roadmap-priority-matrix .scatterlayer",
        "#roadmap-table .ag-row",
    ],
    "/data": [
        "#data-load-history .ag-row",
        "#data-freshness .ag-row",
        "#data-coverage .scatterlayer",
    ],
    "/initiatives/AI-0002": [
        "#initiative-kpi-roi",
        "#initiative-readiness .barlayer",
        "#initiative-model-metrics .scatterlayer",
    ],
}


@pytest.mark.parametrize("path", list(PAGES), ids=["portfolio", "roadmap", "data", "initiative"])
def test_pages001_every_page_renders_without_console_errors(
    page: Page, server: str, console: Console, path: str
) -> None:
    """... under the Content-Security-Policy: nothing it blocks, nothing in the console."""
    response = page.goto(server + path)
    assert (
        response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    )
    settle(page)
    for selector in PAGES[path]:
        expect(page.locator(selector).first).to_be_visible()
    expect(page.locator("#app-freshness-as-of")).to_contain_text("As of 2026-10")
    expect(page.locator("#app-freshness-loaded")).to_contain_text("loaded")
    expect(page.locator("#app-error")).to_be_empty()
    assert csp_violations(page) == []
    assert console.errors == []


def test_pages005_the_policy_blocks_an_injected_inline_script(
    page: Page, server: str, console: Console
) -> None:
    """The check above sees what the policy blocks: a script the page did not serve."""
    page.goto(server + "/")
    settle(page)
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__injected = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__injected") is None
    assert csp_violations(page) == ["script-src-elem inline"]
    assert any("Content Security Policy" in error for error in console.errors)


def test_pages002_unknown_initiative_is_not_found(
    page: Page, server: str, console: Console
) -> None:
    response = page.goto(server + "/initiatives/NOPE")
    assert response is not None and response.status == 404
    settle(page)
    expect(page.locator("#not-found")).to_contain_text("There is no initiative with the id 'NOPE'.")
    # the only console error is the browser reporting the document's 404 status
    assert all("404" in error for error in console.errors)


def test_pages003_navigation_keeps_the_filters(page: Page, server: str, console: Console) -> None:
    page.goto(server + "/?business_unit=Finance")
    settle(page)
    page.click("#app-nav-roadmap")
    expect(page).to_have_url(re.compile(r"/roadmap\?business_unit=Finance$"))
    settle(page)
    expect(page.locator("#roadmap-table")).to_contain_text("1 to 7 of 7")
    assert console.errors == []


def test_pages004_choosing_a_filter_updates_the_url_and_the_page(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/data")
    settle(page)
    page.click("#app-filter-business-unit")
    page.get_by_role("option", name="Marketing").click()  # waits until the options are there
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"/data\?business_unit=Marketing$"))
    settle(page)
    initiatives = page.locator("#data-freshness .ag-row", has_text="initiatives")
    expect(initiatives).to_contain_text("7")
    assert console.errors == []


def test_pages006_the_rejects_export_downloads_every_reject_from_the_server(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/data")
    settle(page)
    with page.expect_download() as download_info:
        page.click("#data-rejects-export")
    download = download_info.value
    assert download.suggested_filename == "scaleboard-rejects.csv"
    header = Path(download.path()).read_text(encoding="utf-8").splitlines()[0]
    assert header == '"Load","File","Entity","Row","Column","Value","Reason"'
    assert console.errors == []
