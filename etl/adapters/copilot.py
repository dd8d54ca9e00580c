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
  in that month;
- organization/enterprise aggregate reports, the legacy metrics and usage APIs and billing
  usage items are recognised and every record is rejected with the reason: they carry no
  user identities and no eligible-user count, so no distinct monthly count can be made.
Logins are the user ids (lower-cased: GitHub logins are case-insensitive; numeric ids are
anonymised and collide in the samples); the loader pseudonymises them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.adapters.base import AdapterError, AdapterOptions, Conversion, Converted, Mapping
from etl.validate import quote_literal

_CONTAINERS = ("day_totals", "user_totals", "seats", "usageItems")
"""Top-level keys of the report envelopes that hold the records."""

_DOCS = """
create or replace temp table {docs} as
select 1 as doc_row, content::json as doc from read_text(?) where json_valid(content)
"""

_NDJSON = """
create or replace temp table {docs} as
select row_number() over () as doc_row, json as doc
from read_json_objects(?, format = 'newline_delimited')
"""

_RECORDS = """
create or replace temp table {records} as
with lists as (
    select
        doc_row,
        {items} as items,
        doc ->> 'report_start_day' as start_day,
        doc ->> 'report_end_day' as end_day,
        doc ->> 'total_seats' as total_seats
    from {docs}
),
items as (
    select
        doc_row, unnest(items) as record, generate_subscripts(items, 1) as item,
        start_day, end_day, total_seats
    from lists
)
select row_number() over (order by doc_row, item) as _source_row, * exclude (doc_row, item)
from items
"""

_LOGIN = "nullif(lower(trim(coalesce(record ->> 'user_login', record ->> 'login'))), '')"

_USER_DAYS = f"""
create or replace temp table {{table}} as
select
    {{initiative}} as _raw_initiative_id,
    {_LOGIN} as _raw_user_id,
    nullif(trim(record ->> 'day'), '') as _raw_event_time,
    coalesce(nullif(array_to_string(list_sort(list_distinct(
        json_extract_string(record, '$.totals_by_feature[*].feature')
    )), ','), ''), 'copilot') as _raw_action,
    _source_row,
    1 as _weight
from {{records}}
"""

_USER_TOTALS = f"""
create or replace temp table {{placed}} as
with users as (
    select
        _source_row,
        {_LOGIN} as login,
        record ->> 'total_active_days' as days_text,
        try_cast(record ->> 'total_active_days' as integer) as active_days,
        try_cast(start_day as date) as first_day,
        try_cast(end_day as date) as last_day
    from {{records}}
),
months as (
    select *, unnest(generate_series(
        date_trunc('month', first_day), date_trunc('month', last_day), interval 1 month
    ))::date as month
    from users
    where first_day <= last_day
),
certain as (
    select
        _source_row, login, greatest(first_day, month) as day,
        row_number() over (partition by _source_row order by month) as nth
    from months
    where active_days > (last_day - first_day + 1)
        - (least(last_day, last_day(month)) - greatest(first_day, month) + 1)
)
select u.*, c.day, c.nth from users as u left join certain as c using (_source_row)
"""

_TOTALS_EVENTS = """
create or replace temp table {table} as
select
    {initiative} as _raw_initiative_id,
    login as _raw_user_id,
    day::varchar as _raw_event_time,
    'copilot (28-day user total; day unknown)' as _raw_action,
    _source_row,
    case when nth = 1 then 1 else 0 end as _weight
from {placed} where day is not null
"""

_TOTALS_REJECTS = """
create or replace temp table {rejects} as
select
    _source_row,
    'total_active_days' as column_name,
    days_text as value,
    case
        when first_day is null or last_day is null or first_day > last_day
            then 'the report has no valid report_start_day..report_end_day window'
        when active_days is null then 'total_active_days is missing or not a whole number'
        when active_days <= 0 then 'no active day in the report window'
        else active_days || ' active day(s) in ' || first_day || '..' || last_day
            || ' cannot be placed in a calendar month; load the per-day users report'
    end as reason,
    1 as _weight
from {placed} where day is null
"""

_SEATS = """
create or replace temp table {seats} as
with seats as (
    select
        _source_row,
        nullif(lower(trim(record ->> '$.assignee.login')), '') as login,
        try_cast(record ->> 'last_activity_at' as timestamptz) at time zone 'UTC' as active_at,
        greatest(
            try_cast(record ->> 'created_at' as timestamptz),
            try_cast(record ->> 'updated_at' as timestamptz),
            try_cast(record ->> 'last_activity_at' as timestamptz)
        ) at time zone 'UTC' as seen_at,
        total_seats
    from {records}
)
select *, (select date_trunc('month', max(seen_at)) from seats)::date as month from seats
"""

_SEAT_ADOPTION = """
create or replace temp table {table} as
select
    {initiative} as _raw_initiative_id,
    strftime(any_value(month), '%Y-%m') as _raw_month,
    (count(distinct login) filter (where date_trunc('month', active_at) = month))::varchar
        as _raw_active_users,
    count(distinct login)::varchar as _raw_eligible_users,
    min(_source_row) as _source_row,
    count(*) as _weight
from {seats} where login is not null
having count(*) > 0
"""

_SEAT_REJECTS = """
create or replace temp table {rejects} as
select
    _source_row, 'assignee.login' as column_name, null::varchar as value,
    'the seat has no assignee login' as reason, 1 as _weight
from {seats} where login is null
"""

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

_NOT_LOADED_SQL = """
create or replace temp table {rejects} as
select _source_row, ? as column_name, record ->> ? as value, ? as reason, 1 as _weight
from {records}
"""


_COVERAGE = """
with windows as (
    select distinct try_cast(start_day as date) as s, try_cast(end_day as date) as e
    from {records}
),
months as (
    select s, e, unnest(generate_series(
        date_trunc('month', s), date_trunc('month', e), interval 1 month
    ))::date as month
    from windows where s <= e
)
select
    s::varchar || '..' || e::varchar,
    string_agg(
        (least(e, last_day(month)) - greatest(s, month) + 1) || ' of '
        || day(last_day(month)) || ' days of ' || strftime(month, '%Y-%m'), ', '
        order by month
    )
from months
where least(e, last_day(month)) - greatest(s, month) + 1 < day(last_day(month))
group by s, e
order by s
"""


def _coverage_notes(con: duckdb.DuckDBPyConnection, records: str) -> list[str]:
    """Which months a report window covers only in part (their counts are partial)."""
    rows = con.execute(_COVERAGE.format(records=records)).fetchall()
    return [
        f"the report window {window} covers {parts}: a month counts the active users of "
        "the days loaded only (load the adjacent reports to complete it)"
        for window, parts in rows
    ]


def _items_expr(con: duckdb.DuckDBPyConnection, docs: str) -> tuple[str, str | None]:
    """The SQL list of records of each document, and the envelope key that holds them."""
    row = con.execute(
        f"select count(*), any_value(json_type(doc)), any_value(json_keys(doc)) from {docs}"
    ).fetchone()
    assert row is not None
    count, kind, keys = int(row[0]), row[1], row[2] or []
    if count == 0:
        raise AdapterError("the file holds no JSON document")
    if count == 1 and kind == "ARRAY":
        return "from_json(doc, '[\"json\"]')", None
    if count == 1 and "download_links" in keys:
        return "[]::json[]", "download_links"
    container = next((c for c in _CONTAINERS if c in keys), None) if count == 1 else None
    if container:
        return f"from_json(coalesce(doc -> '{container}', '[]'), '[\"json\"]')", container
    return "[doc]", None  # newline-delimited records (or one record)


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
        docs, records = f"{prefix}_docs", f"{prefix}_records"
        try:
            con.execute(_DOCS.format(docs=docs), [str(path)])
            if con.execute(f"select count(*) from {docs}").fetchall() == [(0,)]:
                con.execute(_NDJSON.format(docs=docs), [str(path)])
        except duckdb.Error as exc:
            raise AdapterError(
                f"not a JSON or NDJSON Copilot report: {str(exc).splitlines()[0]}"
            ) from None
        items, container = _items_expr(con, docs)
        if container == "download_links":
            return Conversion(
                outputs=[],
                rows_read=0,
                notes=[
                    "a download-link envelope holds no data: download the report files "
                    "it links to and load those"
                ],
            )
        con.execute(_RECORDS.format(records=records, items=items, docs=docs))
        first = con.execute(
            f"select json_keys(record) from {records} order by _source_row limit 1"
        ).fetchone()
        [(rows,)] = con.execute(f"select count(*) from {records}").fetchall()
        if first is None:
            return Conversion(outputs=[], rows_read=0, notes=["the report holds no records"])
        kind = _record_kind(list(first[0]), container)
        conversion = self._convert_kind(con, kind, prefix, quote_literal(options.initiative))
        conversion.rows_read = int(rows)
        target = conversion.outputs[0].entity if conversion.outputs else None
        conversion.mappings.append(Mapping("report", kind, target, int(rows)))
        return conversion

    def _convert_kind(
        self, con: duckdb.DuckDBPyConnection, kind: str, prefix: str, initiative: str
    ) -> Conversion:
        records, table, rejects = f"{prefix}_records", f"{prefix}_out", f"{prefix}_rejects"
        if kind == "user-days":
            con.execute(_USER_DAYS.format(table=table, initiative=initiative, records=records))
            return Conversion(
                outputs=[Converted("usage_events", table)],
                rows_read=0,
                notes=_coverage_notes(con, records),
            )
        if kind == "user-totals":
            placed = f"{prefix}_placed"
            con.execute(_USER_TOTALS.format(placed=placed, records=records))
            con.execute(_TOTALS_EVENTS.format(table=table, initiative=initiative, placed=placed))
            con.execute(_TOTALS_REJECTS.format(rejects=rejects, placed=placed))
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
        con.execute(
            _NOT_LOADED_SQL.format(rejects=rejects, records=records), [column, column, reason]
        )
        return Conversion(outputs=[], rows_read=0, rejects_table=rejects)


def _seat_conversion(con: duckdb.DuckDBPyConnection, prefix: str, initiative: str) -> Conversion:
    records, seats = f"{prefix}_records", f"{prefix}_seats"
    table, rejects = f"{prefix}_out", f"{prefix}_rejects"
    con.execute(_SEATS.format(seats=seats, records=records))
    con.execute(_SEAT_ADOPTION.format(table=table, initiative=initiative, seats=seats))
    con.execute(_SEAT_REJECTS.format(rejects=rejects, seats=seats))
    row = con.execute(
        f"select strftime(any_value(month), '%Y-%m'), count(*) filter (where login is not null), "
        f"count(distinct login), any_value(total_seats) from {seats}"
    ).fetchone()
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
    return Conversion(
        outputs=[Converted("adoption", table)], rows_read=0, rejects_table=rejects, notes=notes
    )
