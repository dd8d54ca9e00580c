"""The session key: from the environment, a 0600 file, or created once beside the database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from dashboard.auth.keys import SessionKeyError, key_path, session_key
from dashboard.auth.policy import Role
from dashboard.edits import users
from dashboard.edits.store import EditsStore
from etl.config import Settings
from tests.auth.conftest import PASSWORD


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_database_gets_a_private_key_once(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    first = session_key(db, Settings())
    assert len(first) >= 32 and mode(key_path(db)) == 0o600
    assert session_key(db, Settings()) == first  # kept, not made anew


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    loose = tmp_path / "key"
    loose.write_text("k" * 40, encoding="utf-8")
    os.chmod(loose, 0o644)
    with pytest.raises(SessionKeyError, match="chmod 600"):
        session_key(tmp_path / "p.duckdb", Settings(session_secret_file=loose))
    os.chmod(loose, 0o600)
    assert session_key(tmp_path / "p.duckdb", Settings(session_secret_file=loose)) == "k" * 40


def test_a_short_key_from_the_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SessionKeyError, match="32"):
        session_key(tmp_path / "p.duckdb", Settings(session_secret=SecretStr("short")))


def test_the_edits_store_holding_password_hashes_is_private(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    store = EditsStore.for_database(db, Settings())
    users.add(store, "ada", Role.ADMIN, PASSWORD)
    assert mode(db.with_name("p.duckdb.edits.sqlite")) == 0o600
    store.dispose()
