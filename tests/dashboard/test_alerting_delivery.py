"""Alerts delivered for real: `scaleboard alerts check`, `load` and `aggregate-events` post
Slack and Teams payloads to a local HTTP server and mail a local SMTP server over STARTTLS (a
self-signed certificate the test makes); an alert fires once until it clears; a failing
delivery is retried with backoff, reported, and sent by a later check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard.alerting.service import check as run_check
from dashboard.edits.alert_state import delivery_counts
from dashboard.edits.store import EditsStore
from dashboard.views.deliveries import failed_deliveries_view
from etl.config import Settings
from tests.conftest import run_cli
from tests.dashboard.alert_servers import (
    SMTP_PASSWORD,
    SMTP_USER,
    Hooks,
    Inbox,
    smtp_server,
    webhook_server,
)
from tests.dashboard.conftest import write_tiny
from tests.etl.user_months_helpers import write_events

RULES = """
[[rules]]
condition = "stalled_pilot"

[[rules]]
name = "decay-10"
condition = "model_decay"
min_decay_pct = 10

[[rules]]
condition = "adoption_below_target"
target = 0.5
channels = ["slack"]

[[rules]]
condition = "money_at_risk_above"
threshold = 1000
channels = ["teams"]
"""


def alerts_file(folder: Path, hooks: Hooks, inbox: Inbox | None, attempts: int = 3) -> Path:
    text = f"""
[delivery]
attempts = {attempts}
backoff_s = 0.01
max_backoff_s = 0.05
timeout_s = 5

[[webhooks]]
name = "slack"
format = "slack"
url = "{hooks.url}/slack"

[[webhooks]]
name = "teams"
format = "teams"
url = "{hooks.url}/teams"
"""
    if inbox is not None:
        text += f"""
[[emails]]
name = "sponsors"
host = "127.0.0.1"
port = {inbox.port}
sender = "scaleboard@example.com"
to = ["cfo@example.com", "coo@example.com"]
username = "{SMTP_USER}"
password_env = "TEST_SMTP_PASSWORD"
ca_file = "{inbox.cert}"
"""
    path = folder / "alerts.toml"
    path.write_text(text + RULES, encoding="utf-8")
    path.chmod(0o600)
    return path


ENV = {"TEST_SMTP_PASSWORD": SMTP_PASSWORD}


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    with webhook_server() as running:
        yield running


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    with smtp_server(tmp_path) as running:
        yield running


def tiny(folder: Path) -> tuple[Path, Path]:
    """(a database path beside which alerts.toml goes, the tiny portfolio's files)."""
    return folder / "tiny.duckdb", write_tiny(folder / "in")


def check(db: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    result = run_cli("alerts", "check", "--db", db, "--json", *extra, env=ENV)
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout) if result.stdout else {}, result.stderr


def slack_texts(payload: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in payload["blocks"] if "text" in b)


OPENED = [
    "adoption_below_target:portfolio",
    "decay-10:a:m1:accuracy",
    "money_at_risk_above:portfolio",
    "stalled_pilot:b",
]
"""The alerts the tiny portfolio opens under RULES."""


def test_load_delivers_each_format_once(tmp_path: Path, hooks: Hooks, inbox: Inbox) -> None:
    db, files = tiny(tmp_path)
    alerts_file(tmp_path, hooks, inbox)
    loaded = run_cli("load", "--db", db, files, "--json", env=ENV)
    assert loaded.returncode == 0, loaded.stderr
    summary = json.loads(loaded.stdout)["alerts"]
    assert summary["failed"] is False, summary
    assert sorted(summary["opened"]) == OPENED
    (slack,) = hooks.received["/slack"]
    assert slack["text"] == "Scaleboard: 3 new alerts"
    assert slack["blocks"][0]["type"] == "header"
    text = slack_texts(slack)
    assert "*Contract triage (b): stalled pilot*" in text and "Portfolio adoption" in text
    assert "Money at risk" not in text  # routed to teams only
    (teams,) = hooks.received["/teams"]
    assert teams["type"] == "message"
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard" and card["content"]["version"] == "1.4"
    card_text = json.dumps(card["content"]["body"])
    assert "Money at risk above its threshold" in card_text and "stalled pilot" in card_text
    (mail,) = inbox.messages
    assert inbox.recipients == [["cfo@example.com", "coo@example.com"]]
    assert mail["Subject"] == "Scaleboard: 2 new alerts"  # the rules routed to every channel
    assert "Invoice matching (a): model m1 decaying" in mail.get_payload()

    code, again, _ = check(db)
    assert code == 0 and again["opened"] == [] and again["deliveries"] == []
    assert len(hooks.received["/slack"]) == 1 and len(inbox.messages) == 1  # no duplicate


def test_a_failing_delivery_is_retried_and_reported(
    tmp_path: Path, hooks: Hooks, inbox: Inbox
) -> None:
    db, files = tiny(tmp_path)
    assert run_cli("load", "--db", db, files).returncode == 0  # no alerts file yet
    alerts_file(tmp_path, hooks, inbox, attempts=3)
    hooks.failing.add("/teams")
    code, result, _ = check(db)
    assert code == 1 and result["failed"] is True
    teams = next(d for d in result["deliveries"] if d["channel"] == "teams")
    assert (teams["sent"], teams["attempts"]) == (False, 3)
    assert teams["error"] == "webhook 'teams' answered HTTP 500"
    assert hooks.tries["/teams"] == 3

    status = run_cli("alerts", "status", "--db", db, "--json")
    assert status.returncode == 0, status.stderr
    found = json.loads(status.stdout)
    failed = found["failed_deliveries"]
    assert {d["alert_key"] for d in failed} == {
        "money_at_risk_above:portfolio",
        "stalled_pilot:b",
        "decay-10:a:m1:accuracy",
    }
    assert all(d["channel"] == "teams" and d["attempts"] == 3 for d in failed)
    assert hooks.url not in status.stdout  # the webhook url is a secret
    human = run_cli("alerts", "status", "--db", db)
    assert "3 failed deliveries" in human.stdout and "HTTP 500" in human.stdout
    card = str(failed_deliveries_view(EditsStore.for_database(db, Settings())))
    assert "Failed alert deliveries (3)" in card and "HTTP 500" in card and "teams" in card

    hooks.failing.clear()
    code, retried, _ = check(db)
    assert code == 0 and retried["opened"] == []
    assert [(d["channel"], d["alerts"], d["sent"]) for d in retried["deliveries"]] == [
        ("teams", 3, True)
    ]
    assert (
        json.loads(run_cli("alerts", "status", "--db", db, "--json").stdout)["failed_deliveries"]
        == []
    )
    store = EditsStore.for_database(db, Settings())
    assert delivery_counts(store) == {"sent": 3 + 2 + 3}  # slack, email, teams (retried)
    assert failed_deliveries_view(store) == []  # the data page shows no card


def test_an_alert_fires_again_after_it_clears(tmp_path: Path, hooks: Hooks) -> None:
    db, files = tiny(tmp_path)
    assert run_cli("load", "--db", db, files).returncode == 0
    path = alerts_file(tmp_path, hooks, None)
    assert check(db)[1]["opened"] != []
    path.write_text(path.read_text().replace("threshold = 1000", "threshold = 1e12"))
    code, cleared, _ = check(db)
    assert code == 0 and cleared["cleared"] == ["money_at_risk_above:portfolio"]
    assert cleared["deliveries"] == []
    path.write_text(path.read_text().replace("threshold = 1e12", "threshold = 1000"))
    code, back, _ = check(db)
    assert back["opened"] == ["money_at_risk_above:portfolio"]
    assert len(hooks.received["/teams"]) == 2


def test_the_load_stands_when_the_alert_step_fails(tmp_path: Path) -> None:
    db, files = tiny(tmp_path)
    (tmp_path / "alerts.toml").write_text('[[rules]]\ncondition = "nope"\n')
    loaded = run_cli("load", "--db", db, files)
    assert loaded.returncode == 0 and "Traceback" not in loaded.stderr
    assert "the load stands, but the alert check failed" in loaded.stderr
    assert "condition must be one of" in loaded.stderr
    assert run_cli("metrics", "--db", db, "--json").returncode == 0
    as_json = run_cli("load", "--db", db, files, "--force", "--json")
    assert as_json.returncode == 0
    assert "condition must be one of" in json.loads(as_json.stdout)["alerts"]["error"]


def one_event(folder: Path) -> Path:
    """An event file with one user of initiative a in the as-of month."""
    return write_events(folder / "events" / "usage_events.csv", [("a", "u1", "2026-03-05", None)])


def test_aggregate_events_delivers_as_load_does(tmp_path: Path, hooks: Hooks, inbox: Inbox) -> None:
    db, files = tiny(tmp_path)
    assert run_cli("load", "--db", db, files).returncode == 0  # no alerts file yet
    alerts_file(tmp_path, hooks, inbox)
    events = one_event(tmp_path)
    args = ("aggregate-events", "--engine", "duckdb", "--db", db, events)
    loaded = run_cli(*args, "--json", env=ENV)
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)
    assert result["rows_loaded"] == 1
    summary = result["alerts"]
    assert summary["failed"] is False, summary
    assert sorted(summary["opened"]) == OPENED
    assert [d["channel"] for d in summary["deliveries"]] == ["slack", "teams", "sponsors"]
    (slack,) = hooks.received["/slack"]
    assert slack["text"] == "Scaleboard: 3 new alerts"
    (teams,) = hooks.received["/teams"]
    assert teams["attachments"][0]["content"]["type"] == "AdaptiveCard"
    (mail,) = inbox.messages
    assert mail["Subject"] == "Scaleboard: 2 new alerts"

    again = run_cli(*args, "--force", env=ENV)
    assert again.returncode == 0, again.stderr
    assert "alerts: 4 found, 0 new, 0 cleared, 0 messages sent" in again.stdout
    assert len(hooks.received["/slack"]) == 1 and len(inbox.messages) == 1  # no duplicate


def test_aggregate_events_out_checks_no_alerts(tmp_path: Path, hooks: Hooks) -> None:
    """--out loads nothing, so there is nothing to check yet: the later `load` of the folder
    runs the check (even with the rules and the default database configured)."""
    db, files = tiny(tmp_path)
    assert run_cli("load", "--db", db, files).returncode == 0
    rules = alerts_file(tmp_path, hooks, None)
    events = one_event(tmp_path)
    env = {
        "SCALEBOARD_DB": str(db),
        "SCALEBOARD_ALERTS": str(rules),
        "SCALEBOARD_PSEUDONYM_KEY": "a test secret",
    }
    out = tmp_path / "user-months"
    written = run_cli(
        "aggregate-events",
        "--out",
        out,
        "--initiatives",
        files / "initiatives.csv",
        events,
        "--json",
        env=env,
    )
    assert written.returncode == 0, written.stderr
    assert "alerts" not in json.loads(written.stdout) and hooks.tries == {}
    loaded = run_cli("load", "--db", db, out, "--json", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert sorted(json.loads(loaded.stdout)["alerts"]["opened"]) == OPENED


def test_retries_wait_the_doubling_backoff_between_tries(tmp_path: Path, hooks: Hooks) -> None:
    db, files = tiny(tmp_path)
    assert run_cli("load", "--db", db, files).returncode == 0
    path = alerts_file(tmp_path, hooks, None, attempts=5)  # backoff 0.01 s, at most 0.05 s
    hooks.failing.add("/teams")
    waits: list[tuple[float, int]] = []

    def sleep(seconds: float) -> None:
        waits.append((seconds, hooks.tries.get("/teams", 0)))

    result = run_check(db, Settings(), path, sleep=sleep)
    teams = next(d for d in result.deliveries if d.channel == "teams")
    assert (teams.sent, teams.attempts) == (False, 5)
    # (the wait, the tries made before it): one wait between each two tries, doubled, capped
    assert waits == [(0.01, 1), (0.02, 2), (0.04, 3), (0.05, 4)]
    assert hooks.tries["/teams"] == 5 and hooks.tries["/slack"] == 1  # slack: sent, no wait


def test_scaleboard_alerts_names_the_rules_file(tmp_path: Path, hooks: Hooks) -> None:
    db, files = tiny(tmp_path)
    elsewhere = tmp_path / "config"
    elsewhere.mkdir()
    rules = alerts_file(elsewhere, hooks, None)  # not beside the database
    env = {"SCALEBOARD_ALERTS": str(rules)}
    assert run_cli("load", "--db", db, files).returncode == 0  # no file beside it: no check
    assert hooks.tries == {}
    missing = run_cli("alerts", "check", "--db", db)
    assert missing.returncode == 2
    assert f"no alerts file at {tmp_path / 'alerts.toml'}" in missing.stderr

    checked = run_cli("alerts", "check", "--db", db, "--json", env=env)
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert result["config"] == str(rules) and sorted(result["opened"]) == OPENED
    assert len(hooks.received["/slack"]) == len(hooks.received["/teams"]) == 1

    loaded = run_cli("load", "--db", db, files, "--force", "--json", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert json.loads(loaded.stdout)["alerts"]["config"] == str(rules)  # the load's check too
    given = run_cli("alerts", "check", "--db", db, "--config", tmp_path / "x.toml", env=env)
    assert given.returncode == 2  # --config comes first
    assert f"no alerts file at {tmp_path / 'x.toml'}" in given.stderr
