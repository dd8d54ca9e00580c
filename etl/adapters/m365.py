"""`--format m365-copilot`: Microsoft 365 Copilot usage reports -> adoption rows.

Reads the user-count reports in both shapes Microsoft Graph returns: the v1.0 CSV stream
(`Any App Enabled Users`, `Any App Active Users`, with `Report Date` in the trend report)
and the beta JSON (`value[].adoptionByProduct[]` / `value[].adoptionByDate[]`, camelCase).
Enabled users are the eligible users, active users the active ones ("Any App").

Each report gives report figures (`etl.reports`) for the initiative given by `--initiative`,
kept with the report's kind and period: from a summary, per month and period (D7/D28/D30),
the figures of its latest refresh date in the month; from a daily trend, the highest daily
active count of the month (a lower bound of the month's distinct users, which the report
does not give) and the enabled users of the month's last report date.

The per-user report (UsageUserDetail: v1.0 CSV with `User Principal Name`, `Last Activity
Date`; beta JSON `value[].userPrincipalName`, `lastActivityDate`) lists every licensed user,
so each record counts once in the figure of its Report Refresh Date's month: eligible = its
distinct users, active = those whose Last Activity Date falls in that month (up to the
refresh date). It makes no usage events: events would define the month's active users and
so override the tenant's own counts, and a per-user report never overrides a count report.

Staging (`stg_adoption`) resolves a month's adoption by one precedence, whatever the order
of the files and loads: the summary with the longest period up to 30 days (D30, D28, then
D7), else the trend, else the per-user report.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.adapters.base import (
    AdapterError,
    AdapterOptions,
    Conversion,
    Converted,
    Mapping,
    run_adapter_sql,
)
from etl.readers import csv_header, strict_csv_scan

# The queries are in etl/sql/adapters/m365/. What stays here is the strict scan of a CSV
# report (it names the file's own columns) and row counts of the temp tables.


def _sql(
    con: duckdb.DuckDBPyConnection, name: str, prefix: str, **params: object
) -> duckdb.DuckDBPyConnection:
    return run_adapter_sql(con, "m365", name, prefix, params)


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> None:
    """The CSV report as it is (every column as text) into `table`."""
    scan = strict_csv_scan(csv_header(path))
    con.execute(f"create or replace temp table {table} as select * from {scan}", [str(path)])


def _csv_columns(path: Path) -> set[str]:
    return {name.strip().lower() for name in csv_header(path)}


def _is_user_detail(con: duckdb.DuckDBPyConnection, path: Path, prefix: str) -> bool:
    """Whether the file is the per-user report (it names users) rather than a count report."""
    if path.suffix.lower() == ".json":
        row = _sql(con, "is_user_detail", prefix, path=str(path)).fetchone()
        return bool(row and row[0])
    return "user principal name" in _csv_columns(path)


def _read_days(con: duckdb.DuckDBPyConnection, path: Path, prefix: str) -> None:
    """The count report's rows into `{prefix}_days`; a summary (no Report Date) is dated by
    its refresh date."""
    if path.suffix.lower() == ".json":
        _sql(con, "json_days", prefix, path=str(path))
        return
    _read_csv(con, path, f"{prefix}_csv")
    is_trend = "report date" in _csv_columns(path)
    if not is_trend:  # a summary: every row undated
        con.execute(f'alter table {prefix}_csv add column "Report Date" varchar')
    if "report period" not in _csv_columns(path):
        con.execute(f'alter table {prefix}_csv add column "Report Period" varchar')
    _sql(con, "csv_days", prefix, is_trend=is_trend)


class M365Copilot:
    name = "m365-copilot"
    produces: tuple[str, ...] = ("adoption",)
    summary = (
        "Microsoft 365 Copilot user-count and user-detail reports (v1.0 CSV or beta JSON) "
        "-> adoption (one precedence of reports, whatever the load order)"
    )
    example = "scaleboard load --format m365-copilot --initiative AI-0007 UserCountTrend.csv"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        if not options.initiative:
            raise AdapterError(
                "--format m365-copilot needs --initiative ID (the Copilot initiative)"
            )
        initiative = options.initiative
        try:
            if _is_user_detail(con, path, prefix):
                return _user_detail(con, path, prefix, initiative)
            _read_days(con, path, prefix)
        except duckdb.Error as exc:
            raise AdapterError(
                "not a Microsoft 365 Copilot user-count report (needs Any App Enabled/Active "
                "Users) or user-detail report (needs User Principal Name, Last Activity "
                f"Date): {str(exc).splitlines()[0]}"
            ) from None
        _sql(con, "monthly", prefix, initiative=initiative)
        [(rows,)] = con.execute(f"select count(*) from {prefix}_days").fetchall()
        return Conversion(
            outputs=[Converted("adoption", f"{prefix}_adoption", as_reports=True)],
            rows_read=int(rows),
        )


def _user_detail(
    con: duckdb.DuckDBPyConnection, path: Path, prefix: str, initiative: str
) -> Conversion:
    """Report figures per refresh month: licensed and active users (module docstring)."""
    if path.suffix.lower() == ".json":
        _sql(con, "json_users", prefix, path=str(path))
    else:
        _read_csv(con, path, f"{prefix}_users_csv")
        _sql(con, "csv_users", prefix)
    _sql(con, "users", prefix)
    adoption, rejects = f"{prefix}_adoption", f"{prefix}_rejects"
    _sql(con, "user_adoption", prefix, initiative=initiative)
    _sql(con, "user_rejects", prefix)
    stats = _sql(con, "user_stats", prefix).fetchone()
    assert stats is not None
    rows, active, never, refreshed = (int(stats[0]), int(stats[1]), int(stats[2]), stats[3])
    return Conversion(
        outputs=[Converted("adoption", adoption, as_reports=True)],
        rows_read=rows,
        rejects_table=rejects,
        mappings=[
            Mapping("Last Activity Date", "in the refresh month", "active", active),
            Mapping("Last Activity Date", "blank (never used)", "eligible, inactive", never),
        ],
        notes=[
            f"user detail refreshed {refreshed}: its month counts activity up to that date "
            "only (a later report of the same month completes it); a user-count summary or "
            "trend report of the month takes precedence over it"
        ]
        if refreshed
        else [],
    )
