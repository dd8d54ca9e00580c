"""`scaleboard`: load data, compute metrics, serve the dashboard.

Heavy imports (duckdb, pandas, dash) happen inside the subcommand that needs them, so
`scaleboard --help` and `scaleboard metrics` start fast. Every error the user can fix is one
line on stderr and exit code 2; `--debug` shows the traceback.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from scaleboard.accounts import audit, users_app

app = typer.Typer(
    name="scaleboard",
    help="Which AI initiatives scale beyond the pilot, what they cost, what they deliver.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}
app.add_typer(users_app, name="users")
app.command("audit")(audit)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file (default: SCALEBOARD_DB or data/scaleboard.duckdb)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _db(db: Path | None) -> Path:
    from etl.config import get_settings

    return db or get_settings().db


def _existing_db(db: Path | None) -> Path:
    """The database a read command reads: one that does not exist is an error (a mistyped
    path must not read as an empty portfolio), and reading never creates it."""
    path = _db(db)
    if not path.exists():
        raise fail(f"no database at {path}: create it with `scaleboard load --db {path} FILES`")
    return path


def fail(message: str, code: int = 2) -> typer.Exit:
    """Prints one clear line and returns the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str, indent=None) + "\n")


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Any]:
    """A live spinner naming the file being loaded, on a terminal only."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status("starting the load") as status:
        yield lambda what: status.update(f"loading {what}")


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load.")],
    db: DbOption = None,
    entity: Annotated[str | None, typer.Option(help="Entity of every file given.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Load files loaded before again.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; change nothing.")
    ] = False,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of CSV files that are not UTF-8, e.g. cp1252.")
    ] = None,
    source_format: Annotated[
        str | None,
        typer.Option("--format", help="A real-world export format (see `scaleboard sources`)."),
    ] = None,
    initiative: Annotated[
        str | None, typer.Option(help="The initiative an export is about (usage reports).")
    ] = None,
    initiative_tag: Annotated[
        str | None, typer.Option(help="FOCUS: the tag whose value names the initiative.")
    ] = None,
    map_file: Annotated[
        Path | None, typer.Option("--map", help="A mapping CSV replacing the default one.")
    ] = None,
    cost_column: Annotated[
        str | None, typer.Option(help="FOCUS: the cost column (default EffectiveCost).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Load contract files (CSV, Parquet, JSON, NDJSON) or real-world exports (--format) as
    one all-or-nothing step."""
    from etl.adapters import AdapterOptions
    from etl.config import get_settings
    from etl.load import load_files
    from scaleboard.report import print_load

    with _progress(as_json) as progress:
        result = load_files(
            _db(db),
            paths,
            get_settings(),
            entity=entity,
            force=force,
            dry_run=dry_run,
            encoding=encoding,
            command="load " + " ".join(str(p) for p in paths),
            progress=progress,
            adapter=source_format,
            adapter_options=AdapterOptions(initiative, initiative_tag, map_file, cost_column),
        )
    if as_json:
        _print_json(result.to_json())
    else:
        print_load(result)
    raise typer.Exit(result.exit_code)


@app.command()
def metrics(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="As-of month YYYY-MM.")] = None,
    from_: Annotated[str | None, typer.Option("--from", help="Window start YYYY-MM.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Window end YYYY-MM.")] = None,
    business_unit: Annotated[
        list[str] | None, typer.Option("--business-unit", help="Repeatable.")
    ] = None,
    stage: Annotated[list[str] | None, typer.Option("--stage", help="Repeatable.")] = None,
    status: Annotated[list[str] | None, typer.Option("--status", help="Repeatable.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every metric and signal of METRICS.md for the filters."""
    from etl.config import get_settings
    from etl.metrics import Filters, compute_metrics
    from etl.period import PeriodError
    from etl.storage import StorageError, open_reader
    from scaleboard.report import print_metrics

    filters = Filters(
        as_of=as_of,
        from_=from_,
        to=to,
        business_units=tuple(business_unit or ()),
        stages=tuple(stage or ()),
        statuses=tuple(status or ()),
    )
    try:
        with open_reader(_existing_db(db)) as con:
            result = compute_metrics(con, filters, get_settings())
    except (PeriodError, StorageError) as exc:
        raise fail(str(exc)) from None
    if as_json:
        _print_json(result.to_json())
    else:
        print_metrics(result)


@app.command()
def rejects(
    db: DbOption = None,
    load_id: Annotated[
        int | None,
        typer.Option("--load", help="Load id (default: the latest load that has rejects)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (table output).")] = 50,
    as_json: JsonOption = False,
) -> None:
    """The rows a load rejected, with the reason for each."""
    from etl.audit import list_rejects
    from etl.storage import StorageError, open_reader
    from scaleboard.report import print_rows

    try:
        with open_reader(_existing_db(db)) as con:
            chosen, rows = list_rejects(con, load_id)
    except StorageError as exc:
        raise fail(str(exc)) from None
    if as_json:
        _print_json({"load_id": chosen, "rejects": rows})
    elif chosen is None:
        typer.echo("no load has rejected a row")
    else:
        latest = " (the latest load that has rejects)" if load_id is None else ""
        print_rows(f"Rejects of load {chosen}{latest}", rows[:limit], total=len(rows))


@app.command()
def loads(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The load history, newest first."""
    from etl.audit import list_loads
    from etl.storage import StorageError, open_reader
    from scaleboard.report import print_rows

    try:
        with open_reader(_existing_db(db)) as con:
            rows = list_loads(con)
    except StorageError as exc:
        raise fail(str(exc)) from None
    if as_json:
        _print_json({"loads": rows})
    else:
        print_rows("Loads", rows, total=len(rows))


@app.command()
def rollback(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Restore the state before the latest load."""
    from etl.config import get_settings
    from etl.storage import StorageError, Store
    from etl.storage import rollback as do_rollback

    try:
        undone, restored = do_rollback(
            Store(_db(db)), get_settings().lock_timeout_s, command="rollback"
        )
    except StorageError as exc:
        raise fail(str(exc)) from None
    if as_json:
        _print_json({"undone_load_id": undone, "restored_load_id": restored})
    else:
        state = f"the state after load {restored}" if restored else "an empty database"
        what = f"rolled back load {undone}" if undone else "replaced the unreadable release"
        typer.echo(f"{what}: {_db(db)} is now {state}")


@app.command()
def sources(as_json: JsonOption = False) -> None:
    """The real-world export formats `load --format` reads, with an example each."""
    from etl.adapters import ADAPTERS

    rows = [
        {"format": a.name, "produces": list(a.produces), "summary": a.summary, "example": a.example}
        for a in ADAPTERS.values()
    ]
    if as_json:
        _print_json({"sources": rows})
        return
    for row in rows:
        typer.echo(f"{row['format']}: {row['summary']}\n  {row['example']}")


@app.command()
def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the files into.")],
    scale: Annotated[int, typer.Option(min=1, help="Size multiplier (1: the demo).")] = 1,
    months: Annotated[int, typer.Option(min=3, help="Months of history.")] = 36,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    events: Annotated[
        int | None, typer.Option(min=0, help="Usage events (default: by --scale).")
    ] = None,
) -> None:
    """Write a realistic demo portfolio in the contract's formats."""
    from etl.sample import write_sample

    written = write_sample(out, scale=scale, seed=seed, months=months, events=events)
    for name, rows in written.items():
        typer.echo(f"{out / name}: {rows} rows")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8050,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 2,
    threads: Annotated[int, typer.Option(min=1, help="Threads per worker.")] = 4,
    dev: Annotated[
        bool, typer.Option("--dev", help="Flask's development server, with reload and debug.")
    ] = False,
) -> None:
    """Serve the dashboard (gunicorn; the data reloads after each `load`, no restart)."""
    from dashboard.server import ServeOptions, is_loopback
    from dashboard.server import serve as run_server
    from etl.config import get_settings

    settings = get_settings()
    if not settings.sign_in and not is_loopback(host):
        raise fail(
            f"SCALEBOARD_SIGN_IN=off serves every page to anyone who reaches it, so it listens "
            f"on loopback only; use --host 127.0.0.1 or turn sign-in on (not {host!r})"
        )
    options = ServeOptions(_db(db), host=host, port=port, workers=workers, threads=threads)
    mode = "development server" if dev else f"{workers} workers x {threads} threads"
    typer.echo(f"Scaleboard {options.listening()} (db: {options.db}, {mode}); Ctrl+C stops it")
    run_server(options, settings, dev=dev)


def main() -> None:
    """Entry point: runs the app, turning unexpected errors into one line unless --debug."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as exc:  # the last net: one line, not a traceback
        if _state["debug"] or "--debug" in sys.argv:
            raise
        typer.echo(f"error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        raise SystemExit(2) from None
