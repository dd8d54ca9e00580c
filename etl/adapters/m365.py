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
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.adapters.base import AdapterError, AdapterOptions, Conversion, Converted
from etl.validate import quote_literal

_CSV_DAYS = """
select
    row_number() over () as _source_row,
    coalesce(try_cast("Report Date" as date), try_cast("Report Refresh Date" as date)) as day,
    nullif(trim("Report Refresh Date"), '') as refreshed,
    "Any App Enabled Users" as enabled,
    "Any App Active Users" as active
from read_csv(?, all_varchar = true, header = true, auto_detect = true)
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


class M365Copilot:
    name = "m365-copilot"
    produces: tuple[str, ...] = ("adoption",)
    summary = "Microsoft 365 Copilot user-count reports (v1.0 CSV or beta JSON) -> adoption"
    example = "scaleboard load --format m365-copilot --initiative AI-0007 UserCountTrend.csv"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        if not options.initiative:
            raise AdapterError(
                "--format m365-copilot needs --initiative ID (the Copilot initiative)"
            )
        days = f"{prefix}_days"
        query = _JSON_DAYS if path.suffix.lower() == ".json" else _CSV_DAYS
        try:
            con.execute(f"create or replace temp table {days} as {query}", [str(path)])
        except duckdb.Error as exc:
            raise AdapterError(
                "not a Microsoft 365 Copilot user-count report (needs Any App Enabled/Active "
                f"Users): {str(exc).splitlines()[0]}"
            ) from None
        table = f"{prefix}_adoption"
        con.execute(
            _MONTHLY.format(table=table, days=days, initiative=quote_literal(options.initiative))
        )
        [(rows,)] = con.execute(f"select count(*) from {days}").fetchall()
        return Conversion(outputs=[Converted("adoption", table)], rows_read=int(rows))
