"""Scratch folders of a load in the temp directory (transcoded copies of input files).

Each is named `scaleboard-load-<pid>-<random>`, removed on every exit path a process can
act on, and, when a killed load could not remove its own, swept by the next load: a folder
whose process is gone is removed. Folders of the older unnamed form (`scaleboard-<random>`)
are swept when empty and older than a day.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "scaleboard-load-"
_OURS = re.compile(rf"{PREFIX}(?P<pid>\d+)-")
_LEGACY = re.compile(r"scaleboard-[a-z0-9_]{8}")
_LEGACY_AGE_S = 86400


def make() -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user: alive
        return True
    return True


def _stale(folder: Path, now: float) -> bool:
    ours = _OURS.match(folder.name)
    if ours:
        return int(ours["pid"]) != os.getpid() and not _alive(int(ours["pid"]))
    if _LEGACY.fullmatch(folder.name):
        return not any(folder.iterdir()) and now - folder.stat().st_mtime > _LEGACY_AGE_S
    return False


def sweep(root: Path | None = None) -> None:
    """Removes the scratch folders of loads whose process is gone."""
    base = Path(root or tempfile.gettempdir())
    now = time.time()
    for folder in base.glob("scaleboard-*"):
        try:
            if folder.is_dir() and not folder.is_symlink() and _stale(folder, now):
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue  # gone meanwhile, or not ours to read
