"""Fixtures shared by every test: a contract-file writer, the `scaleboard` command and a
throwaway PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.postgres"]

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("SCALEBOARD_SIGN_IN", "off")
"""The page and metric tests read as the acceptance checks do (sign-in off, loopback);
the sign-in tests (tests/auth) turn it on for the servers they start."""
SAMPLE = ROOT / "data" / "sample"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Writes a contract CSV file (None -> blank cell)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
    return path


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs `scaleboard ARGS` in a real subprocess (`input` on its standard input)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "scaleboard", *map(str, args)],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def empty_database(db: Path) -> Path:
    """A database with no initiatives and no facts: a load of a header-only file."""
    header = db.parent / "empty-in" / "initiatives.csv"
    write_csv(header, ("initiative_id", "name", "business_unit", "stage", "stage_entered_on"), [])
    result = run_cli("load", "--db", db, header)
    assert result.returncode == 0, result.stderr
    return db


def metrics_json(db: Path, *args: str) -> dict[str, Any]:
    result = run_cli("metrics", "--db", db, "--json", *args)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_cli
