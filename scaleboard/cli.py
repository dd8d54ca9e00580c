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
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scaleboard.accounts import audit, users_app
from scaleboard.alerts import after_load, alerts_app, digest
from scaleboard.brief import report
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

if TYPE_CHECKING:
    from etl.load import LoadResult

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
app.command("report")(report)
app.add_typer(alerts_app, name="alerts")
app.command("digest")(digest)

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
    alerts = after_load(_db(db)) if result.status != "refused" and not dry_run else None
    _print_loaded(result, alerts, as_json)
    raise typer.Exit(result.exit_code)


def _print_loaded(result: LoadResult, alerts: dict[str, Any] | None, as_json: bool) -> None:
    """A load's outcome and the alert check that followed it, the same for every command
    that loads (`load`, `aggregate-events`)."""
    from scaleboard.report import print_alerts, print_load

    if as_json:
        _print_json({**result.to_json(), **({"alerts": alerts} if alerts else {})})
    else:
        print_load(result)
        print_alerts(alerts)


@app.command("aggregate-events")
def aggregate_events(
    paths: Annotated[
        list[str], typer.Argument(help="Event files, folders or globs (CSV or Parquet).")
    ],
    db: DbOption = None,
    engine: Annotated[str, typer.Option(help="duckdb (this process) or spark.")] = "duckdb",
    master: Annotated[
        str, typer.Option(help="Spark master: local[N] or a cluster's URL.")
    ] = "local[2]",
    spark_conf: Annotated[
        list[str] | None,
        typer.Option("--spark-conf", help="A Spark setting KEY=VALUE (repeatable)."),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(help="Write keyed user-months here instead, for `scaleboard load OUT`."),
    ] = None,
    initiatives: Annotated[
        Path | None,
        typer.Option(help="With --out: the initiatives file whose ids events may name."),
    ] = None,
    key_format: Annotated[
        str, typer.Option(help="With --out: md5-64, md5-hex (older databases) or plain.")
    ] = "md5-64",
    force: Annotated[bool, typer.Option("--force", help="Load files loaded before again.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Usage events to monthly active users on DuckDB or Spark, then into the database as
    `load` of the same events would put them, alert check included (or, with --out, a
    folder for a later load, which runs the check then)."""
    from etl.aggregate import SparkOptions, make_engine, parse_conf
    from etl.config import get_settings
    from etl.readers import RefusedFile
    from etl.storage import StorageError
    from etl.user_months import EngineError

    try:
        chosen = make_engine(engine, SparkOptions(master, parse_conf(spark_conf or [])))
        if out is not None:
            _aggregate_out(chosen, out, paths, initiatives, key_format, db, as_json)
            return
        from etl.aggregate import aggregate_into_db

        command = "aggregate-events --engine " + engine + " " + " ".join(paths)
        result = aggregate_into_db(
            _db(db), paths, get_settings(), chosen, force=force, command=command
        )
    except (EngineError, RefusedFile, StorageError) as exc:
        raise fail(str(exc)) from None
    alerts = after_load(_db(db)) if result.status != "refused" else None
    _print_loaded(result, alerts, as_json)
    raise typer.Exit(result.exit_code)


def _aggregate_out(
    engine: Any,
    out: str,
    paths: list[str],
    initiatives: Path | None,
    key_format: str,
    db: Path | None,
    as_json: bool,
) -> None:
    from etl.aggregate import aggregate_to_folder
    from etl.config import get_settings

    if db is not None:
        raise fail("--out writes a folder for a later `scaleboard load`; drop --db (or --out)")
    if initiatives is None:
        raise fail("--out needs --initiatives FILE: the initiatives events may name")
    manifest = aggregate_to_folder(
        out, paths, get_settings(), engine, key_format=key_format, initiatives=initiatives
    )
    if as_json:
        _print_json(manifest.model_dump())
        return
    read = sum(f.rows_read for f in manifest.files)
    rejected = sum(f.rows_rejected for f in manifest.files)
    typer.echo(
        f"{out}: {manifest.user_month_rows} user-months of {len(manifest.months)} months from "
        f"{len(manifest.files)} files ({read} events read, {rejected} rejected); "
        f"load it with `scaleboard load --db DB {out}`"
    )


@app.command()
def metrics(
    db: DbOption = None,
    as_of: AsOfOption = None,
    from_: FromOption = None,
    to: ToOption = None,
    business_unit: UnitOption = None,
    stage: StageOption = None,
    status: StatusOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every metric and signal of METRICS.md for the filters."""
    from etl.config import get_settings
    from etl.metrics import compute_metrics
    from etl.period import PeriodError
    from etl.storage import StorageError, open_reader
    from scaleboard.report import print_metrics

    filters = filters_of(as_of, from_, to, business_unit, stage, status)
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
