"""Fixtures of the sign-in and edits tests: edits stores on SQLite and on a real PostgreSQL
server, users of every role, facts of initiatives as the server would read them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.auth.policy import Actor, Role
from dashboard.edits.decisions import InitiativeFacts
from dashboard.edits.store import EditsStore

PASSWORD = "correct horse battery"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EditsStore]:
    """An empty edits store on each engine."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'edits.sqlite'}"
    else:
        url = request.getfixturevalue("fresh_postgres_url")
    edits = EditsStore(url)
    yield edits
    edits.dispose()


OWNER = Actor("maria", Role.PROGRAM_OWNER, "Maria Okafor")
OTHER_OWNER = Actor("lukas", Role.PROGRAM_OWNER, "Lukas Nguyen")
EXECUTIVE = Actor("erin", Role.EXECUTIVE)
DATA_TEAM = Actor("dana", Role.DATA_TEAM)
ADMIN = Actor("ada", Role.ADMIN)


def facts(
    initiative_id: str = "HX-001",
    owner: str | None = " maria okafor ",
    stage: str = "Operationalization",
    blockers: tuple[str, ...] = (),
    status: str = "active",
) -> InitiativeFacts:
    """An initiative as the server reads it from a release (owner written loosely, as data
    files do: the match is trimmed and case-insensitive)."""
    return InitiativeFacts(
        initiative_id=initiative_id,
        program_owner=owner,
        status=status,
        stage=stage,
        load_id=3,
        as_of="2026-10",
        figures={
            "stage": stage,
            "adoption_rate": 0.42,
            "roi": -0.296,
            "projected_cost_at_scale": 1200.5,
            "projected_value_at_scale": 900.0,
            "gate_blockers": list(blockers),
            "ready_for_next_stage": not blockers,
        },
    )
