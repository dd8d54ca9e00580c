"""The router and the page layouts: every id a product requirement names is there."""

from __future__ import annotations

import pytest

from dashboard import pages
from dashboard.db import Database
from dashboard.pages import data, initiative, portfolio, roadmap
from tests.dashboard.layout_tools import ids, text


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/initiatives/a", "a"),
        ("/initiatives/a%20b/", "a b"),
        ("/initiatives/", None),
        ("/initiatives/a/b", None),
        ("/roadmap", None),
        (None, None),
    ],
)
def test_initiative_ids_come_from_the_path(path: str | None, expected: str | None) -> None:
    assert pages.initiative_id_of(path) == expected


def test_the_router_renders_each_page(tiny: Database) -> None:
    assert "portfolio-kpis" in ids(pages.render("/", tiny))
    assert "roadmap-table" in ids(pages.render("/roadmap/", tiny))
    assert "data-load-history" in ids(pages.render("/data", tiny))
    assert "initiative-header" in ids(pages.render("/initiatives/a", tiny))
    assert "not-found" in ids(pages.render("/nowhere", tiny))
    missing = pages.render("/initiatives/zz", tiny)
    assert "There is no initiative with the id 'zz'." in text(missing)


def test_known_paths(tiny: Database) -> None:
    assert all(pages.is_known(p, tiny) for p in ("/", "/roadmap", "/data/", "/initiatives/b"))
    assert not any(
        pages.is_known(p, tiny) for p in ("/nowhere", "/initiatives/zz", "/initiatives/")
    )


def test_the_required_ids_are_in_the_layouts() -> None:
    assert {
        "portfolio-maturity-funnel",
        "portfolio-adoption-trend",
        "portfolio-value-vs-cost",
        "portfolio-cost-by-category",
        "portfolio-alerts",
        "portfolio-kpis",
    } <= ids(portfolio.layout())
    assert {
        "roadmap-timeline",
        "roadmap-priority-matrix",
        "roadmap-table",
        "roadmap-export",
    } <= ids(roadmap.layout())
    assert {"data-load-history", "data-rejects", "data-freshness"} <= ids(data.layout())
    assert {"initiative-stage-history", "initiative-readiness", "initiative-model-metrics"} <= ids(
        initiative.layout("a")
    )


def test_page_ids_are_kebab_case_and_prefixed_by_their_page() -> None:
    layouts = {
        "portfolio": portfolio.layout(),
        "roadmap": roadmap.layout(),
        "data": data.layout(),
        "initiative": initiative.layout("a"),
    }
    for page, layout in layouts.items():
        for component_id in ids(layout):
            assert component_id.startswith(f"{page}-"), component_id
            assert component_id == component_id.lower() and "_" not in component_id


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Portfolio · Scaleboard"),
        ("/roadmap/", "Roadmap · Scaleboard"),
        ("/data", "Data · Scaleboard"),
        ("/initiatives/a", "Invoice matching · Scaleboard"),
        ("/initiatives/zz", "Not found · Scaleboard"),
        ("/nowhere", "Not found · Scaleboard"),
        (None, "Portfolio · Scaleboard"),
    ],
)
def test_each_page_has_its_own_title(tiny: Database, path: str | None, title: str) -> None:
    assert pages.title(path, tiny) == title
