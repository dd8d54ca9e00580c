"""AG Grid's infinite row model, served from a DataFrame: the filter and sort models a
grid sends with each block request, applied in pandas (pure, tested without a browser)."""

from __future__ import annotations

import operator
from collections.abc import Callable
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
