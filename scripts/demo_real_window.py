"""The dashboard's query string for a window that contains every month of facts in a
database: `?as_of=<last>&from=<first>&to=<last>` (used by scripts/demo-real.sh)."""

from __future__ import annotations

import sys
from pathlib import Path

from etl.storage import open_reader

MONTHS_SQL = """
with facts as (
    select month from costs
    union all select month from unallocated_costs
    union all select month from adoption
    union all select month from adoption_reports
    union all select month from usage_monthly_active
    union all select month from outcomes
    union all select date_trunc('month', measured_on)::date from model_metrics
),

stages as (
    select date_trunc('month', max(entered_on))::date as month from stage_entries
)

select
    strftime(min(month), '%Y-%m'),
    strftime(greatest(max(month), (select month from stages)), '%Y-%m')
from facts
"""
"""The first month of facts, and the last of facts or stage entries (stage entries alone
reach back decades: an inventory's use cases implemented in 1999)."""


def window_query(db: Path) -> str:
    """The query string of the window from the first to the last month of data."""
    with open_reader(db) as con:
        [(first, last)] = con.execute(MONTHS_SQL).fetchall()
    if first is None:
        return ""
    return f"?as_of={last}&from={first}&to={last}"


if __name__ == "__main__":
    print(window_query(Path(sys.argv[1])))
