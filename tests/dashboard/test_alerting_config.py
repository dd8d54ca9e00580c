"""The alerts file: every mistake is one clear line naming the file, the entry and the fix;
secrets only from the environment or a file its owner alone can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.alerting.config import AlertsConfigError, DeliveryPolicy, load_config
from dashboard.alerting.service import load_checked
from tests.conftest import run_cli

GOOD = """
[delivery]
attempts = 3
backoff_s = 0.5

[[webhooks]]
name = "exec-slack"
format = "slack"
url_env = "TEST_SLACK_URL"

[[emails]]
name = "sponsors"
host = "smtp.example.com"
sender = "scaleboard@example.com"
to = ["cfo@example.com"]

[[rules]]
condition = "stalled_pilot"
channels = ["exec-slack"]

[[rules]]
condition = "money_at_risk_above"
threshold = 1000000
"""


def write(folder: Path, text: str, mode: int = 0o644) -> Path:
    path = folder / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def refused(folder: Path, text: str, mode: int = 0o644) -> str:
    with pytest.raises(AlertsConfigError) as caught:
        load_config(write(folder, text, mode))
    return str(caught.value)


def test_a_good_file_parses(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.channel_names == ["exec-slack", "sponsors"]
    assert [r.condition for r in config.rules] == ["stalled_pilot", "money_at_risk_above"]
    assert config.delivery.attempts == 3
    assert config.emails[0].port == 587


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[rules]\ncondition = 1", "is not valid TOML"),
        ('[[rules]]\ncondition = "sky_is_falling"', "rules[0]: condition must be one of"),
        ("[[rules]]\nthreshold = 3", "rules[0]: every rule needs a condition"),
        ('[[rules]]\ncondition = "money_at_risk_above"', "rules[0].threshold: Field required"),
        ('[[rules]]\ncondition = "cost_spike"\nfactor = 0.5', "rules[0].factor"),
        ('[[rules]]\ncondition = "stalled_pilot"\nchannels = ["nobody"]', "unknown channels"),
        ('[[webhooks]]\nname = "a"\nformat = "discord"\nurl_env = "X"', "webhooks[0].format"),
        ('[[webhooks]]\nname = "a"\nformat = "slack"', "exactly one of url and url_env"),
        ("[delivery]\nattempts = 0", "delivery.attempts"),
        ("[delivery]\nretries = 2", "delivery.retries: Extra inputs are not permitted"),
        (
            '[[rules]]\ncondition = "stalled_pilot"\n[[rules]]\ncondition = "stalled_pilot"',
            "rule names must be unique",
        ),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, expected: str) -> None:
    message = refused(tmp_path, text)
    assert expected in message
    assert str(tmp_path / "alerts.toml") in message


def test_secrets_in_the_file_need_mode_600(tmp_path: Path) -> None:
    text = '[[webhooks]]\nname = "a"\nformat = "teams"\nurl = "https://example.com/hook/SECRET"'
    message = refused(tmp_path, text, 0o644)
    assert "chmod 600" in message and "SECRET" not in message
    assert load_config(write(tmp_path, text, 0o600)).webhooks[0].url is not None


def test_a_secret_from_an_unset_variable_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_SLACK_URL", raising=False)
    with pytest.raises(AlertsConfigError, match="TEST_SLACK_URL, which is not set"):
        load_checked(write(tmp_path, GOOD))


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = DeliveryPolicy(attempts=5, backoff_s=1, max_backoff_s=3)
    assert [policy.wait_before(n) for n in (2, 3, 4, 5)] == [1, 2, 3, 3]


def test_the_command_says_what_is_wrong(tmp_path: Path) -> None:
    db = tmp_path / "p.duckdb"
    header = tmp_path / "in" / "initiatives.csv"
    header.parent.mkdir()
    header.write_text("initiative_id,name,business_unit,stage,stage_entered_on\n")
    assert run_cli("load", "--db", db, header).returncode == 0
    write(tmp_path, '[[rules]]\ncondition = "nope"')
    result = run_cli("alerts", "check", "--db", db)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "condition must be one of" in result.stderr and "docs/alerts.md" in result.stderr
    missing = run_cli("alerts", "check", "--db", db, "--config", tmp_path / "none.toml")
    assert missing.returncode == 2 and "no alerts file at" in missing.stderr


def test_a_webhook_must_be_http(tmp_path: Path) -> None:
    text = '[[webhooks]]\nname = "a"\nformat = "slack"\nurl = "file:///etc/passwd"'
    with pytest.raises(AlertsConfigError, match="must be an https:// address") as caught:
        load_checked(write(tmp_path, text, 0o600))
    assert "passwd" not in str(caught.value)
