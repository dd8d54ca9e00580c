"""Local accounts: names, roles, argon2 password hashes, and sign-in checks.

Passwords are hashed with argon2id (`argon2-cffi`'s defaults, RFC 9106's low-memory
profile); a hash made with older parameters is replaced at the next successful sign-in.
Every change is audited with the admin (or the command line) that made it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.auth.policy import Actor, Role, owner_key
from dashboard.edits import audit, schema
from dashboard.edits.store import EditsError, EditsStore, now_text

HASHER = PasswordHasher()
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))
"""Verified against when the name is unknown, so an unknown name costs as long as a wrong
password (no timing hint of which names exist)."""
MIN_PASSWORD = 12
NAME_MAX = 200
CLI = "command line"


class UserError(EditsError):
    """A user command that cannot be done as asked; the message says how to fix it."""


@dataclass(frozen=True)
class User:
    user_id: int
    name: str
    role: Role
    owner_name: str | None
    disabled: bool
    session_epoch: int

    @property
    def actor(self) -> Actor:
        return Actor(name=self.name, role=self.role, owner_name=self.owner_name or self.name)

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": str(self.role),
            "owner_name": self.owner_name or self.name,
            "disabled": self.disabled,
        }


def name_key(name: str) -> str:
    return owner_key(name)


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > NAME_MAX or not cleaned.isprintable():
        raise UserError(f"a user name is 1 to {NAME_MAX} printable characters; {name!r} is not one")
    return cleaned


def role_of(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise UserError(f"unknown role {text!r}; use one of {known}") from None


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def new_password() -> str:
    """A random password (about 96 bits), for an account created without one."""
    return secrets.token_urlsafe(12)


def _user(row: Any) -> User:
    return User(
        user_id=row.user_id,
        name=row.name,
        role=Role(row.role),
        owner_name=row.owner_name,
        disabled=bool(row.disabled),
        session_epoch=int(row.session_epoch),
    )


def get(conn: sa.Connection, name: str) -> User | None:
    row = conn.execute(sa.select(schema.users).where(schema.users.c.name_key == name_key(name)))
    found = row.first()
    return _user(found) if found else None


def by_id(store: EditsStore, user_id: int) -> User | None:
    with store.read() as conn:
        found = conn.execute(
            sa.select(schema.users).where(schema.users.c.user_id == user_id)
        ).first()
    return _user(found) if found else None


def get_by_name(store: EditsStore, name: str) -> User | None:
    with store.read() as conn:
        return get(conn, name)


def list_users(store: EditsStore) -> list[User]:
    with store.read() as conn:
        rows = conn.execute(sa.select(schema.users).order_by(schema.users.c.name_key))
        return [_user(r) for r in rows]


def _require(conn: sa.Connection, name: str) -> User:
    user = get(conn, name)
    if user is None:
        raise UserError(f"no user {name!r}; see `scaleboard users list`")
    return user


def add(
    store: EditsStore,
    name: str,
    role: Role,
    password: str,
    owner_name: str | None = None,
    by: Actor | str = CLI,
) -> User:
    name = _clean_name(name)
    owner = owner_name.strip() if owner_name and owner_name.strip() else None
    check_password(password)
    at = now_text()
    with store.write() as conn:
        if get(conn, name) is not None:
            raise UserError(f"a user {name!r} exists already; use set-role or reset-password")
        conn.execute(
            sa.insert(schema.users).values(
                name=name,
                name_key=name_key(name),
                role=str(role),
                owner_name=owner,
                password_hash=HASHER.hash(password),
                disabled=False,
                session_epoch=0,
                created_at=at,
                updated_at=at,
            )
        )
        user = _require(conn, name)
        audit.record(conn, by, "user.add", after=user.public())
    return user


def _update(
    store: EditsStore,
    name: str,
    action: str,
    by: Actor | str,
    end_sessions: bool = False,
    **values: Any,
) -> User:
    """Changes one account and audits it; `end_sessions` signs it out everywhere."""
    with store.write() as conn:
        before = _require(conn, name)
        if end_sessions:
            values["session_epoch"] = before.session_epoch + 1
        conn.execute(
            sa.update(schema.users)
            .where(schema.users.c.user_id == before.user_id)
            .values(updated_at=now_text(), **values)
        )
        after = _require(conn, name)
        audit.record(conn, by, action, before=before.public(), after=after.public())
    return after


def set_role(
    store: EditsStore,
    name: str,
    role: Role,
    owner_name: str | None = None,
    by: Actor | str = CLI,
) -> User:
    values: dict[str, Any] = {"role": str(role)}
    if owner_name is not None:
        values["owner_name"] = owner_name.strip() or None
    return _update(store, name, "user.set_role", by, end_sessions=True, **values)


def disable(store: EditsStore, name: str, by: Actor | str = CLI) -> User:
    return _update(store, name, "user.disable", by, end_sessions=True, disabled=True)


def enable(store: EditsStore, name: str, by: Actor | str = CLI) -> User:
    return _update(store, name, "user.enable", by, disabled=False)


def reset_password(store: EditsStore, name: str, password: str, by: Actor | str = CLI) -> User:
    check_password(password)
    return _update(
        store,
        name,
        "user.reset_password",
        by,
        end_sessions=True,
        password_hash=HASHER.hash(password),
    )


def verify(store: EditsStore, name: str, password: str) -> User | None:
    """The user when `name` and `password` match an enabled account, else None. Takes as
    long for an unknown name as for a wrong password."""
    with store.read() as conn:
        found = conn.execute(
            sa.select(schema.users).where(schema.users.c.name_key == name_key(name))
        ).first()
    stored = found.password_hash if found else None
    try:
        HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if found is None or stored is None or found.disabled:
        return None
    if HASHER.check_needs_rehash(stored):
        with store.write() as conn:
            conn.execute(
                sa.update(schema.users)
                .where(schema.users.c.user_id == found.user_id)
                .values(password_hash=HASHER.hash(password))
            )
            audit.record(conn, found.name, "user.rehash_password", detail="argon2 parameters")
    return _user(found)
