"""Phone, keyboard and screen reader: every page in headless Chromium at 390x844 (a phone,
touch) and 1440x1000, checked through the DOM: nothing wider than the screen outside a
scroll container, no text cut off, Tab reaching every control with a visible focus ring,
axe-core finding nothing serious, a title per page, the filters behind one button on the
phone, definitions open on focus and tap, a table of values for every chart.

Each page is opened once per screen size and shared by the checks (one browser, the
session's server). axe-core is the copy `axe-playwright-python` bundles (pinned in
requirements.lock); the page's Content-Security-Policy would refuse the injected script,
so these pages' contexts bypass it (`bypass_csp`), and only these."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.base import AXE_SCRIPT  # type: ignore[import-untyped]  # untyped
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import SAMPLE
from tests.e2e.conftest import SCREENSHOTS, TIMEOUT_MS, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-a11y")]

INITIATIVE = "AI-0002"
PAGES = {
    "portfolio": ("/", "Portfolio"),
    "roadmap": ("/roadmap", "Roadmap"),
    "data": ("/data", "Data"),
    "initiative": (f"/initiatives/{INITIATIVE}", None),  # its name, from the sample
}
SCREENS = {"phone": (390, 844), "desktop": (1440, 1000)}
VIEWS = [(page, screen) for screen in SCREENS for page in PAGES]
IDS = [f"{page}-{screen}" for page, screen in VIEWS]

Opened = Callable[[str, str], Page]


def initiative_name(initiative_id: str) -> str:
    with (SAMPLE / "initiatives.csv").open(newline="", encoding="utf-8") as handle:
        return next(
            r["name"] for r in csv.DictReader(handle) if r["initiative_id"] == initiative_id
        )


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """A context per screen size, the phone's with touch; the CSP bypassed for axe."""
    made = {
        screen: browser.new_context(
            viewport={"width": width, "height": height},
            has_touch=screen == "phone",
            bypass_csp=True,
        )
        for screen, (width, height) in SCREENS.items()
    }
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def opened(server: str, contexts: dict[str, BrowserContext]) -> Iterator[Opened]:
    """`opened(page, screen)`: that page, loaded and settled once, shared by the checks; a
    phone's screenshot is saved as screenshots/a11y-<page>-390.png."""
    cache: dict[tuple[str, str], Page] = {}

    def open_view(name: str, screen: str) -> Page:
        if (name, screen) not in cache:
            view = contexts[screen].new_page()
            view.set_default_timeout(TIMEOUT_MS)
            view.goto(server + PAGES[name][0])
            settle(view)
            view.wait_for_function(CHARTS_DRAWN)
            if screen == "phone":
                SCREENSHOTS.mkdir(exist_ok=True)
                view.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-390.png"), full_page=True)
            cache[(name, screen)] = view
        return cache[(name, screen)]

    yield open_view
    for view in cache.values():
        view.close()


CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.dash-graph')).every(
  (g) => g.querySelector('.main-svg') !== null)"""


CHECKS = (Path(__file__).parent / "a11y_checks.js").read_text(encoding="utf-8")


def checks(view: Page, name: str) -> Any:
    """Runs the check `name` of a11y_checks.js in the page (injecting it the first time)."""
    if not view.evaluate("window.a11yChecks !== undefined"):
        view.evaluate(CHECKS)
    return view.evaluate(f"window.a11yChecks.{name}()")


def show_filters(view: Page) -> None:
    """Opens the phone's filters (a no-op where they are always shown)."""
    toggle = view.locator("#app-filters-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(view.locator("#app-filters")).to_be_visible()


@pytest.mark.parametrize(("name", "screen"), VIEWS, ids=IDS)
def test_a11y001_nothing_is_wider_than_the_screen(opened: Opened, name: str, screen: str) -> None:
    """... outside a scroll container (the grids scroll sideways within themselves)."""
    view = opened(name, screen)
    show_filters(view)
    found = checks(view, "overflowing")
    assert found["wide"] == [] and found["page"] <= found["width"], found


@pytest.mark.parametrize(("name", "screen"), VIEWS, ids=IDS)
def test_a11y002_no_text_is_cut_off(opened: Opened, name: str, screen: str) -> None:
    """In the filter bar and in every chart: no label clipped, no text past its chart's
    edge, no tick label shortened with an ellipsis."""
    view = opened(name, screen)
    show_filters(view)
    assert checks(view, "cutText") == []


def tab_through(view: Page, limit: int = 1500) -> list[dict[str, Any]]:
    """Presses Tab from the top of the page until the focus comes round to the first
    control again; every control focused on the way, in order."""
    checks(view, "recordFocus")
    view.evaluate("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }")
    for _ in range(0, limit, 25):
        for _ in range(25):
            view.keyboard.press("Tab")
        tabbed: list[dict[str, Any]] = view.evaluate("window.a11yTabbed")
        keys = [t["key"] for t in tabbed]
        if keys and keys[0] in keys[1:]:
            return tabbed[: keys.index(keys[0], 1)]
    raise AssertionError(f"Tab did not come round in {limit} presses")


@pytest.mark.parametrize(("name", "screen"), VIEWS, ids=IDS)
def test_a11y003_tab_reaches_every_control_with_a_focus_ring(
    opened: Opened, name: str, screen: str
) -> None:
    view = opened(name, screen)
    show_filters(view)
    tabbed = tab_through(view)
    assert checks(view, "unreached") == []  # every visible control was focused
    assert [t["name"] for t in tabbed if not t["ring"]] == []
    filters = [t["name"] for t in tabbed if t["name"].startswith("button#app-filter-")]
    assert len(filters) == 6


SERIOUS = ("serious", "critical")


@pytest.mark.parametrize(("name", "screen"), VIEWS, ids=IDS)
def test_a11y004_axe_finds_nothing_serious(opened: Opened, name: str, screen: str) -> None:
    view = opened(name, screen)
    view.evaluate(AXE_SCRIPT)
    results = view.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]
    assert found == []


@pytest.mark.parametrize("name", list(PAGES))
def test_a11y005_each_page_has_its_own_title(opened: Opened, name: str) -> None:
    title = PAGES[name][1] or initiative_name(INITIATIVE)
    expect(opened(name, "desktop")).to_have_title(f"{title} · Scaleboard")


def test_a11y006_the_phone_hides_the_filters_behind_one_button(opened: Opened) -> None:
    desktop = opened("data", "desktop")
    expect(desktop.locator("#app-filters")).to_be_visible()
    expect(desktop.locator("#app-filters-toggle")).to_be_hidden()
    phone = opened("data", "phone")
    toggle = phone.locator("#app-filters-toggle")
    if toggle.get_attribute("aria-expanded") == "true":  # an earlier check opened them
        toggle.click()
    expect(phone.locator("#app-filters")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(phone.locator("#app-filters")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    phone.click("#app-filter-status")
    phone.get_by_role("option", name="active").click()
    phone.keyboard.press("Escape")
    expect(toggle).to_have_text("Filters (1 set)")  # what the closed button hides
    toggle.click()
    expect(phone.locator("#app-filters")).to_be_hidden()


def test_a11y007_a_definition_opens_on_keyboard_focus_and_on_tap(opened: Opened) -> None:
    desktop = opened("portfolio", "desktop")
    info = desktop.locator("#kpi-adoption-rate-info")
    definition = desktop.locator("#kpi-adoption-rate-definition").inner_text()
    expect(info).to_have_attribute("aria-describedby", "kpi-adoption-rate-definition")
    desktop.mouse.move(0, 0)
    desktop.locator("#portfolio-export-brief").focus()
    while not desktop.evaluate("document.activeElement.id === 'kpi-adoption-rate-info'"):
        desktop.keyboard.press("Tab")
    expect(desktop.get_by_role("tooltip", name=definition)).to_be_visible()
    desktop.keyboard.press("Escape")
    expect(desktop.get_by_role("tooltip", name=definition)).to_have_count(0)
    phone = opened("portfolio", "phone")
    phone.evaluate("document.activeElement && document.activeElement.blur()")
    roi = phone.locator("#kpi-roi-definition").inner_text()
    expect(phone.get_by_role("tooltip", name=roi)).to_have_count(0)
    phone.locator("#kpi-roi-info").tap()
    expect(phone.get_by_role("tooltip", name=roi)).to_be_visible()


@pytest.mark.parametrize("name", list(PAGES))
def test_a11y008_every_chart_has_a_table_of_its_values(opened: Opened, name: str) -> None:
    view = opened(name, "desktop")
    graphs = view.locator(".dash-graph")
    assert graphs.count() > 0
    for graph_id in [graphs.nth(i).get_attribute("id") for i in range(graphs.count())]:
        values = view.locator(f"#{graph_id}-values")
        if not view.locator(f"#{graph_id}-details").evaluate("d => d.open"):
            assert values.locator("*").count() == 0, graph_id  # built only once opened
            view.locator(f"#{graph_id}-details summary").click()
        expect(values.locator("table th").first).to_be_attached()
        assert values.locator("tbody tr").count() > 0, graph_id
    if name == "roadmap":
        table = view.locator("#roadmap-timeline-values table")
        expect(table.locator("th")).to_have_text(["Initiative", "Stage", "Planned", "Actual"])
        expect(table.locator("tbody tr").first).to_contain_text("(AI-")


def test_a11y008_a_chart_of_thousands_of_points_lists_a_bounded_table(opened: Opened) -> None:
    """Each cell of a table of values is a Dash component: a chart of 5,000 points would
    stall the page with 20,000 of them, so the table stops and says how many it left out."""
    view = opened("portfolio", "desktop")
    table = view.evaluate(
        """() => window.dash_clientside.scaleboard.figureTable({
            data: [{type: "scatter", name: "s", x: [...Array(5000).keys()],
                    y: [...Array(5000).keys()]}],
            layout: {}}, 1)"""
    )
    body = table["props"]["children"][1]["props"]["children"]
    assert len(body) == 251
    assert body[-1]["props"]["children"]["props"]["children"] == (
        "... and 4,750 more values, not listed here"
    )


@pytest.mark.parametrize("name", ["portfolio", "roadmap"])
def test_a11y009_no_chart_toolbar_on_the_phone(opened: Opened, name: str) -> None:
    view = opened(name, "phone")
    graph = view.locator(".dash-graph").first
    graph.scroll_into_view_if_needed()
    graph.hover()
    assert view.locator(".modebar-container").count() > 0  # plotly drew it, the page hides it
    for i in range(view.locator(".modebar-container").count()):
        expect(view.locator(".modebar-container").nth(i)).to_be_hidden()


def test_a11y010_the_keyboard_reaches_a_grid_filter_by_the_arrow_keys(opened: Opened) -> None:
    """A grid is one Tab stop: Tab goes in and on out of it, the arrows move inside it,
    Enter opens the floating filter under a header."""
    view = opened("roadmap", "desktop")
    header = view.locator("#roadmap-table .ag-header-cell").first
    view.locator("#roadmap-export").focus()
    view.keyboard.press("Tab")
    expect(header).to_be_focused()
    view.keyboard.press("Tab")  # on out of the grid, not into its next header
    assert view.evaluate("document.activeElement.closest('.ag-root') === null")
    view.locator("#roadmap-export").focus()
    view.keyboard.press("Tab")
    expect(header).to_be_focused()
    view.keyboard.press("ArrowDown")
    view.keyboard.press("Enter")
    expect(view.locator("#roadmap-table .ag-floating-filter input").first).to_be_focused()
