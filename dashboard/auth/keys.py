"""The key that signs session cookies: from the environment, from a 0600 file, or created
once in a 0600 file beside the database, so a fresh database needs no configuration."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from etl.config import Settings


class SessionKeyError(Exception):
    """A session key that cannot be used as it is; the message says how to fix it."""


def key_path(db: Path) -> Path:
    target = db.resolve() if db.is_symlink() else db
    return target.with_name(target.name + ".session-key")


def _read_private(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SessionKeyError(f"no session key file at {path}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SessionKeyError(
            f"{path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
            f"run `chmod 600 {path}`"
        )
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise SessionKeyError(
            f"{path} holds a key shorter than 32 characters; put a longer one in it"
        )
    return key


def session_key(db: Path, settings: Settings) -> str:
    """`SCALEBOARD_SESSION_SECRET`, else the file `session_secret_file`, else the key kept
    beside the database (created on first use, mode 0600)."""
    if settings.session_secret is not None:
        key = settings.session_secret.get_secret_value()
        if len(key) < 32:
            raise SessionKeyError("SCALEBOARD_SESSION_SECRET must be at least 32 characters long")
        return key
    if settings.session_secret_file is not None:
        return _read_private(settings.session_secret_file)
    path = key_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_private(path)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return _read_private(path)
