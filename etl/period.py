"""The as-of month and the window of METRICS.md "Time", from the options and the data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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
    return month.strftime("%Y-%m") if month else None


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


def resolve_period(
    as_of: str | None, from_: str | None, to: str | None, latest: dt.date | None
) -> Period:
    """A = --as-of, else --to, else the latest month with data; W = the 12 months ending A,
    or as --from/--to say."""
    as_of_m = parse_month(as_of, "--as-of") if as_of else None
    from_m = parse_month(from_, "--from") if from_ else None
    to_m = parse_month(to, "--to") if to else None
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
