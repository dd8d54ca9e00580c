"""`scaleboard users ...` and `scaleboard audit`: accounts and the audit trail of the edits
store beside a database (or at SCALEBOARD_EDITS_URL)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

users_app = typer.Typer(help="Accounts that sign in to the dashboard, and their roles.")

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file whose edits store holds the accounts."),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
DEMO_USERS = (
    ("exec", "executive", None),
    ("owner", "program_owner", "Maria Okafor"),
    ("data", "data_team", None),
    ("admin", "admin", None),
)
"""The demo accounts `make run` creates: one per role. The owner owns some sample
initiatives."""


def _store(db: Path | None) -> Any:
    from dashboard.edits.store import EditsStore
    from etl.config import get_settings

    settings = get_settings()
    return EditsStore.for_database(db or settings.db, settings)


def _existing(db: Path | None) -> Path:
    """The database a read of its accounts or trail is about: a mistyped path must not read
    as an empty list. Accounts may come before any load, so a store of edits beside the
    path (or a PostgreSQL one) is enough."""
    from dashboard.edits.store import edits_path
    from etl.config import get_settings

    settings = get_settings()
    path = db or settings.db
    if not (path.exists() or edits_path(path).exists() or settings.edits_url):
        raise _fail(f"no database at {path}: create it with `scaleboard load --db {path} FILES`")
    return path


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _password(from_stdin: bool) -> tuple[str, bool]:
    """(password, generated): from standard input, else a new random one."""
    from dashboard.edits.users import new_password

    if not from_stdin:
        return new_password(), True
    text = sys.stdin.readline().rstrip("\r\n")
    if not text:
        raise _fail("--password-stdin read no password; pipe one line with the password")
    return text, False


def _run(action: Any) -> Any:
    from dashboard.edits.store import EditsError

    try:
        return action()
    except EditsError as exc:
        raise _fail(str(exc)) from None


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The name to sign in with.")],
    role: Annotated[
        str, typer.Option("--role", help="executive, program_owner, data_team or admin.")
    ],
    owner_name: Annotated[
        str | None,
        typer.Option(
            "--owner-name",
            help="program_owner: the initiatives' program_owner this user is (default NAME).",
        ),
    ] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Add an account (a random password is printed once unless --password-stdin)."""
    from dashboard.edits import users

    parsed = _run(lambda: users.role_of(role))
    password, generated = _password(password_stdin)
    user = _run(lambda: users.add(_store(db), name, parsed, password, owner_name))
    shown = f"; password (shown once): {password}" if generated else ""
    typer.echo(f"added {user.name} ({user.role}){shown}")


@users_app.command("list")
def list_(db: DbOption = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The accounts, their roles and whether they are enabled."""
    import json

    from dashboard.edits import users

    path = _existing(db)
    found = [u.public() for u in _run(lambda: users.list_users(_store(path)))]
    if as_json:
        typer.echo(json.dumps({"users": found}))
        return
    for u in found:
        state = "disabled" if u["disabled"] else "enabled"
        typer.echo(f"{u['name']}\t{u['role']}\towner name: {u['owner_name']}\t{state}")


@users_app.command("set-role")
def set_role(
    name: str,
    role: Annotated[str, typer.Option("--role")],
    owner_name: Annotated[str | None, typer.Option("--owner-name")] = None,
    db: DbOption = None,
) -> None:
    """Change an account's role (it is signed out everywhere)."""
    from dashboard.edits import users

    parsed = _run(lambda: users.role_of(role))
    user = _run(lambda: users.set_role(_store(db), name, parsed, owner_name))
    typer.echo(f"{user.name} is now {user.role}")


@users_app.command("disable")
def disable(name: str, db: DbOption = None) -> None:
    """Disable an account (its sessions end at once)."""
    from dashboard.edits import users

    user = _run(lambda: users.disable(_store(db), name))
    typer.echo(f"{user.name} is disabled")


@users_app.command("enable")
def enable(name: str, db: DbOption = None) -> None:
    """Enable a disabled account again."""
    from dashboard.edits import users

    user = _run(lambda: users.enable(_store(db), name))
    typer.echo(f"{user.name} is enabled")


@users_app.command("reset-password")
def reset_password(name: str, password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    """Set a new password (a random one is printed once unless --password-stdin)."""
    from dashboard.edits import users

    password, generated = _password(password_stdin)
    user = _run(lambda: users.reset_password(_store(db), name, password))
    shown = f": {password} (shown once)" if generated else ""
    typer.echo(f"new password for {user.name}{shown}")


@users_app.command("demo")
def demo(db: DbOption = None) -> None:
    """One account per role with fresh random passwords, printed once (for `make run`)."""
    from dashboard.auth.policy import Role
    from dashboard.edits import users

    store = _store(db)
    existing = {u.name for u in _run(lambda: users.list_users(store))}
    typer.echo("Demo accounts (new passwords on every run):")
    for name, role, owner in DEMO_USERS:
        password = users.new_password()
        if name in existing:
            _run(lambda n=name, r=role, o=owner: users.set_role(store, n, Role(r), o))
            _run(lambda n=name, p=password: users.reset_password(store, n, p))
            _run(lambda n=name: users.enable(store, n))
        else:
            _run(lambda n=name, r=role, o=owner, p=password: users.add(store, n, Role(r), p, o))
        typer.echo(f"  {name:6} {role:14} {password}")


def audit(
    db: DbOption = None,
    initiative: Annotated[
        str | None, typer.Option("--initiative", help="Only this initiative.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date, YYYY-MM-DD.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The audit trail of edits, sign-ins and refused attempts (loads: `scaleboard loads`)."""
    import datetime as dt
    import json

    from dashboard.edits import audit as trail

    path = _existing(db)
    if since is not None:
        try:
            since = dt.date.fromisoformat(since).isoformat()
        except ValueError:
            raise _fail(f"--since {since!r} is not a date; use YYYY-MM-DD") from None
    entries = _run(lambda: trail.entries(_store(path), initiative, since))
    if as_json:
        typer.echo(json.dumps({"entries": entries}, default=str))
        return
    for e in entries:
        about = f" {e['initiative_id']}" if e["initiative_id"] else ""
        detail = f": {e['detail']}" if e["detail"] else ""
        typer.echo(f"{e['at']}  {e['user']}  {e['action']}{about}  {e['outcome']}{detail}")
