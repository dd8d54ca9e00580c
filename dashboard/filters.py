"""The page filters: parsed from the URL query string, validated, and written back to it.

A link such as `/?business_unit=Finance&business_unit=HR&stage=Experimentation&as_of=2026-03`
reproduces a view. Bad values never raise: each is dropped with a notice the page shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlencode

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from dashboard.grid_model import parse_condition
from dashboard.scenarios import SpecError, parse_spec
from etl.contracts import STAGE_ORDER
from etl.contracts.entities import Dimension, Status
from etl.metrics import Filters
from etl.period import Period, PeriodError, PlausibleMonths, month_text, parse_month, resolve_period

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
PARAMS = {
    "business_unit": "business_units",
    "stage": "stages",
    "status": "statuses",
    "from": "from_",
    "to": "to",
    "as_of": "as_of",
    "blocker": "blocker",
    "sort": "sort",
    "filter": "grid_filters",
    "scenario_a": "scenario_a",
    "scenario_b": "scenario_b",
}
"""URL parameter -> field. Repeat a parameter for several values (values are OR-ed).
`blocker` (a failure cause, e.g. `data`) narrows the roadmap table to the initiatives it
holds at the stage gate; `sort` orders the ranked backlog by its columns (`rank`,
`-slip_days`, `stage,-roi`: a leading `-` descends) and `filter` holds its column filters
(`stage:contains:Exp`, see `dashboard.grid_model`), as the table's headers set them;
`scenario_a` and `scenario_b` are the funding scenarios compared (`top:10`,
`budget:50000`, `pick:ID|ID`). The metrics ignore all five."""
MULTI = ("business_units", "stages", "statuses", "grid_filters")
"""The fields a parameter may repeat for."""
_SORT_KEY = re.compile(r"^-?[a-z][a-z0-9_]*$")
BLOCKERS: tuple[str, ...] = tuple(d.value for d in Dimension)


def _canonical(value: str, choices: tuple[str, ...], what: str) -> str:
    by_lower = {c.lower(): c for c in choices}
    key = value.strip().lower()
    if key not in by_lower:
        raise ValueError(f"{what} must be one of {', '.join(choices)}")
    return by_lower[key]


class PageFilters(BaseModel):
    """The filters of every page; hashable, so it keys the query cache."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    business_units: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    from_: str | None = None
    to: str | None = None
    as_of: str | None = None
    blocker: str | None = None
    sort: str | None = None
    grid_filters: tuple[str, ...] = ()
    scenario_a: str | None = None
    scenario_b: str | None = None

    @field_validator("sort")
    @classmethod
    def _sort(cls, value: str | None) -> str | None:
        if value is None or all(_SORT_KEY.match(k) for k in value.split(",")):
            return value
        raise ValueError("sort names the table's columns, e.g. rank or stage,-roi (- descends)")

    @field_validator("grid_filters")
    @classmethod
    def _grid_filters(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(parse_condition(v).text(first=False) for v in values)

    @field_validator("scenario_a", "scenario_b")
    @classmethod
    def _scenario(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return parse_spec(value).text()
        except SpecError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("blocker")
    @classmethod
    def _blocker(cls, value: str | None) -> str | None:
        return None if value is None else _canonical(value, BLOCKERS, "blocker")

    @field_validator("from_", "to", "as_of")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None and not re.match(MONTH_PATTERN, value.strip()):
            raise ValueError("not a month; write it as YYYY-MM, e.g. 2026-03")
        return value.strip() if value else None

    @field_validator("business_units")
    @classmethod
    def _units(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(dict.fromkeys(v.strip() for v in values))
        if any(not v or len(v) > 200 for v in cleaned):
            raise ValueError("a business unit must be 1 to 200 characters")
        return cleaned

    @field_validator("stages")
    @classmethod
    def _stages(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_canonical(v, STAGE_ORDER, "stage") for v in values))

    @field_validator("statuses")
    @classmethod
    def _statuses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_canonical(v, STATUSES, "status") for v in values))

    def to_metrics(self) -> Filters:
        """The same selection as `scaleboard metrics` options."""
        return Filters(
            as_of=self.as_of,
            from_=self.from_,
            to=self.to,
            business_units=self.business_units,
            stages=self.stages,
            statuses=self.statuses,
        )

    def with_period(self, period: Period) -> PageFilters:
        """The same selection over another window (e.g. `Period.previous()`)."""
        return self.model_copy(
            update={
                "as_of": month_text(period.as_of),
                "from_": month_text(period.window_from),
                "to": month_text(period.window_to),
            }
        )

    def toggle_blocker(self, blocker: str) -> PageFilters:
        """Narrows the roadmap table to one gate blocker, or clears it when it is that."""
        return self.model_copy(update={"blocker": None if self.blocker == blocker else blocker})

    def toggle_stage(self, stage: str) -> PageFilters:
        """Filters by `stage` alone, or clears the stage filter when it is that already."""
        stages = () if self.stages == (stage,) else (stage,)
        return self.model_copy(update={"stages": stages})


@dataclass(frozen=True)
class ParsedFilters:
    filters: PageFilters
    notices: tuple[str, ...] = field(default=())


def _valid_value(name: str, value: str) -> str | None:
    """The reason one URL value is bad, or None when PageFilters accepts it."""
    key = PARAMS[name]
    raw = (value,) if key in MULTI else value
    try:
        PageFilters.model_validate({key: raw})
    except ValidationError as exc:
        return exc.errors()[0]["msg"].removeprefix("Value error, ")
    return None


def parse_search(search: str | None) -> ParsedFilters:
    """The filters of a query string (`?a=1&b=2`); every bad value dropped with a notice."""
    raw = parse_qs((search or "").removeprefix("?"), keep_blank_values=True)
    values: dict[str, list[str]] = {}
    notices: list[str] = []
    for name, given in raw.items():
        if name not in PARAMS:
            notices.append(f"Ignored the unknown parameter {name!r}.")
            continue
        for value in given:
            reason = _valid_value(name, value)
            if reason:
                notices.append(f"Ignored {name}={value!r}: {reason}.")
            else:
                values.setdefault(PARAMS[name], []).append(value)
    data: dict[str, object] = {}
    for key, kept in values.items():
        data[key] = tuple(kept) if key in MULTI else kept[-1]
    return ParsedFilters(PageFilters.model_validate(data), tuple(notices))


def _plausible(filters: PageFilters, plausible: PlausibleMonths) -> ParsedFilters:
    """Drops each month outside the months Scaleboard accepts (9999-12 is a typo)."""
    notices: list[str] = []
    update: dict[str, None] = {}
    for name in ("as_of", "from_", "to"):
        value = getattr(filters, name)
        if value is None:
            continue
        try:
            plausible.check(parse_month(value, name), name)
        except PeriodError:
            update[name] = None
            shown = name.removesuffix("_")
            notices.append(
                f"Ignored {shown}={value}: Scaleboard accepts months from {plausible.describe()}."
            )
    return ParsedFilters(filters.model_copy(update=update), tuple(notices))


def check_window(
    filters: PageFilters, latest: dt.date | None, plausible: PlausibleMonths | None = None
) -> ParsedFilters:
    """Drops a month outside the plausible range, then a window start that falls after its
    end (which may depend on the data)."""
    checked = _plausible(filters, plausible) if plausible else ParsedFilters(filters)
    filters = checked.filters
    try:
        resolve_period(filters.as_of, filters.from_, filters.to, latest)
    except PeriodError as exc:
        fixed = filters.model_copy(update={"from_": None})
        return ParsedFilters(fixed, (*checked.notices, f"Ignored from={filters.from_}: {exc}."))
    return checked


def to_search(filters: PageFilters) -> str:
    """The query string of the filters (`?business_unit=Finance&stage=...`), or ``."""
    pairs: list[tuple[str, str]] = []
    for name, key in PARAMS.items():
        value = getattr(filters, key)
        if isinstance(value, tuple):
            pairs.extend((name, v) for v in value)
        elif value:
            pairs.append((name, value))
    return "?" + urlencode(pairs, quote_via=quote) if pairs else ""
