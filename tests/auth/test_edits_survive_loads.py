"""An ETL load or rollback never changes or loses an edit: the edits store is apart from
the releases the loads replace."""

from __future__ import annotations

from pathlib import Path

from dashboard.edits import comments, decisions
from dashboard.edits.store import EditsStore
from etl.config import Settings
from tests.auth.conftest import OWNER, facts
from tests.conftest import run_cli
from tests.helpers import INITIATIVES, write_initiatives


def test_loads_and_rollbacks_leave_the_edits_alone(tmp_path: Path) -> None:
    db = tmp_path / "portfolio.duckdb"
    first = write_initiatives(tmp_path / "one")
    assert run_cli("load", "--db", db, first).returncode == 0
    store = EditsStore.for_database(db, Settings())
    decisions.decide(store, OWNER, facts(initiative_id="a"), "hold", "Before the reload")
    comments.annotate(store, OWNER, "a", "Maria Okafor", "A note")
    kept = (decisions.decision_log(store, "a"), comments.annotations_of(store, "a"))
    renamed = [("a", "Invoice matching v2", *INITIATIVES[0][2:]), *INITIATIVES[1:]]
    second = write_initiatives(tmp_path / "two", renamed)
    assert run_cli("load", "--db", db, second).returncode == 0
    assert (decisions.decision_log(store, "a"), comments.annotations_of(store, "a")) == kept
    assert run_cli("rollback", "--db", db).returncode == 0
    assert run_cli("rollback", "--db", db).returncode in (0, 2)
    assert (decisions.decision_log(store, "a"), comments.annotations_of(store, "a")) == kept
    store.dispose()
