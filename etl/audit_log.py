"""The audit log `PATH.audit.jsonl`: one JSON line per step of each load attempt.

A line is appended whole or not at all: one write of the whole line, then `fsync`; a write
that fails (a full disk) is cut back to where it began, and the error goes to the caller.
A kill during that write can still leave a torn last line, and a line can be damaged by
hand. Such a line never blocks a load: readers skip it, and the next load or rollback
(holding the lock) moves it to `PATH.audit.jsonl.torn` with a warning.

Each load writes `started`, then one closing line: `committed`, `dry_run` or `refused`. When
the closing line is missing (its write failed after the release switch, or a kill came
between the switch and the write), the next load or rollback completes it from the release's
`loads` table, marked `completed_later`; a started load that never reached the switch is
closed as `abandoned` (nothing of it is in any release).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CLOSING = frozenset({"committed", "dry_run", "refused", "abandoned"})


def torn_path(log: Path) -> Path:
    return log.with_name(log.name + ".torn")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def append(log: Path, **record: Any) -> None:
    """Appends one record as one line; raises OSError (the log as it was) when it cannot."""
    line = (json.dumps({"at": _now(), **record}, default=str) + "\n").encode()
    log.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        start = os.fstat(fd).st_size
        if start and os.pread(fd, 1, start - 1) != b"\n":
            line = b"\n" + line  # never glue a record onto a torn line
        try:
            rest = memoryview(line)
            while rest:
                rest = rest[os.write(fd, rest) :]
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):  # no space is needed to cut a file back
                os.ftruncate(fd, start)
            raise
    finally:
        os.close(fd)


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except ValueError:  # a torn or damaged line (UnicodeDecodeError is one too)
        return None
    return value if isinstance(value, dict) else None


def read(log: Path) -> list[dict[str, Any]]:
    """Every readable record, in order; torn or damaged lines are skipped."""
    if not log.exists():
        return []
    parsed = (_parse(line) for line in log.read_bytes().splitlines() if line.strip())
    return [record for record in parsed if record is not None]


def repair(log: Path) -> list[str]:
    """Moves torn or damaged lines to PATH.audit.jsonl.torn; returns the warnings to show."""
    if not log.exists():
        return []
    data = log.read_bytes()
    lines = data.splitlines(keepends=True)
    bad = [line for line in lines if line.strip() and _parse(line) is None]
    if not bad:
        return []
    torn = torn_path(log)
    try:
        with torn.open("ab") as aside:
            aside.write(b"".join(line.rstrip(b"\n") + b"\n" for line in bad))
            aside.flush()
            os.fsync(aside.fileno())
        if lines[-1] is bad[-1] and len(bad) == 1:  # the usual case: a torn last line
            os.truncate(log, len(data) - len(bad[0]))
        else:
            _rewrite(log, b"".join(line for line in lines if line not in bad))
    except OSError as exc:
        return [
            f"the audit log {log} holds {len(bad)} torn line(s) that could not be moved to "
            f"{torn} ({exc.strerror or exc}); they are skipped, and moved by a later load"
        ]
    return [
        f"the audit log {log} held {len(bad)} torn line(s) (a write cut short by a full disk "
        f"or a kill): moved to {torn}; the load goes on"
    ]


def _rewrite(log: Path, content: bytes) -> None:
    """Replaces the log's content whole (through its target when it is a symbolic link)."""
    target = log.resolve()
    aside = target.with_name(target.name + f".{os.getpid()}.tmp")
    try:
        with aside.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(aside, target)
    finally:
        aside.unlink(missing_ok=True)


def complete(log: Path, committed: Mapping[int, Mapping[str, Any]]) -> list[str]:
    """Writes the closing line of every load that lacks one: `committed` (from `committed`,
    the rows of the release's `loads` table by load id) or `abandoned`. Returns warnings."""
    records = read(log)
    started = {r["load_id"] for r in records if r.get("event") == "started"}
    closed = {r.get("load_id") for r in records if r.get("event") in CLOSING}
    recorded = {r.get("load_id") for r in records}
    missing = (started - closed) | (set(committed) - recorded)
    notes: list[str] = []
    for load_id in sorted(i for i in missing if isinstance(i, int)):
        row = committed.get(load_id)
        try:
            if row is None:
                append(log, load_id=load_id, event="abandoned", completed_later=True)
                continue
            append(log, load_id=load_id, event="committed", completed_later=True, **row)
        except OSError as exc:
            return [*notes, f"cannot complete the audit log {log}: {exc.strerror or exc}"]
        notes.append(
            f"load {load_id} was committed but its audit entry was missing (a full disk or a "
            f"kill after the release switch): completed it in {log}"
        )
    return notes
