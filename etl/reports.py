"""Report figures: usage reports that state a period's adoption (Microsoft 365 Copilot's
user-count summaries and trends, and its per-user report) are kept per report kind, period
and report date in `adoption_reports`, not upserted by the adoption key (initiative, month).
This is the one documented exception to upsert-by-key: which report gives a month's figure
is resolved in staging (`stg_adoption`) by a fixed precedence, so the answer does not depend
on the order the files were loaded in or on how they were split between loads. A row whose
key (initiative, month, kind, period, report date) was stored before replaces it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from etl.readers import SourceFile

REPORT_KEY = ("_report_kind", "_period_days", "_report_date")
"""The columns of an adapter's adoption rows that, with the adoption key, name a report."""


def store_reports(
    con: duckdb.DuckDBPyConnection, load_id: int, source: SourceFile, checked: str
) -> None:
    """Stores the good rows of a checked table of report figures, replacing the same key."""
    con.execute(
        f"""
        delete from adoption_reports as r using {checked} as c
        where c._ok and r.initiative_id = c.initiative_id and r.month = c.month
          and r.report_kind = c._report_kind and r.period_days = c._period_days
          and r.report_date = c._report_date
        """
    )
    con.execute(
        f"""
        insert into adoption_reports
        select initiative_id, month, _report_kind, _period_days, _report_date,
               active_users, eligible_users, ?, ?, _row
        from {checked} where _ok
        """,
        [load_id, str(source.path)],
    )
