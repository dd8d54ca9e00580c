"""The one Settings object: every tunable of the product, from `SCALEBOARD_*` or a config file."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
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
    releases_kept: int = Field(5, ge=1, description="Earlier database states kept for rollback.")
    lock_timeout_s: float = Field(600.0, ge=0, description="How long a load waits for another.")
    load_memory_limit: str = Field(
        "1GB", description="DuckDB's memory limit in a load; beyond it DuckDB spills to disk."
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
