"""Which alerts are open and how their messages went: an alert fires once (its first check)
and stays open, unsent again, until a check no longer finds it; each delivery to a channel
is recorded as sent or failed. Written by `dashboard.alerting` only, read by
`scaleboard alerts status` and the data page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from dashboard.edits import schema
from dashboard.edits.store import EditsStore, now_text


class Found(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def initiative_id(self) -> str | None: ...


@dataclass(frozen=True)
class Transitions:
    opened: list[str]
    """Keys of the alerts this check opened (new, or back after clearing): to deliver."""
    cleared: list[str]


def record_check(store: EditsStore, found: Iterable[Found]) -> Transitions:
    """Opens the alerts found that are not open, keeps the open ones, clears the rest."""
    t = schema.alert_state
    now = now_text()
    found = list(found)
    with store.write() as conn:
        rows = {r.alert_key: r for r in conn.execute(sa.select(t))}
        opened = []
        for a in found:
            values = {
                "rule": a.rule,
                "title": a.title,
                "detail": a.detail,
                "initiative_id": a.initiative_id,
                "seen_at": now,
            }
            row = rows.get(a.key)
            if row is not None and row.cleared_at is None:
                conn.execute(sa.update(t).where(t.c.alert_key == a.key).values(**values))
                continue
            opened.append(a.key)
            conn.execute(sa.delete(t).where(t.c.alert_key == a.key))
            conn.execute(sa.insert(t).values(alert_key=a.key, opened_at=now, **values))
        keys = {a.key for a in found}
        cleared = sorted(k for k, r in rows.items() if r.cleared_at is None and k not in keys)
        if cleared:
            conn.execute(sa.update(t).where(t.c.alert_key.in_(cleared)).values(cleared_at=now))
    return Transitions(opened, cleared)


def open_alerts(store: EditsStore) -> list[dict[str, Any]]:
    t = schema.alert_state
    query = sa.select(t).where(t.c.cleared_at.is_(None)).order_by(t.c.opened_at, t.c.alert_key)
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def record_delivery(
    store: EditsStore,
    kind: str,
    channel: str,
    keys: list[str | None],
    outcome: tuple[bool, int, str | None],
    retried: list[int] | None = None,
) -> None:
    """One row per alert key (None: a digest) sent to `channel`: `outcome` is (sent,
    attempts, last error). `retried` names earlier failed rows this attempt repeats:
    those are updated instead."""
    t = schema.alert_deliveries
    sent, attempts, error = outcome
    status = "sent" if sent else "failed"
    now = now_text()
    with store.write() as conn:
        if retried:
            conn.execute(
                sa.update(t)
                .where(t.c.delivery_id.in_(retried))
                .values(
                    status=status, attempts=t.c.attempts + attempts, error=error, updated_at=now
                )
            )
            return
        for key in keys:
            conn.execute(
                sa.insert(t).values(
                    kind=kind,
                    alert_key=key,
                    channel=channel,
                    status=status,
                    attempts=attempts,
                    error=error,
                    created_at=now,
                    updated_at=now,
                )
            )


def pending_retries(store: EditsStore) -> dict[str, list[tuple[int, str]]]:
    """Failed alert deliveries whose alert is still open, by channel: (delivery id, key)."""
    d, s = schema.alert_deliveries, schema.alert_state
    query = (
        sa.select(d.c.delivery_id, d.c.channel, d.c.alert_key)
        .join(s, s.c.alert_key == d.c.alert_key)
        .where(d.c.status == "failed", d.c.kind == "alert", s.c.cleared_at.is_(None))
        .order_by(d.c.delivery_id)
    )
    out: dict[str, list[tuple[int, str]]] = {}
    with store.read() as conn:
        for r in conn.execute(query):
            out.setdefault(r.channel, []).append((int(r.delivery_id), str(r.alert_key)))
    return out


def failed_deliveries(store: EditsStore, limit: int = 50) -> list[dict[str, Any]]:
    """The latest failed deliveries, newest first."""
    d = schema.alert_deliveries
    query = (
        sa.select(
            d.c.delivery_id,
            d.c.kind,
            d.c.alert_key,
            d.c.channel,
            d.c.attempts,
            d.c.error,
            d.c.created_at,
            d.c.updated_at,
        )
        .where(d.c.status == "failed")
        .order_by(d.c.delivery_id.desc())
        .limit(limit)
    )
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def delivery_counts(store: EditsStore) -> dict[str, int]:
    d = schema.alert_deliveries
    with store.read() as conn:
        rows = conn.execute(sa.select(d.c.status, sa.func.count()).group_by(d.c.status))
        return {str(status): int(n) for status, n in rows}
