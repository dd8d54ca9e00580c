"""Pure queries: `fn(con, selection) -> DataFrame`, values bound with `?`, marts only.

`Selection` carries the set S and the period of one `compute_metrics` result, so every
figure of a page covers exactly the initiatives and months its KPIs cover. The SQL of
`queries/<page>.py` is in `dashboard/sql/<page>/<name>.sql`, read with `sql_text`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import duckdb
import pandas as pd

from etl.metric_results import SelectionMetrics
from etl.period import last_day, parse_month


@dataclass(frozen=True)
class Selection:
    """S (sorted initiative ids) and the period of a `compute_metrics` result."""

    initiative_ids: tuple[str, ...]
    as_of: dt.date | None
    window_from: dt.date | None
    window_to: dt.date | None

    @classmethod
    def from_metrics(cls, metrics: SelectionMetrics) -> Selection:
        as_of, start, end = metrics.as_of, metrics.window_from, metrics.window_to
        return cls(
            tuple(metrics.initiative_ids),
            parse_month(as_of, "as_of") if as_of else None,
            parse_month(start, "from") if start else None,
            parse_month(end, "to") if end else None,
        )

    @property
    def as_of_date(self) -> dt.date | None:
        return last_day(self.as_of) if self.as_of else None

    @property
    def is_empty(self) -> bool:
        return not self.initiative_ids or self.as_of is None

    def window_params(self) -> list[Any]:
        """[ids, window_from, window_to]: the parameters of a window query."""
        return [list(self.initiative_ids), self.window_from, self.window_to]


@cache
def sql_text(page: str, name: str) -> str:
    """The text of `dashboard/sql/<page>/<name>.sql` (package data; read once, on first use)."""
    return (files("dashboard") / "sql" / page / f"{name}.sql").read_text(encoding="utf-8")


def frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | dict[str, Any] | None = None
) -> pd.DataFrame:
    """The rows of one bound query as a DataFrame (`?` parameters from a list, `$name`
    ones from a dict)."""
    return con.execute(sql, params or []).df()
