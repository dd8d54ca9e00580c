"""Targets the portfolio and each initiative are held to: adoption rate, cost per insight
and ROI (METRICS.md names), shown on the KPI cards and tiles as "against target"."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from dashboard.auth.policy import Actor, Permission
from dashboard.edits import schema
from dashboard.edits.guard import Invalid, claim, guarded_write, version_of
from dashboard.edits.store import EditsStore, now_text

METRICS = ("adoption_rate", "cost_per_insight", "roi")
BOUNDS = {
    "adoption_rate": (Decimal(0), Decimal(1)),
    "cost_per_insight": (Decimal(0), None),
    "roi": (Decimal(-1), None),
}
"""Each target's accepted range (a share, an amount, a ratio; ROI cannot fall below -100%)."""


@dataclass(frozen=True)
class Targets:
    initiative_id: str | None
    values: dict[str, Decimal | None]
    version: int
    updated_by: str | None = None
    updated_at: str | None = None

    def public(self) -> dict[str, Any]:
        return {k: (str(v) if v is not None else None) for k, v in self.values.items()}


def subject(initiative_id: str | None) -> str:
    return f"targets:{'portfolio' if initiative_id is None else 'initiative:' + initiative_id}"


def parse(metric: str, value: object) -> Decimal | None:
    """A target as entered (a number or its text; blank clears it), in range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise Invalid(f"the {metric} target must be a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid(f"the {metric} target must be a number; {value!r} is not one") from None
    if not number.is_finite():
        raise Invalid(f"the {metric} target must be a finite number")
    low, high = BOUNDS[metric]
    if number < low or (high is not None and number > high):
        span = f"{low} to {high}" if high is not None else f"at least {low}"
        raise Invalid(f"the {metric} target must be {span}; {number} is not")
    return number.normalize() if number != 0 else Decimal(0)


def _read(conn: sa.Connection, initiative_id: str | None) -> Targets:
    t = schema.targets
    row = conn.execute(sa.select(t).where(t.c.subject == subject(initiative_id))).first()
    values = {m: (Decimal(getattr(row, m)) if row and getattr(row, m) else None) for m in METRICS}
    return Targets(
        initiative_id,
        values,
        version_of(conn, subject(initiative_id)),
        row.updated_by if row else None,
        row.updated_at if row else None,
    )


def targets_of(store: EditsStore, initiative_id: str | None = None) -> Targets:
    """The targets of an initiative (None: of the portfolio), with their version."""
    with store.read() as conn:
        return _read(conn, initiative_id)


def all_initiative_targets(store: EditsStore) -> dict[str, dict[str, Decimal | None]]:
    t = schema.targets
    with store.read() as conn:
        rows = conn.execute(sa.select(t).where(t.c.initiative_id.is_not(None)))
        return {
            r.initiative_id: {m: Decimal(getattr(r, m)) if getattr(r, m) else None for m in METRICS}
            for r in rows
        }


def set_targets(
    store: EditsStore,
    actor: Actor,
    initiative_id: str | None,
    owner: str | None,
    entered: dict[str, object],
    seen_version: int,
    address: str | None = None,
) -> Targets:
    """Replaces the targets made on `seen_version` (the portfolio's: admins only; an
    initiative's: its program owner or an admin); raises Denied, Invalid or Conflict."""
    unknown = set(entered) - set(METRICS)
    attempt = {k: (str(v) if v is not None else None) for k, v in entered.items()}
    permission = Permission.EDIT_PORTFOLIO if initiative_id is None else Permission.EDIT_INITIATIVE

    def work(conn: sa.Connection) -> tuple[Any, Any, Targets]:
        if unknown:
            raise Invalid(f"unknown targets: {', '.join(sorted(unknown))}")
        values = {m: parse(m, entered.get(m)) for m in METRICS}
        before = _read(conn, initiative_id)
        claim(conn, subject(initiative_id), seen_version)
        t = schema.targets
        row = {m: (str(v) if v is not None else None) for m, v in values.items()}
        stamp = {"updated_by": actor.name, "updated_at": now_text()}
        conn.execute(sa.delete(t).where(t.c.subject == subject(initiative_id)))
        conn.execute(
            sa.insert(t).values(
                subject=subject(initiative_id), initiative_id=initiative_id, **row, **stamp
            )
        )
        after = _read(conn, initiative_id)
        return before.public(), after.public(), after

    return guarded_write(
        store,
        actor,
        "targets.set" if initiative_id else "portfolio_targets.set",
        permission,
        owner=owner,
        initiative_id=initiative_id,
        attempt=attempt,
        work=work,
        current=lambda: targets_of(store, initiative_id).public(),
        address=address,
    )
