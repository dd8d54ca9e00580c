"""File-system steps of a load that must not lie: durable writes (files and the folders that
name them are fsynced before the release switch) and messages for a write that failed,
naming the path, the cause and the free space left."""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_DUCKDB_WRITE = re.compile(r'Could not write file \\*"(?P<path>[^"\\]+)\\*": (?P<reason>[^"\\]+)')


def fsync_path(path: Path) -> None:
    """Flushes a file, or a folder's entries, to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Flushes every file and folder under `folder`, and `folder` itself (deepest first, so a
    folder is flushed after the entries it names)."""
    if not folder.is_dir():
        return
    for root, dirs, names in os.walk(folder, topdown=False):
        for name in [*names, *dirs]:
            fsync_path(Path(root, name))
    fsync_path(folder)


def human_bytes(count: int) -> str:
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def free_space(path: Path) -> str:
    """The free space of the file system that holds `path` (or its nearest existing parent)."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        return human_bytes(shutil.disk_usage(existing).free)
    except OSError:
        return "unknown"


def write_failure(path: Path | str, reason: str, no_space: bool) -> str:
    """`cannot write PATH: REASON (N free on its disk); FIX`."""
    where = Path(path)
    if no_space:
        return (
            f"cannot write {where}: {reason} ({free_space(where.parent)} free on its disk); "
            "free some space there (or choose a --db on a disk with more room) and run it again"
        )
    return f"cannot write {where}: {reason}; check that its folder exists and is writable"


def os_write_failure(exc: OSError, path: Path) -> str:
    """The message of a failed write `exc` (its own file name if it has one, else `path`)."""
    target = Path(exc.filename) if exc.filename else path
    return write_failure(target, exc.strerror or str(exc), exc.errno in _NO_SPACE)


def duckdb_write_failure(exc: BaseException | None) -> str | None:
    """The message of a DuckDB error that is a failed file write (a full disk above all),
    or None for any other error."""
    if exc is None:
        return None
    found = _DUCKDB_WRITE.search(str(exc))
    if found is None:
        return None
    reason = found["reason"].strip()
    return write_failure(found["path"], reason, "no space" in reason.lower())
