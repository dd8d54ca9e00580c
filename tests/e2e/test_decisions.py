"""A program owner signs in, records a stage-gate decision past open blockers with an
override reason, sees it in the decision log and pending on the roadmap; an executive sees
it and has no way to write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from dashboard.edits import comments
from dashboard.edits import decisions as decisions_module
from dashboard.edits.priorities import NAME_MAX
from dashboard.edits.store import EditsStore
from etl.config import Settings
from tests.auth.http_tools import audit_entries, callback, callback_body, override_version
from tests.conftest import metrics_json, run_cli
from tests.e2e.conftest import TIMEOUT_MS, load_sample, server_errors, serving

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-decisions")]
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = load_sample(tmp_path_factory.mktemp("decisions") / "sample.duckdb")
    for name, role, owner in (
        ("maria", "program_owner", "Maria Okafor"),
        ("erin", "executive", None),
        ("ada", "admin", None),
    ):
        args = ["users", "add", name, "--role", role, "--password-stdin", "--db", path]
        owned = ["--owner-name", owner] if owner else []
        result = run_cli(*args, *owned, input=PASSWORD + "\n")
        assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def url(db: Path) -> Iterator[str]:
    with serving(db, env={"SCALEBOARD_SIGN_IN": "on"}) as base:
        yield base
    assert server_errors(db) == []


def blocked_initiative_of_maria(db: Path) -> str:
    """An active initiative of Maria Okafor's that is held at its gate."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        owned = {
            r[0]
            for r in con.execute(
                "select initiative_id from initiatives where program_owner = 'Maria Okafor'"
            ).fetchall()
        }
    entries = metrics_json(db)["initiatives"]
    held = [
        e["initiative_id"]
        for e in entries
        if e["initiative_id"] in owned and e["ready_for_next_stage"] is False
    ]
    assert held, "the sample gives Maria Okafor a blocked initiative"
    return sorted(held)[0]


def sign_in(page: Page, url: str, name: str) -> None:
    page.goto(url + "/login")
    page.fill("#login-username", name)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#app-user-name")).to_contain_text(name, timeout=TIMEOUT_MS)


def test_an_owner_decides_and_an_executive_reads(browser: Browser, url: str, db: Path) -> None:
    initiative_id = blocked_initiative_of_maria(db)
    owner = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    owner.set_default_timeout(TIMEOUT_MS)
    sign_in(owner, url, "maria")
    owner.goto(f"{url}/initiatives/{initiative_id}")
    form = owner.locator("#initiative-decision-form")
    expect(form).to_be_visible()
    form.get_by_label("Advance").check()
    owner.fill("#initiative-decision-rationale", "Adoption is there; <b>scale</b> it")
    owner.click("#initiative-decision-submit")
    expect(owner.locator("#initiative-decision-feedback")).to_contain_text(
        "needs an override reason"
    )
    owner.fill("#initiative-decision-override", "Sponsor named at the steering committee")
    owner.click("#initiative-decision-submit")
    expect(owner.locator("#initiative-decision-feedback")).to_contain_text("Recorded: advance")
    log = owner.locator("#initiative-decision-log-list")
    expect(log).to_contain_text("Adoption is there; <b>scale</b> it")  # shown as text
    expect(log).to_contain_text("Override of open gate blockers: Sponsor named")
    expect(log).to_contain_text("pending: not in the data yet")
    assert log.locator("b").count() == 0
    owner.goto(url + "/roadmap")
    expect(owner.locator("#roadmap-decisions")).to_contain_text(
        "Sponsor named at the steering committee"
    )
    expect(owner.locator("#roadmap-decisions .roadmap-decision-pending")).to_have_count(1)
    owner.click("#app-sign-out")
    expect(owner.locator("#login-form")).to_be_visible()

    executive = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    executive.set_default_timeout(TIMEOUT_MS)
    sign_in(executive, url, "erin")
    executive.goto(f"{url}/initiatives/{initiative_id}")
    expect(executive.locator("#initiative-decision-log-list")).to_contain_text("Sponsor named")
    expect(executive.locator("#initiative-read-only")).to_be_visible()
    expect(executive.locator("#initiative-decision-form")).to_have_count(0)
    expect(executive.locator("#initiative-annotation-form")).to_have_count(0)
    expect(executive.locator("#initiative-target-submit")).to_have_count(0)


def new_page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def test_an_owner_decides_from_the_roadmap(browser: Browser, url: str, db: Path) -> None:
    initiative_id = blocked_initiative_of_maria(db)
    owner = new_page(browser)
    sign_in(owner, url, "maria")
    owner.goto(url + "/roadmap")
    picker = owner.locator("#roadmap-decision-initiative")
    picker.click()
    owner.keyboard.type(initiative_name(db, initiative_id))
    owner.keyboard.press("Enter")
    expect(owner.locator("#roadmap-decision-form")).to_be_visible()
    owner.locator("#roadmap-decision-form").get_by_label("Hold").check()
    owner.fill("#roadmap-decision-rationale", "Hold until the readiness review, from the roadmap")
    owner.click("#roadmap-decision-submit")
    expect(owner.locator("#roadmap-decision-feedback")).to_contain_text("Recorded: hold")
    expect(owner.locator("#roadmap-decisions")).to_contain_text("from the roadmap")
    owner.goto(f"{url}/initiatives/{initiative_id}")
    expect(owner.locator("#initiative-decision-log-list")).to_contain_text("from the roadmap")

    executive = new_page(browser)
    sign_in(executive, url, "erin")
    executive.goto(url + "/roadmap")
    expect(executive.locator("#roadmap-decisions")).to_contain_text("from the roadmap")
    expect(executive.locator("#roadmap-read-only")).to_be_visible()
    expect(executive.locator("#roadmap-decide-form")).to_be_hidden()


def test_targets_show_on_the_kpi_cards_and_tiles(browser: Browser, url: str, db: Path) -> None:
    admin = new_page(browser)
    sign_in(admin, url, "ada")
    admin.goto(url + "/")
    admin.fill("#portfolio-target-adoption-rate", "99")
    admin.fill("#portfolio-target-roi", "-100")
    admin.click("#portfolio-target-submit")
    expect(admin.locator("#portfolio-target-feedback")).to_contain_text("Targets saved")
    expect(admin.locator("#kpi-adoption-rate-target")).to_have_text("Target 99.0%: off target")
    expect(admin.locator("#kpi-roi-target")).to_contain_text("on target")

    owner = new_page(browser)
    sign_in(owner, url, "maria")
    initiative_id = blocked_initiative_of_maria(db)
    owner.goto(f"{url}/initiatives/{initiative_id}")
    expect(owner.locator("#initiative-kpi-adoption-rate-target")).to_contain_text(
        "Portfolio target 99.0%"
    )
    owner.fill("#initiative-target-adoption-rate", "1")
    owner.click("#initiative-target-submit")
    expect(owner.locator("#initiative-target-feedback")).to_contain_text("Targets saved")
    expect(owner.locator("#initiative-kpi-adoption-rate-target")).to_contain_text("Target 1.0%")
    owner.goto(url + "/")
    expect(owner.locator("#kpi-adoption-rate-target")).to_contain_text("Target 99.0%")
    expect(owner.locator("#portfolio-target-submit")).to_have_count(0)
    expect(owner.locator("#portfolio-target-adoption-rate")).to_be_disabled()


def initiative_name(db: Path, initiative_id: str) -> str:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute(
            "select name from initiatives where initiative_id = ?", [initiative_id]
        ).fetchone()
    assert found is not None
    return str(found[0])


HOSTILE = [
    "'; drop table decisions; --",
    '<img src=x onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">x</a>',
    '=HYPERLINK("http://evil.example","click") [link](javascript:alert(4))',
    "../../etc/passwd",
    "café — \U0001f680 \ufffd " + "y" * 3000,
]
"""SQL, HTML and JS, a spreadsheet formula and a markdown link, a path, long non-ASCII
text: typed into each text input of the decisions, stored and shown as text."""


def test_hostile_text_in_every_input_is_shown_as_text(browser: Browser, url: str, db: Path) -> None:
    initiative_id = blocked_initiative_of_maria(db)
    session = signed_in_session(url, "maria")
    for n, text in enumerate(HOSTILE):
        done = callback(
            session,
            url,
            "initiative-annotation-feedback",
            {"initiative-id": initiative_id, "initiative-annotation-body": text},
        )
        assert "Comment added" in done.text, done.text
        version = decisions_version(db, initiative_id)
        form = "roadmap" if n % 2 else "initiative"
        values: dict[str, object] = {
            f"{form}-decision-choice": "advance",
            f"{form}-decision-rationale": text,
            f"{form}-decision-override": text,
        }
        if form == "roadmap":
            values |= {"roadmap-decision-initiative": initiative_id}
            values["roadmap-decision-version"] = version
        else:
            values |= {"initiative-id": initiative_id}
            values["initiative-edits-version"] = {"decisions": version}
        done = callback(session, url, f"{form}-decision-feedback", values)
        assert "Recorded: advance" in done.text, done.text
    for text in (*HOSTILE[2:], *HOSTILE[:2]):  # the markup last: it stays in the table
        ranked = set_rank(session, url, db, initiative_id, text)
        assert "Rank 1 set." in ranked.text, ranked.text
        assert backlog_row(session, url, initiative_id)["rank_override"] == f"set by maria: {text}"
        saved = save_scenario(session, url, text)
        if len(text) > NAME_MAX:
            assert "Not saved: the scenario's name is at most" in saved.text, saved.text
        else:
            assert "Saved as" in saved.text, saved.text
    named = [text for text in HOSTILE if len(text) <= NAME_MAX]
    assert len(named) == len(HOSTILE) - 1

    reader = new_page(browser)
    dialogs: list[str] = []
    reader.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(reader, url, "erin")
    reader.goto(f"{url}/initiatives/{initiative_id}")
    for box in ("#initiative-decision-log-list", "#initiative-annotation-list"):
        for text in HOSTILE:
            expect(reader.locator(box)).to_contain_text(text)
    reader.goto(url + "/roadmap")
    expect(reader.locator("#roadmap-decisions")).to_contain_text(HOSTILE[-1])  # the latest
    expect(reader.locator("#roadmap-table")).to_contain_text(f"set by maria: {HOSTILE[1]}")
    for text in named:
        expect(reader.locator("#roadmap-scenario-saved-list")).to_contain_text(text)
    for page_path in (f"/initiatives/{initiative_id}", "/roadmap"):
        reader.goto(url + page_path)
        expect(reader.locator("#app-user-name")).to_contain_text("erin")
        injected = reader.locator("main img, main script, a[href^='javascript']")
        assert injected.count() == 0, page_path
    assert dialogs == []


def set_rank(
    session: requests.Session, url: str, db: Path, initiative_id: str, reason: str
) -> requests.Response:
    """The roadmap's rank override form: rank 1, for `reason`."""
    values = {
        "roadmap-override-initiative": initiative_id,
        "roadmap-override-rank": "1",
        "roadmap-override-reason": reason,
        "roadmap-override-version": override_version(db, initiative_id),
    }
    return callback(
        session, url, "roadmap-ranking-feedback", values, input_id="roadmap-override-submit"
    )


def backlog_row(session: requests.Session, url: str, initiative_id: str) -> dict[str, Any]:
    """The initiative's row as the roadmap table receives it: values, drawn as text."""
    request = {"startRow": 0, "endRow": 50, "sortModel": [], "filterModel": {}}
    values = {"roadmap-table": request, "app-location": ""}
    block = callback(session, url, "roadmap-table.getRowsResponse", values).json()
    rows = block["response"]["roadmap-table"]["getRowsResponse"]["rowData"]
    return dict(next(r for r in rows if r["initiative_id"] == initiative_id))


def save_scenario(session: requests.Session, url: str, name: str) -> requests.Response:
    """The roadmap's funding scenarios, saved as `name`."""
    values = {
        "roadmap-scenario-name": name,
        "app-location": "?scenario_a=top:3&scenario_b=budget:50000",
    }
    return callback(session, url, "roadmap-scenario-feedback", values)


def test_a_body_that_is_not_utf8_is_refused_and_stores_nothing(url: str, db: Path) -> None:
    """Bytes no browser sends: a clean client error, no edit, no audit entry and no trace
    in the server's log."""
    initiative_id = blocked_initiative_of_maria(db)
    session = signed_in_session(url, "maria")
    body = callback_body(
        session,
        url,
        "initiative-annotation-feedback",
        {"initiative-id": initiative_id, "initiative-annotation-body": "MARK"},
    )
    raw = json.dumps(body).encode().replace(b"MARK", b"caf\xe9 \xff\xfe \xc3(")
    before = (annotations(db, initiative_id), audit_entries(db))
    response = session.post(
        url + "/_dash-update-component",
        data=raw,
        headers={"Origin": url, "Content-Type": "application/json"},
        timeout=30,
    )
    assert 400 <= response.status_code < 500, response.status_code
    assert "Traceback" not in response.text and str(db.parent) not in response.text
    assert (annotations(db, initiative_id), audit_entries(db)) == before
    assert server_errors(db) == []


def annotations(db: Path, initiative_id: str) -> list[dict[str, Any]]:
    store = EditsStore.for_database(db, Settings())
    try:
        return comments.annotations_of(store, initiative_id)
    finally:
        store.dispose()


def signed_in_session(url: str, name: str) -> requests.Session:
    session = requests.Session()
    response = session.post(
        url + "/login", data={"username": name, "password": PASSWORD}, allow_redirects=False
    )
    assert response.status_code == 303, response.text
    return session


def decisions_version(db: Path, initiative_id: str) -> int:
    store = EditsStore.for_database(db, Settings())
    try:
        return decisions_module.decisions_version(store, initiative_id)
    finally:
        store.dispose()
