"""The benchmark portfolio: made by `scaleboard sample` inside DuckDB, loaded once per run."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.config import Settings
from etl.load import load_files
from etl.sample import write_sample


@dataclass(frozen=True)
class Scale:
    """How big a run is: initiatives come 48 per unit of `initiatives_scale`."""

    initiatives_scale: int
    events: int
    months: int


QUICK = Scale(initiatives_scale=4, events=500_000, months=24)
FULL = Scale(initiatives_scale=42, events=100_000_000, months=60)


@dataclass(frozen=True)
class Portfolio:
    inputs: Path
    db: Path
    scale: Scale
    generate_s: float
    load_s: float
    as_of: str


def build_portfolio(folder: Path, scale: Scale) -> Portfolio:
    """Writes the sample files and loads them into `folder/db/scaleboard.duckdb`."""
    inputs, db = folder / "in", folder / "db" / "scaleboard.duckdb"
    start = time.perf_counter()
    write_sample(inputs, scale=scale.initiatives_scale, months=scale.months, events=scale.events)
    generated = time.perf_counter()
    result = load_files(db, [inputs], Settings())
    if result.status != "loaded":
        raise RuntimeError(f"the benchmark portfolio did not load: {result.error}")
    loaded = time.perf_counter()
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        row = con.execute("select strftime(max(month), '%Y-%m') from costs").fetchone()
    as_of = str(row[0]) if row else ""
    return Portfolio(inputs, db, scale, generated - start, loaded - generated, as_of)


def load_month(portfolio: Portfolio, n: int) -> str:
    """Loads fx rates, adoption, cost and outcome rows of the n-th month after the portfolio's last
    (copies of its last month); returns the new as-of month."""
    folder = portfolio.inputs.parent / f"month-{n}"
    folder.mkdir(exist_ok=True)
    with contextlib.closing(duckdb.connect()) as con:
        for entity in ("fx_rates", "adoption", "costs", "outcomes"):
            con.execute(
                f"""
                copy (
                    select * replace (
                        strftime((month || '-01')::date + to_months({n}), '%Y-%m') as month)
                    from read_csv(?, all_varchar = true)
                    where month = (select max(month) from read_csv(?, all_varchar = true))
                ) to '{folder / entity}.csv' (header)
                """,
                [str(portfolio.inputs / f"{entity}.csv")] * 2,
            )
    result = load_files(portfolio.db, [folder], Settings())
    if result.status != "loaded":
        raise RuntimeError(f"the month did not load: {result.error}")
    with contextlib.closing(duckdb.connect()) as con:
        row = con.execute(
            "select strftime(?::date + to_months(?), '%Y-%m')", [portfolio.as_of + "-01", n]
        ).fetchone()
    return str(row[0]) if row else ""


def next_month_events(portfolio: Portfolio, target: Path) -> Path:
    """One more month of events: the last month's events, a month later."""
    with contextlib.closing(duckdb.connect()) as con:
        con.execute(
            f"""
            copy (
                with events as (
                    select * from read_csv(?, all_varchar = true)
                ), last_month as (
                    select max(date_trunc('month', event_time::timestamptz)) as m from events
                )
                select initiative_id, user_id,
                       strftime(event_time::timestamptz + interval 1 month,
                                '%Y-%m-%dT%H:%M:%SZ') as event_time, action
                from events, last_month
                where date_trunc('month', event_time::timestamptz) = last_month.m
            ) to '{target}' (header)
            """,
            [str(portfolio.inputs / "usage_events.csv")],
        )
    return target
