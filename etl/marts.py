"""Builds the staging views and the mart tables that the metrics and the dashboard read.

A release stores what these models built, so it records which models those were (a
fingerprint of their SQL): a release built by other models is not read as if it were
current (`etl.storage.check_readable`) but rebuilt by the next load.
"""

from __future__ import annotations

import hashlib
from functools import cache

import duckdb

from etl.sql_files import run_sql, sql_text

MODELS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    # Staging reads sources (the contract tables, `usage_monthly_active` of the events
    # engine, `unallocated_costs`) and other staging views, never marts.
    "staging": (
        ("stg_fx_rates", ()),
        ("stg_costs", ("stg_fx_rates",)),
        ("stg_outcomes", ("stg_fx_rates",)),
        ("stg_adoption", ()),
        ("stg_activity", ("stg_adoption",)),
        ("stg_data_months", ("stg_adoption",)),
        ("stg_stage_entries", ()),
        ("stg_readiness", ()),
        ("stg_model_metrics", ()),
    ),
    # Marts read staging views only.
    "marts": (
        (
            "mart_initiative_month",
            ("stg_costs", "stg_outcomes", "stg_activity", "stg_stage_entries"),
        ),
        ("mart_initiative_state", ("stg_stage_entries", "stg_readiness")),
        ("mart_model_decay", ("stg_model_metrics",)),
        ("mart_cost_by_category", ("stg_costs",)),
        ("mart_unallocated_spend", ("stg_fx_rates",)),
        ("mart_reporting_months", ("stg_data_months",)),
    ),
}
"""Every staging and mart model, per layer, with the models it reads: built in this order,
each after what it reads (`tests/etl/test_marts.py` checks both against the SQL files)."""


def build_order() -> list[tuple[str, str]]:
    """(layer, model) in the order the models are built."""
    return [(layer, name) for layer, models in MODELS.items() for name, _ in models]


@cache
def models_fingerprint() -> str:
    """A digest of every staging and mart model's SQL, in build order."""
    digest = hashlib.sha256()
    for layer, name in build_order():
        digest.update(f"{layer}/{name}\n{sql_text(layer, name)}\n".encode())
    return digest.hexdigest()


def built_models(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the models a database's views and marts were built by."""
    row = con.execute("select value from meta where name = 'models'").fetchone()
    return None if row is None else str(row[0])


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Staging views first, then marts, each model after the models it reads."""
    for layer, name in build_order():
        run_sql(con, layer, name)
    con.execute("insert or replace into meta values ('models', ?)", [models_fingerprint()])
