"""Peak memory (RSS) of `scaleboard load` of the events CSV, against DuckDB's own ingest of
the same file, each in a fresh process."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import Any

from bench.common import print_row, record
from bench.data import Portfolio

_PEAK = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""

_RAW = (
    "import duckdb, sys; duckdb.connect(sys.argv[1]).execute("
    "'create table t as select * from read_csv(?)', [sys.argv[2]])"
)


def peak_rss_mb(command: list[str]) -> float:
    """The peak RSS of a command run as a child of a fresh process, in MB."""
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, *command], check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip()) / 1024


def run(portfolio: Portfolio, mode: str) -> dict[str, Any]:
    csv = portfolio.inputs / "usage_events.csv"
    folder = portfolio.db.parent.parent / "memory"
    folder.mkdir(exist_ok=True)
    db = folder / "events.duckdb"
    initiatives = portfolio.inputs / "initiatives.csv"
    scaleboard = [sys.executable, "-m", "scaleboard", "load", "--db", str(db)]
    subprocess.run([*scaleboard, str(initiatives)], check=True, capture_output=True)
    load_mb = peak_rss_mb([*scaleboard, str(csv)])
    raw_mb = peak_rss_mb([sys.executable, "-c", _RAW, str(folder / "raw.duckdb"), str(csv)])
    shutil.rmtree(folder)
    size_gb = csv.stat().st_size / 1e9
    figures = {
        "events_csv_gb": round(size_gb, 2),
        "load_peak_rss_mb": round(load_mb),
        "raw_ingest_peak_rss_mb": round(raw_mb),
        "load_vs_raw_rss_ratio": round(load_mb / raw_mb, 3),
    }
    print_row(
        f"peak RSS of an events load ({size_gb:.2f} GB CSV)",
        f"{load_mb:,.0f} MB",
        f"{raw_mb:,.0f} MB",
        load_mb / raw_mb,
        "< 1,500 MB",
    )
    record("memory", mode, figures)
    return figures
