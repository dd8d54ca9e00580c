"""`--format copilot-usage`: GitHub Copilot usage-metrics reports -> usage events and adoption.

The file's shape is read from its JSON keys (see docs/sources/copilot-usage.md):
- per-user-per-day reports (`day_totals[]` with `user_login`, 1-day or 28-day, or their NDJSON
  export): one usage event per user and active day, the features used as its action;
- per-user 28-day totals (`user_totals[]`: `total_active_days` over the window, no day): one
  event in each calendar month where the user was certainly active (more active days than the
  window has outside that month), dated on the window's first day in that month;
- seat lists (`seats[]`): one adoption row for the month of the list's latest timestamp (the
  list carries no date of its own): eligible users = distinct assignee logins (a user with
  seats from two organizations counts once), active users = those whose last activity falls
  in that month; and, for every month a seat existed (from its `created_at`), the eligible
  users of that month, which staging uses for the months whose active users come from the
  users reports' events;
- organization/enterprise aggregate reports, the legacy metrics and usage APIs and billing
  usage items are recognised and every record is rejected with the reason: they carry no
  user identities and no eligible-user count, so no distinct monthly count can be made.
Logins are the user ids (lower-cased: GitHub logins are case-insensitive; numeric ids are
anonymised and collide in the samples); the loader pseudonymises them.
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

_CONTAINERS = ("day_totals", "user_totals", "seats", "usageItems")
"""Top-level keys of the report envelopes that hold the records."""

# The queries are in etl/sql/adapters/copilot/; only row counts of its temp tables stay here.


def _sql(
    con: duckdb.DuckDBPyConnection, name: str, prefix: str, **params: object
) -> duckdb.DuckDBPyConnection:
    return run_adapter_sql(con, "copilot", name, prefix, params)


_NOT_LOADED: dict[str, tuple[str, str]] = {
    "aggregate": (
        "day",
        "an organization/enterprise aggregate report counts active users without their "
        "identities and without eligible users, so it gives neither distinct monthly active "
        "users nor an adoption rate; load the users report and the seat list",
    ),
    "legacy-metrics": (
        "date",
        "the legacy Copilot metrics API (shut down 2 April 2026) gives daily totals only, "
        "without user identities: a month's distinct active users cannot be derived",
    ),
    "legacy-usage": (
        "day",
        "the retired Copilot usage API gives daily totals only, without user identities: a "
        "month's distinct active users cannot be derived",
    ),
    "billing": (
        "sku",
        "a billing usage item (premium requests / AI credits) is cost data, not usage; "
        "copilot-usage does not load it",
    ),
}


def _coverage_notes(con: duckdb.DuckDBPyConnection, prefix: str) -> list[str]:
    """Which months a report window covers only in part (their counts are partial)."""
    rows = _sql(con, "coverage", prefix).fetchall()
    return [
        f"the report window {window} covers {parts}: a month counts the active users of "
        "the days loaded only (load the adjacent reports to complete it)"
        for window, parts in rows
    ]


def _container(con: duckdb.DuckDBPyConnection, prefix: str) -> tuple[bool, str | None]:
    """Whether the one document is an array of records, and the envelope key that holds the
    records (None: each document is a record, as in newline-delimited records)."""
    row = _sql(con, "doc_shape", prefix).fetchone()
    assert row is not None
    count, kind, keys = int(row[0]), row[1], row[2] or []
    if count == 0:
        raise AdapterError("the file holds no JSON document")
    if count == 1 and kind == "ARRAY":
        return True, None
    if count == 1 and "download_links" in keys:
        return False, "download_links"
    container = next((c for c in _CONTAINERS if c in keys), None) if count == 1 else None
    return False, container


def _record_kind(keys: list[str], container: str | None) -> str:
    """What the records are, from their envelope key or their own keys."""
    named = {"seats": "seats", "usageItems": "billing", "user_totals": "user-totals"}
    if container in named:
        return named[container]
    has = set(keys)
    if "day" in has and has & {"user_login", "login"}:
        return "user-days"
    if "total_active_days" in has and has & {"user_login", "login"}:
        return "user-totals"
    if "daily_active_users" in has or "monthly_active_users" in has:
        return "aggregate"
    if {"date", "total_active_users"} <= has:
        return "legacy-metrics"
    if "breakdown" in has:
        return "legacy-usage"
    raise AdapterError(
        "not a GitHub Copilot usage-metrics report, users report, seat list or legacy metrics "
        f"export (record keys: {', '.join(sorted(has)) or 'none'})"
    )


class CopilotUsage:
    name = "copilot-usage"
    produces: tuple[str, ...] = ("usage_events", "adoption")
    summary = "GitHub Copilot users reports and seat lists -> usage events and adoption"
    example = "scaleboard load --format copilot-usage --initiative AI-0012 organization-users.json"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        if not options.initiative:
            raise AdapterError(
                "--format copilot-usage needs --initiative ID (the Copilot initiative)"
            )
        try:
            _sql(con, "docs", prefix, path=str(path))
            if con.execute(f"select count(*) from {prefix}_docs").fetchall() == [(0,)]:
                _sql(con, "ndjson_docs", prefix, path=str(path))
        except duckdb.Error as exc:
            raise AdapterError(
                f"not a JSON or NDJSON Copilot report: {str(exc).splitlines()[0]}"
            ) from None
        is_array, container = _container(con, prefix)
        if container == "download_links":
            return Conversion(
                outputs=[],
                rows_read=0,
                notes=[
                    "a download-link envelope holds no data: download the report files "
                    "it links to and load those"
                ],
            )
        _sql(con, "records", prefix, container=container, is_array=is_array)
        first = _sql(con, "first_keys", prefix).fetchone()
        [(rows,)] = con.execute(f"select count(*) from {prefix}_records").fetchall()
        if first is None:
            return Conversion(outputs=[], rows_read=0, notes=["the report holds no records"])
        kind = _record_kind(list(first[0]), container)
        conversion = self._convert_kind(con, kind, prefix, options.initiative)
        conversion.rows_read = int(rows)
        target = conversion.outputs[0].entity if conversion.outputs else None
        conversion.mappings.append(Mapping("report", kind, target, int(rows)))
        return conversion

    def _convert_kind(
        self, con: duckdb.DuckDBPyConnection, kind: str, prefix: str, initiative: str
    ) -> Conversion:
        table, rejects = f"{prefix}_out", f"{prefix}_rejects"
        if kind == "user-days":
            _sql(con, "user_days", prefix, initiative=initiative)
            return Conversion(
                outputs=[Converted("usage_events", table)],
                rows_read=0,
                notes=_coverage_notes(con, prefix),
            )
        if kind == "user-totals":
            _sql(con, "user_totals", prefix)
            _sql(con, "totals_events", prefix, initiative=initiative)
            _sql(con, "totals_rejects", prefix)
            return Conversion(
                outputs=[Converted("usage_events", table)],
                rows_read=0,
                rejects_table=rejects,
                notes=[
                    "28-day user totals have no day of activity: each user is counted in "
                    "the months where the window proves activity, on its first day there"
                ],
            )
        if kind == "seats":
            return _seat_conversion(con, prefix, initiative)
        column, reason = _NOT_LOADED[kind]
        _sql(con, "not_loaded", prefix, column=column, reason=reason)
        return Conversion(outputs=[], rows_read=0, rejects_table=rejects)


def _seat_conversion(con: duckdb.DuckDBPyConnection, prefix: str, initiative: str) -> Conversion:
    table, rejects = f"{prefix}_out", f"{prefix}_rejects"
    _sql(con, "seats", prefix)
    _sql(con, "seat_adoption", prefix, initiative=initiative)
    _sql(con, "seat_months", prefix, initiative=initiative)
    _sql(con, "seat_rejects", prefix)
    row = _sql(con, "seat_stats", prefix).fetchone()
    assert row is not None
    month, seat_rows, users, total = row
    notes = [
        f"the seat list carries no date: it is dated {month}, the month of its latest "
        "timestamp (created, updated or last activity)"
    ]
    if seat_rows != users or (total is not None and str(total) != str(users)):
        notes.append(
            f"{seat_rows} seat row(s) for {users} distinct user(s) (total_seats says {total}): "
            "eligible users = distinct users"
        )
    outputs = [
        Converted("adoption", table),
        Converted("adoption", f"{prefix}_seat_months", as_reports=True),
    ]
    return Conversion(outputs=outputs, rows_read=0, rejects_table=rejects, notes=notes)
