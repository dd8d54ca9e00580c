"""A program owner ranks the backlog: overrides the rank of one of theirs with a reason,
builds two funding scenarios and compares them; the URL reproduces the view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import run_cli
from tests.e2e.conftest import TIMEOUT_MS, load_sample, server_errors, serving
from tests.e2e.test_decisions import PASSWORD, blocked_initiative_of_maria, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-backlog")]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = load_sample(tmp_path_factory.mktemp("backlog") / "sample.duckdb")
    args = ["users", "add", "maria", "--role", "program_owner", "--owner-name", "Maria Okafor"]
    result = run_cli(*args, "--password-stdin", "--db", path, input=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def url(db: Path) -> Iterator[str]:
    with serving(db, env={"SCALEBOARD_SIGN_IN": "on"}) as base:
        yield base
    assert server_errors(db) == []


FIRST_ROW = "#roadmap-table .ag-row[row-index='0']"


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def test_backlog001_an_owner_ranks_and_compares_two_scenarios(
    browser: Browser, url: str, db: Path
) -> None:
    initiative_id = blocked_initiative_of_maria(db)
    owner = new_page(browser)
    sign_in(owner, url, "maria")
    owner.goto(url + "/roadmap")
    expect(owner.locator("#roadmap-priority-formula")).to_contain_text("Priority score")
    expect(owner.locator("#roadmap-weight-value")).to_be_disabled()  # weights: admins

    owner.select_option("#roadmap-override-initiative", initiative_id)
    owner.fill("#roadmap-override-rank", "1")
    owner.fill("#roadmap-override-reason", "Regulator deadline in March")
    owner.click("#roadmap-override-submit")
    expect(owner.locator("#roadmap-ranking-feedback")).to_contain_text("Rank 1 set")
    first = owner.locator(FIRST_ROW)  # its cells, in the grid's pinned and scrolled parts
    expect(first.filter(has_text=initiative_id)).to_have_count(1)
    expect(first.filter(has_text="set by maria: Regulator deadline in March")).to_have_count(1)
    owner.select_option("#roadmap-override-initiative", initiative_id)  # opens what is set
    expect(owner.locator("#roadmap-override-rank")).to_have_value("1")
    expect(owner.locator("#roadmap-override-reason")).to_have_value("Regulator deadline in March")

    owner.locator("#roadmap-scenario-a-kind").get_by_label("Fund the top N").check()
    owner.fill("#roadmap-scenario-a-amount", "5")
    owner.locator("#roadmap-scenario-b-kind").get_by_label("Fund within a monthly budget").check()
    owner.fill("#roadmap-scenario-b-amount", "150000")
    owner.click("#roadmap-scenario-compare")
    table = owner.locator("#roadmap-scenario-table")
    expect(table).to_contain_text("A: Fund the top 5")
    expect(table).to_contain_text("B: Fund within 150,000 a month")
    expect(owner.locator("#roadmap-scenario-a-falls-out")).to_contain_text("Falls out")
    assert "scenario_a=top%3A5" in owner.url and "scenario_b=budget%3A150000" in owner.url
    shown = {side: owner.locator(f"#roadmap-scenario-{side}-value").inner_text() for side in "ab"}
    owner.fill("#roadmap-scenario-name", "Q3 options")
    owner.click("#roadmap-scenario-save")
    expect(owner.locator("#roadmap-scenario-feedback")).to_contain_text("Saved as 'Q3 options'")
    expect(owner.locator("#roadmap-scenario-saved-list")).to_contain_text("Q3 options")

    again = new_page(browser)  # the URL alone reproduces the comparison
    sign_in(again, url, "maria")
    again.goto(owner.url)
    for side, value in shown.items():
        expect(again.locator(f"#roadmap-scenario-{side}-value")).to_have_text(value)
    expect(again.locator(FIRST_ROW).filter(has_text=initiative_id)).to_have_count(1)
    again.goto(url + "/roadmap?sort=-slip_days")
    expect(
        again.locator("#roadmap-rank-by").get_by_label("Slip (most behind first)")
    ).to_be_checked()


def an_active_initiative(db: Path) -> tuple[str, str]:
    """(id, name) of an active initiative of the sample, the first by name."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute(
            "select initiative_id, name from initiatives where status = 'active' order by name"
        ).fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def test_backlog002_a_pick_list_offers_what_is_typed(browser: Browser, url: str, db: Path) -> None:
    initiative_id, name = an_active_initiative(db)
    owner = new_page(browser)
    sign_in(owner, url, "maria")
    owner.goto(url + "/roadmap")
    owner.locator("#roadmap-scenario-a-kind").get_by_label("Pick").check()
    owner.click("#roadmap-scenario-a-pick")
    menu = owner.locator(".dash-dropdown-content")
    expect(menu.get_by_role("option")).to_have_count(0)  # none sent before anything is typed
    owner.keyboard.type(name[:6])  # the options come from the server as the user types
    menu.get_by_role("option", name=f"{name} ({initiative_id})").click()
    owner.keyboard.press("Escape")
    owner.fill("#roadmap-scenario-b-amount", "3")
    owner.click("#roadmap-scenario-compare")
    expect(owner.locator("#roadmap-scenario-table")).to_contain_text("A: Fund 1 picked initiative")
    assert f"scenario_a=pick%3A{initiative_id}" in owner.url

    again = new_page(browser)  # a shared link shows the pick by its name
    sign_in(again, url, "maria")
    again.goto(owner.url)
    expect(again.locator("#roadmap-scenario-a-pick")).to_contain_text(name)
