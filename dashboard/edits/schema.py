"""The edits store's tables: what people write in Scaleboard, apart from the ETL's data.

The ETL owns the DuckDB file and replaces it whole on every load; edits live in a store of
their own (SQLite beside the database by default, PostgreSQL by URL), so a load or a
rollback never touches them. Every table is written only through `dashboard.edits`.

Times are UTC ISO-8601 text (`2026-12-01T21:45:05.123456Z`): they sort as text and read the
same on both engines. Money and ratios are decimal text, never floats.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

metadata = sa.MetaData()

schema_version = sa.Table(
    "edits_schema",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_key", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("owner_name", sa.String(200)),
    sa.Column("password_hash", sa.String(400)),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("session_epoch", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)
"""Local accounts. `name_key` is the name trimmed and case-folded (one account per name);
`session_epoch` grows when a password is reset or the account disabled, which ends its
sessions."""

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("failure_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Column("name_key", sa.String(200), nullable=False, index=True),
    sa.Column("address", sa.String(64), nullable=False, index=True),
)
"""Failed sign-ins, for throttling across every server process."""

heads = sa.Table(
    "edit_heads",
    metadata,
    sa.Column("subject", sa.String(300), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)
"""One version counter per edited thing (`decisions:HX-001`, `targets:portfolio`): a write
names the version it was made on and succeeds only if that is still the latest
(optimistic concurrency, one compare-and-set on both engines)."""

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("initiative_id", sa.String(200), nullable=False, index=True),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("rationale", sa.Text, nullable=False),
    sa.Column("override_reason", sa.Text),
    sa.Column("stage_at_decision", sa.String(64)),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=False),
    sa.Column("decided_at", sa.String(32), nullable=False),
)
"""Stage-gate decisions, append-only. `evidence` is what the owner saw: the release and the
initiative's figures at that moment."""

targets = sa.Table(
    "targets",
    metadata,
    sa.Column("subject", sa.String(300), primary_key=True),
    sa.Column("initiative_id", sa.String(200)),
    sa.Column("adoption_rate", sa.String(40)),
    sa.Column("cost_per_insight", sa.String(40)),
    sa.Column("roi", sa.String(40)),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)
"""The targets of the portfolio (`initiative_id` null) and of initiatives."""

notes = sa.Table(
    "annotations",
    metadata,
    sa.Column("annotation_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("initiative_id", sa.String(200), nullable=False, index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Column("user", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32)),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("initiative_id", sa.String(200), index=True),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Column("detail", sa.Text),
    sa.Column("address", sa.String(64)),
)
"""Append-only: every write, sign-in, sign-out and refused attempt. Nothing updates or
deletes a row of it."""


priority_weights = sa.Table(
    "priority_weights",
    metadata,
    sa.Column("subject", sa.String(64), primary_key=True),
    sa.Column("weights", sa.JSON, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)
"""The weights of the priority score's parts (one row, `subject` = `priority:weights`;
none: the defaults of `dashboard.priority`)."""

rank_overrides = sa.Table(
    "rank_overrides",
    metadata,
    sa.Column("initiative_id", sa.String(200), primary_key=True),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("set_by", sa.String(200), nullable=False),
    sa.Column("set_at", sa.String(32), nullable=False),
)
"""An owner's rank for one of their initiatives in the ranked backlog, with the reason."""

scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("name_key", sa.String(200), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("spec", sa.JSON, nullable=False),
    sa.Column("saved_by", sa.String(200), nullable=False),
    sa.Column("saved_at", sa.String(32), nullable=False),
)
"""Funding scenarios saved by name: what is funded (top N, a monthly budget or a hand-picked
set), never their figures, which are computed from the release being read."""


alert_state = sa.Table(
    "alert_state",
    metadata,
    sa.Column("alert_key", sa.String(400), primary_key=True),
    sa.Column("rule", sa.String(100), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("initiative_id", sa.String(200)),
    sa.Column("opened_at", sa.String(32), nullable=False),
    sa.Column("seen_at", sa.String(32), nullable=False),
    sa.Column("cleared_at", sa.String(32)),
)
"""One row per alert (`<rule>:<subject>`): open while `cleared_at` is null. An alert that
clears and comes back is opened again on the same row."""

alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("delivery_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("alert_key", sa.String(400), index=True),
    sa.Column("channel", sa.String(100), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)
"""Each message of an alert (`kind` alert, with its key) or of a digest to one channel:
`sent` or `failed` (with the last error, never a secret); a failed alert delivery is tried
again by the next check while its alert is open."""


def _create_v1(conn: sa.Connection) -> None:
    for table in (users, login_failures, heads, decisions, targets, notes, audit):
        table.create(conn)


def _create_v2(conn: sa.Connection) -> None:
    for table in (priority_weights, rank_overrides, scenarios):
        table.create(conn)


def _create_v3(conn: sa.Connection) -> None:
    for table in (alert_state, alert_deliveries):
        table.create(conn)


MIGRATIONS: tuple[tuple[int, Callable[[sa.Connection], None]], ...] = (
    (1, _create_v1),
    (2, _create_v2),
    (3, _create_v3),
)
"""(version, the step that brings a store to it), in order. A later change of a table adds
a step here; `EditsStore.migrate` runs each step a store has not had yet (whatever its
number: steps may land out of order, version 2 after 3), each in its own transaction, and
records it as one row of `edits_schema`."""
SCHEMA_VERSION = MIGRATIONS[-1][0]
