"""AG Grid's infinite row model, served from a DataFrame: the filter and sort models a
grid sends with each block request, applied in pandas (pure, tested without a browser)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

_NUMBER: dict[str, Callable[[Any, Any], Any]] = {
    "equals": operator.eq,
    "notEqual": operator.ne,
    "lessThan": operator.lt,
    "lessThanOrEqual": operator.le,
    "greaterThan": operator.gt,
    "greaterThanOrEqual": operator.ge,
}


def _text_mask(values: pd.Series, kind: str, wanted: str) -> pd.Series:
    text = values.astype("string").str.lower().fillna("")
    wanted = wanted.lower()
    tests: dict[str, Callable[[], pd.Series]] = {
        "contains": lambda: text.str.contains(wanted, regex=False),
        "notContains": lambda: ~text.str.contains(wanted, regex=False),
        "equals": lambda: text == wanted,
        "notEqual": lambda: text != wanted,
        "startsWith": lambda: text.str.startswith(wanted),
        "endsWith": lambda: text.str.endswith(wanted),
    }
    return tests.get(kind, lambda: pd.Series(True, index=values.index))()


def _condition_mask(values: pd.Series, condition: dict[str, Any]) -> pd.Series:
    kind = condition.get("type", "contains")
    if kind == "blank":
        return values.isna()
    if kind == "notBlank":
        return values.notna()
    if condition.get("filterType") == "number":
        numbers = pd.to_numeric(values, errors="coerce")
        if kind == "inRange":
            low, high = condition.get("filter"), condition.get("filterTo")
            return (numbers >= low) & (numbers <= high)
        compare = _NUMBER.get(kind)
        wanted = condition.get("filter")
        if compare is None or wanted is None:
            return pd.Series(True, index=values.index)
        matched: pd.Series = compare(numbers, wanted).fillna(False).astype(bool)
        return matched
    return _text_mask(values, kind, str(condition.get("filter") or ""))


def filter_rows(df: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Rows matching every column's filter (a filter's conditions joined by AND or OR)."""
    mask = pd.Series(True, index=df.index)
    for column, spec in (model or {}).items():
        if column not in df.columns:
            continue
        conditions = spec.get("conditions") or [spec]
        masks = [_condition_mask(df[column], {**spec, **c}) for c in conditions]
        joined = masks[0]
        for more in masks[1:]:
            joined = (joined | more) if spec.get("operator") == "OR" else (joined & more)
        mask &= joined
    return df[mask]


def sort_rows(df: pd.DataFrame, model: list[dict[str, Any]] | None) -> pd.DataFrame:
    """Rows in the order of the sort model (first entry first), blanks last."""
    keys = [s for s in model or [] if s.get("colId") in df.columns]
    if not keys:
        return df
    return df.sort_values(
        [s["colId"] for s in keys],
        ascending=[s.get("sort") != "desc" for s in keys],
        na_position="last",
        kind="stable",
    )


def block(df: pd.DataFrame, request: dict[str, Any]) -> tuple[pd.DataFrame, int]:
    """The requested block of the filtered, sorted rows, and how many rows match."""
    shown = sort_rows(filter_rows(df, request.get("filterModel") or {}), request.get("sortModel"))
    start = int(request.get("startRow") or 0)
    end = int(request.get("endRow") or start + 50)
    return shown.iloc[start:end], len(shown)


# The grid's sort and filter in the URL: `sort=stage,-roi` (a leading `-` descends) and one
# `filter=COLUMN:TYPE[:VALUE]` per condition, e.g. `filter=stage:contains:Exp` or
# `filter=roi:inRange:0..0.5`; a column's second condition names its join first
# (`filter=roi:or:lessThan:-0.2`), AND when it does not. A link reproduces the table.

TEXT_TYPES = ("contains", "notContains", "equals", "notEqual", "startsWith", "endsWith")
NUMBER_TYPES = (
    "equals",
    "notEqual",
    "lessThan",
    "lessThanOrEqual",
    "greaterThan",
    "greaterThanOrEqual",
    "inRange",
)
NO_VALUE_TYPES = ("blank", "notBlank")
_COLUMN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Condition:
    """One condition of a column's filter, as the URL writes it."""

    column: str
    kind: str
    value: str = ""
    join: str = "AND"
    """How it joins the column's condition before it (the first one's is unused)."""

    def text(self, first: bool = True) -> str:
        join = [] if first or self.join == "AND" else [self.join.lower()]
        value = [] if self.kind in NO_VALUE_TYPES else [self.value]
        return ":".join([self.column, *join, self.kind, *value])


def parse_condition(text: str) -> Condition:
    """A URL filter condition; raises ValueError saying what is wrong."""
    column, _, rest = text.partition(":")
    if not _COLUMN.match(column) or not rest:
        raise ValueError("write a table filter as COLUMN:TYPE:VALUE, e.g. stage:contains:Exp")
    join = "AND"
    head, _, tail = rest.partition(":")
    if head in ("and", "or"):
        join, (head, _, tail) = head.upper(), tail.partition(":")
    if head in NO_VALUE_TYPES:
        return Condition(column, head, "", join)
    if head not in (*TEXT_TYPES, *NUMBER_TYPES):
        known = ", ".join(dict.fromkeys((*TEXT_TYPES, *NUMBER_TYPES, *NO_VALUE_TYPES)))
        raise ValueError(f"the filter type must be one of {known}")
    if head == "inRange" and len(_numbers(tail)) != 2:
        raise ValueError("an inRange filter is written LOW..HIGH, e.g. roi:inRange:0..0.5")
    return Condition(column, head, tail, join)


def _numbers(value: str) -> list[float]:
    """The numbers of a condition's value: one, or LOW..HIGH (none when one is not a number)."""
    try:
        return [float(v) for v in value.split("..")]
    except ValueError:
        return []


def _number_text(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _condition_of(column: str, spec: dict[str, Any], join: str) -> Condition | None:
    kind = str(spec.get("type") or "")
    if kind in NO_VALUE_TYPES:
        return Condition(column, kind, "", join)
    value = spec.get("filter")
    if value is None or value == "":
        return None
    if spec.get("filterType") == "number":
        if kind == "inRange":
            if spec.get("filterTo") is None:
                return None
            low, high = _number_text(value), _number_text(spec["filterTo"])
            return Condition(column, kind, f"{low}..{high}", join)
        return Condition(column, kind, _number_text(value), join)
    return Condition(column, kind, str(value), join)


def url_filters(model: dict[str, Any] | None) -> tuple[str, ...]:
    """The `filter` values of a grid's filter model (conditions it cannot hold dropped)."""
    texts: list[str] = []
    for column, spec in sorted((model or {}).items()):
        if not _COLUMN.match(column):
            continue
        join = str(spec.get("operator") or "AND")
        conditions = [
            _condition_of(column, {**spec, **c}, join) for c in spec.get("conditions") or [spec]
        ]
        kept = [c for c in conditions if c is not None]
        texts += [c.text(first=n == 0) for n, c in enumerate(kept)]
    return tuple(texts)


def _grid_condition(condition: Condition, kind: str) -> dict[str, Any] | None:
    spec: dict[str, Any] = {"filterType": kind, "type": condition.kind}
    if condition.kind in NO_VALUE_TYPES:
        return spec
    if kind == "text":
        return {**spec, "filter": condition.value} if condition.kind in TEXT_TYPES else None
    if condition.kind not in NUMBER_TYPES:
        return None
    if condition.kind == "inRange":
        low, high = _numbers(condition.value)
        return {**spec, "filter": low, "filterTo": high}
    numbers = _numbers(condition.value)
    return {**spec, "filter": numbers[0]} if len(numbers) == 1 else None


def filter_model(texts: tuple[str, ...], kinds: dict[str, str]) -> dict[str, Any]:
    """The grid's filter model of the URL's `filter` values; `kinds` maps each column the
    table has to `text` or `number` (a condition on another column, or of a type its kind
    has not, is left out)."""
    by_column: dict[str, list[tuple[Condition, dict[str, Any]]]] = {}
    for text in texts:
        condition = parse_condition(text)
        kind = kinds.get(condition.column)
        spec = _grid_condition(condition, kind) if kind else None
        if spec is not None:
            by_column.setdefault(condition.column, []).append((condition, spec))
    model: dict[str, Any] = {}
    for column, held in by_column.items():
        if len(held) == 1:
            model[column] = held[0][1]
            continue
        model[column] = {
            "filterType": held[0][1]["filterType"],
            "operator": held[1][0].join,
            "conditions": [spec for _, spec in held],
        }
    return model


def sort_model(sort: str | None) -> list[dict[str, str]]:
    """The grid's sort model of the URL's `sort` (`stage,-roi`)."""
    keys = [k for k in (sort or "").split(",") if k.removeprefix("-")]
    return [
        {"colId": k.removeprefix("-"), "sort": "desc" if k.startswith("-") else "asc"} for k in keys
    ]


def url_sort(model: list[dict[str, Any]] | None) -> str | None:
    """The URL's `sort` of a grid's sort model, or None when it has none."""
    keys = [
        ("-" if s.get("sort") == "desc" else "") + str(s.get("colId"))
        for s in model or []
        if _COLUMN.match(str(s.get("colId") or ""))
    ]
    return ",".join(keys) or None
