"""SQL lives in files under etl/sql/<layer>/<name>.sql; this reads and runs them."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any

import duckdb

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def sql_text(layer: str, name: str) -> str:
    return (files("etl") / "sql" / layer / f"{name}.sql").read_text(encoding="utf-8")


def layer_names(layer: str) -> list[str]:
    """The models of a layer, in name order (a numeric prefix orders dependencies)."""
    folder = files("etl") / "sql" / layer
    return sorted(p.name.removesuffix(".sql") for p in folder.iterdir() if p.name.endswith(".sql"))


def run_sql(
    con: duckdb.DuckDBPyConnection, layer: str, name: str, params: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Runs one SQL file, binding the `$name` parameters it uses from `params`."""
    text = sql_text(layer, name)
    used = {p: (params or {})[p] for p in set(_PARAM.findall(text))}
    return con.execute(text, used) if used else con.execute(text)


def dict_rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of an executed query as dicts keyed by column name."""
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
