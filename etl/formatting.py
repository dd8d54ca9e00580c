"""How numbers read on screen: percents, money with K/M/B, changes. Pure functions, no Dash."""

from __future__ import annotations

import math

EM_DASH = "—"
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
_SUFFIXES = (("B", 1e9), ("M", 1e6), ("K", 1e3))


def currency_prefix(currency: str) -> str:
    """`$`, `€`, `£` for USD, EUR, GBP; any other code followed by a space (`CHF `)."""
    return SYMBOLS.get(currency.upper(), f"{currency.upper()} ")


def _three_significant(scaled: float) -> str:
    """A number in [1, 1000) with three significant digits: 2.81, 28.1, 281."""
    decimals = 2 if scaled < 10 else 1 if scaled < 100 else 0
    return f"{scaled:.{decimals}f}"


def _magnitude(amount: float) -> str:
    """A non-negative amount: 2 decimals below a thousand, else 3 significant digits + K/M/B."""
    if round(amount, 2) < 1000:
        return f"{amount:.2f}"
    index = next((i for i, (_, size) in enumerate(_SUFFIXES) if amount >= size), 2)
    suffix, size = _SUFFIXES[index]
    text = _three_significant(amount / size)
    if float(text) < 1000:
        return f"{text}{suffix}"
    if index == 0:  # beyond billions: keep B, in whole numbers
        return f"{amount / size:,.0f}{suffix}"
    bigger, bigger_size = _SUFFIXES[index - 1]  # 999.6K reads 1.00M
    return f"{_three_significant(amount / bigger_size)}{bigger}"


def format_money(value: float | None, currency: str) -> str:
    """`$2.81M`, `$400K`, `$68.53`, `-€1.20K`, `CHF 3.00`; `—` for a missing value."""
    if value is None or math.isnan(value):
        return EM_DASH
    sign = "-" if value < 0 and round(abs(value), 2) > 0 else ""
    return f"{sign}{currency_prefix(currency)}{_magnitude(abs(value))}"


def format_percent(value: float | None) -> str:
    """A fraction as a percent with one decimal: 0.3048 -> `30.5%`; `—` when missing."""
    if value is None or math.isnan(value):
        return EM_DASH
    text = f"{value * 100:.1f}"
    return ("0.0" if text == "-0.0" else text) + "%"


def format_points(delta: float) -> str:
    """A difference of two fractions in percentage points: 0.023 -> `+2.3 pp`."""
    text = f"{delta * 100:+.1f}"
    return ("±0.0" if text in ("+0.0", "-0.0") else text) + " pp"


def format_relative(ratio: float) -> str:
    """A relative change: 0.124 -> `+12.4%`."""
    text = f"{ratio * 100:+.1f}"
    return ("±0.0" if text in ("+0.0", "-0.0") else text) + "%"


def format_count(value: float | None) -> str:
    if value is None or math.isnan(value):
        return EM_DASH
    return f"{value:,.0f}"
