"""The as-of month and the window of METRICS.md "Time", from the options and the data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Self

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class PeriodError(ValueError):
    """An option that is not a month, or a window that ends before it starts."""


def parse_month(text: str, option: str) -> dt.date:
    match = _MONTH.match(text.strip())
    if not match:
        raise PeriodError(f"{option} {text!r} is not a month; write it as YYYY-MM, e.g. 2026-03")
    return dt.date(int(match[1]), int(match[2]), 1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_text(month: dt.date | None) -> str | None:
    return f"{month.year:04d}-{month.month:02d}" if month else None


def last_day(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """as_of is A; window_from..window_to is W; all None when there is no data at all."""

    as_of: dt.date | None
    window_from: dt.date | None
    window_to: dt.date | None

    @property
    def as_of_date(self) -> dt.date | None:
        return last_day(self.as_of) if self.as_of else None

    @property
    def months(self) -> list[dt.date]:
        """The months of the window, in order."""
        if not (self.window_from and self.window_to):
            return []
        count = (self.window_to.year - self.window_from.year) * 12
        count += self.window_to.month - self.window_from.month
        return [add_months(self.window_from, i) for i in range(count + 1)]

    def previous(self) -> Period:
        """The window of the same length just before this one, and its as-of month."""
        if not (self.as_of and self.window_from and self.window_to):
            return self
        length = len(self.months)
        return Period(
            add_months(self.as_of, -length),
            add_months(self.window_from, -length),
            add_months(self.window_to, -length),
        )


@dataclass(frozen=True)
class PlausibleMonths:
    """The months Scaleboard accepts, in data and in options: from `earliest_month` to the
    month `years_ahead` years after today (settings). A month outside is a typo (9999-12,
    0001-01), and would break the calendar arithmetic of every figure."""

    first: dt.date
    last: dt.date

    @classmethod
    def of(cls, earliest_month: str, years_ahead: int, today: dt.date | None = None) -> Self:
        now = today or dt.date.today()
        first = parse_month(earliest_month, "SCALEBOARD_EARLIEST_MONTH")
        return cls(first, dt.date(now.year + years_ahead, now.month, 1))

    @property
    def last_day(self) -> dt.date:
        return last_day(self.last)

    def describe(self) -> str:
        return f"{month_text(self.first)} to {month_text(self.last)}"

    def check(self, month: dt.date, option: str) -> dt.date:
        if not self.first <= month <= self.last:
            raise PeriodError(
                f"{option} {month_text(month)} is outside the months Scaleboard accepts "
                f"({self.describe()}: SCALEBOARD_EARLIEST_MONTH and SCALEBOARD_YEARS_AHEAD)"
            )
        return month


def resolve_period(
    as_of: str | None,
    from_: str | None,
    to: str | None,
    latest: dt.date | None,
    plausible: PlausibleMonths | None = None,
) -> Period:
    """A = --as-of, else --to, else the latest month with data; W = the 12 months ending A,
    or as --from/--to say. With `plausible`, a given month outside it is an error."""

    def given(text: str | None, option: str) -> dt.date | None:
        if not text:
            return None
        month = parse_month(text, option)
        return plausible.check(month, option) if plausible else month

    as_of_m = given(as_of, "--as-of")
    from_m = given(from_, "--from")
    to_m = given(to, "--to")
    a = as_of_m or to_m or latest
    if a is None:
        return Period(None, None, None)
    end = to_m or a
    start = from_m or add_months(end, -11)
    if start > end:
        raise PeriodError(
            f"the window starts ({month_text(start)}) after it ends ({month_text(end)})"
        )
    return Period(a, start, end)
