"""`scaleboard digest`: the brief rendered once by Debian's chromium, mailed as a PDF over
STARTTLS to a local SMTP server, and its summary and the open alerts posted to local
Slack and Teams webhooks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dashboard.alert_servers import smtp_server, webhook_server
from tests.dashboard.conftest import write_tiny
from tests.dashboard.test_alerting_delivery import ENV, alerts_file, slack_texts
from tests.e2e.conftest import expected_kpis
from tests.e2e.test_brief import pdf_text

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-digest")]


def test_digest001_sends_the_brief_and_the_open_alerts(tmp_path: Path) -> None:
    db = tmp_path / "tiny.duckdb"
    with webhook_server() as hooks, smtp_server(tmp_path) as inbox:
        path = alerts_file(tmp_path, hooks, inbox)
        path.write_text(path.read_text() + '\n[digest]\nbusiness_units = ["Finance", "Legal"]\n')
        loaded = run_cli("load", "--db", db, write_tiny(tmp_path / "in"), env=ENV)
        assert loaded.returncode == 0, loaded.stderr
        before = len(inbox.messages)
        sent = run_cli("digest", "--db", db, "--json", env=ENV)
        assert sent.returncode == 0, sent.stderr
        result = json.loads(sent.stdout)
        assert [d["channel"] for d in result["deliveries"]] == ["slack", "teams", "sponsors"]
        assert result["open_alerts"] == 4 and result["failed"] is False
        mail = inbox.messages[before]
    kpis = expected_kpis(db, "--business-unit", "Finance", "--business-unit", "Legal")
    assert mail["Subject"] == "Scaleboard brief, as of 2026-03"
    (attachment,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == "scaleboard-brief-2026-03.pdf"
    pdf = tmp_path / "mailed.pdf"
    pdf.write_bytes(attachment.get_payload(decode=True))
    text = pdf_text(pdf)
    assert all(value in text for value in kpis.values()), (kpis, text)
    assert "Business unit: Finance, Legal" in text
    body = next(p for p in mail.walk() if p.get_content_type() == "text/plain").get_payload()
    assert f"Adoption rate {kpis['kpi-adoption-rate']}" in body
    assert "Contract triage (b): stalled pilot" in body
    slack = slack_texts(hooks.received["/slack"][-1])
    assert f"Total spend {kpis['kpi-total-cost']}" in slack and "4 open alerts" in slack
    teams = json.dumps(hooks.received["/teams"][-1])
    assert "AdaptiveCard" in teams and "Scaleboard brief, as of 2026-03" in teams
