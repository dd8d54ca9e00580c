"""The alerts file (TOML, docs/alerts.md) parsed into pydantic models: rules, channels
(webhooks and mail servers), the delivery policy and the digest's recipients. A mistake is
an `AlertsConfigError` naming the file, the entry and what to write instead."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class AlertsConfigError(Exception):
    """The alerts file cannot be used; the message says where and how to fix it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeliveryPolicy(_Strict):
    attempts: int = Field(4, ge=1, le=10, description="Tries per delivery.")
    backoff_s: float = Field(2.0, ge=0, le=600, description="Wait before the second try.")
    max_backoff_s: float = Field(60.0, ge=0, le=3600, description="The longest wait.")
    timeout_s: float = Field(10.0, gt=0, le=300, description="One try's network timeout.")

    def wait_before(self, attempt: int) -> float:
        """Seconds to wait before try `attempt` (2, 3, ...): doubled each time, capped."""
        return float(min(self.backoff_s * 2 ** (attempt - 2), self.max_backoff_s))


class Webhook(_Strict):
    name: str = Field(min_length=1, max_length=100)
    format: Literal["slack", "teams"]
    url: SecretStr | None = None
    url_env: str | None = Field(None, pattern=ENV_NAME)

    @model_validator(mode="after")
    def _one_url(self) -> Webhook:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url and url_env (an environment variable)")
        return self


class Email(_Strict):
    name: str = Field(min_length=1, max_length=100)
    host: str = Field(min_length=1)
    port: int = Field(587, ge=1, le=65535)
    sender: str = Field(min_length=3, pattern=r"^[^@\s]+@[^@\s]+$")
    to: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)
    username: str | None = None
    password: SecretStr | None = None
    password_env: str | None = Field(None, pattern=ENV_NAME)
    ca_file: Path | None = Field(
        None, description="Certificates to trust for STARTTLS (default: the system's)."
    )

    @model_validator(mode="after")
    def _one_password(self) -> Email:
        if self.password is not None and self.password_env is not None:
            raise ValueError("give at most one of password and password_env")
        return self


class _Rule(_Strict):
    name: str = Field("", max_length=100)
    channels: list[str] | None = Field(None, description="Default: every channel.")


class AdoptionBelowTarget(_Rule):
    condition: Literal["adoption_below_target"]
    target: float | None = Field(
        None, ge=0, le=1, description="Default: the portfolio's and each initiative's target."
    )


class StalledPilot(_Rule):
    condition: Literal["stalled_pilot"]


class ModelDecay(_Rule):
    condition: Literal["model_decay"]
    min_decay_pct: float = Field(5.0, ge=0)


class BusinessCaseAtRisk(_Rule):
    condition: Literal["business_case_at_risk"]


class CostSpike(_Rule):
    condition: Literal["cost_spike"]
    factor: float = Field(1.5, gt=1)


class MoneyAtRiskAbove(_Rule):
    condition: Literal["money_at_risk_above"]
    threshold: float = Field(ge=0)


class StaleData(_Rule):
    condition: Literal["stale_data"]
    days: int = Field(ge=0)


class PartialMonthOpen(_Rule):
    condition: Literal["partial_month_open"]
    days: int = Field(ge=0)


Rule = Annotated[
    AdoptionBelowTarget
    | StalledPilot
    | ModelDecay
    | BusinessCaseAtRisk
    | CostSpike
    | MoneyAtRiskAbove
    | StaleData
    | PartialMonthOpen,
    Field(discriminator="condition"),
]
CONDITIONS = (
    "adoption_below_target",
    "stalled_pilot",
    "model_decay",
    "business_case_at_risk",
    "cost_spike",
    "money_at_risk_above",
    "stale_data",
    "partial_month_open",
)


class Digest(_Strict):
    channels: list[str] | None = Field(None, description="Default: every channel.")
    business_units: list[str] = Field(default_factory=list)
    stages: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)


class AlertsConfig(_Strict):
    delivery: DeliveryPolicy = Field(default_factory=DeliveryPolicy)
    webhooks: list[Webhook] = Field(default_factory=list)
    emails: list[Email] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    digest: Digest = Field(default_factory=Digest)

    @property
    def channel_names(self) -> list[str]:
        return [w.name for w in self.webhooks] + [e.name for e in self.emails]

    @model_validator(mode="after")
    def _names(self) -> AlertsConfig:
        names = self.channel_names
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"channel names must be unique; {', '.join(twice)} used twice")
        rule_names = [r.name or r.condition for r in self.rules]
        again = sorted({n for n in rule_names if rule_names.count(n) > 1})
        if again:
            raise ValueError(f"rule names must be unique (set name = ...); {', '.join(again)}")
        for where, wanted in [
            *((f"rule {r.name or r.condition}", r.channels) for r in self.rules),
            ("digest", self.digest.channels),
        ]:
            unknown = sorted(set(wanted or ()) - set(names))
            if unknown:
                known = ", ".join(names) or "none defined"
                raise ValueError(f"{where} names unknown channels {unknown} (channels: {known})")
        return self

    def holds_secrets(self) -> bool:
        return any(w.url for w in self.webhooks) or any(e.password for e in self.emails)


def rule_name(rule: Rule) -> str:
    return rule.name or rule.condition


def default_path(db: Path) -> Path:
    return db.with_name("alerts.toml")


def config_path(given: Path | None, configured: Path | None, db: Path) -> Path:
    """--config, else SCALEBOARD_ALERTS, else alerts.toml beside the database."""
    return given or configured or default_path(db)


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in CONDITIONS:  # the union's branch name says nothing to the user
            out += f".{part}" if out else str(part)
    return out or "the file"


def _explain(path: Path, exc: ValidationError) -> str:
    first = exc.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "union_tag_invalid":
        message = f"condition must be one of {', '.join(CONDITIONS)}"
    elif first["type"] == "union_tag_not_found":
        message = f"every rule needs a condition, one of {', '.join(CONDITIONS)}"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{path}: {_where(first['loc'])}: {message}{more}; see docs/alerts.md"


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise AlertsConfigError(
            f"{path} holds a secret (a webhook url or an SMTP password) but others can read "
            f"it (mode {mode:o}): run `chmod 600 {path}`, or move the secret to an environment "
            "variable (url_env, password_env)"
        )


def parse_config(path: Path, text: str) -> AlertsConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AlertsConfigError(f"{path} is not valid TOML: {exc}; see docs/alerts.md") from None
    try:
        return AlertsConfig.model_validate(data)
    except ValidationError as exc:
        raise AlertsConfigError(_explain(path, exc)) from None


def load_config(path: Path) -> AlertsConfig:
    """The alerts file at `path`; refuses one that holds secrets readable by others."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AlertsConfigError(
            f"no alerts file at {path}: write one (see docs/alerts.md) or name it with "
            "--config or SCALEBOARD_ALERTS"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AlertsConfigError(f"cannot read {path}: {exc}") from None
    config = parse_config(path, text)
    if config.holds_secrets():
        _check_private(path)
    return config


def secret_from_env(name: str, what: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise AlertsConfigError(
            f"{what} comes from the environment variable {name}, which is not set"
        )
    return value
