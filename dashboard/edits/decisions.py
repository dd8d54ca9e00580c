"""Stage-gate decisions: advance, hold or stop an initiative, with a rationale and the
evidence the owner decided on.

A decision never rewrites the ETL's stage history: the stage changes when the data says
so. Until then an advance is *pending* (`is_pending`). Advancing past open gate blockers
takes an override reason, kept with the decision for good.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from dashboard.auth.policy import Actor, Permission
from dashboard.edits import schema
from dashboard.edits.guard import Invalid, claim, clean_text, guarded_write, version_of
from dashboard.edits.store import EditsStore, now_text
from etl.contracts.entities import Stage

DECISIONS = ("advance", "hold", "stop")
STAGE_ORDER = list(Stage)
EVIDENCE_FIELDS = (
    "stage",
    "adoption_rate",
    "roi",
    "projected_cost_at_scale",
    "projected_value_at_scale",
    "gate_blockers",
    "ready_for_next_stage",
)
"""The figures of an initiative a decision keeps as its evidence (METRICS.md names)."""


@dataclass(frozen=True)
class InitiativeFacts:
    """What the server knows of an initiative when someone decides on it: read from the
    current release, never from the request."""

    initiative_id: str
    program_owner: str | None
    status: str | None
    stage: str | None
    load_id: int
    as_of: str | None
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def gate_blockers(self) -> list[str]:
        return list(self.figures.get("gate_blockers") or [])

    @property
    def next_stage(self) -> str | None:
        if self.stage not in STAGE_ORDER:
            return None
        at = STAGE_ORDER.index(Stage(self.stage))
        return STAGE_ORDER[at + 1].value if at + 1 < len(STAGE_ORDER) else None

    def evidence(self) -> dict[str, Any]:
        return {
            "load_id": self.load_id,
            "as_of": self.as_of,
            **{name: self.figures.get(name) for name in EVIDENCE_FIELDS},
        }


def subject(initiative_id: str) -> str:
    return f"decisions:{initiative_id}"


def _as_dict(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def decision_log(store: EditsStore, initiative_id: str) -> list[dict[str, Any]]:
    """The initiative's decisions, newest first."""
    d = schema.decisions
    with store.read() as conn:
        rows = conn.execute(
            sa.select(d).where(d.c.initiative_id == initiative_id).order_by(d.c.decision_id.desc())
        )
        return [_as_dict(r) for r in rows]


def latest_decisions(store: EditsStore) -> dict[str, dict[str, Any]]:
    """Every initiative's latest decision, by initiative id."""
    d = schema.decisions
    newest = sa.select(sa.func.max(d.c.decision_id)).group_by(d.c.initiative_id).scalar_subquery()
    with store.read() as conn:
        rows = conn.execute(sa.select(d).where(d.c.decision_id.in_(newest)))
        return {r.initiative_id: _as_dict(r) for r in rows}


def decisions_version(store: EditsStore, initiative_id: str) -> int:
    """The version a new decision on the initiative must name (see `decide`)."""
    with store.read() as conn:
        return version_of(conn, subject(initiative_id))


def is_pending(decision: dict[str, Any] | None, current_stage: str | None) -> bool:
    """An advance the data does not show yet: the initiative is still where it was."""
    return bool(
        decision
        and decision["decision"] == "advance"
        and decision.get("stage_at_decision") == current_stage
    )


def _validated(
    facts: InitiativeFacts, decision: str, rationale: object, override: object
) -> tuple[str, str | None]:
    if decision not in DECISIONS:
        raise Invalid(f"a decision is one of {', '.join(DECISIONS)}; not {decision!r}")
    why = clean_text(rationale, "a rationale")
    reason = clean_text(override, "an override reason", required=False)
    if decision == "advance":
        if facts.status != "active" or facts.next_stage is None:
            where = facts.stage or "no stage yet"
            raise Invalid(f"{facts.initiative_id} cannot advance: it is {facts.status}, at {where}")
        if facts.gate_blockers and not reason:
            blockers = ", ".join(facts.gate_blockers)
            raise Invalid(
                f"advancing past open gate blockers ({blockers}) needs an override reason"
            )
    assert why is not None
    overriding = decision == "advance" and bool(facts.gate_blockers)
    return why, reason if overriding else None


def decide(
    store: EditsStore,
    actor: Actor,
    facts: InitiativeFacts,
    decision: str,
    rationale: object,
    override_reason: object = None,
    seen_version: int = 0,
    address: str | None = None,
) -> dict[str, Any]:
    """Records a decision made on `seen_version` of the initiative's decisions, returning
    it; raises Denied, Invalid or Conflict (each audited)."""
    attempt = {"decision": decision, "rationale": rationale, "override_reason": override_reason}

    def work(conn: sa.Connection) -> tuple[Any, Any, dict[str, Any]]:
        why, reason = _validated(facts, decision, rationale, override_reason)
        claim(conn, subject(facts.initiative_id), seen_version)
        before = _latest(conn, facts.initiative_id)
        values = {
            "initiative_id": facts.initiative_id,
            "decision": decision,
            "rationale": why,
            "override_reason": reason,
            "stage_at_decision": facts.stage,
            "evidence": facts.evidence(),
            "decided_by": actor.name,
            "decided_at": now_text(),
        }
        new_id = conn.execute(
            sa.insert(schema.decisions).values(**values).returning(schema.decisions.c.decision_id)
        ).scalar_one()
        after = {"decision_id": new_id, **values}
        return before, after, after

    def current() -> Any:
        log = decision_log(store, facts.initiative_id)
        return log[0] if log else None

    return guarded_write(
        store,
        actor,
        "decision.record",
        Permission.EDIT_INITIATIVE,
        owner=facts.program_owner,
        initiative_id=facts.initiative_id,
        attempt=attempt,
        work=work,
        current=current,
        address=address,
    )


def _latest(conn: sa.Connection, initiative_id: str) -> dict[str, Any] | None:
    d = schema.decisions
    row = conn.execute(
        sa.select(d)
        .where(d.c.initiative_id == initiative_id)
        .order_by(d.c.decision_id.desc())
        .limit(1)
    ).first()
    return _as_dict(row) if row else None
