"""Annotations: comments on an initiative, with author and time, append-only."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from dashboard.auth.policy import Actor, Permission
from dashboard.edits import schema
from dashboard.edits.guard import clean_text, guarded_write
from dashboard.edits.store import EditsStore, now_text


def annotations_of(store: EditsStore, initiative_id: str) -> list[dict[str, Any]]:
    """The initiative's annotations, newest first."""
    a = schema.notes
    with store.read() as conn:
        rows = conn.execute(
            sa.select(a)
            .where(a.c.initiative_id == initiative_id)
            .order_by(a.c.annotation_id.desc())
        )
        return [dict(r._mapping) for r in rows]


def annotate(
    store: EditsStore,
    actor: Actor,
    initiative_id: str,
    owner: str | None,
    body: object,
    address: str | None = None,
) -> dict[str, Any]:
    """Adds a comment (the initiative's program owner or an admin); raises Denied or
    Invalid (each audited)."""

    def work(conn: sa.Connection) -> tuple[Any, Any, dict[str, Any]]:
        text = clean_text(body, "a comment")
        values = {
            "initiative_id": initiative_id,
            "body": text,
            "author": actor.name,
            "at": now_text(),
        }
        new_id = conn.execute(
            sa.insert(schema.notes).values(**values).returning(schema.notes.c.annotation_id)
        ).scalar_one()
        after = {"annotation_id": new_id, **values}
        return None, after, after

    return guarded_write(
        store,
        actor,
        "annotation.add",
        Permission.EDIT_INITIATIVE,
        owner=owner,
        initiative_id=initiative_id,
        attempt={"body": body if isinstance(body, str) else repr(body)},
        work=work,
        address=address,
    )
