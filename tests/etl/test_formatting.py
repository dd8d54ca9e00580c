"""Numbers as the dashboard shows them (the KPI texts the browser tests compare)."""

from __future__ import annotations

import math

import pytest

from etl.formatting import (
    EM_DASH,
    currency_prefix,
    format_count,
    format_money,
    format_percent,
    format_points,
    format_relative,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2_810_000, "$2.81M"),
        (400_000, "$400K"),
        (68.53, "$68.53"),
        (3.75, "$3.75"),
        (0, "$0.00"),
        (999.994, "$999.99"),
        (999.996, "$1.00K"),
        (1000, "$1.00K"),
        (12_345.6, "$12.3K"),
        (999_600, "$1.00M"),
        (1_000_000, "$1.00M"),
        (28_149_000, "$28.1M"),
        (999_999_999, "$1.00B"),
        (4_560_000_000, "$4.56B"),
        (1_500_000_000_000, "$1,500B"),
        (-1234, "-$1.23K"),
        (-0.004, "$0.00"),
    ],
)
def test_money_has_three_significant_digits_from_a_thousand(value: float, text: str) -> None:
    assert format_money(value, "USD") == text


@pytest.mark.parametrize(
    ("currency", "text"),
    [
        ("USD", "$2.81M"),
        ("EUR", "€2.81M"),
        ("GBP", "£2.81M"),
        ("CHF", "CHF 2.81M"),
        ("eur", "€2.81M"),
    ],
)
def test_money_uses_the_symbol_of_the_reporting_currency(currency: str, text: str) -> None:
    assert format_money(2_810_000, currency) == text
    assert currency_prefix(currency) == text.removesuffix("2.81M")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.3048, "30.5%"),
        (1.7333, "173.3%"),
        (0.5, "50.0%"),
        (-0.25, "-25.0%"),
        (-0.00001, "0.0%"),
        (0, "0.0%"),
    ],
)
def test_percent_has_one_decimal(value: float, text: str) -> None:
    assert format_percent(value) == text


@pytest.mark.parametrize("missing", [None, math.nan])
def test_a_missing_value_is_an_em_dash(missing: float | None) -> None:
    assert format_money(missing, "USD") == EM_DASH
    assert format_percent(missing) == EM_DASH
    assert format_count(missing) == EM_DASH


def test_changes_are_signed() -> None:
    assert format_points(0.023) == "+2.3 pp"
    assert format_points(-0.1) == "-10.0 pp"
    assert format_points(0.00001) == "±0.0 pp"
    assert format_relative(0.124) == "+12.4%"
    assert format_relative(-0.5) == "-50.0%"
    assert format_relative(-0.0001) == "±0.0%"


def test_a_count_has_thousands_separators() -> None:
    assert format_count(12345.0) == "12,345"
