"""Talking to a live `scaleboard serve` as the browser does: callback POSTs built from
`/_dash-dependencies`, and the audit trail the server wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from dashboard.edits import audit, priorities
from dashboard.edits.store import EditsStore
from etl.config import Settings
from tests.conftest import run_cli
from tests.helpers import write_initiatives


def callback_body(
    session: requests.Session,
    url: str,
    output_id: str,
    values: dict[str, Any],
    input_id: str | None = None,
) -> dict[str, Any]:
    """The body Dash's renderer POSTs for the callback whose outputs include `output_id`
    (or are exactly it: `roadmap-table.getRowsResponse`), and whose inputs include
    `input_id` when several share the output, with `values` by component id (the rest
    None)."""
    deps = session.get(url + "/_dash-dependencies").json()
    spec = next(
        d
        for d in deps
        if (
            d["output"] == output_id
            or f"..{output_id}." in d["output"]
            or d["output"].startswith(output_id + ".")
        )
        and (input_id is None or any(i["id"] == input_id for i in d["inputs"]))
    )
    parts = [
        {"id": part.split(".")[0], "property": part.split(".")[1]}
        for part in spec["output"].strip(".").split("...")
    ]
    outputs = parts if spec["output"].startswith("..") else parts[0]
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [{**i, "value": values.get(i["id"], 1)} for i in spec["inputs"]],
        "state": [{**s, "value": values.get(s["id"])} for s in spec["state"]],
        "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"],
    }


def callback(
    session: requests.Session,
    url: str,
    output_id: str,
    values: dict[str, Any],
    input_id: str | None = None,
) -> requests.Response:
    """POSTs `callback_body(...)` as the browser would."""
    body = callback_body(session, url, output_id, values, input_id)
    return session.post(url + "/_dash-update-component", json=body, headers={"Origin": url})


def annotate(
    session: requests.Session, url: str, initiative_id: str, body: str
) -> requests.Response:
    return callback(
        session,
        url,
        "initiative-annotation-feedback",
        {"initiative-id": initiative_id, "initiative-annotation-body": body},
    )


def audit_entries(db: Path) -> list[dict[str, Any]]:
    """The audit trail as the server wrote it (the CLI's export is tested below)."""
    store = EditsStore.for_database(db, Settings())
    try:
        return audit.entries(store)
    finally:
        store.dispose()


def override_version(db: Path, initiative_id: str) -> int:
    """The version of the initiative's rank override, as its form opens on it."""
    store = EditsStore.for_database(db, Settings())
    try:
        return priorities.override_and_version(store, initiative_id)[1]
    finally:
        store.dispose()


def initiatives_db(folder: Path) -> Path:
    """A database in `folder` holding the test initiatives only, loaded by the CLI."""
    path = folder / "portfolio.duckdb"
    result = run_cli("load", "--db", path, write_initiatives(folder / "in"))
    assert result.returncode == 0, result.stderr
    return path
