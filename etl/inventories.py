"""Inventory sightings: what each US federal AI use-case inventory (2023, 2024, 2025) said
of each use case it reported, kept in `inventory_sightings`, one row per use case and
inventory year (a later load of the same year replaces it).

A use case's state is resolved from all of its sightings after every inventory file, by
inventory year, never by load order (`etl/sql/inventories/`):

- its stage history has one entry per change of stage; a use case reported retired after
  an earlier sighting keeps the stage it had; an entry's date is the source's date of that
  stage when it is after the previous entry, else the inventory's as-of date (31 December
  of its year), recorded in `stage_entries` with origin `estimated`;
- its attributes are those of its latest inventory; it is `retired` when a later inventory
  holds loaded rows of its agency but not this use case (its description says since which
  inventory); a later inventory with no loaded row of its agency (all rejected, or not
  reported) says nothing of it, so it keeps its state.

The inventories are authoritative for the use cases they name: the resolved state
replaces their initiatives rows' stage, status and attributes and their stage entries.
"""

from __future__ import annotations

import duckdb

from etl.sql_files import run_sql

ESTIMATED_ORIGIN = "estimated"
"""`stage_entries.origin` of an entry whose date the source does not give."""


def record_sightings(
    con: duckdb.DuckDBPyConnection, load_id: int, source_file: str, sightings: str
) -> list[str]:
    """Stores the sightings of the rows this load stored from one inventory file, resolves
    every inventory use case's state and history, and returns the warnings to report."""
    run_sql(
        con,
        "inventories",
        "store",
        {"load_id": load_id, "source_file": source_file},
        relations={"sightings": sightings},
    )
    for name in ("replace", "runs", "entries", "state", "apply"):
        run_sql(con, "inventories", name)
    [(retired, unreported, estimated)] = run_sql(con, "inventories", "report").fetchall()
    for table in ("inventory_runs", "inventory_entries", "inventory_state"):
        con.execute(f"drop table {table}")
    texts = [
        (
            retired,
            f"{retired} inventory use cases are absent from a later inventory of their "
            "agency: retired (each description says since which inventory)",
        ),
        (
            unreported,
            f"{unreported} inventory use cases are absent from a later inventory that holds "
            "no loaded row of their agency: they keep their state",
        ),
        (
            estimated,
            f"{estimated} inventory use cases are in a stage since an estimated date, their "
            "inventory's as-of date (31 December): the source gives none, or none after the "
            "stage history",
        ),
    ]
    return [text for count, text in texts if count]
