"""Builds the staging views and the mart tables that the metrics and the dashboard read."""

from __future__ import annotations

import duckdb

from etl.sql_files import layer_names, run_sql


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Staging views first, then marts, each layer in file-name order."""
    for layer in ("staging", "marts"):
        for name in layer_names(layer):
            run_sql(con, layer, name)
