"""The ranked backlog's edits on SQLite and PostgreSQL: weights (admins), rank overrides
(the initiative's owner or an admin, with a reason), scenarios (owners and admins); each
authorized inside the write and audited with before and after."""

from __future__ import annotations

import pytest

from dashboard.auth.policy import Actor, Denied
from dashboard.edits import audit, priorities
from dashboard.edits.guard import Conflict, Invalid
from dashboard.edits.store import EditsStore
from dashboard.priority import DEFAULT_WEIGHTS, Weights
from tests.auth.conftest import ADMIN, DATA_TEAM, EXECUTIVE, OTHER_OWNER, OWNER

WEIGHTS = {"value": "2", "impact": "1", "readiness": "0.5", "time": "0"}


def last(store: EditsStore) -> dict[str, object]:
    return audit.entries(store)[-1]


def test_an_admin_sets_the_weights_audited_with_before_and_after(store: EditsStore) -> None:
    assert priorities.weights_of(store) == (DEFAULT_WEIGHTS, 0)
    saved = priorities.set_weights(store, ADMIN, WEIGHTS, 0)
    assert saved == Weights(2.0, 1.0, 0.5, 0.0)
    assert priorities.weights_of(store) == (saved, 1)
    entry = last(store)
    assert (entry["action"], entry["outcome"], entry["user"]) == (
        "priority_weights.set",
        "ok",
        "ada",
    )
    assert entry["before"] == DEFAULT_WEIGHTS.public() and entry["after"] == saved.public()
    with pytest.raises(Conflict):
        priorities.set_weights(store, ADMIN, WEIGHTS, 0)  # made on a version since replaced
    assert last(store)["outcome"] == "conflict"


@pytest.mark.parametrize("actor", [OWNER, EXECUTIVE, DATA_TEAM], ids=lambda a: a.name)
def test_nobody_else_sets_the_weights(store: EditsStore, actor: Actor) -> None:
    with pytest.raises(Denied):
        priorities.set_weights(store, actor, WEIGHTS, 0)
    assert (last(store)["outcome"], last(store)["user"]) == ("denied", actor.name)
    assert priorities.weights_of(store) == (DEFAULT_WEIGHTS, 0)


@pytest.mark.parametrize(
    "bad",
    [
        {**WEIGHTS, "value": "-1"},
        {**WEIGHTS, "time": "lots"},
        {**WEIGHTS, "value": "1e9"},
        dict.fromkeys(WEIGHTS, "0"),
        {k: v for k, v in WEIGHTS.items() if k != "time"},
        {**WEIGHTS, "luck": "1"},
    ],
)
def test_weights_are_checked(store: EditsStore, bad: dict[str, object]) -> None:
    with pytest.raises(Invalid):
        priorities.set_weights(store, ADMIN, bad, 0)
    assert last(store)["outcome"] == "invalid"


def test_an_owner_overrides_the_rank_of_their_initiative_with_a_reason(store: EditsStore) -> None:
    saved = priorities.set_override(
        store, OWNER, "HX-001", "Maria Okafor", "2", "Board priority", 0
    )
    assert saved is not None and (saved.rank, saved.reason, saved.set_by) == (
        2,
        "Board priority",
        "maria",
    )
    assert priorities.overrides_of(store)["HX-001"].rank == 2
    entry = last(store)
    assert (entry["action"], entry["initiative_id"]) == ("rank_override.set", "HX-001")
    assert entry["before"] is None and entry["after"] == {"rank": 2, "reason": "Board priority"}
    with pytest.raises(Invalid, match="reason"):
        priorities.set_override(store, OWNER, "HX-001", "Maria Okafor", "1", " ", 1)
    cleared = priorities.set_override(store, OWNER, "HX-001", "Maria Okafor", "", None, 1)
    assert cleared is None and priorities.overrides_of(store) == {}
    assert last(store)["before"] == {"rank": 2, "reason": "Board priority"}
    assert last(store)["after"] is None


def test_a_rank_saved_on_a_form_opened_before_another_change_is_a_conflict(
    store: EditsStore,
) -> None:
    held, opened = priorities.override_and_version(store, "HX-001")
    assert (held, opened) == (None, 0)
    priorities.set_override(store, ADMIN, "HX-001", "Maria Okafor", "3", "steering call", opened)
    with pytest.raises(Conflict):  # the owner's form still shows no override
        priorities.set_override(store, OWNER, "HX-001", "Maria Okafor", "1", "mine", opened)
    assert last(store)["outcome"] == "conflict"
    held, reopened = priorities.override_and_version(store, "HX-001")
    assert held is not None and (held.rank, held.reason, reopened) == (3, "steering call", 1)
    priorities.set_override(store, OWNER, "HX-001", "Maria Okafor", "1", "mine", reopened)
    assert priorities.overrides_of(store)["HX-001"].rank == 1


@pytest.mark.parametrize("actor", [OTHER_OWNER, EXECUTIVE, DATA_TEAM], ids=lambda a: a.name)
def test_no_one_else_overrides_an_owners_rank(store: EditsStore, actor: Actor) -> None:
    with pytest.raises(Denied):
        priorities.set_override(store, actor, "HX-001", "Maria Okafor", "1", "mine now", 0)
    assert (last(store)["outcome"], last(store)["initiative_id"]) == ("denied", "HX-001")
    priorities.set_override(store, ADMIN, "HX-001", "Maria Okafor", "1", "admin may", 0)
    assert priorities.overrides_of(store)["HX-001"].set_by == "ada"


@pytest.mark.parametrize("rank", ["0", "-3", "two", "1.5"])
def test_a_rank_is_a_whole_number_from_one(store: EditsStore, rank: str) -> None:
    with pytest.raises(Invalid, match="rank"):
        priorities.set_override(store, OWNER, "HX-001", "Maria Okafor", rank, "why", 0)


def test_owners_and_admins_save_scenarios_by_name(store: EditsStore) -> None:
    priorities.save_scenario(store, OWNER, " Top ten ", {"a": "top:10", "b": "budget:5000"})
    priorities.save_scenario(store, ADMIN, "top TEN", {"a": "top:12"})  # the same name
    saved = priorities.scenarios_of(store)
    assert [(s["name"], s["spec"], s["saved_by"]) for s in saved] == [
        ("top TEN", {"a": "top:12"}, "ada")
    ]
    entry = last(store)
    assert entry["action"] == "scenario.save"
    assert entry["before"] == {"name": "Top ten", "spec": {"a": "top:10", "b": "budget:5000"}}
    for actor in (EXECUTIVE, DATA_TEAM):
        with pytest.raises(Denied):
            priorities.save_scenario(store, actor, "mine", {"a": "top:1"})
        assert last(store)["outcome"] == "denied"
    with pytest.raises(Invalid):
        priorities.save_scenario(store, OWNER, "  ", {"a": "top:1"})
