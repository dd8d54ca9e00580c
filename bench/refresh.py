"""Incremental refresh of the monthly-active mart after one more month of events, against a
full rebuild of the mart from every partition, on the same database."""

from __future__ import annotations

import contextlib
import shutil
from typing import Any

import duckdb

from bench.common import best_of, print_row, record
from bench.data import Portfolio, next_month_events
from etl.config import Settings
from etl.events import refresh_monthly_active
from etl.load import load_files
from etl.storage import configure


def run(portfolio: Portfolio, repeat: int, mode: str) -> dict[str, Any]:
    extra = next_month_events(portfolio, portfolio.inputs.parent / "usage_events-next.csv")
    result = load_files(portfolio.db, [extra], Settings())
    if result.status != "loaded":
        raise RuntimeError(f"the extra month did not load: {result.error}")
    copy = portfolio.db.with_name("refresh-bench.duckdb")
    shutil.copyfile(portfolio.db, copy)
    with contextlib.closing(configure(duckdb.connect(str(copy)))) as con:
        months = [
            r[0] for r in con.execute("select distinct month from event_partitions").fetchall()
        ]
        newest = [max(months)]
        base = portfolio.db.parent
        incremental = best_of(repeat, lambda: refresh_monthly_active(con, base, newest))
        full = best_of(repeat, lambda: refresh_monthly_active(con, base, sorted(months)))
    copy.unlink()
    figures = {
        "months_of_events": len(months),
        "incremental_refresh_s": round(incremental, 4),
        "full_rebuild_s": round(full, 4),
        "incremental_vs_full_ratio": round(incremental / full, 4),
    }
    print_row(
        "monthly-active refresh: one new month vs all",
        f"{incremental:.3f} s",
        f"{full:.3f} s",
        incremental / full,
        "<= 0.1x full",
    )
    record("refresh", mode, figures)
    return figures
