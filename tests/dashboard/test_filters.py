"""URL query string <-> validated filters: bad values are dropped with a notice."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.filters import PageFilters, check_window, parse_search, to_search
from etl.period import Period


def test_a_full_link_parses_to_its_filters() -> None:
    parsed = parse_search(
        "?business_unit=Finance&business_unit=HR&stage=Experimentation&as_of=2026-03"
        "&from=2025-04&to=2026-03&status=active"
    )
    assert parsed.notices == ()
    assert parsed.filters == PageFilters(
        business_units=("Finance", "HR"),
        stages=("Experimentation",),
        statuses=("active",),
        from_="2025-04",
        to="2026-03",
        as_of="2026-03",
    )


def test_enumerations_match_case_insensitively_and_keep_their_canonical_spelling() -> None:
    parsed = parse_search("?stage=enterprise%20transformation&status=PAUSED&stage=Experimentation")
    assert parsed.filters.stages == ("Enterprise Transformation", "Experimentation")
    assert parsed.filters.statuses == ("paused",)


@pytest.mark.parametrize(
    ("search", "said"),
    [
        ("?stage=Pilot", "Ignored stage='Pilot': stage must be one of"),
        ("?status=done", "Ignored status='done': status must be one of"),
        ("?as_of=2026-13", "Ignored as_of='2026-13': not a month"),
        ("?from=March", "Ignored from='March': not a month"),
        ("?business_unit=", "Ignored business_unit='': a business unit must be"),
        ("?colour=red", "Ignored the unknown parameter 'colour'"),
    ],
)
def test_a_bad_value_is_ignored_with_a_notice(search: str, said: str) -> None:
    parsed = parse_search(search + "&business_unit=Finance")
    assert parsed.filters.business_units == ("Finance",)
    assert len(parsed.notices) == 1
    assert parsed.notices[0].startswith(said)


def test_only_the_bad_values_of_a_parameter_are_dropped() -> None:
    parsed = parse_search("?stage=Experimentation&stage=Nope&stage=Standardization")
    assert parsed.filters.stages == ("Experimentation", "Standardization")
    assert len(parsed.notices) == 1


@pytest.mark.parametrize("search", [None, "", "?"])
def test_no_query_string_means_no_filter(search: str | None) -> None:
    assert parse_search(search).filters == PageFilters()


def test_a_window_that_starts_after_it_ends_drops_its_start() -> None:
    checked = check_window(PageFilters(from_="2026-05", as_of="2026-03"), None)
    assert checked.filters == PageFilters(as_of="2026-03")
    assert "starts (2026-05) after it ends (2026-03)" in checked.notices[0]
    # without as_of or to, the end is the latest month with data
    later = check_window(PageFilters(from_="2026-05"), dt.date(2026, 3, 1))
    assert later.filters == PageFilters()
    assert check_window(PageFilters(from_="2025-05"), dt.date(2026, 3, 1)).notices == ()


@pytest.mark.parametrize(
    "filters",
    [
        PageFilters(),
        PageFilters(business_units=("Finance", "R&D / Labs", "Ünits"), stages=("Standardization",)),
        PageFilters(statuses=("retired", "paused"), from_="2025-01", to="2025-06", as_of="2025-07"),
    ],
)
def test_a_link_reproduces_its_filters(filters: PageFilters) -> None:
    search = to_search(filters)
    assert parse_search(search) == parse_search(search)
    assert parse_search(search).filters == filters
    assert parse_search(search).notices == ()


def test_filters_key_a_cache_and_map_to_metrics_options() -> None:
    filters = PageFilters(business_units=("HR",), stages=("Experimentation",), as_of="2026-03")
    assert hash(filters) == hash(
        PageFilters(business_units=("HR",), stages=("Experimentation",), as_of="2026-03")
    )
    options = filters.to_metrics()
    assert (options.business_units, options.stages, options.as_of) == (
        ("HR",),
        ("Experimentation",),
        "2026-03",
    )


def test_the_previous_window_keeps_the_selection() -> None:
    current = PageFilters(business_units=("HR",), as_of="2026-03")
    period = Period(dt.date(2026, 3, 1), dt.date(2025, 4, 1), dt.date(2026, 3, 1)).previous()
    previous = current.with_period(period)
    assert (previous.as_of, previous.from_, previous.to) == ("2025-03", "2024-04", "2025-03")
    assert previous.business_units == ("HR",)


def test_toggling_a_stage_filters_by_it_alone_then_clears_it() -> None:
    filters = PageFilters(stages=("Experimentation", "Standardization"))
    once = filters.toggle_stage("Operationalization")
    assert once.stages == ("Operationalization",)
    assert once.toggle_stage("Operationalization").stages == ()
