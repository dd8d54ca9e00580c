"""`python -m bench [SECTION ...] [--quick] [--db PATH]`: run the benchmarks, record
bench/results.json and the table in docs/performance.md.

Every figure is printed next to a reference measured in the same run, as a ratio. `--quick`
runs at a small scale (for CI) and fails when a ratio is more than 2x worse than the
committed quick-mode ratio in bench/results.json. `--db PATH` runs `dashboard-uncached`
alone on an existing database (e.g. the one `make demo-real` builds) instead of the
generated portfolio, and records it as mode `real`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench import browser, cli_metrics, dashboard, etl, memory, refresh, spark, uncached
from bench.common import work_folder
from bench.data import FULL, QUICK, Portfolio, build_portfolio, load_month
from bench.regression import committed, regressions
from bench.report import write_doc

SECTIONS = (
    "etl",
    "metrics",
    "refresh",
    "memory",
    "dashboard",
    "dashboard-uncached",
    "browser",
    "under-load",
    "spark",
)
QUICK_DEFAULT = tuple(s for s in SECTIONS if s != "spark")
"""`--quick` alone leaves Spark out (a JVM's start is most of a small run, and CI runs the
quick suite); `python -m bench spark --quick` runs it at a small scale."""
SPARK_SIZES = {"quick": [200_000], "full": [10_000_000, 100_000_000]}
HEADER = f"{'figure':<44} {'scaleboard':>16} {'reference':>16} {'ratio':>8}"
ON_ANY_DB = {"dashboard-uncached"}
"""The sections `--db` can run."""


def _on_portfolio(portfolio: Portfolio, chosen: set[str], quick: bool, mode: str) -> None:
    if "metrics" in chosen:
        cli_metrics.run(portfolio, repeat=5, mode=mode)
    if "dashboard" in chosen:
        dashboard.run(portfolio.db, requests_per_client=10 if quick else 25, mode=mode)
    if "dashboard-uncached" in chosen:
        uncached.run(portfolio.db, requests_per_callback=10 if quick else 25, mode=mode)
    if "browser" in chosen:
        browser.run(portfolio.db, "AI-0002", repeat=3, mode=mode)
    if "under-load" in chosen:
        initial = portfolio.as_of
        dashboard.under_load(portfolio.db, initial, lambda n: load_month(portfolio, n + 1), 3, mode)
    if "refresh" in chosen:
        refresh.run(portfolio, repeat=3, mode=mode)
    if "memory" in chosen:
        memory.run(portfolio, mode=mode)


def _on_database(parser: argparse.ArgumentParser, db: Path, chosen: set[str], quick: bool) -> None:
    """The sections that can run on any database, on `db`, recorded as mode `real`."""
    if chosen - ON_ANY_DB:
        parser.error(f"--db runs only {', '.join(sorted(ON_ANY_DB))}")
    if not db.is_file():
        parser.error(f"--db {db}: no such database file")
    print(HEADER)
    uncached.run(db, requests_per_callback=10 if quick else 25, mode="real")
    write_doc()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--quick", action="store_true", help="small scale, for CI")
    parser.add_argument(
        "--db", type=Path, help="an existing database: run dashboard-uncached on it (mode real)"
    )
    args = parser.parse_args()
    default = ON_ANY_DB if args.db else (QUICK_DEFAULT if args.quick else SECTIONS)
    chosen = set(args.sections or default)
    if chosen - set(SECTIONS):
        parser.error(f"unknown section(s): {', '.join(sorted(chosen - set(SECTIONS)))}")
    if args.db:
        _on_database(parser, args.db, chosen, args.quick)
        return
    mode, scale = ("quick", QUICK) if args.quick else ("full", FULL)
    before = committed(mode)
    print(HEADER)
    if "etl" in chosen:
        etl.run(events=200_000 if args.quick else 10_000_000, repeat=3, mode=mode)
    if "spark" in chosen:
        spark.run(SPARK_SIZES[mode], repeat=3 if args.quick else 1, mode=mode)
    if chosen - {"etl", "spark"}:
        with work_folder("portfolio") as folder:
            portfolio = build_portfolio(folder, scale)
            print(
                f"(portfolio: {scale.events:,} events generated in {portfolio.generate_s:.0f} s, "
                f"loaded in {portfolio.load_s:.0f} s)"
            )
            _on_portfolio(portfolio, chosen, args.quick, mode)
    write_doc()
    worse = regressions(before, committed(mode))
    for line in worse:
        print(f"REGRESSION {line}")
    if args.quick and worse:
        sys.exit(1)


if __name__ == "__main__":
    main()
