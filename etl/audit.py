"""Read the load history and the rejects back out of a release."""

from __future__ import annotations

from typing import Any

import duckdb

from etl.sql_files import dict_rows


def list_loads(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Committed loads, newest first, with the files each read."""
    return dict_rows(
        con.execute(
            """
            select l.load_id, l.started_at, l.finished_at, l.status,
                   l.rows_read, l.rows_loaded, l.rows_rejected, l.rows_skipped,
                   list(f.path order by f.path) as files
            from loads as l left join load_files as f using (load_id)
            group by all order by l.load_id desc
            """
        )
    )


def list_rejects(
    con: duckdb.DuckDBPyConnection, load_id: int | None = None
) -> tuple[int | None, list[dict[str, Any]]]:
    """The rejects of one load (default: the latest load that has rejects)."""
    if load_id is None:
        row = con.execute("select max(load_id) from rejects").fetchone()
        load_id = row[0] if row else None
    rows = dict_rows(
        con.execute(
            "select source_file, entity, row_number, column_name, value, reason from rejects "
            "where load_id = ? order by source_file, row_number",
            [load_id],
        )
    )
    return load_id, rows


TRAIL_FIELDS = (
    "load_id",
    "started_at",
    "finished_at",
    "status",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "rows_skipped",
    "files",
    "command",
    "message",
)
"""What one attempt of the load trail says (`load_trail`)."""

_CLOSING_STATUS = {"refused": "refused", "dry_run": "dry_run", "abandoned": "abandoned"}


def _attempt(record: dict[str, Any], **values: Any) -> dict[str, Any]:
    return dict.fromkeys(TRAIL_FIELDS) | {"load_id": record.get("load_id")} | values


def _close(attempt: dict[str, Any], record: dict[str, Any]) -> None:
    """The closing line of an attempt: how it ended, and when."""
    event = str(record.get("event"))
    attempt["finished_at"] = record.get("at")
    if event == "committed":
        attempt["status"] = record.get("status") or "loaded"
        attempt["rows_loaded"] = record.get("rows_loaded")
    else:
        attempt["status"] = _CLOSING_STATUS[event]
        attempt["message"] = record.get("error")
    attempt["command"] = attempt["command"] or record.get("command")


def audit_attempts(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every load attempt of the audit log, in order: a `started` line opens one, its
    closing line ends it; a refusal before any start, a skipped load and a rollback stand
    alone (a rollback also marks the committed attempt it undid). A load id is reused after
    a refusal or a rollback, so attempts are told apart by their place in the log."""
    attempts: list[dict[str, Any]] = []
    open_by_id: dict[Any, dict[str, Any]] = {}
    committed_by_id: dict[Any, dict[str, Any]] = {}
    for record in records:
        event, load_id = record.get("event"), record.get("load_id")
        if event == "started":
            attempt = _attempt(record, started_at=record.get("at"), command=record.get("command"))
            attempts.append(attempt)
            open_by_id[load_id] = attempt
        elif event in ("committed", *_CLOSING_STATUS):
            opened = open_by_id.pop(load_id, None)
            if opened is None:  # a refusal before any start: an attempt of its own
                opened = _attempt(record)
                attempts.append(opened)
            _close(opened, record)
            if event == "committed":
                committed_by_id[load_id] = opened
        elif event == "skipped":
            at = record.get("at")
            message = "every file was loaded before"
            attempts.append(
                _attempt(record, started_at=at, finished_at=at, status="skipped", message=message)
            )
        elif event == "rolled_back":
            _mark_rolled_back(committed_by_id.pop(load_id, None), record)
    return attempts


def _mark_rolled_back(attempt: dict[str, Any] | None, record: dict[str, Any]) -> None:
    if attempt is None:
        return
    attempt["status"] = "rolled_back"
    attempt["message"] = (
        f"rolled back at {record.get('at')} by `{record.get('command') or 'rollback'}`"
        f" (the state after load {record.get('restored')} restored)"
    )


def load_trail(
    committed: list[dict[str, Any]], records: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every load, newest first (in the audit log's order, which is the order they ran):
    the committed loads of the current release (`list_loads`, with their command from the
    log), and every other attempt of the log: refused (with its message), rolled back (when
    and by which command), abandoned, dry runs and skipped loads. A committed load the log
    does not name (an older or lost log) comes first, in load id order."""
    current = {row["load_id"]: row for row in committed}
    attempts = audit_attempts(records)
    last_kept = {
        a["load_id"]: n
        for n, a in enumerate(attempts)
        if a["status"] in ("loaded", "loaded_with_rejects")
    }
    named = {i for i, n in last_kept.items() if i in current}
    trail = [_attempt(row) | row for i, row in sorted(current.items()) if i not in named]
    for n, attempt in enumerate(attempts):
        load_id = attempt["load_id"]
        if load_id in named and last_kept[load_id] == n:
            trail.append(_attempt(current[load_id]) | current[load_id] | _command(attempt))
        elif attempt["status"] not in ("loaded", "loaded_with_rejects") or load_id not in current:
            trail.append(attempt)  # refused, rolled back, ...: in the log only
    return [{k: a.get(k) for k in TRAIL_FIELDS} for a in reversed(trail)]


def _command(attempt: dict[str, Any]) -> dict[str, Any]:
    return {"command": attempt["command"]}
