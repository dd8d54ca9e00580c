"""Deciding from the roadmap: who is offered which initiatives, and for whom the form is
made (the write itself is authorized in `dashboard.edits`, tried in tests/auth)."""

from __future__ import annotations

from dashboard.auth.policy import ANONYMOUS, Actor, Role
from dashboard.db import Database
from dashboard.views.decisions import decidable, roadmap_decide, roadmap_decision_form
from dashboard.views.ranking import opened_override, override_form
from tests.dashboard.layout_tools import find, ids


def test_the_roadmap_offers_each_user_only_the_initiatives_they_may_decide_on(
    tiny: Database,
) -> None:
    """a (owner Al) and b are active, c is retired: no decision on it from the roadmap."""
    al = Actor("al", Role.PROGRAM_OWNER, "  AL ")
    assert [o["value"] for o in decidable(tiny, al)] == ["a"]
    assert decidable(tiny, al)[0]["label"] == "Invoice matching · Operationalization"
    assert [o["value"] for o in decidable(tiny, Actor("ada", Role.ADMIN))] == ["b", "a"]
    for reader in (Actor("erin", Role.EXECUTIVE), Actor("dana", Role.DATA_TEAM), ANONYMOUS):
        assert decidable(tiny, reader) == []
        shown = roadmap_decide(tiny, reader)
        assert "roadmap-read-only" in ids(shown["note"])
        assert shown["hidden"] is True and shown["options"] == []
    mine = roadmap_decide(tiny, al)
    assert (mine["note"], mine["hidden"], mine["options"]) == ([], False, decidable(tiny, al))


def test_the_roadmap_form_is_made_only_for_who_may_decide(tiny: Database) -> None:
    al = Actor("al", Role.PROGRAM_OWNER, "Al")
    mine = roadmap_decision_form(tiny, al, "a")
    assert "roadmap-decision-submit" in ids(mine["form"]) and mine["version"] == 0
    assert roadmap_decision_form(tiny, al, "b") == {"form": [], "version": 0}
    assert roadmap_decision_form(tiny, al, None) == {"form": [], "version": 0}
    assert roadmap_decision_form(tiny, al, "no-such") == {"form": [], "version": 0}


def test_the_rank_form_opens_only_on_a_chosen_initiative_with_its_version(
    tiny: Database,
) -> None:
    """Closed until the chosen initiative's override and version arrive: typing or saving
    earlier would be overwritten, or saved on no version (a conflict)."""
    drawn = override_form([{"label": "a", "value": "a"}])
    fields = ("roadmap-override-rank", "roadmap-override-reason", "roadmap-override-submit")
    assert [find(drawn, f).disabled for f in fields] == [True, True, True]
    assert opened_override(tiny, None) == {
        "rank": "",
        "reason": "",
        "version": None,
        "closed": True,
    }
    opened = opened_override(tiny, "a")
    assert opened["closed"] is False and isinstance(opened["version"], int)
