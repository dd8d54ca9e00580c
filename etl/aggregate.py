"""`scaleboard aggregate-events`: event files to keyed user-months on a chosen engine, then
into the database through `scaleboard load` of the output folder.

With `--db` the command does both halves here: it reads the database's initiatives and key,
runs the engine into a scratch folder and loads that folder (`etl.take_in`), so the
audit, release switch and refresh are those of a load. With `--out` it does the first
half only, where the data lives (a Spark cluster); `scaleboard load DIR` on the serving
machine does the second.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import scratch, storage
from etl.config import Settings
from etl.load import audit_skipped, load_files, loaded_files, refuse
from etl.pseudonyms import KeySpec, configured_key, database_key
from etl.readers import RefusedFile, column_names, format_of, raw_select, run_on_file
from etl.results import FileResult, LoadResult
from etl.user_months import ENTITY, EngineError, EventFile, EventsEngine, EventsJob, Manifest

ENGINES = ("duckdb", "spark")
SPARK_INSTALL = (
    "install it with `make setup-spark` (Java 17 and PySpark into .venv), or "
    "`pip install 'scaleboard[spark]'` and Debian's openjdk-17-jre-headless"
)


@dataclass(frozen=True)
class SparkOptions:
    master: str = "local[2]"
    conf: dict[str, str] = field(default_factory=dict)


def parse_conf(pairs: Sequence[str]) -> dict[str, str]:
    """`--spark-conf KEY=VALUE` options as a dict; refuses a pair without `=`."""
    conf = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise EngineError(
                f"--spark-conf {pair!r} is not KEY=VALUE, e.g. spark.executor.memory=4g"
            )
        conf[name.strip()] = value
    return conf


def make_engine(name: str, spark: SparkOptions | None = None) -> EventsEngine:
    """The engine by name; PySpark is imported only when Spark is chosen."""
    if name == "duckdb":
        from etl.events_duckdb import DuckDBEvents

        return DuckDBEvents()
    if name == "spark":
        try:
            from etl.events_spark import SparkEvents
        except ImportError as exc:
            raise EngineError(
                f"the Spark engine needs PySpark, which is not installed ({exc.name}); "
                + SPARK_INSTALL
            ) from None
        options = spark or SparkOptions()
        return SparkEvents(options.master, options.conf)
    raise EngineError(f"unknown engine {name!r}; use one of {', '.join(ENGINES)}")


def _database_state(
    store: storage.Store, settings: Settings
) -> tuple[list[str], dict[tuple[str, str], int], KeySpec]:
    if not store.db.exists():
        raise storage.StorageError(
            f"no database at {store.db}: load its initiatives first, with "
            f"`scaleboard load --db {store.db} initiatives.csv`"
        )
    with contextlib.closing(storage.open_current(store.db)) as con:
        try:
            ids = con.execute("select initiative_id from initiatives order by 1").fetchall()
            loaded = loaded_files(con)
            key = database_key(con, store, settings, dry_run=False)
        except duckdb.Error as exc:
            raise storage.damaged(store.db, exc) from None
    return [str(r[0]) for r in ids], loaded, key


def _split_loaded(
    files: list[EventFile], loaded: dict[tuple[str, str], int], force: bool
) -> tuple[list[EventFile], list[FileResult], int]:
    """The files to aggregate, those loaded before (or given twice), skipped as a load
    skips them, and the rows those skipped held."""
    todo, skipped, seen, rows = [], [], set(), 0
    for f in files:
        key = (f.sha256, ENTITY)
        if not force and (key in loaded or key in seen):
            skipped.append(FileResult(f.display, ENTITY, f.sha256, f.format, skipped=True))
            rows += loaded.get(key, 0)
        else:
            todo.append(f)
        seen.add(key)
    return todo, skipped, rows


def aggregate_into_db(
    db: Path,
    paths: Sequence[str],
    settings: Settings,
    engine: EventsEngine,
    *,
    force: bool = False,
    command: str = "aggregate-events",
) -> LoadResult:
    """Aggregates the event files with `engine` and loads the result into `db`; a refusal
    is the result's, as for `load_files`."""
    store = storage.Store(db)
    try:
        known, loaded, key = _database_state(store, settings)
    except storage.StorageError as exc:
        return LoadResult(status="refused", load_id=None, error=str(exc))
    folder = scratch.make()
    try:
        todo, skipped, skipped_rows = _split_loaded(engine.describe(paths), loaded, force)
        if not todo:
            return audit_skipped(store, settings, skipped, skipped_rows, command)
        job = EventsJob(todo, known, key, settings.plausible_months(), settings.reporting_currency)
        engine.aggregate(job, str(folder / "user-months"))
        result = load_files(db, [folder / "user-months"], settings, force=force, command=command)
    except (RefusedFile, storage.StorageError, EngineError) as exc:
        result = LoadResult(status="refused", load_id=None)  # a failed job: audited, too
        refuse(store, result, str(exc), command)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result.files = skipped + result.files
    result.rows_skipped += skipped_rows
    return result


def known_initiatives(path: Path) -> list[str]:
    """The initiative ids of a contract initiatives file (`--initiatives`), cleaned as the
    loader cleans them."""
    fmt = format_of(path)
    if fmt is None or not path.is_file():
        raise RefusedFile(path, "no such initiatives file (CSV, Parquet or JSON); check the path")
    with contextlib.closing(duckdb.connect()) as con:
        header = column_names(con, path, fmt)
        names = {n.strip().lower(): n for n in header}
        if "initiative_id" not in names:
            raise RefusedFile(path, "has no initiative_id column; pass a contract initiatives file")
        raw = raw_select(fmt, header, {"initiative_id": names["initiative_id"]}, "initiatives")
        rows = run_on_file(
            con,
            f"select distinct _raw_initiative_id from ({raw}) "
            "where _raw_initiative_id is not null order by 1",
            path,
            fmt,
        )
    return [str(r[0]) for r in rows]


def aggregate_to_folder(
    out: str,
    paths: Sequence[str],
    settings: Settings,
    engine: EventsEngine,
    *,
    key_format: str,
    initiatives: Path,
) -> Manifest:
    """The first half alone: the output folder `out` (local or a URI the engine writes),
    keyed with the configured key, for a later `scaleboard load` of it."""
    key = configured_key(settings, key_format)
    files = engine.describe(paths)
    job = EventsJob(
        files,
        known_initiatives(initiatives),
        key,
        settings.plausible_months(),
        settings.reporting_currency,
    )
    return engine.aggregate(job, out)
