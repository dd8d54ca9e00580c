"""Usage events to monthly active users: the one place that turns raw events into the
`usage_monthly_active` mart, behind a small interface so another engine can take it over.

Raw events are immutable Parquet files (a folder per load, a file per input file; older
databases hold a sub-folder per month instead). Every file carries its `month`
column, and `event_partitions` names each file under every month it holds, so a refresh
recomputes only the months it is given, reading only the files that hold them.

The step before, raw event files to validated and keyed user-months, has its own seam
with a DuckDB and a Spark engine (`etl.user_months`); its output is an events file like
any other here, so this refresh serves both.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

import duckdb


class MonthlyActiveEngine(Protocol):
    """Recomputes `usage_monthly_active` for `months` from the Parquet files in `partitions`."""

    def refresh(
        self, con: duckdb.DuckDBPyConnection, months: list[dt.date], partitions: list[Path]
    ) -> None: ...


class DuckDBMonthlyActive:
    """Distinct pseudonymised users per initiative and month, computed by DuckDB."""

    def refresh(
        self, con: duckdb.DuckDBPyConnection, months: list[dt.date], partitions: list[Path]
    ) -> None:
        con.execute("delete from usage_monthly_active where list_contains(?, month)", [months])
        if not partitions:
            return
        con.execute(
            """
            insert into usage_monthly_active
            select initiative_id, month, count(distinct user_key) as active_users
            from read_parquet(?, hive_partitioning = false)
            where month in (select unnest(?::date[]))  -- a semi-join: list_contains per row
            group by initiative_id, month               -- cost a fifth of the refresh
            """,
            [[str(p) for p in partitions], months],
        )


def partitions_of(
    con: duckdb.DuckDBPyConnection, db_dir: Path, months: list[dt.date]
) -> list[Path]:
    """Every events file holding rows of the given months, as absolute paths."""
    rows = con.execute(
        "select distinct path from event_partitions where list_contains(?, month) order by path",
        [months],
    ).fetchall()
    return [db_dir / row[0] for row in rows]


def refresh_monthly_active(
    con: duckdb.DuckDBPyConnection,
    db_dir: Path,
    months: list[dt.date],
    engine: MonthlyActiveEngine | None = None,
) -> None:
    """Brings `usage_monthly_active` up to date for the months a load touched."""
    if months:
        (engine or DuckDBMonthlyActive()).refresh(con, months, partitions_of(con, db_dir, months))
