"""Column kinds of the contract, and the derivation of a column spec from a pydantic field.

A contract model declares each column once, as an annotated pydantic field. Everything else
(the DuckDB type, the vectorized SQL that parses and checks a raw text cell, the docs) is
derived from that declaration by :func:`columns_of`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo


class Kind(StrEnum):
    """How a raw text cell is parsed."""

    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    MONTH = "month"
    TIMESTAMP = "timestamp"
    ENUM = "enum"
    CURRENCY = "currency"


SQL_TYPES: dict[Kind, str] = {
    Kind.TEXT: "VARCHAR",
    Kind.INT: "BIGINT",
    Kind.DECIMAL: "DECIMAL(38, 12)",
    Kind.FLOAT: "DOUBLE",
    Kind.BOOL: "BOOLEAN",
    Kind.DATE: "DATE",
    Kind.MONTH: "DATE",  # stored as the first day of the month
    Kind.TIMESTAMP: "TIMESTAMPTZ",
    Kind.ENUM: "VARCHAR",
    Kind.CURRENCY: "VARCHAR",
}


@dataclass(frozen=True)
class Marker:
    """Annotation metadata naming a kind that the Python type alone does not tell."""

    kind: Kind


MONTH = Marker(Kind.MONTH)
CURRENCY = Marker(Kind.CURRENCY)


@dataclass(frozen=True)
class IdMarker:
    """Annotation metadata of an id column: text that must follow the id rule (no
    lookalike characters, see `etl.identifiers`)."""


ID = IdMarker()


@dataclass(frozen=True)
class Column:
    """One contract column, as the loader and the DDL need it."""

    name: str
    kind: Kind
    required: bool
    default: Any = None
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    choices: tuple[str, ...] = ()
    description: str = ""
    is_id: bool = False

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


_PY_KINDS: dict[Any, Kind] = {
    str: Kind.TEXT,
    int: Kind.INT,
    Decimal: Kind.DECIMAL,
    float: Kind.FLOAT,
    bool: Kind.BOOL,
    dt.date: Kind.DATE,
    dt.datetime: Kind.TIMESTAMP,
}


def _base_type(annotation: Any) -> Any:
    """The non-None member of `X | None`, else the annotation itself."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is not None and len(args) == 1:
        return args[0]
    return annotation


def _column(name: str, info: FieldInfo) -> Column:
    base = _base_type(info.annotation)
    markers = [m for m in info.metadata if isinstance(m, Marker)]
    choices: tuple[str, ...] = ()
    if markers:
        kind = markers[0].kind
    elif isinstance(base, type) and issubclass(base, StrEnum):
        kind, choices = Kind.ENUM, tuple(member.value for member in base)
    else:
        kind = _PY_KINDS[base]
    bounds: dict[str, float] = {}
    for meta in info.metadata:
        for attr in ("ge", "gt", "le"):
            if isinstance(meta, getattr(annotated_types, attr.capitalize())):
                bounds[attr] = float(getattr(meta, attr))
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    if isinstance(default, StrEnum):
        default = default.value
    return Column(
        name=name,
        kind=kind,
        required=info.is_required(),
        default=default,
        choices=choices,
        description=info.description or "",
        is_id=any(isinstance(m, IdMarker) for m in info.metadata),
        **bounds,
    )


def columns_of(model: type[BaseModel]) -> tuple[Column, ...]:
    """The model's columns in declaration order."""
    return tuple(_column(name, info) for name, info in model.model_fields.items())
