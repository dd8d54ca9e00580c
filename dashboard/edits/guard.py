"""The one shape of every edit: authorize on the server, validate, compare-and-set, write,
audit, all in one transaction; a refusal, a conflict or invalid input is audited too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from dashboard.auth.policy import Actor, Denied, Permission
from dashboard.edits import audit, schema
from dashboard.edits.store import EditsStore

TEXT_MAX = 5000
T = TypeVar("T")


class Invalid(ValueError):
    """Input a write cannot take as given; the message says what to change."""


class Conflict(Exception):
    """Someone else changed the same thing since the writer last saw it."""

    def __init__(self, message: str, current: Any = None) -> None:
        super().__init__(message)
        self.current = current


def clean_text(value: object, what: str, required: bool = True) -> str | None:
    """User text as stored: trimmed, at most TEXT_MAX characters, no control characters but
    line breaks and tabs (PostgreSQL cannot store NUL). Stored as given otherwise: it is
    rendered as text everywhere, never as markup."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"{what} is required")
        return None
    if not isinstance(value, str):
        raise Invalid(f"{what} must be text")
    text = value.strip().replace("\r\n", "\n")
    if len(text) > TEXT_MAX:
        raise Invalid(f"{what} is {len(text):,} characters long; at most {TEXT_MAX:,} are kept")
    bad = next((c for c in text if not c.isprintable() and c not in "\n\t"), None)
    if bad is not None:
        raise Invalid(f"{what} contains the control character U+{ord(bad):04X}; remove it")
    return text


def bounded(value: Any) -> Any:
    """An attempt as the audit keeps it: text cut to TEXT_MAX characters, NUL replaced (an
    oversized or binary attempt is recorded, never stored whole)."""
    if isinstance(value, str):
        cut = value if len(value) <= TEXT_MAX else value[:TEXT_MAX] + " [cut]"
        return cut.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {str(k): bounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [bounded(v) for v in value]
    return value if value is None or isinstance(value, int | float | bool) else repr(value)


def claim(conn: sa.Connection, subject: str, seen: int) -> int:
    """Moves `subject`'s version from `seen` to the next one, or raises Conflict when it is
    no longer at `seen`. Returns the new version."""
    h = schema.heads
    current = conn.execute(
        sa.select(h.c.version).where(h.c.subject == subject).with_for_update()
    ).scalar()
    current = int(current or 0)
    if current != seen:
        raise Conflict(f"changed by someone else since you opened it (version {current})")
    if current == 0:
        conn.execute(sa.insert(h).values(subject=subject, version=1))
    else:
        done = conn.execute(
            sa.update(h)
            .where(h.c.subject == subject, h.c.version == current)
            .values(version=current + 1)
        )
        if done.rowcount != 1:
            raise Conflict("changed by someone else at the same moment")
    return current + 1


def version_of(conn: sa.Connection, subject: str) -> int:
    h = schema.heads
    return int(conn.execute(sa.select(h.c.version).where(h.c.subject == subject)).scalar() or 0)


def authorize(
    store: EditsStore,
    actor: Actor,
    action: str,
    permission: Permission,
    owner: str | None,
    where: dict[str, Any],
    attempt: dict[str, Any] | None = None,
) -> None:
    """Raises Denied, audited, unless `actor` may do `permission` on a thing owned by
    `owner`; `where` names it (`initiative_id`, `address`)."""
    try:
        actor.require(permission, owner)
    except Denied as exc:
        audit.record_alone(
            store, actor, action, "denied", after=bounded(attempt), detail=str(exc), **where
        )
        raise


def guarded_write(
    store: EditsStore,
    actor: Actor,
    action: str,
    permission: Permission,
    *,
    owner: str | None,
    initiative_id: str | None,
    attempt: dict[str, Any],
    work: Callable[[sa.Connection], tuple[Any, Any, T]],
    current: Callable[[], Any] = lambda: None,
    address: str | None = None,
) -> T:
    """`work(conn) -> (before, after, result)` inside a write transaction, after the policy
    allowed `actor` to do `permission` (on an initiative owned by `owner`); the entry with
    before and after commits with it. A refusal, invalid input or a conflict (then with
    `current()`, the other's change) is audited in its own transaction and raised."""
    where: dict[str, Any] = {"initiative_id": initiative_id, "address": address}
    attempt = bounded(attempt)
    authorize(store, actor, action, permission, owner, where, attempt)
    try:
        with store.write() as conn:
            before, after, result = work(conn)
            audit.record(conn, actor, action, before=before, after=after, **where)
        return result
    except Invalid as exc:
        audit.record_alone(store, actor, action, "invalid", after=attempt, detail=str(exc), **where)
        raise
    except (Conflict, sa.exc.IntegrityError) as exc:
        other = current()
        message = str(exc) if isinstance(exc, Conflict) else "changed by someone else at once"
        audit.record_alone(
            store, actor, action, "conflict", before=other, after=attempt, detail=message, **where
        )
        raise Conflict(message, other) from exc
