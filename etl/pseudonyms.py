"""Pseudonymised user ids: the `user_key` that usage events store instead of `user_id`.

`user_id` is personal data (CONTRACT.md), so events store a keyed hash of it. Distinct
counts across loads hold only while every load of a database writes the same key for the
same user, so a database's key format is fixed by its first events load and recorded in
its `meta` table:

- `md5-64`: the first 8 bytes of md5(k || user_id), read as a little-endian unsigned
  64-bit integer, where k is 16 bytes derived from the secret. One md5 block covers ids of
  up to 39 bytes, and an integer is much cheaper to write and to count than 32 hex
  characters. Two different users share a key with a chance of about 3 in 10^8 for a
  million distinct users in one month.
- `md5-hex`: md5(secret || user_id) as 32 hex characters: databases whose events were
  written before `md5-64` keep it.
- `plain`: the id as given (`SCALEBOARD_PSEUDONYMISE_USER_IDS=false`).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

import duckdb

from etl import storage
from etl.config import Settings
from etl.validate import quote_literal

FORMAT_NAME = "user_key_format"
HASHED_FORMATS = ("md5-64", "md5-hex")


def derived_key(secret: str) -> bytes:
    """The 16 bytes that `md5-64` prefixes to each user id."""
    return hashlib.sha256(secret.encode()).digest()[:16]


def user_key_sql(key_format: str, secret: str, user_id: str) -> str:
    """SQL of the user key of the SQL text expression `user_id` in the given format."""
    if key_format == "md5-64":
        key = quote_literal(derived_key(secret).hex())
        low_64_bits = "18446744073709551615::uhugeint"
        return f"(md5_number(unhex({key}) || encode({user_id})) & {low_64_bits})::ubigint"
    if key_format == "md5-hex":
        return f"md5({quote_literal(secret)} || {user_id})"
    return user_id


def _stored_format(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("select value from meta where name = ?", [FORMAT_NAME]).fetchone()
    return None if row is None else str(row[0])


def format_for(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    """The format of a database's keys: as recorded; for events stored before formats were
    recorded, the 32-hex format they were written in; for a database without events, the
    fastest one."""
    recorded = _stored_format(con)
    if recorded is not None:
        return recorded
    if not settings.pseudonymise_user_ids:
        return "plain"
    row = con.execute("select count(*) from event_partitions").fetchone()
    return "md5-hex" if row and row[0] else "md5-64"


@dataclass(frozen=True)
class KeySpec:
    """How user ids become user keys: the format and, for a hashed one, the secret. It
    travels to whatever computes the keys (a Spark executor too); what is written beside
    keyed output is `fingerprint`, never the secret."""

    key_format: str
    secret: str = field(default="", repr=False)

    def macro_sql(self) -> str:
        """The temporary macro `user_key(u)` that the event writers call."""
        return f"create temp macro user_key(u) as {user_key_sql(self.key_format, self.secret, 'u')}"

    @property
    def sql_type(self) -> str:
        """The DuckDB type of a stored user key."""
        return "ubigint" if self.key_format == "md5-64" else "varchar"

    @property
    def fingerprint(self) -> str | None:
        """Names the secret without revealing it: an HMAC of a fixed text under the
        secret. Two outputs keyed alike have equal fingerprints; `plain` has none."""
        if self.key_format not in HASHED_FORMATS:
            return None
        return hmac.new(self.secret.encode(), FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:32]


FINGERPRINT_TEXT = b"scaleboard user key fingerprint v1"
KEY_FORMATS = ("md5-64", "md5-hex", "plain")


def _check_setting(store: storage.Store, key_format: str, settings: Settings) -> None:
    if (key_format in HASHED_FORMATS) != settings.pseudonymise_user_ids:
        stored = "pseudonymised" if key_format in HASHED_FORMATS else "as given"
        raise storage.StorageError(
            f"{store.db} stores user ids {stored}, but SCALEBOARD_PSEUDONYMISE_USER_IDS is "
            f"{str(settings.pseudonymise_user_ids).lower()}; set it as for the earlier loads, "
            "or load into a new --db (distinct users would not match across loads)"
        )


def database_key(
    con: duckdb.DuckDBPyConnection, store: storage.Store, settings: Settings, dry_run: bool
) -> KeySpec:
    """The key every events load of this database writes; refuses settings that would write
    keys unlike the stored ones."""
    key_format = format_for(con, settings)
    _check_setting(store, key_format, settings)
    secret = ""
    if key_format in HASHED_FORMATS:
        secret = storage.pseudonym_key(
            store, settings.pseudonym_key, dry_run, settings.pseudonym_key_file
        )
    return KeySpec(key_format, secret)


def configured_key(settings: Settings, key_format: str) -> KeySpec:
    """The key of a job that runs away from the database (`aggregate-events --out`): the
    secret must be configured, since no key file beside a database can be made there."""
    if key_format not in KEY_FORMATS:
        raise storage.StorageError(
            f"unknown key format {key_format!r}; use one of {', '.join(KEY_FORMATS)}"
        )
    if (key_format in HASHED_FORMATS) != settings.pseudonymise_user_ids:
        raise storage.StorageError(
            f"key format {key_format} does not match SCALEBOARD_PSEUDONYMISE_USER_IDS="
            f"{str(settings.pseudonymise_user_ids).lower()}; use --key-format plain with ids "
            "stored as given, a hashed format otherwise"
        )
    if key_format not in HASHED_FORMATS:
        return KeySpec(key_format)
    if settings.pseudonym_key:
        return KeySpec(key_format, settings.pseudonym_key)
    if settings.pseudonym_key_file is not None:
        return KeySpec(key_format, storage.read_key_file(settings.pseudonym_key_file))
    raise storage.StorageError(
        "--out needs the serving database's pseudonym key: set SCALEBOARD_PSEUDONYM_KEY, or "
        "SCALEBOARD_PSEUDONYM_KEY_FILE to a file (mode 0600) holding it (the key kept beside "
        "a database is its PATH.key file)"
    )


def register_user_key(
    con: duckdb.DuckDBPyConnection, store: storage.Store, settings: Settings, dry_run: bool
) -> KeySpec:
    """Makes `user_key(u)` available to the event writers as a temporary macro, in the
    database's format, and records the format; returns the key."""
    key = database_key(con, store, settings, dry_run)
    con.execute("insert or replace into meta values (?, ?)", [FORMAT_NAME, key.key_format])
    con.execute(key.macro_sql())
    return key
