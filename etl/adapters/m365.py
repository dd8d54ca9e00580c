"""`--format m365-copilot`: Microsoft 365 Copilot usage reports -> adoption rows.

Reads the user-count reports in both shapes Microsoft Graph returns: the v1.0 CSV stream
(`Any App Enabled Users`, `Any App Active Users`, with `Report Date` in the trend report)
and the beta JSON (`value[].adoptionByProduct[]` / `value[].adoptionByDate[]`, camelCase).
Enabled users are the eligible users, active users the active ones ("Any App").

One adoption row per month for the initiative given by `--initiative`: from a summary, the
report with the latest refresh date in the month (its period, D7/D28/D30, is the activity
window the report counts); from a daily trend, the highest daily active count of the month
(a lower bound of the month's distinct users, which the report does not give) and the
enabled users of the month's last report date.

The per-user report (UsageUserDetail: v1.0 CSV with `User Principal Name`, `Last Activity
Date`; beta JSON `value[].userPrincipalName`, `lastActivityDate`) lists every licensed user,
so each record counts once in the adoption row of its Report Refresh Date's month: eligible =
its distinct users, active = those whose Last Activity Date falls in that month (up to the
refresh date). Those active users also become usage events on their Last Activity Date (the
record already counts in the adoption row, so an event weighs nothing). An earlier date only
says the user was not active since: it makes no event, since an event in an older month
would stand alone for that month's active users. An empty date (never used) is an eligible,
inactive user.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.adapters.base import AdapterError, AdapterOptions, Conversion, Converted, Mapping
from etl.readers import csv_header, strict_csv_scan
from etl.validate import quote_literal

_CSV_DAYS = """
select
    row_number() over () as _source_row,
    coalesce({report_date}, try_cast("Report Refresh Date" as date)) as day,
    nullif(trim("Report Refresh Date"), '') as refreshed,
    "Any App Enabled Users" as enabled,
    "Any App Active Users" as active
from {scan}
"""

_JSON_DAYS = """
with doc as (select content::json as j from read_text(?)),
reports as (select unnest(from_json(j -> 'value', '["json"]')) as report from doc),
entries as (
    select
        report ->> 'reportRefreshDate' as refreshed,
        unnest(from_json(
            coalesce(report -> 'adoptionByDate', report -> 'adoptionByProduct'), '["json"]'
        )) as entry
    from reports
)
select
    row_number() over () as _source_row,
    coalesce(try_cast(entry ->> 'reportDate' as date), try_cast(refreshed as date)) as day,
    refreshed,
    entry ->> 'anyAppEnabledUsers' as enabled,
    entry ->> 'anyAppActiveUsers' as active
from entries
"""

_MONTHLY = """
create or replace temp table {table} as
select
    {initiative} as _raw_initiative_id,
    strftime(date_trunc('month', day), '%Y-%m') as _raw_month,
    max(active)::varchar as _raw_active_users,
    arg_max(enabled, day)::varchar as _raw_eligible_users,
    min(_source_row) as _source_row,
    count(*) as _weight
from (
    select * replace (try_cast(active as bigint) as active, try_cast(enabled as bigint) as enabled)
    from {days}
)
group by date_trunc('month', day), day is null
"""


_CSV_USERS = """
select
    row_number() over () as _source_row,
    "User Principal Name" as user_id,
    "Report Refresh Date" as refreshed,
    "Last Activity Date" as last_activity
from {scan}
"""

_JSON_USERS = """
with doc as (select content::json as j from read_text(?)),
users as (select unnest(from_json(j -> 'value', '["json"]')) as u from doc)
select
    row_number() over () as _source_row,
    u ->> 'userPrincipalName' as user_id,
    u ->> 'reportRefreshDate' as refreshed,
    u ->> 'lastActivityDate' as last_activity
from users
"""

_USERS = """
create or replace temp table {users} as
with read as ({query}),
typed as (
    select
        _source_row,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(refreshed), '') as refreshed,
        nullif(trim(last_activity), '') as last_activity,
        try_cast(nullif(trim(refreshed), '') as date) as refreshed_on,
        try_cast(nullif(trim(last_activity), '') as date) as last_on
    from read
)
select
    *,
    date_trunc('month', refreshed_on)::date as month,
    date_trunc('month', last_on) = date_trunc('month', refreshed_on) as is_active,
    case
        when user_id is null then ['User Principal Name', null, 'User Principal Name is blank']
        when refreshed_on is null then ['Report Refresh Date', refreshed,
            'Report Refresh Date ' || coalesce(refreshed, '(blank)') || ' is not a date']
        when last_activity is not null and last_on is null then ['Last Activity Date',
            last_activity, 'Last Activity Date ' || last_activity || ' is not a date']
    end as problem
from typed
"""

_USER_REJECTS = """
create or replace temp table {table} as
select _source_row, problem[1] as column_name, problem[2] as value, problem[3] as reason,
    1 as _weight
from {users} where problem is not null
"""

_USER_ADOPTION = """
create or replace temp table {table} as
select
    {initiative} as _raw_initiative_id,
    strftime(month, '%Y-%m') as _raw_month,
    (count(distinct user_id) filter (where is_active))::varchar as _raw_active_users,
    count(distinct user_id)::varchar as _raw_eligible_users,
    min(_source_row) as _source_row,
    count(*) as _weight
from {users} where problem is null
group by month
"""

_USER_EVENTS = """
create or replace temp table {table} as
select
    {initiative} as _raw_initiative_id,
    user_id as _raw_user_id,
    strftime(last_on, '%Y-%m-%d') as _raw_event_time,
    'copilot (any app, last activity)' as _raw_action,
    _source_row,
    0 as _weight
from {users} where problem is null and is_active
"""


def _csv_columns(path: Path) -> set[str]:
    return {name.strip().lower() for name in csv_header(path)}


def _is_user_detail(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether the file is the per-user report (it names users) rather than a count report."""
    if path.suffix.lower() == ".json":
        row = con.execute(
            "select coalesce(json_exists(content, '$.value[0].userPrincipalName'), false) "
            "from read_text(?)",
            [str(path)],
        ).fetchone()
        return bool(row and row[0])
    return "user principal name" in _csv_columns(path)


def _days_query(path: Path) -> str:
    """The count report's rows; a summary (no Report Date) is dated by its refresh date."""
    if path.suffix.lower() == ".json":
        return _JSON_DAYS
    dated = "report date" in _csv_columns(path)
    return _CSV_DAYS.format(
        scan=strict_csv_scan(csv_header(path)),
        report_date='try_cast("Report Date" as date)' if dated else "null::date",
    )


class M365Copilot:
    name = "m365-copilot"
    produces: tuple[str, ...] = ("adoption", "usage_events")
    summary = (
        "Microsoft 365 Copilot user-count and user-detail reports (v1.0 CSV or beta JSON) "
        "-> adoption and usage events"
    )
    example = "scaleboard load --format m365-copilot --initiative AI-0007 UserCountTrend.csv"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        if not options.initiative:
            raise AdapterError(
                "--format m365-copilot needs --initiative ID (the Copilot initiative)"
            )
        initiative = quote_literal(options.initiative)
        try:
            if _is_user_detail(con, path):
                return _user_detail(con, path, prefix, initiative)
            days = f"{prefix}_days"
            query = _days_query(path)
            con.execute(f"create or replace temp table {days} as {query}", [str(path)])
        except duckdb.Error as exc:
            raise AdapterError(
                "not a Microsoft 365 Copilot user-count report (needs Any App Enabled/Active "
                "Users) or user-detail report (needs User Principal Name, Last Activity "
                f"Date): {str(exc).splitlines()[0]}"
            ) from None
        table = f"{prefix}_adoption"
        con.execute(_MONTHLY.format(table=table, days=days, initiative=initiative))
        [(rows,)] = con.execute(f"select count(*) from {days}").fetchall()
        return Conversion(outputs=[Converted("adoption", table)], rows_read=int(rows))


def _user_detail(
    con: duckdb.DuckDBPyConnection, path: Path, prefix: str, initiative: str
) -> Conversion:
    """Adoption per refresh month and events of the users active in it (module docstring)."""
    users = f"{prefix}_users"
    if path.suffix.lower() == ".json":
        query = _JSON_USERS
    else:
        query = _CSV_USERS.format(scan=strict_csv_scan(csv_header(path)))
    con.execute(f"create or replace temp table {users}_read as {query}", [str(path)])
    con.execute(_USERS.format(users=users, query=f"select * from {users}_read"))
    adoption, events, rejects = f"{prefix}_adoption", f"{prefix}_events", f"{prefix}_rejects"
    con.execute(_USER_ADOPTION.format(table=adoption, users=users, initiative=initiative))
    con.execute(_USER_EVENTS.format(table=events, users=users, initiative=initiative))
    con.execute(_USER_REJECTS.format(table=rejects, users=users))
    stats = con.execute(
        f"""
        select count(*), count(*) filter (where problem is null and is_active),
            count(*) filter (where problem is null and last_on is null),
            strftime(max(refreshed_on), '%Y-%m-%d')
        from {users}
        """
    ).fetchone()
    assert stats is not None
    rows, active, never, refreshed = (int(stats[0]), int(stats[1]), int(stats[2]), stats[3])
    return Conversion(
        outputs=[Converted("adoption", adoption), Converted("usage_events", events)],
        rows_read=rows,
        rejects_table=rejects,
        mappings=[
            Mapping("Last Activity Date", "in the refresh month", "active (event)", active),
            Mapping("Last Activity Date", "blank (never used)", "eligible, inactive", never),
        ],
        notes=[
            f"user detail refreshed {refreshed}: its month counts activity up to that date "
            "only (a later report of the same month completes it)"
        ]
        if refreshed
        else [],
    )
