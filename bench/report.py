"""Writes the benchmark table of docs/performance.md from bench/results.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import RESULTS

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

ROWS: list[tuple[str, str, str, str, str, str]] = [
    # (section, figure, value key, reference key, ratio key, target)
    (
        "etl",
        "events load, rows/s",
        "load_rows_per_s",
        "raw_ingest_rows_per_s",
        "load_vs_raw_ratio",
        ">= 0.6x DuckDB's raw read_csv ingest",
    ),
    (
        "refresh",
        "monthly-active refresh, one new month (s)",
        "incremental_refresh_s",
        "full_rebuild_s",
        "incremental_vs_full_ratio",
        "<= 0.1x a full rebuild",
    ),
    (
        "metrics_cli",
        "`metrics --json` wall time (s)",
        "metrics_wall_s",
        "metrics_empty_db_wall_s",
        "metrics_vs_empty_ratio",
        "<= 1 s",
    ),
    (
        "memory",
        "peak RSS of an events load (MB)",
        "load_peak_rss_mb",
        "raw_ingest_peak_rss_mb",
        "load_vs_raw_rss_ratio",
        "< 1,500 MB",
    ),
    (
        "dashboard",
        "callback p95 over HTTP, 8 clients (ms)",
        "p95_ms",
        "floor_p95_ms",
        "p95_vs_floor_ratio",
        "p95 <= 100 ms",
    ),
    (
        "dashboard_uncached",
        "uncached callback p95, one client (ms)",
        "p95_ms",
        "cached_p95_ms",
        "p95_vs_cached_ratio",
        "p95 <= 200 ms",
    ),
    (
        "dashboard_uncached",
        "uncached callback p95, 8 clients (ms)",
        "clients_p95_ms",
        "cached_clients_p95_ms",
        "clients_p95_vs_cached_ratio",
        "none yet",
    ),
    (
        "dashboard_uncached",
        "uncached callback throughput, 8 clients (req/s)",
        "clients_rps",
        "cached_clients_rps",
        "clients_rps_vs_cached_ratio",
        "none yet",
    ),
    (
        "dashboard",
        "server peak RSS while serving (MB)",
        "server_rss_mb",
        "floor_rss_mb",
        "server_rss_ratio",
        "< 1,000 MB",
    ),
    (
        "spark",
        "events to user-months on Spark local[2] (s)",
        "spark_local2_s",
        "duckdb_s",
        "spark_vs_duckdb_ratio",
        "none: the reading in docs/scale-out.md",
    ),
    (
        "browser",
        "slowest first page render (s)",
        "slowest_render_s",
        "blank_page_s",
        "render_vs_blank_ratio",
        "<= 2 s",
    ),
]


def _cell(figures: dict[str, Any], key: str) -> str:
    value = figures.get(key)
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0").rstrip(".")


def _results() -> dict[str, Any]:
    return dict(json.loads(RESULTS.read_text())) if RESULTS.exists() else {}


def table(mode: str) -> str:
    results = _results().get(mode, {})
    lines = [
        "| figure | Scaleboard | reference | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for section, name, value, reference, ratio, target in ROWS:
        figures = results.get(section, {})
        if figures:
            lines.append(
                f"| {name} | {_cell(figures, value)} | {_cell(figures, reference)} | "
                f"{_cell(figures, ratio)} | {target} |"
            )
    return "\n".join(lines)


def _heading(mode: str) -> str:
    if mode != "real":
        return f"**{mode} mode**"
    figures = _results().get("real", {}).get("dashboard_uncached", {})
    return (
        f"**real mode** (`--db`: an existing database, {figures.get('initiatives', 0):,} "
        f"initiatives over {figures.get('months', 0)} months)"
    )


def write_doc() -> None:
    """Replaces the generated part of docs/performance.md (between the markers); the real
    mode (`--db`) only once it has been run."""
    text = DOC.read_text(encoding="utf-8")
    modes = ["full", "quick", *(["real"] if "real" in _results() else [])]
    generated = "\n\n".join(f"{_heading(mode)}\n\n{table(mode)}" for mode in modes)
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    DOC.write_text(f"{before}{START}\n{generated}\n{END}{after}", encoding="utf-8")
