"""How rows are split into files, ordered on the command line and spread over `load` commands
changes nothing: the metrics equal those of one file per entity in one command."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.config import Settings
from etl.load import load_files
from tests.conftest import write_csv
from tests.helpers import ADOPTION, COSTS, EVENTS, INITIATIVES_HEADER, metrics_of

HEADERS: dict[str, tuple[str, ...]] = {
    "initiatives": (*INITIATIVES_HEADER, "status"),
    "stage_history": ("initiative_id", "stage", "entered_on"),
    "costs": (*COSTS, "source"),
    "outcomes": ("initiative_id", "month", "value", "insights", "kind"),
    "adoption": ADOPTION,
    "usage_events": EVENTS,
}
EXP, OPS, STD = "Experimentation", "Operationalization", "Standardization"
# Each entity's rows in groups that must stay in one file: a stage_history file is
# authoritative for the initiatives it names, so one initiative's history is one group.
ROWS: dict[str, list[list[tuple[Any, ...]]]] = {
    "initiatives": [
        [("a", "Invoices", "Finance", OPS, "2025-01-10", "Ann", 1000, "active")],
        [("b", "Triage", "Legal", EXP, "2025-06-01", "", 50, "active")],
        [("c", "Forecast", "Supply", STD, "2024-11-01", "Cy", 800, "paused")],
        [("d", "Chatbot", "Support", EXP, "2025-09-15", "Di", 200, "retired")],
    ],
    "stage_history": [
        [("a", EXP, "2024-06-01")],
        [("c", EXP, "2024-01-01"), ("c", OPS, "2024-05-01")],
        [("d", OPS, "2025-09-15"), ("d", EXP, "2025-02-01")],
    ],
    "costs": [
        [row]
        for row in [
            ("a", "2025-04", "compute", "1200.50", "manual"),
            ("a", "2025-04", "compute", "300", "focus"),
            ("a", "2025-10", "people", "5000", "manual"),
            ("a", "2026-03", "licensing", "750.125", "manual"),
            ("b", "2025-07", "data", "420", "manual"),
            ("b", "2026-02", "compute", "99.99", "manual"),
            ("c", "2025-05", "integration", "2500", "manual"),
            ("c", "2026-01", "governance", "640", "manual"),
            ("d", "2025-11", "other", "80", "manual"),
            ("d", "2025-03", "compute", "10000", "manual"),
        ]
    ],
    "outcomes": [
        [row]
        for row in [
            ("a", "2025-06", "40000", "300", "total"),
            ("a", "2025-06", "-1500", "0", "refunds"),
            ("a", "2026-03", "65000.5", "900", "total"),
            ("b", "2025-09", "800", "12", "total"),
            ("c", "2025-12", "12000", "40", "total"),
            ("d", "2026-01", "300", "2", "total"),
        ]
    ],
    "adoption": [
        [row]
        for row in [
            ("a", "2026-03", "300", "1000"),
            ("a", "2026-02", "280", "1000"),
            ("b", "2026-03", "20", "50"),
            ("b", "2025-12", "15", "50"),
            ("c", "2026-03", "100", "800"),
            ("d", "2026-01", "5", "200"),
        ]
    ],
    "usage_events": [
        [row]
        for row in [
            ("a", "u1", "2026-03-01T09:00:00", "open"),
            ("a", "u2", "2026-03-02 10:00:00+02:00", "open"),
            ("a", "u1", "2026-03-05T09:00:00", "ask"),
            ("a", "u3", "2026-02-28T23:30:00-02:00", "open"),  # March in UTC
            ("b", "u1", "2026-03-10T12:00:00", ""),
            ("b", "u4", "2026-02-01T00:00:00Z", "open"),
            ("c", "u5", "2026-01-15T08:00:00", "open"),
            ("c", "u6", "2026-01-16T08:00:00", "open"),
        ]
    ],
}


@dataclass(frozen=True)
class Plan:
    files: list[tuple[str, list[tuple[Any, ...]]]]  # (entity, rows), in command-line order
    command_of: list[int]  # the command each file comes in (initiatives: always the first)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    files: list[tuple[str, list[tuple[Any, ...]]]] = []
    for entity, groups in ROWS.items():
        parts = draw(st.integers(1, min(5, len(groups))), label=f"{entity} files")
        where = draw(
            st.lists(st.integers(0, parts - 1), min_size=len(groups), max_size=len(groups))
        )
        for part in range(parts):
            rows = [
                row for group, p in zip(groups, where, strict=True) if p == part for row in group
            ]
            if rows:
                files.append((entity, rows))
    files = draw(st.permutations(files))
    commands = draw(st.integers(1, 3), label="commands")
    command_of = [
        0 if entity == "initiatives" else draw(st.integers(0, commands - 1)) for entity, _ in files
    ]
    return Plan(files, command_of)


def _write(folder: Path, files: list[tuple[str, list[tuple[Any, ...]]]]) -> list[Path]:
    return [
        write_csv(folder / f"{entity}-{n}.csv", HEADERS[entity], rows)
        for n, (entity, rows) in enumerate(files)
    ]


def _figures(db: Path) -> list[Any]:
    """The metrics at the latest month and at two earlier ones (stage history matters)."""
    return [metrics_of(db), metrics_of(db, as_of="2025-06"), metrics_of(db, as_of="2024-03")]


@pytest.fixture(scope="module")
def one_file_per_entity(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    root = tmp_path_factory.mktemp("split-baseline")
    whole = [
        (entity, [row for group in groups for row in group]) for entity, groups in ROWS.items()
    ]
    result = load_files(root / "db.duckdb", _write(root / "in", whole), Settings())
    assert (result.status, result.rows_loaded) == ("loaded", 39), result.error
    figures = _figures(root / "db.duckdb")
    assert figures[0]["total_cost"] > 0 and figures[0]["adoption_rate"] is not None
    return figures


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(plan=plans())
def test_any_split_order_and_commands_give_the_same_metrics(
    one_file_per_entity: list[Any], plan: Plan
) -> None:
    with tempfile.TemporaryDirectory(prefix="scaleboard-split-") as folder:
        db = Path(folder) / "db.duckdb"
        paths = _write(Path(folder) / "in", plan.files)
        for command in sorted(set(plan.command_of)):
            chosen = [p for p, c in zip(paths, plan.command_of, strict=True) if c == command]
            result = load_files(db, chosen, Settings())
            assert result.status == "loaded", result.error
            assert result.rows_rejected == 0
        assert _figures(db) == one_file_per_entity
