"""The one Settings object: every tunable of the product, from `SCALEBOARD_*` or a config file."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from etl.period import PlausibleMonths

DEFAULT_DB = Path("data/scaleboard.duckdb")


class Settings(BaseSettings):
    """Defaults make `make run` work on a fresh clone; override with SCALEBOARD_<NAME>."""

    model_config = SettingsConfigDict(
        env_prefix="SCALEBOARD_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    db: Path = Field(DEFAULT_DB, description="The database file that --db defaults to.")
    reporting_currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    stalled_after_days: int = Field(180, ge=0)
    decay_alert_pct: float = Field(5.0, ge=0)
    gate_min_score: float = Field(3.0, ge=0, le=5)
    earliest_month: str = Field(
        "1990-01",
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="The first month a date in data or an option may fall in.",
    )
    years_ahead: int = Field(
        10, ge=0, le=100, description="How many years after today the last accepted month is."
    )
    min_reporting_share: Decimal = Field(
        Decimal("0.5"),
        ge=0,
        le=1,
        description="A month is reported when at least this share of the initiatives of the "
        "three months before it reported in it (METRICS.md, Time); compared exactly.",
    )
    pseudonymise_user_ids: bool = True
    pseudonym_key: str | None = Field(
        None,
        description="Secret of the keyed hash of user ids; when unset, a random key is kept "
        "in a file beside the database (mode 0600).",
    )
    pseudonym_key_file: Path | None = Field(
        None,
        description="A file (mode 0600) holding that secret instead, e.g. on a cluster that "
        "runs `scaleboard aggregate-events --out` with the serving database's key.",
    )
    releases_kept: int = Field(5, ge=1, description="Earlier database states kept for rollback.")
    lock_timeout_s: float = Field(600.0, ge=0, description="How long a load waits for another.")
    load_memory_limit: str = Field(
        "1GB", description="DuckDB's memory limit in a load; beyond it DuckDB spills to disk."
    )
    sign_in: bool = Field(
        True,
        description="Pages need a signed-in user; off (SCALEBOARD_SIGN_IN=off) serves them "
        "read-only to anyone, on loopback only.",
    )
    edits_url: SecretStr | None = Field(
        None,
        description="SQLAlchemy URL of the edits store, e.g. postgresql+psycopg://user@host/db "
        "for several app servers; default: a SQLite file beside the database.",
    )
    session_secret: SecretStr | None = Field(
        None,
        description="Key that signs session cookies; default: a random key kept in a file "
        "beside the database (mode 0600).",
    )
    session_secret_file: Path | None = Field(
        None, description="A file (mode 0600) holding the session key instead."
    )
    session_hours: float = Field(12.0, gt=0, le=24 * 30, description="A session's lifetime.")
    login_max_failures: int = Field(
        5, ge=1, description="Failed sign-ins per name or address before throttling (429)."
    )
    login_window_s: int = Field(900, ge=1, description="The window those failures count in.")
    auth_proxy: bool = Field(
        False, description="Trust an identity proxy's headers (oauth2-proxy, an OIDC ingress)."
    )
    auth_proxy_addresses: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of the proxy; headers from others are "
        'ignored. JSON list, e.g. ["127.0.0.1", "10.0.0.0/24"].',
    )
    auth_proxy_user_header: str = "X-Forwarded-User"
    auth_proxy_groups_header: str = "X-Forwarded-Groups"
    auth_proxy_owner_header: str = Field(
        "X-Forwarded-Owner-Name",
        description="Header naming the program owner a proxy user is (default: the user).",
    )
    auth_proxy_roles_file: Path | None = Field(
        None, description="TOML file mapping the proxy's groups to roles (docs/security.md)."
    )
    chromium: Path | None = Field(
        None,
        description="The Chromium that renders the brief (`scaleboard report`, the portfolio "
        "page's Export brief); default: `chromium` on PATH.",
    )
    alerts: Path | None = Field(
        None,
        description="The alert rules and deliveries (docs/alerts.md); default: alerts.toml "
        "beside the database.",
    )
    max_request_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="The largest request body the dashboard's server accepts (HTTP 413 "
        "beyond it); a page's callback requests are a few kilobytes.",
    )

    @field_validator("reporting_currency", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    def plausible_months(self) -> PlausibleMonths:
        """The months accepted in data and options (`earliest_month`, `years_ahead`)."""
        return PlausibleMonths.of(self.earliest_month, self.years_ahead)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
