"""The audit trail of the edits store: every write, sign-in and refused attempt.

`record` is called inside the write's own transaction, so a write and its entry commit
together or not at all. A refusal is recorded in a transaction of its own (nothing else is
written then).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dashboard.auth.policy import Actor
from dashboard.edits import schema
from dashboard.edits.store import EditsStore, now_text

OUTCOMES = ("ok", "denied", "conflict", "invalid", "failed")


def record(
    conn: sa.Connection,
    actor: Actor | str,
    action: str,
    outcome: str = "ok",
    *,
    initiative_id: str | None = None,
    before: Any = None,
    after: Any = None,
    detail: str | None = None,
    address: str | None = None,
) -> None:
    """Appends one entry (`actor` is an Actor, or a name for who is not signed in yet)."""
    assert outcome in OUTCOMES, outcome
    name, role = (actor.name, actor.role) if isinstance(actor, Actor) else (actor, None)
    conn.execute(
        sa.insert(schema.audit).values(
            at=now_text(),
            user=name[:200],
            role=str(role) if role else None,
            action=action,
            outcome=outcome,
            initiative_id=initiative_id,
            before=before,
            after=after,
            detail=detail,
            address=address,
        )
    )


def record_alone(
    store: EditsStore, actor: Actor | str, action: str, outcome: str, **kw: Any
) -> None:
    """`record` in a transaction of its own (a refusal, a failed sign-in)."""
    with store.write() as conn:
        record(conn, actor, action, outcome, **kw)


def entries(
    store: EditsStore,
    initiative_id: str | None = None,
    since: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Entries oldest first (`since`: an ISO date or time, inclusive)."""
    a = schema.audit
    query = sa.select(a).order_by(a.c.entry_id)
    if initiative_id is not None:
        query = query.where(a.c.initiative_id == initiative_id)
    if since:
        query = query.where(a.c.at >= since)
    if limit is not None:
        query = query.order_by(None).order_by(a.c.entry_id.desc()).limit(limit)
    with store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    return sorted(rows, key=lambda r: r["entry_id"])
