"""The frame of every page: filter controls from the URL and back, freshness, navigation."""

from __future__ import annotations

from pathlib import Path

from dashboard.db import Database, Reader
from dashboard.views import shell as view
from etl.config import Settings
from tests.dashboard.layout_tools import find, text


def test_controls_follow_the_url(reader: Reader) -> None:
    controls = view.controls_from_url(
        reader, "?business_unit=Legal&business_unit=Elsewhere&stage=experimentation&from=2025-06"
    )
    units, unit_options = controls["business_units"], controls["business_unit_options"]
    stages, statuses, from_ = controls["stages"], controls["statuses"], controls["from"]
    to, as_of, months, notices = (
        controls["to"],
        controls["as_of"],
        controls["from_options"],
        controls["notice"],
    )
    assert units == ["Legal", "Elsewhere"]
    assert unit_options == ["Finance", "Legal", "Elsewhere"]  # an unknown unit stays visible
    assert (stages, statuses, from_, to, as_of) == (["Experimentation"], [], "2025-06", None, None)
    assert months[0] == {"label": "2026-03", "value": "2026-03"}  # newest first
    assert months[-1]["value"] == "2025-03"
    assert notices == []


def test_bad_url_values_show_a_notice(reader: Reader) -> None:
    notices = view.controls_from_url(reader, "?stage=Nope&from=2027-01")["notice"]
    assert "Ignored stage='Nope'" in text(notices)
    assert "Ignored from=2027-01" in text(notices)


def test_the_url_follows_the_controls() -> None:
    assert view.url_from_controls(
        ["HR", "Finance"], None, ["active"], "2025-01", None, "2025-12"
    ) == ("?business_unit=HR&business_unit=Finance&status=active&from=2025-01&as_of=2025-12")
    assert view.url_from_controls(None, [], None, None, None, None) == ""


def test_the_freshness_badge(reader: Reader, tmp_path: Path) -> None:
    badge = view.freshness_badge(reader, "")
    assert text(find(badge, "app-freshness-as-of")) == "As of 2026-03"
    assert text(find(badge, "app-freshness-loaded")).startswith("loaded 20")
    assert (
        text(find(view.freshness_badge(reader, "?to=2025-12"), "app-freshness-as-of"))
        == "As of 2025-12"
    )
    with Database(tmp_path / "none.duckdb", Settings()).reader() as empty:
        badge = view.freshness_badge(empty, "")
    assert text(badge) == "As of no datano load yet"


def test_navigation_keeps_the_filters() -> None:
    state = view.nav_state("/roadmap", "?stage=Experimentation")
    assert state["nav_hrefs"] == [
        "/?stage=Experimentation",
        "/roadmap?stage=Experimentation",
        "/data?stage=Experimentation",
    ]
    assert state["nav_active"] == [False, True, False]
    assert state["reset_href"] == "/roadmap"


def test_a_missing_database_says_how_to_create_it(tmp_path: Path) -> None:
    """It names the file, never its folder: the page shows nothing of the server's disk."""
    path = tmp_path / "no" / "such.duckdb"
    data = Database(path, Settings())
    with data.reader() as reader:
        shown = text(view.database_notice(reader, path))
    data.close()
    assert "There is no database such.duckdb yet" in shown
    assert "scaleboard load --db PATH FILES" in shown
    assert str(path.parent) not in shown and "/no/" not in shown
    assert not path.exists() and not path.parent.exists()


def test_an_existing_database_needs_no_notice(reader: Reader, tmp_path: Path) -> None:
    assert view.database_notice(reader, tmp_path / "any.duckdb") == []
