"""The ranked backlog's edits: the priority score's weights (admins), an owner's rank for
one of their initiatives with a reason (its program owner or an admin), and funding
scenarios saved by name (program owners and admins). Each write goes through the guard:
authorized inside the write, audited with before and after, one version per thing."""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa

from dashboard.auth.policy import Actor, Permission
from dashboard.edits import schema
from dashboard.edits.guard import Invalid, claim, clean_text, guarded_write, version_of
from dashboard.edits.store import EditsStore, now_text
from dashboard.priority import DEFAULT_WEIGHTS, PARTS, Override, Weights

WEIGHTS_SUBJECT = "priority:weights"
WEIGHT_MAX = 100.0
NAME_MAX = 120


def override_subject(initiative_id: str) -> str:
    return f"priority:rank:{initiative_id}"


def scenario_subject(name: str) -> str:
    return f"scenario:{name_key(name)}"


def name_key(name: str) -> str:
    return name.strip().casefold()


def weights_of(store: EditsStore) -> tuple[Weights, int]:
    """The weights in force (the defaults until an admin sets them) and their version."""
    w = schema.priority_weights
    with store.read() as conn:
        row = conn.execute(sa.select(w.c.weights).where(w.c.subject == WEIGHTS_SUBJECT)).first()
        version = version_of(conn, WEIGHTS_SUBJECT)
    return (Weights.from_mapping(row.weights) if row else DEFAULT_WEIGHTS), version


def parse_weights(entered: dict[str, object]) -> Weights:
    """Weights as entered: a number from 0 to WEIGHT_MAX per part, not all 0."""
    unknown = set(entered) - set(PARTS)
    if unknown:
        raise Invalid(f"unknown weights: {', '.join(sorted(unknown))}; use {', '.join(PARTS)}")
    values: dict[str, float] = {}
    for part in PARTS:
        raw = entered.get(part)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise Invalid(f"the {part} weight is required")
        try:
            number = float(str(raw).strip()) if not isinstance(raw, bool) else math.nan
        except ValueError:
            raise Invalid(f"the {part} weight must be a number; {raw!r} is not one") from None
        if not math.isfinite(number) or not 0 <= number <= WEIGHT_MAX:
            raise Invalid(f"the {part} weight must be from 0 to {WEIGHT_MAX:g}; {raw!r} is not")
        values[part] = number
    if not any(values.values()):
        raise Invalid("at least one weight must be above 0")
    return Weights(**values)


def set_weights(
    store: EditsStore,
    actor: Actor,
    entered: dict[str, object],
    seen_version: int,
    address: str | None = None,
) -> Weights:
    """Replaces the weights made on `seen_version` (admins only); raises Denied, Invalid or
    Conflict, each audited."""

    def work(conn: sa.Connection) -> tuple[Any, Any, Weights]:
        weights = parse_weights(entered)
        w = schema.priority_weights
        row = conn.execute(sa.select(w.c.weights).where(w.c.subject == WEIGHTS_SUBJECT)).first()
        before = row.weights if row else DEFAULT_WEIGHTS.public()
        claim(conn, WEIGHTS_SUBJECT, seen_version)
        conn.execute(sa.delete(w).where(w.c.subject == WEIGHTS_SUBJECT))
        stamp = {"updated_by": actor.name, "updated_at": now_text()}
        conn.execute(
            sa.insert(w).values(subject=WEIGHTS_SUBJECT, weights=weights.public(), **stamp)
        )
        return before, weights.public(), weights

    return guarded_write(
        store,
        actor,
        "priority_weights.set",
        Permission.EDIT_PORTFOLIO,
        owner=None,
        initiative_id=None,
        attempt={k: str(v) for k, v in entered.items()},
        work=work,
        current=lambda: weights_of(store)[0].public(),
        address=address,
    )


def _override(row: Any) -> Override:
    return Override(row.initiative_id, int(row.rank), row.reason, row.set_by, row.set_at)


def overrides_of(store: EditsStore) -> dict[str, Override]:
    r = schema.rank_overrides
    with store.read() as conn:
        return {row.initiative_id: _override(row) for row in conn.execute(sa.select(r))}


def override_and_version(store: EditsStore, initiative_id: str) -> tuple[Override | None, int]:
    """The initiative's rank override (None without one) and its version, read together:
    the version a form opened on."""
    r = schema.rank_overrides
    with store.read() as conn:
        row = conn.execute(sa.select(r).where(r.c.initiative_id == initiative_id)).first()
        return (_override(row) if row else None), version_of(conn, override_subject(initiative_id))


def parse_rank(value: object) -> int | None:
    """A rank as entered: a whole number from 1 (blank: no override)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rank = int(str(value).strip()) if not isinstance(value, bool) else 0
    except ValueError:
        raise Invalid(f"the rank must be a whole number; {value!r} is not one") from None
    if rank < 1:
        raise Invalid(f"the rank must be 1 or more; {rank} is not")
    return rank


def set_override(
    store: EditsStore,
    actor: Actor,
    initiative_id: str,
    owner: str | None,
    rank: object,
    reason: object,
    seen_version: int,
    address: str | None = None,
) -> Override | None:
    """Sets (a rank) or clears (blank) the initiative's rank override, made on
    `seen_version`; a rank needs a reason. Its program owner or an admin; raises Denied,
    Invalid or Conflict, each audited."""
    subject = override_subject(initiative_id)

    def work(conn: sa.Connection) -> tuple[Any, Any, Override | None]:
        wanted = parse_rank(rank)
        why = clean_text(reason, "the reason for the rank", required=wanted is not None)
        r = schema.rank_overrides
        row = conn.execute(sa.select(r).where(r.c.initiative_id == initiative_id)).first()
        before = {"rank": row.rank, "reason": row.reason} if row else None
        claim(conn, subject, seen_version)
        conn.execute(sa.delete(r).where(r.c.initiative_id == initiative_id))
        if wanted is None:
            return before, None, None
        saved = Override(initiative_id, wanted, why or "", actor.name, now_text())
        conn.execute(
            sa.insert(r).values(
                initiative_id=initiative_id,
                rank=saved.rank,
                reason=saved.reason,
                set_by=saved.set_by,
                set_at=saved.set_at,
            )
        )
        return before, {"rank": saved.rank, "reason": saved.reason}, saved

    def current() -> Any:
        found = overrides_of(store).get(initiative_id)
        return {"rank": found.rank, "reason": found.reason} if found else None

    return guarded_write(
        store,
        actor,
        "rank_override.set",
        Permission.EDIT_INITIATIVE,
        owner=owner,
        initiative_id=initiative_id,
        attempt={"rank": str(rank), "reason": reason if isinstance(reason, str) else repr(reason)},
        work=work,
        current=current,
        address=address,
    )


def scenarios_of(store: EditsStore) -> list[dict[str, Any]]:
    """The saved scenarios, by name."""
    s = schema.scenarios
    with store.read() as conn:
        rows = conn.execute(sa.select(s).order_by(s.c.name_key))
        return [dict(r._mapping) for r in rows]


def save_scenario(
    store: EditsStore,
    actor: Actor,
    name: object,
    spec: dict[str, Any],
    address: str | None = None,
) -> dict[str, Any]:
    """Saves (or replaces) a scenario under `name` (program owners and admins); `spec` is
    checked by the caller (`dashboard.scenarios.parse_spec`). Raises Denied or Invalid."""

    def work(conn: sa.Connection) -> tuple[Any, Any, dict[str, Any]]:
        text = clean_text(name, "the scenario's name") or ""
        if len(text) > NAME_MAX:
            raise Invalid(f"the scenario's name is at most {NAME_MAX} characters")
        s = schema.scenarios
        key = name_key(text)
        row = conn.execute(sa.select(s).where(s.c.name_key == key)).first()
        before = {"name": row.name, "spec": row.spec} if row else None
        conn.execute(sa.delete(s).where(s.c.name_key == key))
        saved = {
            "name_key": key,
            "name": text,
            "spec": spec,
            "saved_by": actor.name,
            "saved_at": now_text(),
        }
        conn.execute(sa.insert(s).values(**saved))
        return before, {"name": text, "spec": spec}, saved

    return guarded_write(
        store,
        actor,
        "scenario.save",
        Permission.SAVE_SCENARIO,
        owner=None,
        initiative_id=None,
        attempt={"name": name if isinstance(name, str) else repr(name), "spec": spec},
        work=work,
        address=address,
    )
