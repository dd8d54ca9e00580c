"""SQL lives in files under etl/sql/<layer>/<name>.sql; this reads and runs them.

A layer may be nested: the adapters' queries are in `etl/sql/adapters/<adapter>/<name>.sql`
(layer `adapters/<adapter>`). Values are always bound `$name` parameters. The one thing
that may vary in the text is a relation name chosen at run time (an adapter's temp-table
prefix): it is written `{name}` in the file and given in `relations`, and must be a plain
lower-case identifier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import duckdb

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_RELATION = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _folder(layer: str) -> Traversable:
    folder = files("etl") / "sql"
    for part in layer.split("/"):
        folder = folder / part
    return folder


@cache
def sql_text(layer: str, name: str) -> str:
    return (_folder(layer) / f"{name}.sql").read_text(encoding="utf-8")


def layer_names(layer: str) -> list[str]:
    """The models of a layer, in name order (a numeric prefix orders dependencies)."""
    folder = _folder(layer)
    return sorted(p.name.removesuffix(".sql") for p in folder.iterdir() if p.name.endswith(".sql"))


def with_relations(text: str, relations: Mapping[str, str]) -> str:
    """`text` with each `{name}` replaced by the relation name `relations[name]`; a name that
    is not a plain lower-case identifier, or a placeholder without a name, is an error."""
    for key, value in relations.items():
        if not _IDENTIFIER.fullmatch(value):
            raise ValueError(f"relation {key}={value!r} is not a plain lower-case identifier")
    return _RELATION.sub(lambda m: relations[m.group(1)], text)


def run_sql(
    con: duckdb.DuckDBPyConnection,
    layer: str,
    name: str,
    params: dict[str, Any] | None = None,
    *,
    relations: Mapping[str, str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Runs one SQL file, binding the `$name` parameters it uses from `params` (and putting
    the relation names of `relations` into its `{name}` placeholders, see the module)."""
    text = sql_text(layer, name)
    if relations is not None:
        text = with_relations(text, relations)
    used = {p: (params or {})[p] for p in set(_PARAM.findall(text))}
    return con.execute(text, used) if used else con.execute(text)


def dict_rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of an executed query as dicts keyed by column name."""
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
