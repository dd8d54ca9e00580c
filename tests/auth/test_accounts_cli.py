"""`scaleboard users list|set-role|reset-password|demo` as an admin runs them: exit codes,
what they print, and what each change does to signing in, tried on the app (sign-in on)
through Flask's test client."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from dash import Dash
from flask.testing import FlaskClient

from dashboard.app import create_app
from etl.config import Settings
from tests.auth.http_tools import audit_entries, initiatives_db
from tests.conftest import run_cli

PASSWORD = "a long enough password"
NEW_PASSWORD = "another long enough one"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = initiatives_db(tmp_path_factory.mktemp("accounts"))
    return path


@pytest.fixture(scope="module")
def app(db: Path) -> Dash:
    """Failures are not throttled here: the tests try passwords that must be refused."""
    return create_app(db, Settings(sign_in=True, login_max_failures=1000))


def add(db: Path, name: str, role: str, *extra: str) -> None:
    account = ("users", "add", name, "--role", role, "--password-stdin")
    result = run_cli(*account, "--db", db, *extra, input=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr


def sign_in(app: Dash, name: str, password: str) -> FlaskClient | None:
    """A client signed in as `name`, or None when the sign-in is refused."""
    client: FlaskClient = app.server.test_client()
    response = client.post("/login", data={"username": name, "password": password})
    if response.status_code != 303:
        assert response.status_code == 401, response.status_code
        return None
    return client


def signed_in_role(app: Dash, db: Path, name: str, password: str) -> str | None:
    """The role the account signs in with (from the audit of that sign-in), else None."""
    if sign_in(app, name, password) is None:
        return None
    entry = audit_entries(db)[-1]
    assert (entry["action"], entry["user"], entry["outcome"]) == ("sign_in", name, "ok")
    return str(entry["role"])


def session_holds(client: FlaskClient) -> bool:
    return client.get("/_dash-layout").status_code == 200


def refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    """An error a user fixes: exit 2, one line saying what, no traceback."""
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_users_list_names_each_account_its_role_and_state(tmp_path: Path) -> None:
    """An admin checks who may sign in: one line per account, by name, in text and JSON,
    and nothing of a password."""
    db = tmp_path / "portfolio.duckdb"
    add(db, "maria", "program_owner", "--owner-name", "Maria Okafor")
    add(db, "Erin", "executive")
    assert run_cli("users", "disable", "erin", "--db", db).returncode == 0
    listed = run_cli("users", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "Erin\texecutive\towner name: Erin\tdisabled",
        "maria\tprogram_owner\towner name: Maria Okafor\tenabled",
    ]
    as_json = run_cli("users", "list", "--json", "--db", db)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == {
        "users": [
            {"name": "Erin", "role": "executive", "owner_name": "Erin", "disabled": True},
            {
                "name": "maria",
                "role": "program_owner",
                "owner_name": "Maria Okafor",
                "disabled": False,
            },
        ]
    }
    for shown in (listed.stdout, as_json.stdout):
        assert PASSWORD not in shown and "argon2" not in shown


def test_set_role_changes_the_role_and_ends_the_sessions(app: Dash, db: Path) -> None:
    """A role taken away must not linger in a browser still signed in: set-role ends the
    account's sessions, and the next sign-in carries the new role."""
    add(db, "lukas", "executive")
    before = sign_in(app, "lukas", PASSWORD)
    assert before is not None and session_holds(before)
    args = ("set-role", "LUKAS", "--role", "Program_Owner", "--owner-name", "Lukas N")
    changed = run_cli("users", *args, "--db", db)  # the name and role as loosely typed
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == "lukas is now program_owner\n"
    assert not session_holds(before)
    assert signed_in_role(app, db, "lukas", PASSWORD) == "program_owner"
    listed = json.loads(run_cli("users", "list", "--json", "--db", db).stdout)["users"]
    assert {"name": "lukas", "role": "program_owner", "owner_name": "Lukas N"} in [
        {k: u[k] for k in ("name", "role", "owner_name")} for u in listed
    ]
    refused(
        run_cli("users", "set-role", "lukas", "--role", "superuser", "--db", db),
        "unknown role 'superuser'; use one of executive, program_owner, data_team, admin",
    )
    refused(
        run_cli("users", "set-role", "nobody", "--role", "admin", "--db", db), "no user 'nobody'"
    )


def test_reset_password_replaces_the_password_and_ends_the_sessions(app: Dash, db: Path) -> None:
    """A reset is what an admin does for a leaked password: the old one and every session
    made with it stop working at once."""
    add(db, "dana", "data_team")
    before = sign_in(app, "dana", PASSWORD)
    assert before is not None
    reset = run_cli(
        "users", "reset-password", "dana", "--password-stdin", "--db", db, input=NEW_PASSWORD
    )
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout == "new password for dana\n"  # the password typed is not echoed
    assert not session_holds(before)
    assert sign_in(app, "dana", PASSWORD) is None
    assert signed_in_role(app, db, "dana", NEW_PASSWORD) == "data_team"

    generated = run_cli("users", "reset-password", "dana", "--db", db)
    assert generated.returncode == 0, generated.stderr
    found = re.fullmatch(r"new password for dana: (\S+) \(shown once\)\n", generated.stdout)
    assert found, generated.stdout
    assert len(found.group(1)) >= 12
    assert sign_in(app, "dana", NEW_PASSWORD) is None
    assert signed_in_role(app, db, "dana", found.group(1)) == "data_team"

    for args, stdin, message in (
        (("dana", "--password-stdin"), "too short\n", "at least 12 characters"),
        (("dana", "--password-stdin"), "", "--password-stdin read no password"),
        (("nobody", "--password-stdin"), NEW_PASSWORD, "no user 'nobody'"),
    ):
        refused(run_cli("users", "reset-password", *args, "--db", db, input=stdin), message)
    assert sign_in(app, "dana", found.group(1)) is not None  # the refusals changed nothing


def demo_passwords(db: Path) -> dict[str, tuple[str, str]]:
    """`users demo`: name -> (role, password), from the lines it prints."""
    result = run_cli("users", "demo", "--db", db)
    assert result.returncode == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header == "Demo accounts (new passwords on every run):"
    accounts = {}
    for line in lines:
        name, role, password = line.split()
        accounts[name] = (role, password)
    return accounts


def test_demo_makes_one_account_per_role_with_new_passwords_each_run(app: Dash, db: Path) -> None:
    """`make run` prints these once: each signs in with its role, and a second run (the
    next `make run`) replaces every password and enables a demo account again."""
    first = demo_passwords(db)
    assert {name: role for name, (role, _) in first.items()} == {
        "exec": "executive",
        "owner": "program_owner",
        "data": "data_team",
        "admin": "admin",
    }
    for name, (role, password) in first.items():
        assert signed_in_role(app, db, name, password) == role
    assert run_cli("users", "disable", "owner", "--db", db).returncode == 0
    second = demo_passwords(db)
    assert second.keys() == first.keys()
    for name, (role, password) in second.items():
        assert password != first[name][1]
        assert sign_in(app, name, first[name][1]) is None
        assert signed_in_role(app, db, name, password) == role
