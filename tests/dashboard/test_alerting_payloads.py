"""The messages' shapes: Slack incoming-webhook JSON, a Teams Adaptive Card message and a
mail; text from data stays text in each."""

from __future__ import annotations

import json

from dashboard.alerting.config import Email
from dashboard.alerting.deliver import (
    MAX_LINES,
    Message,
    email_message,
    slack_payload,
    teams_payload,
)

EVIL = "<https://evil.example|Click> [me](https://evil.example) & co"
MSG = Message("Scaleboard: 1 new alert", "As of 2026-03.", [(EVIL, "detail")])


def test_slack_escapes_its_control_characters() -> None:
    payload = slack_payload(MSG)
    assert payload["text"] == "Scaleboard: 1 new alert"
    section = payload["blocks"][2]["text"]
    assert section["type"] == "mrkdwn"
    assert section["text"].startswith("*&lt;https://evil.example|Click&gt; [me]")
    assert "&amp; co" in section["text"] and "<https" not in json.dumps(payload)


def test_teams_text_is_never_markdown() -> None:
    payload = teams_payload(MSG)
    card = payload["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    text = json.dumps(card)
    assert '"TextBlock"' not in text  # a TextBlock would read [me](...) as a link
    runs = [i for b in card["body"] if b["type"] == "Container" for i in b["items"]]
    assert runs[0]["inlines"][0] == {"type": "TextRun", "text": EVIL, "weight": "Bolder"}


def test_long_lists_are_counted_not_cut_silently() -> None:
    many = Message("s", "i", [(f"t{n}", "d") for n in range(MAX_LINES + 3)])
    assert slack_payload(many)["blocks"][-1]["elements"][0]["text"] == "and 3 more"
    assert "and 3 more" in json.dumps(teams_payload(many))


def test_the_mail_attaches_the_pdf() -> None:
    channel = Email(name="m", host="h", sender="a@b.c", to=["x@y.z", "u@v.w"])
    mail = email_message(Message("s", "intro", [("t", "d")], ("brief.pdf", b"%PDF-1.4")), channel)
    assert mail["To"] == "x@y.z, u@v.w"
    parts = list(mail.iter_parts())
    assert parts[0].get_content() == "intro\n\n- t: d\n"
    assert parts[1].get_filename() == "brief.pdf" and parts[1].get_content() == b"%PDF-1.4"
