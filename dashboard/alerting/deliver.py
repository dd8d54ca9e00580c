"""Messages to Slack (incoming-webhook JSON), Teams (an Adaptive Card message for a
workflow's webhook) and email (SMTP with STARTTLS), each sent with bounded retries and a
doubling backoff. Errors name the channel and the cause, never a URL or a password."""

from __future__ import annotations

import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from dashboard.alerting.config import (
    AlertsConfigError,
    DeliveryPolicy,
    Email,
    Webhook,
    secret_from_env,
)

MAX_LINES = 25
"""Lines shown in one chat message (Slack allows 50 blocks); the rest are counted."""
Channel = Webhook | Email


@dataclass(frozen=True)
class Message:
    subject: str
    intro: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    """(title, detail) of each alert."""
    attachment: tuple[str, bytes] | None = None
    """(file name, PDF bytes): mailed as an attachment, left out of chat messages."""


class DeliveryError(Exception):
    """One try failed; the message says why (no secret in it)."""


def _slack_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _more(msg: Message) -> str | None:
    extra = len(msg.lines) - MAX_LINES
    return f"and {extra} more" if extra > 0 else None


def slack_payload(msg: Message) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": msg.subject[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_text(msg.intro)}},
    ]
    for title, detail in msg.lines[:MAX_LINES]:
        text = f"*{_slack_text(title)}*\n{_slack_text(detail)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    if more := _more(msg):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": more}]})
    return {"text": msg.subject, "blocks": blocks}


def _block(text: str, **style: Any) -> dict[str, Any]:
    """A paragraph of text shown as written: a TextRun is never read as markdown (a
    TextBlock's text is), so a name from a data file cannot become a link."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def teams_payload(msg: Message) -> dict[str, Any]:
    body = [_block(msg.subject, weight="Bolder", size="Medium"), _block(msg.intro)]
    for title, detail in msg.lines[:MAX_LINES]:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [_block(title, weight="Bolder"), _block(detail, isSubtle=True)],
            }
        )
    if more := _more(msg):
        body.append(_block(more, isSubtle=True))
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    attachment = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None,
        "content": card,
    }
    return {"type": "message", "attachments": [attachment]}


def email_message(msg: Message, channel: Email) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = msg.subject
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    lines = [f"- {title}: {detail}" for title, detail in msg.lines]
    mail.set_content("\n".join([msg.intro, "", *lines]).rstrip() + "\n")
    if msg.attachment:
        name, data = msg.attachment
        mail.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return mail


def webhook_url(channel: Webhook) -> str:
    """The webhook's URL (a secret: never shown), which must be http(s)."""
    if channel.url is not None:
        url = channel.url.get_secret_value()
    else:
        assert channel.url_env is not None  # the model requires one of the two
        url = secret_from_env(channel.url_env, f"the url of webhook {channel.name!r}")
    if urllib.parse.urlsplit(url).scheme not in ("https", "http") or "\n" in url:
        raise AlertsConfigError(
            f"the url of webhook {channel.name!r} must be an https:// address (not shown here)"
        )
    return url


def smtp_password(channel: Email) -> str | None:
    if channel.password is not None:
        return channel.password.get_secret_value()
    if channel.password_env is not None:
        return secret_from_env(channel.password_env, f"the password of email {channel.name!r}")
    return None


def post_webhook(channel: Webhook, msg: Message, timeout_s: float) -> None:
    payload = slack_payload(msg) if channel.format == "slack" else teams_payload(msg)
    request = urllib.request.Request(
        webhook_url(channel),
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook {channel.name!r} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"webhook {channel.name!r} unreachable: {reason}") from None


def send_email(channel: Email, msg: Message, timeout_s: float) -> None:
    context = ssl.create_default_context(cafile=str(channel.ca_file) if channel.ca_file else None)
    password = smtp_password(channel)
    try:
        with smtplib.SMTP(channel.host, channel.port, timeout=timeout_s) as smtp:
            smtp.starttls(context=context)
            if channel.username:
                smtp.login(channel.username, password or "")
            smtp.send_message(email_message(msg, channel))
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(
            f"email {channel.name!r}: {channel.host}:{channel.port} does not offer STARTTLS"
        ) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DeliveryError(
            f"email {channel.name!r} via {channel.host}:{channel.port}: {first}"
        ) from None


def send_once(channel: Channel, msg: Message, timeout_s: float) -> None:
    if isinstance(channel, Webhook):
        post_webhook(channel, msg, timeout_s)
    else:
        send_email(channel, msg, timeout_s)


def deliver(
    channel: Channel,
    msg: Message,
    policy: DeliveryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[bool, int, str | None]:
    """(sent, tries made, the last error): up to `policy.attempts` tries, waiting
    `backoff_s`, then twice as long each time (at most `max_backoff_s`) between them."""
    error = None
    for attempt in range(1, policy.attempts + 1):
        if attempt > 1:
            sleep(policy.wait_before(attempt))
        try:
            send_once(channel, msg, policy.timeout_s)
        except DeliveryError as exc:
            error = str(exc)
            continue
        return True, attempt, None
    return False, policy.attempts, error
