"""Text from a data file in a real browser: markup in a name stays text in the figures, and
a name a spreadsheet would run is exported as text, from the server and from the grid."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.components.tables import csv_cell
from dashboard.figures import wrapped
from tests.conftest import run_cli
from tests.dashboard.conftest import write_tiny
from tests.dashboard.test_tables import CSV_CASES
from tests.e2e.conftest import Console, server_errors, serving, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-untrusted_text")]

FORMULA = '=HYPERLINK("http://x","y")'
LINK = '<a href="https://example.com/">Evil</a> <b>bold</b>'


@pytest.fixture(scope="module")
def marked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The tiny portfolio with initiative a named FORMULA and b named LINK."""
    root = tmp_path_factory.mktemp("untrusted")
    folder = write_tiny(root / "in")
    path = folder / "initiatives.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = {"a": FORMULA, "b": LINK}
    rows = [{**row, "name": names.get(row["initiative_id"], row["name"])} for row in rows]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    db = root / "marked.duckdb"
    result = run_cli("load", "--db", db, folder)
    assert result.returncode == 0, result.stderr
    with serving(db) as url:
        yield url
    assert server_errors(db) == []


def test_untrusted001_markup_in_a_name_is_text_in_the_figures(
    page: Page, marked_server: str, console: Console
) -> None:
    page.goto(marked_server + "/roadmap")
    settle(page)
    # each name over its bars, in lines (one a tspan) that fit a phone
    name = page.locator("#roadmap-timeline g.annotation", has_text="(b)")
    expect(name).to_have_text("".join(wrapped(f"{LINK} (b)")))
    assert page.locator("#roadmap-timeline svg a").count() == 0
    assert page.locator("#roadmap-priority-matrix svg a").count() == 0
    assert console.errors == []


def test_untrusted002_a_formula_is_exported_as_text(
    page: Page, marked_server: str, console: Console
) -> None:
    page.goto(marked_server + "/roadmap")
    settle(page)
    with page.expect_download() as from_server:  # Export CSV: written by the server
        page.click("#roadmap-export")
    exported = Path(from_server.value.path()).read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in exported
    expect(page.locator("#roadmap-table")).to_contain_text(FORMULA)
    with page.expect_download() as from_grid:  # the grid's own export, in the browser
        page.evaluate("dash_clientside.set_props('roadmap-table', {exportDataAsCsv: true})")
    exported = Path(from_grid.value.path()).read_text(encoding="utf-8-sig")
    assert '"\'=HYPERLINK(""http://x"",""y"")"' in exported
    assert console.errors == []


def test_untrusted003_the_browser_and_the_server_share_one_rule(
    page: Page, marked_server: str
) -> None:
    page.goto(marked_server + "/data")
    settle(page)
    values = [value for value, _ in CSV_CASES]
    shown = page.evaluate(
        "(values) => values.map((value) => dashAgGridFunctions.sbCsvCell({value: value}))",
        values,
    )
    expected = [csv_cell(v) if v is not None else "" for v in values]
    assert shown == expected, json.dumps(list(zip(values, shown, strict=True)))
