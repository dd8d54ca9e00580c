"""Options several commands share: the database, and the filters of `scaleboard metrics`
(which `report` and `digest` take too, so a brief shows what `metrics` prints)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from etl.metrics import Filters

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file (default: SCALEBOARD_DB or data/scaleboard.duckdb)."),
]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="As-of month YYYY-MM.")]
FromOption = Annotated[str | None, typer.Option("--from", help="Window start YYYY-MM.")]
ToOption = Annotated[str | None, typer.Option("--to", help="Window end YYYY-MM.")]
UnitOption = Annotated[list[str] | None, typer.Option("--business-unit", help="Repeatable.")]
StageOption = Annotated[list[str] | None, typer.Option("--stage", help="Repeatable.")]
StatusOption = Annotated[list[str] | None, typer.Option("--status", help="Repeatable.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Alert rules and deliveries (default: SCALEBOARD_ALERTS, else alerts.toml beside "
        "the database; see docs/alerts.md).",
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Prints one clear line and returns the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def filters_of(
    as_of: str | None,
    from_: str | None,
    to: str | None,
    business_unit: list[str] | None,
    stage: list[str] | None,
    status: list[str] | None,
) -> Filters:
    """The selection the filter options give, as `compute_metrics` takes it."""
    from etl.metrics import Filters

    return Filters(
        as_of=as_of,
        from_=from_,
        to=to,
        business_units=tuple(business_unit or ()),
        stages=tuple(stage or ()),
        statuses=tuple(status or ()),
    )
