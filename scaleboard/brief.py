"""`scaleboard report`: the one-page brief (PDF or PNG) for the filters of `metrics`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scaleboard.options import (
    AsOfOption,
    DbOption,
    FromOption,
    StageOption,
    StatusOption,
    ToOption,
    UnitOption,
    fail,
    filters_of,
)

OutOption = Annotated[
    list[Path],
    typer.Option(
        "--out", help="brief.pdf (A4 landscape) or brief.png (1600x1200); repeat for both."
    ),
]


def _writable(out: Path) -> None:
    if not out.parent.is_dir():
        raise fail(f"cannot write {out}: the folder {out.parent} does not exist; create it first")


def report(
    out: OutOption,
    db: DbOption = None,
    as_of: AsOfOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    business_unit: UnitOption = None,
    stage: StageOption = None,
    status: StatusOption = None,
) -> None:
    """The one-page brief: KPIs with change and targets, money at risk, funnel, trends, top
    alerts and biggest movers, with the numbers of `metrics --json` for the same filters."""
    from dashboard.brief.content import page_filters
    from dashboard.brief.export import gather, render_brief
    from dashboard.brief.render import Renderer, RenderError, kind_of
    from dashboard.db import Database
    from etl.config import get_settings
    from etl.period import PeriodError
    from etl.storage import StorageError
    from scaleboard.cli import _existing_db

    settings = get_settings()
    try:
        kinds = [kind_of(path) for path in out]
        for path in out:
            _writable(path)
        filters = page_filters(filters_of(as_of, from_, to, business_unit, stage, status))
        database = Database(_existing_db(db), settings)
        try:
            brief = gather(database, filters)
        finally:
            database.close()
        with Renderer.launch(settings.chromium) as renderer:
            printed = render_brief(brief, kinds, renderer)
    except (PeriodError, StorageError, RenderError) as exc:
        raise fail(str(exc)) from None
    for path, kind in zip(out, kinds, strict=True):
        try:
            path.write_bytes(printed[kind])
        except OSError as exc:
            raise fail(f"cannot write {path}: {exc.strerror}") from None
        what = "one A4 landscape page" if kind == "pdf" else "1600x1200 pixels"
        typer.echo(f"{path}: the brief ({what}), {brief.period}; {brief.selection}")
