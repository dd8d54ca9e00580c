"""The roadmap page in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Console, click_plot_point, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-roadmap")]


def test_roadmap001_table_lists_every_initiative_and_filters(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/roadmap")
    settle(page)
    expect(page.locator("#roadmap-timeline-notice")).to_contain_text("30 of 48 initiatives")
    expect(page.locator("#roadmap-table")).to_contain_text("1 to 48 of 48")
    page.get_by_label("Stage Filter Input", exact=True).fill("Experimentation")
    expect(page.locator("#roadmap-table")).not_to_contain_text("1 to 48 of 48")
    assert console.errors == []


def test_roadmap002_bubble_click_opens_the_initiative(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/roadmap?business_unit=Finance")
    settle(page)
    bubble = page.locator("#roadmap-priority-matrix .scatterlayer .point").first
    click_plot_point(page, "roadmap-priority-matrix", bubble)
    expect(page).to_have_url(re.compile(r"/initiatives/AI-\d+"))
    settle(page)
    expect(page.locator("#initiative-header h1")).to_be_visible()
    assert console.errors == []


def test_roadmap003_table_link_opens_the_initiative(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/roadmap?business_unit=HR")
    settle(page)
    page.locator("#roadmap-table a", has_text="AI-0029").click()
    expect(page).to_have_url(re.compile(r"/initiatives/AI-0029\?business_unit=HR$"))
    settle(page)
    expect(page.locator("#initiative-header")).to_contain_text("AI-0029")
    expect(page.locator("#initiative-notice")).to_contain_text("whatever they are")
    assert console.errors == []


def test_roadmap004_table_exports_csv(page: Page, server: str, console: Console) -> None:
    page.goto(server + "/roadmap?business_unit=Finance")
    settle(page)
    with page.expect_download() as download_info:
        page.click("#roadmap-export")
    download = download_info.value
    assert download.suggested_filename == "scaleboard-roadmap.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()  # AG Grid adds a BOM
    assert lines[0].startswith('"Rank","Priority score","Rank set by owner","Initiative","Name"')
    assert len(lines) == 1 + 7
    assert any('"AI-0001"' in line for line in lines[1:])
    assert console.errors == []


def test_roadmap005_a_filter_chosen_on_the_page_reloads_the_table(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/roadmap")
    settle(page)
    expect(page.locator("#roadmap-table")).to_contain_text("1 to 48 of 48")
    page.click("#app-filter-business-unit")
    page.get_by_role("option", name="Marketing").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"/roadmap\?business_unit=Marketing$"))
    settle(page)
    expect(page.locator("#roadmap-table")).to_contain_text("1 to 7 of 7")
    assert console.errors == []


def test_roadmap006_the_table_keeps_its_sort_and_filter_in_the_url(
    page: Page, server: str, console: Console
) -> None:
    page.goto(server + "/roadmap?business_unit=Finance")
    settle(page)
    table = page.locator("#roadmap-table")
    page.locator("#roadmap-table .ag-header-cell[col-id='stage'] .ag-header-cell-text").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=stage(&|$)"))
    expect(page.locator("#roadmap-rank-by input:checked")).to_have_count(0)
    page.get_by_label("Stage Filter Input", exact=True).fill("Experimentation")
    expect(page).to_have_url(re.compile(r"[?&]filter=stage%3Acontains%3AExperimentation(&|$)"))
    settle(page)
    counted = table.locator(".ag-paging-row-summary-panel").inner_text()
    first_row = ".ag-pinned-left-cols-container .ag-row[row-index='0']"  # its initiative id
    first = table.locator(first_row).inner_text()
    assert "of 48" not in counted

    shared = page.context.new_page()  # the link alone reproduces the table
    shared.goto(page.url)
    settle(shared)
    again = shared.locator("#roadmap-table")
    expect(shared.get_by_label("Stage Filter Input", exact=True)).to_have_value("Experimentation")
    expect(again.locator(".ag-paging-row-summary-panel")).to_have_text(counted)
    expect(again.locator(first_row)).to_have_text(first)
    expect(
        again.locator(".ag-header-cell[col-id='stage']").locator(".ag-sort-ascending-icon")
    ).to_be_visible()
    assert shared.url == page.url
    assert console.errors == []
