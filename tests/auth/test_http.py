"""Sign-in, roles and writes through real HTTP: a `scaleboard serve` (gunicorn) with
sign-in on over the sample, users of every role made with the CLI, forged callback POSTs.

Every write is tried by every role as the browser would send it (`/_dash-update-component`
with the callback's ids from `/_dash-dependencies`): the policy inside the write decides,
and each refusal lands in `scaleboard audit`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from dashboard.edits import targets
from dashboard.edits.store import EditsStore
from dashboard.views.data import VALUE_WITHHELD
from etl.config import Settings
from tests.auth.http_tools import annotate, audit_entries, callback, override_version
from tests.conftest import run_cli
from tests.e2e.conftest import load_sample, server_errors, serving

pytestmark = pytest.mark.xdist_group("auth-http")
PASSWORD = "a long enough password"
ROLES = {
    "erin": ("executive", None),
    "maria": ("program_owner", "Maria Okafor"),
    "lukas": ("program_owner", "Lukas Nguyen"),
    "dana": ("data_team", None),
    "ada": ("admin", None),
}
PAGES = ("/", "/roadmap", "/data", "/initiatives/{mine}")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = load_sample(tmp_path_factory.mktemp("auth") / "sample.duckdb")
    for name, (role, owner) in ROLES.items():
        args = ["users", "add", name, "--role", role, "--password-stdin", "--db", path]
        if owner:
            args += ["--owner-name", owner]
        result = run_cli(*args, input=PASSWORD + "\n")
        assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def ids(db: Path) -> dict[str, str]:
    """An active initiative of Maria Okafor's, and one of someone else's."""
    with duckdb.connect(str(db), read_only=True) as con:
        mine = con.execute(
            "select initiative_id from initiatives where program_owner = 'Maria Okafor' "
            "and status = 'active' and stage <> 'Enterprise Transformation' order by 1 limit 1"
        ).fetchone()
        other = con.execute(
            "select initiative_id from initiatives where program_owner = 'Lukas Nguyen' order by 1"
        ).fetchone()
    assert mine and other
    return {"mine": mine[0], "other": other[0]}


@pytest.fixture(scope="module")
def url(db: Path) -> Iterator[str]:
    with serving(db, env={"SCALEBOARD_SIGN_IN": "on"}) as base:
        yield base
    assert server_errors(db) == []  # refusals are answers, not crashes


def signed_in(url: str, name: str) -> requests.Session:
    session = requests.Session()
    response = session.post(
        url + "/login", data={"username": name, "password": PASSWORD}, allow_redirects=False
    )
    assert response.status_code == 303, response.text
    return session


def decide(
    session: requests.Session, url: str, initiative_id: str, rationale: str
) -> requests.Response:
    return callback(
        session,
        url,
        "initiative-decision-feedback",
        {
            "initiative-id": initiative_id,
            "initiative-decision-choice": "hold",
            "initiative-decision-rationale": rationale,
            "initiative-edits-version": {"decisions": -1},  # a stale version: never written
        },
    )


def set_targets(
    session: requests.Session,
    url: str,
    page: str,
    roi: str,
    version: int,
    initiative_id: str | None = None,
) -> requests.Response:
    """The targets form of `page` (`initiative` or `portfolio`) sent with an ROI target."""
    values: dict[str, Any] = {f"{page}-target-roi": roi}
    if page == "initiative":
        values |= {"initiative-id": initiative_id, "initiative-edits-version": {"targets": version}}
    else:
        values["portfolio-targets-version"] = version
    return callback(session, url, f"{page}-target-feedback", values)


def cli_audit(db: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli("audit", "--db", db, "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["entries"]


def test_without_a_session_nothing_is_served(url: str, ids: dict[str, str]) -> None:
    for page in PAGES:
        response = requests.get(url + page.format(**ids), allow_redirects=False, timeout=30)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    for internal in ("/_dash-layout", "/_dash-dependencies"):
        assert requests.get(url + internal, timeout=30).status_code == 401
    forged = requests.post(
        url + "/_dash-update-component", json={}, headers={"Origin": url}, timeout=30
    )
    assert forged.status_code == 401
    assert "Invoice" not in forged.text


def test_a_failed_sign_in_returns_no_data_and_no_session(url: str) -> None:
    response = requests.post(
        url + "/login", data={"username": "maria", "password": "nope"}, timeout=30
    )
    assert response.status_code == 401
    assert "scaleboard_session" not in response.headers.get("Set-Cookie", "")
    assert "Wrong name or password" in response.text


def test_the_session_cookie_is_httponly_and_samesite(url: str) -> None:
    response = requests.post(
        url + "/login",
        data={"username": "erin", "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    cookie = response.headers["Set-Cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("name", list(ROLES))
def test_every_role_reads_every_page(url: str, ids: dict[str, str], name: str) -> None:
    session = signed_in(url, name)
    for page in PAGES:
        response = session.get(url + page.format(**ids), timeout=30)
        assert response.status_code == 200, page
    assert session.get(url + "/_dash-layout", timeout=30).status_code == 200


ALLOWED = {
    ("maria", "mine"),
    ("ada", "mine"),
    ("ada", "other"),
    ("lukas", "other"),
}


@pytest.mark.parametrize("name", list(ROLES))
@pytest.mark.parametrize("whose", ["mine", "other"])
def test_the_write_matrix(url: str, db: Path, ids: dict[str, str], name: str, whose: str) -> None:
    session = signed_in(url, name)
    initiative_id = ids[whose]
    note = f"note by {name} on {whose}"
    response = annotate(session, url, initiative_id, note)
    entry = [e for e in audit_entries(db) if e["action"] == "annotation.add"][-1]
    assert entry["user"] == name and entry["initiative_id"] == initiative_id
    if (name, whose) in ALLOWED:
        assert response.status_code == 200 and "Comment added" in response.text
        assert entry["outcome"] == "ok" and entry["after"]["body"] == note
    else:
        assert response.status_code == 403
        assert entry["outcome"] == "denied"
    # a decision made on a stale version is refused as a conflict when allowed, else denied
    response = decide(session, url, initiative_id, f"decided by {name}")
    entry = [e for e in audit_entries(db) if e["action"] == "decision.record"][-1]
    assert entry["user"] == name
    expected = ("conflict", 200) if (name, whose) in ALLOWED else ("denied", 403)
    assert (entry["outcome"], response.status_code) == expected
    response = callback(
        session,
        url,
        "roadmap-decision-feedback",
        {
            "roadmap-decision-initiative": initiative_id,
            "roadmap-decision-choice": "stop",
            "roadmap-decision-rationale": f"stopped from the roadmap by {name}",
            "roadmap-decision-version": -1,
        },
    )
    entry = [e for e in audit_entries(db) if e["action"] == "decision.record"][-1]
    assert (entry["user"], entry["initiative_id"]) == (name, initiative_id)
    assert (entry["outcome"], response.status_code) == expected
    response = set_targets(session, url, "initiative", "25", -1, initiative_id)
    entry = [e for e in audit_entries(db) if e["action"] == "targets.set"][-1]
    assert (entry["user"], entry["initiative_id"]) == (name, initiative_id)
    assert (entry["outcome"], response.status_code) == expected


def portfolio_version(db: Path) -> int:
    store = EditsStore.for_database(db, Settings())
    try:
        return targets.targets_of(store).version
    finally:
        store.dispose()


@pytest.mark.parametrize("name", list(ROLES))
def test_only_an_admin_sets_the_portfolio_targets(url: str, db: Path, name: str) -> None:
    session = signed_in(url, name)
    before = portfolio_version(db)
    response = set_targets(session, url, "portfolio", "12", before)
    entry = [e for e in audit_entries(db) if e["action"] == "portfolio_targets.set"][-1]
    assert entry["user"] == name and entry["initiative_id"] is None
    if name == "ada":
        assert response.status_code == 200 and "Targets saved" in response.text
        assert entry["outcome"] == "ok" and entry["after"]["roi"] == "0.12"
        assert portfolio_version(db) == before + 1
    else:
        assert response.status_code == 403 and entry["outcome"] == "denied"
        assert portfolio_version(db) == before


def test_a_cross_site_post_is_refused_even_with_a_session(
    url: str, db: Path, ids: dict[str, str]
) -> None:
    session = signed_in(url, "maria")
    deps = session.get(url + "/_dash-dependencies", timeout=30)
    assert deps.status_code == 200
    forged = session.post(
        url + "/_dash-update-component",
        json={},
        headers={"Origin": "http://evil.example"},
        timeout=30,
    )
    assert forged.status_code == 403
    assert audit_entries(db)[-1]["detail"].endswith("from origin http://evil.example")


def test_a_recorded_decision_shows_in_the_log_and_as_pending_on_the_roadmap(
    url: str, ids: dict[str, str]
) -> None:
    session = signed_in(url, "maria")
    response = callback(
        session,
        url,
        "initiative-decision-feedback",
        {
            "initiative-id": ids["mine"],
            "initiative-decision-choice": "advance",
            "initiative-decision-rationale": "<b>Ready</b> <a href='x'>now</a>",
            "initiative-decision-override": "Sponsor confirmed",
            "initiative-edits-version": {"decisions": 0},
        },
    )
    assert response.status_code == 200 and "Recorded: advance" in response.text
    panel = json.dumps(
        callback(session, url, "initiative-decisions", {"initiative-id": ids["mine"]}).json()
    )
    assert "<b>Ready</b> <a href='x'>now</a>" in panel  # a text child: React renders it inertly
    assert "pending: not in the data yet" in panel
    roadmap = json.dumps(callback(session, url, "roadmap-decisions", {}).json())
    assert "roadmap-decision-pending" in roadmap and "<b>Ready</b>" in roadmap
    executive = signed_in(url, "erin")
    seen = json.dumps(
        callback(executive, url, "initiative-decisions", {"initiative-id": ids["mine"]}).json()
    )
    assert "<b>Ready</b>" in seen and "initiative-decision-submit" not in seen  # no form


def test_sign_out_ends_the_session(url: str) -> None:
    session = signed_in(url, "dana")
    assert session.get(url + "/_dash-layout", timeout=30).status_code == 200
    out = session.post(url + "/logout", headers={"Origin": url}, allow_redirects=False, timeout=30)
    assert out.status_code == 303
    assert session.get(url + "/_dash-layout", timeout=30).status_code == 401


def test_disabling_an_account_ends_its_sessions(url: str, db: Path) -> None:
    session = signed_in(url, "lukas")
    assert run_cli("users", "disable", "lukas", "--db", db).returncode == 0
    assert session.get(url + "/_dash-layout", timeout=30).status_code == 401
    assert run_cli("users", "enable", "lukas", "--db", db).returncode == 0


def test_the_audit_covers_sign_ins_edits_and_denials(
    url: str, db: Path, ids: dict[str, str]
) -> None:
    """Self-contained: the module's server may be started anew between tests."""
    requests.post(url + "/login", data={"username": "ada", "password": "wrong"}, timeout=30)
    maria = signed_in(url, "maria")
    assert annotate(maria, url, ids["mine"], "audited note").status_code == 200
    assert annotate(maria, url, ids["other"], "not hers").status_code == 403
    requests.post(url + "/_dash-update-component", json={}, headers={"Origin": url}, timeout=30)
    entries = cli_audit(db)
    assert all({"at", "user", "action", "before", "after"} <= set(e) for e in entries)
    kinds = {(e["action"], e["outcome"]) for e in entries}
    assert {("sign_in", "ok"), ("sign_in", "denied"), ("annotation.add", "ok")} <= kinds
    assert ("annotation.add", "denied") in kinds and ("request", "denied") in kinds
    assert cli_audit(db, "--initiative", "nope") == []
    assert cli_audit(db, "--since", "2999-01-01") == []


@pytest.mark.parametrize("name", list(ROLES))
def test_the_ranking_writes_follow_the_roles(
    url: str, db: Path, ids: dict[str, str], name: str
) -> None:
    """Weights: admins. A rank override: the initiative's owner or an admin. Saving
    scenarios: program owners and admins. Each refusal is a 403 and in the audit."""
    session = signed_in(url, name)
    weights = {f"roadmap-weight-{p}": "1" for p in ("value", "impact", "readiness", "time")}
    weights["roadmap-weights-version"] = -1  # stale: allowed ones meet a conflict, not a write
    response = callback(
        session, url, "roadmap-ranking-feedback", weights, input_id="roadmap-weights-submit"
    )
    entry = [e for e in audit_entries(db) if e["action"] == "priority_weights.set"][-1]
    assert entry["user"] == name
    expected = ("conflict", 200) if name == "ada" else ("denied", 403)
    assert (entry["outcome"], response.status_code) == expected

    values = {
        "roadmap-override-initiative": ids["mine"],
        "roadmap-override-rank": "1",
        "roadmap-override-reason": f"ranked by {name}",
        "roadmap-override-version": override_version(db, ids["mine"]),
    }
    response = callback(
        session, url, "roadmap-ranking-feedback", values, input_id="roadmap-override-submit"
    )
    entry = [e for e in audit_entries(db) if e["action"] == "rank_override.set"][-1]
    assert (entry["user"], entry["initiative_id"]) == (name, ids["mine"])
    allowed = (name, "mine") in ALLOWED
    assert (entry["outcome"], response.status_code) == (("ok", 200) if allowed else ("denied", 403))

    search = "?scenario_a=top:3&scenario_b=budget:50000"
    response = callback(
        session,
        url,
        "roadmap-scenario-feedback",
        {"roadmap-scenario-name": f"plan of {name}", "app-location": search},
    )
    entry = [e for e in audit_entries(db) if e["action"] == "scenario.save"][-1]
    assert entry["user"] == name
    if ROLES[name][0] in ("program_owner", "admin"):
        assert response.status_code == 200 and "Saved as" in response.text
        assert entry["after"]["spec"] == {"a": "top:3", "b": "budget:50000"}
    else:
        assert (entry["outcome"], response.status_code) == ("denied", 403)


@pytest.mark.parametrize("name", ["maria", "erin", "ada"])
def test_a_write_for_an_initiative_not_in_the_data(url: str, db: Path, name: str) -> None:
    """Nobody's initiative: only an admin is told it is unknown; others are refused."""
    session = signed_in(url, name)
    response = annotate(session, url, "NO-SUCH-ID", "hello")
    if name == "ada":
        assert response.status_code == 200 and "no initiative 'NO-SUCH-ID'" in response.text
    else:
        assert response.status_code == 403
        entry = audit_entries(db)[-1]
        assert (entry["user"], entry["action"], entry["outcome"]) == (
            name,
            "annotation.add",
            "denied",
        )
        assert entry["initiative_id"] == "NO-SUCH-ID"


def test_sign_in_off_refuses_to_listen_beyond_loopback(db: Path) -> None:
    result = run_cli("serve", "--db", db, "--host", "0.0.0.0", env={"SCALEBOARD_SIGN_IN": "off"})
    assert result.returncode == 2
    assert "loopback only" in result.stderr and "Traceback" not in result.stderr


def test_only_the_data_team_and_admins_see_rejected_values(
    url: str, db: Path, tmp_path: Path
) -> None:
    """A rejected value may be a raw user id or a mistyped name: the other roles see each
    reject's row, column and reason, on the page and in its export, not the value."""
    events = tmp_path / "usage_events.csv"
    events.write_text(
        "initiative_id,user_id,event_time,action\nAI-9999,x@example.com,2026-01-05,\n"
    )
    assert run_cli("load", "--db", db, events).returncode == 1  # loaded, with a reject
    for name in ROLES:
        session = signed_in(url, name)
        page = callback(session, url, "data-rejects", {"app-location": ""}).json()
        shown = {row["value"] for row in page["response"]["data-rejects"]["rowData"]}
        export = callback(session, url, "data-rejects-download", {"data-rejects-export": 1})
        content = export.json()["response"]["data-rejects-download"]["data"]["content"]
        exported = {row["Value"] for row in csv.DictReader(io.StringIO(content))}
        if name in ("dana", "ada"):
            assert "AI-9999" in shown and "AI-9999" in exported, name
        else:
            assert shown == exported == {VALUE_WITHHELD}, name


def test_repeated_failures_are_throttled(url: str) -> None:
    """Last in the module: it throttles this address for the window."""
    codes = [
        requests.post(
            url + "/login", data={"username": "ada", "password": f"wrong {n}"}, timeout=30
        ).status_code
        for n in range(7)
    ]
    assert codes[:4] == [401] * 4 and codes[-1] == 429
    right = requests.post(
        url + "/login", data={"username": "ada", "password": PASSWORD}, timeout=30
    )
    assert right.status_code == 429  # throttled before the password is even checked
