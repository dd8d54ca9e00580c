"""Builds the staging views and the mart tables that the metrics and the dashboard read.

A release stores what these models built, so it records which models those were (a
fingerprint of their SQL): a release built by other models is not read as if it were
current (`etl.storage.check_readable`) but rebuilt by the next load.
"""

from __future__ import annotations

import hashlib
from functools import cache

import duckdb

from etl.sql_files import layer_names, run_sql, sql_text

LAYERS = ("staging", "marts")


@cache
def models_fingerprint() -> str:
    """A digest of every staging and mart model's SQL, in build order."""
    digest = hashlib.sha256()
    for layer in LAYERS:
        for name in layer_names(layer):
            digest.update(f"{layer}/{name}\n{sql_text(layer, name)}\n".encode())
    return digest.hexdigest()


def built_models(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the models a database's views and marts were built by."""
    row = con.execute("select value from meta where name = 'models'").fetchone()
    return None if row is None else str(row[0])


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Staging views first, then marts, each layer in file-name order."""
    for layer in LAYERS:
        for name in layer_names(layer):
            run_sql(con, layer, name)
    con.execute("insert or replace into meta values ('models', ?)", [models_fingerprint()])
