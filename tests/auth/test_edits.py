"""The edits store's writes on SQLite and PostgreSQL: authorized inside the write, audited
with before and after, optimistic concurrency without loss, text kept verbatim."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from dashboard.auth.policy import Denied, Role
from dashboard.edits import audit, comments, decisions, schema, targets, users
from dashboard.edits.guard import Conflict, Invalid
from dashboard.edits.store import EditsStore
from tests.auth.conftest import ADMIN, DATA_TEAM, EXECUTIVE, OTHER_OWNER, OWNER, PASSWORD, facts

INJECTIONS = [
    "'; drop table decisions; --",
    '<a href="javascript:alert(1)">x</a><script>alert(1)</script><b>bold</b>',
    '=HYPERLINK("http://evil.example","click")',
    "../../etc/passwd",
    "x" * 5000,
    "café — \U0001f680 \ufffd",
]


def last(store: EditsStore) -> dict[str, object]:
    return audit.entries(store)[-1]


def test_a_program_owner_decides_on_their_initiative_with_evidence(store: EditsStore) -> None:
    saved = decisions.decide(store, OWNER, facts(), "hold", "  Wait for Q3 adoption  ")
    assert saved["rationale"] == "Wait for Q3 adoption"
    log = decisions.decision_log(store, "HX-001")
    assert [d["decision"] for d in log] == ["hold"]
    evidence = log[0]["evidence"]
    assert evidence == {
        "load_id": 3,
        "as_of": "2026-10",
        "stage": "Operationalization",
        "adoption_rate": 0.42,
        "roi": -0.296,
        "projected_cost_at_scale": 1200.5,
        "projected_value_at_scale": 900.0,
        "gate_blockers": [],
        "ready_for_next_stage": True,
    }
    entry = last(store)
    assert (entry["user"], entry["action"], entry["outcome"]) == ("maria", "decision.record", "ok")
    assert entry["before"] is None and entry["after"]["rationale"] == "Wait for Q3 adoption"


@pytest.mark.parametrize("actor", [OTHER_OWNER, EXECUTIVE, DATA_TEAM], ids=lambda a: a.name)
def test_everyone_else_is_refused_and_the_refusal_is_audited(store: EditsStore, actor) -> None:
    for write in (
        lambda: decisions.decide(store, actor, facts(), "hold", "mine now"),
        lambda: comments.annotate(store, actor, "HX-001", " Maria Okafor", "hello"),
        lambda: targets.set_targets(store, actor, "HX-001", "Maria Okafor", {"roi": "0.2"}, 0),
        lambda: targets.set_targets(store, actor, None, None, {"roi": "0.2"}, 0),
    ):
        with pytest.raises(Denied):
            write()
        assert last(store)["outcome"] == "denied"
        assert last(store)["user"] == actor.name
    assert decisions.decision_log(store, "HX-001") == []
    assert comments.annotations_of(store, "HX-001") == []
    assert targets.targets_of(store, "HX-001").version == 0


def test_portfolio_targets_are_admins_only(store: EditsStore) -> None:
    with pytest.raises(Denied):
        targets.set_targets(store, OWNER, None, None, {"adoption_rate": "0.5"}, 0)
    saved = targets.set_targets(store, ADMIN, None, None, {"adoption_rate": "0.5", "roi": 0.25}, 0)
    assert saved.values == {
        "adoption_rate": Decimal("0.5"),
        "cost_per_insight": None,
        "roi": Decimal("0.25"),
    }
    entry = last(store)
    assert entry["action"] == "portfolio_targets.set"
    assert entry["before"] == {"adoption_rate": None, "cost_per_insight": None, "roi": None}
    assert entry["after"] == {"adoption_rate": "0.5", "cost_per_insight": None, "roi": "0.25"}


def test_initiative_targets_are_audited_with_before_and_after(store: EditsStore) -> None:
    """A review reads from the audit what a target was and what it became, so each entry
    holds both: the blank targets first, then the ones the previous write left."""
    targets.set_targets(store, OWNER, "HX-001", "Maria Okafor", {"roi": "0.2"}, 0)
    first = last(store)
    assert (first["action"], first["initiative_id"], first["outcome"], first["user"]) == (
        "targets.set",
        "HX-001",
        "ok",
        "maria",
    )
    assert first["before"] == {"adoption_rate": None, "cost_per_insight": None, "roi": None}
    assert first["after"] == {"adoption_rate": None, "cost_per_insight": None, "roi": "0.2"}
    targets.set_targets(store, ADMIN, "HX-001", "Maria Okafor", {"adoption_rate": "0.5"}, 1)
    second = last(store)
    assert (second["user"], second["before"]) == ("ada", first["after"])
    assert second["after"] == {"adoption_rate": "0.5", "cost_per_insight": None, "roi": None}


def test_a_comment_is_audited_as_added_with_what_was_kept(store: EditsStore) -> None:
    """Comments are appended, never changed: nothing before, and after the comment as it
    was stored (trimmed), with its id, author and time."""
    saved = comments.annotate(store, OWNER, "HX-001", "Maria Okafor", "  Check the Q3 numbers ")
    entry = last(store)
    assert (entry["action"], entry["initiative_id"], entry["outcome"]) == (
        "annotation.add",
        "HX-001",
        "ok",
    )
    assert entry["before"] is None
    assert entry["after"] == saved == comments.annotations_of(store, "HX-001")[0]
    assert saved["body"] == "Check the Q3 numbers" and saved["author"] == "maria"


def test_account_changes_are_audited_without_a_password_or_its_hash(store: EditsStore) -> None:
    """Each account change keeps the account before and after it (name, role, owner name,
    enabled): never the password, nor its hash, which an offline guesser could use."""
    new_password = "another long password"
    users.add(store, "maria", Role.PROGRAM_OWNER, PASSWORD, "Maria Okafor")
    users.set_role(store, "maria", Role.ADMIN, "", by=ADMIN)
    users.reset_password(store, "maria", new_password)
    with store.write() as conn:  # a hash of older parameters is replaced at sign-in
        weaker = PasswordHasher(time_cost=1).hash(new_password)
        conn.execute(sa.update(schema.users).values(password_hash=weaker))
    assert users.verify(store, "maria", new_password) is not None
    users.disable(store, "maria")
    users.enable(store, "maria")
    entries = audit.entries(store)
    owner = {
        "name": "maria",
        "role": "program_owner",
        "owner_name": "Maria Okafor",
        "disabled": False,
    }
    admin = {**owner, "role": "admin", "owner_name": "maria"}
    assert [(e["action"], e["user"], e["before"], e["after"]) for e in entries] == [
        ("user.add", "command line", None, owner),
        ("user.set_role", "ada", owner, admin),
        ("user.reset_password", "command line", admin, admin),
        ("user.rehash_password", "maria", None, None),
        ("user.disable", "command line", admin, {**admin, "disabled": True}),
        ("user.enable", "command line", {**admin, "disabled": True}, admin),
    ]
    with store.read() as conn:
        kept_hash = str(conn.exec_driver_sql("select password_hash from users").scalar())
    for entry in entries:
        shown = json.dumps(entry, default=str)
        for secret in (PASSWORD, new_password, kept_hash, "$argon2", "password_hash"):
            assert secret not in shown, entry["action"]


def test_an_admin_may_decide_on_any_initiative(store: EditsStore) -> None:
    decisions.decide(store, ADMIN, facts(owner="Someone Else"), "stop", "Out of budget")
    assert decisions.decision_log(store, "HX-001")[0]["decided_by"] == "ada"


def test_advancing_past_open_blockers_needs_an_override_reason(store: EditsStore) -> None:
    blocked = facts(blockers=("ownership", "mlops"))
    with pytest.raises(Invalid, match="override reason"):
        decisions.decide(store, OWNER, blocked, "advance", "Go")
    assert last(store)["outcome"] == "invalid"
    decisions.decide(store, OWNER, blocked, "advance", "Go", "Sponsor named next week", 0)
    kept = decisions.decision_log(store, "HX-001")[0]
    assert kept["override_reason"] == "Sponsor named next week"
    assert kept["evidence"]["gate_blockers"] == ["ownership", "mlops"]
    assert decisions.is_pending(kept, "Operationalization")
    assert not decisions.is_pending(kept, "Standardization")  # the data caught up


def test_nothing_advances_past_the_last_stage(store: EditsStore) -> None:
    with pytest.raises(Invalid, match="cannot advance"):
        decisions.decide(store, OWNER, facts(stage="Enterprise Transformation"), "advance", "Go")
    with pytest.raises(Invalid, match="one of"):
        decisions.decide(store, OWNER, facts(), "promote", "Go")
    with pytest.raises(Invalid, match="rationale is required"):
        decisions.decide(store, OWNER, facts(), "hold", "   ")


def test_two_owners_deciding_at_once_get_one_conflict_and_lose_nothing(store: EditsStore) -> None:
    seen = decisions.decisions_version(store, "HX-001")
    decisions.decide(store, OWNER, facts(), "hold", "First", seen_version=seen)
    with pytest.raises(Conflict) as raised:
        decisions.decide(store, ADMIN, facts(), "stop", "Second", seen_version=seen)
    assert raised.value.current["rationale"] == "First"  # the other's change, shown
    entry = last(store)
    assert entry["outcome"] == "conflict"
    assert entry["after"]["rationale"] == "Second"  # the refused attempt is kept in the audit
    assert [d["rationale"] for d in decisions.decision_log(store, "HX-001")] == ["First"]
    decisions.decide(store, ADMIN, facts(), "stop", "Second", seen_version=seen + 1)
    assert len(decisions.decision_log(store, "HX-001")) == 2


def test_concurrent_writers_in_threads_get_exactly_one_winner(store: EditsStore) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def write(n: int) -> None:
        barrier.wait()
        try:
            targets.set_targets(store, ADMIN, "HX-001", None, {"roi": str(n / 10)}, 0)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["ok"]
    assert targets.targets_of(store, "HX-001").version == 1
    assert [e["outcome"] for e in audit.entries(store)].count("conflict") == 3


def test_target_values_are_checked(store: EditsStore) -> None:
    for bad in ({"adoption_rate": "1.5"}, {"roi": "-2"}, {"cost_per_insight": "abc"}, {"x": 1}):
        with pytest.raises(Invalid):
            targets.set_targets(store, ADMIN, None, None, bad, 0)
    assert targets.targets_of(store).version == 0


@pytest.mark.parametrize("text", INJECTIONS, ids=range(len(INJECTIONS)))
def test_hostile_text_is_stored_verbatim(store: EditsStore, text: str) -> None:
    saved = comments.annotate(store, OWNER, "HX-001", "maria okafor", text)
    assert comments.annotations_of(store, "HX-001")[0]["body"] == text.strip() == saved["body"]
    decisions.decide(store, OWNER, facts(), "hold", text)
    assert decisions.decision_log(store, "HX-001")[0]["rationale"] == text.strip()


def test_control_characters_and_oversized_text_are_refused(store: EditsStore) -> None:
    with pytest.raises(Invalid, match="U\\+0000"):
        comments.annotate(store, OWNER, "HX-001", "Maria Okafor", "a\x00b")
    with pytest.raises(Invalid, match="at most"):
        comments.annotate(store, OWNER, "HX-001", "Maria Okafor", "y" * 5001)
    assert len(str(last(store)["after"])) < 5200  # the audit keeps a cut copy


def test_accounts_hash_passwords_and_end_sessions(store: EditsStore) -> None:
    user = users.add(store, "Maria", Role.PROGRAM_OWNER, PASSWORD, "Maria Okafor")
    with store.read() as conn:
        stored = conn.exec_driver_sql("select password_hash from users").scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.verify(store, " maria ", PASSWORD) is not None
    assert users.verify(store, "maria", PASSWORD + "x") is None
    with pytest.raises(users.UserError, match="exists already"):
        users.add(store, "MARIA", Role.ADMIN, PASSWORD)
    users.reset_password(store, "maria", "another long password")
    assert users.verify(store, "maria", PASSWORD) is None
    assert users.get_by_name(store, "maria").session_epoch == user.session_epoch + 1
    users.disable(store, "maria")
    assert users.verify(store, "maria", "another long password") is None
    actions = [e["action"] for e in audit.entries(store)]
    assert actions == ["user.add", "user.reset_password", "user.disable"]
    assert all("password" not in str(e["after"]) for e in audit.entries(store))


def test_a_store_migrates_once_and_refuses_a_newer_schema(store: EditsStore) -> None:
    store.migrate()
    again = EditsStore(store.url.render_as_string(hide_password=False))
    again.migrate()
    with again.write() as conn:
        conn.exec_driver_sql("update edits_schema set version = 99")
    again.dispose()
    newer = EditsStore(store.url.render_as_string(hide_password=False))
    with pytest.raises(Exception, match="newer than this Scaleboard"):
        newer.migrate()
    newer.dispose()


def test_a_store_not_created_yet_reads_empty_from_any_thread(tmp_path) -> None:
    """A read-only server (sign-in off) reads a store that does not exist from many
    threads: it stays uncreated and every thread reads it as empty."""
    edits = EditsStore(f"sqlite:///{tmp_path / 'never.sqlite'}")
    seen: list[object] = []

    def read() -> None:
        seen.append(decisions.latest_decisions(edits))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [{}] * 4
    assert not (tmp_path / "never.sqlite").exists()


def test_migration_steps_may_land_out_of_order(tmp_path, monkeypatch) -> None:
    """Steps are recorded one row each, so a step numbered below one a store already has
    (version 2 landing after 3) still runs on it, once."""
    import sqlalchemy as sa

    from dashboard.edits import schema

    url = f"sqlite:///{tmp_path / 'gap.sqlite'}"
    every = schema.MIGRATIONS
    monkeypatch.setattr(schema, "MIGRATIONS", tuple(m for m in every if m[0] != 2))
    first = EditsStore(url)
    first.migrate()
    with first.read() as conn:
        assert sorted(conn.execute(sa.select(schema.schema_version.c.version)).scalars()) == [
            v for v, _ in schema.MIGRATIONS
        ]
        assert not sa.inspect(conn).has_table("scenarios")
    first.dispose()
    ran: list[int] = []
    step_2 = dict(every)[2]

    def late(conn: sa.Connection) -> None:
        ran.append(2)
        step_2(conn)

    monkeypatch.setattr(schema, "MIGRATIONS", tuple(sorted((*schema.MIGRATIONS, (2, late)))))
    for _ in range(2):
        again = EditsStore(url)
        again.migrate()
        again.dispose()
    assert ran == [2]
    with EditsStore(url).read() as conn:
        assert sa.inspect(conn).has_table("scenarios")
