"""An ETL load or rollback never changes or loses an edit: the edits store is apart from
the releases the loads replace, whether it is the SQLite file beside the database or a
PostgreSQL server the loads are pointed at too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from dashboard.edits import comments, decisions, priorities, targets
from dashboard.edits.store import EditsStore
from etl.config import Settings
from tests.auth.conftest import OWNER, facts
from tests.conftest import run_cli
from tests.helpers import INITIATIVES, write_initiatives


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """What the `scaleboard` commands are run with: nothing (the SQLite store beside the
    database), or SCALEBOARD_EDITS_URL naming a fresh PostgreSQL database, as a deployment
    with several app servers sets it for every command."""
    if request.param == "sqlite":
        yield {}
    else:
        yield {"SCALEBOARD_EDITS_URL": request.getfixturevalue("fresh_postgres_url")}


def every_edit(store: EditsStore) -> tuple[Any, ...]:
    return (
        decisions.decision_log(store, "a"),
        comments.annotations_of(store, "a"),
        targets.targets_of(store, "a"),
        priorities.overrides_of(store),
    )


def test_loads_and_rollbacks_leave_the_edits_alone(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "portfolio.duckdb"
    first = write_initiatives(tmp_path / "one")
    assert run_cli("load", "--db", db, first, env=env).returncode == 0
    url = env.get("SCALEBOARD_EDITS_URL")
    store = EditsStore.for_database(db, Settings(edits_url=SecretStr(url) if url else None))
    assert store.is_sqlite == (url is None)
    decisions.decide(store, OWNER, facts(initiative_id="a"), "hold", "Before the reload")
    comments.annotate(store, OWNER, "a", "Maria Okafor", "A note")
    targets.set_targets(store, OWNER, "a", "Maria Okafor", {"roi": "0.3"}, 0)
    priorities.set_override(store, OWNER, "a", "Maria Okafor", "1", "Board priority", 0)
    kept = every_edit(store)
    renamed = [("a", "Invoice matching v2", *INITIATIVES[0][2:]), *INITIATIVES[1:]]
    second = write_initiatives(tmp_path / "two", renamed)
    assert run_cli("load", "--db", db, second, env=env).returncode == 0
    assert every_edit(store) == kept
    assert run_cli("rollback", "--db", db, env=env).returncode == 0
    assert run_cli("rollback", "--db", db, env=env).returncode in (0, 2)
    assert every_edit(store) == kept
    store.dispose()
