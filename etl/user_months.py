"""Raw usage events to validated, keyed user-months: the seam where an engine takes over.

An engine (`EventsEngine`: DuckDB here, Spark in `etl.events_spark`) reads event files in
the contract's shape (CSV or Parquet), checks every row with the loader's own generated SQL
(`etl.validate.check_select`, run by DuckDB on each batch wherever the engine runs it),
keys the user ids as the database does (`etl.pseudonyms.KeySpec`) and writes an output
folder:

- `user_months/*.parquet`: the distinct (initiative_id, month, user_key) rows, the month
  being the event's UTC month;
- `rejects/*.parquet`: each rejected row (file_index, row_number, column_name, value,
  reason), numbered as `scaleboard load` numbers them;
- `scaleboard-user-months.json` (`Manifest`, written last): the input files with their rows
  read and rejected, the valid events per month, the key format and a fingerprint of the
  key (never the key).

`scaleboard load DIR` takes such a folder in (`etl.take_in`), through the same audit,
release switch and monthly refresh as a load of the event files themselves. Distinct
user-months rather than counts: a later load of more events of the same month still
counts each user once.
"""

from __future__ import annotations

import contextlib
import glob
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import duckdb
from pydantic import BaseModel, ConfigDict, ValidationError

from etl.contracts import ENTITIES, columns_of
from etl.identifiers import register_id_functions
from etl.period import PlausibleMonths
from etl.pseudonyms import KeySpec
from etl.readers import USER_MONTHS_MANIFEST, RefusedFile, clean_text, format_of
from etl.validate import CheckPlan, check_select
from etl.writers import EVENT_MONTH_SQL

MANIFEST = USER_MONTHS_MANIFEST
USERS_DIR = "user_months"
REJECTS_DIR = "rejects"
ENTITY = "usage_events"
EVENT_COLUMNS = tuple(c.name for c in columns_of(ENTITIES[ENTITY]))
READ_FORMATS = ("csv", "parquet")
REJECT_COLUMNS_SQL = (
    "_problems[1].column_name as column_name, _problems[1].value as value, "
    "array_to_string(list_transform(_problems, lambda p: p.reason), '; ') as reason"
)
"""What a rejected row records, as `Loader.record_rejects` records it."""


class InputFile(BaseModel):
    """One event file an engine read."""

    model_config = ConfigDict(extra="forbid")

    path: str
    format: str
    sha256: str
    rows_read: int
    rows_rejected: int
    warnings: list[str] = []


class Manifest(BaseModel):
    """What an output folder holds and how its users were keyed."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["scaleboard-user-months"] = "scaleboard-user-months"
    version: Literal[1] = 1
    engine: str
    key_format: str
    key_fingerprint: str | None
    plausible_months: str
    files: list[InputFile]
    months: dict[str, int]
    """First day of each month (YYYY-MM-01) -> the valid events of that month."""
    user_month_rows: int

    def to_text(self) -> str:
        return json.dumps(self.model_dump(), indent=2, sort_keys=True) + "\n"


def read_manifest(folder: Path) -> Manifest:
    """The manifest of an output folder; refuses one that is missing or not ours."""
    path = folder / MANIFEST
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise RefusedFile(
            folder, f"has no {MANIFEST}: the job did not finish; run it again"
        ) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RefusedFile(
            path, f"is not a Scaleboard user-months manifest ({where}: {first['msg']})"
        ) from None


@dataclass(frozen=True)
class EventFile:
    """One input file, described on the driver before any engine reads it: where it is,
    its format, its content digest and which of its columns holds each contract column."""

    display: str
    location: str
    format: str
    sha256: str
    columns: dict[str, str | None]
    warnings: tuple[str, ...] = ()
    header: tuple[str, ...] = ()


@dataclass(frozen=True)
class EventsJob:
    """Everything an engine needs: the files, the initiatives events may name, the key, and
    the plausible months of the loader's checks."""

    files: list[EventFile]
    known_ids: list[str]
    key: KeySpec = field(repr=False)
    months: PlausibleMonths
    reporting_currency: str = "USD"


class EventsEngine(Protocol):
    """Turns the job's event files into an output folder (see the module docstring)."""

    name: str

    def describe(self, paths: Sequence[str]) -> list[EventFile]: ...

    def aggregate(self, job: EventsJob, out: str) -> Manifest: ...


class EngineError(Exception):
    """An engine that cannot run as asked (not installed, no Java, a failed job); the
    message says how to fix it."""


def prepare_local_out(folder: Path) -> None:
    """An output folder on this machine: new, empty, or an earlier output, which is
    removed, its manifest first (a job that fails leaves no folder `load` would take for
    finished)."""
    if folder.exists() and any(folder.iterdir()) and not (folder / MANIFEST).exists():
        raise EngineError(
            f"--out {folder} is a folder that holds other files; name a new or empty one"
        )
    (folder / MANIFEST).unlink(missing_ok=True)
    for earlier in (folder / USERS_DIR, folder / REJECTS_DIR):
        shutil.rmtree(earlier, ignore_errors=True)


def _has_magic(text: str) -> bool:
    return glob.has_magic(text)


def _hidden(path: Path, root: Path) -> bool:
    """Names Spark and Hadoop keep for themselves (_SUCCESS, .crc files) are no input."""
    return any(part.startswith(("_", ".")) for part in path.relative_to(root).parts)


def _event_file(path: Path) -> Path:
    fmt = format_of(path)
    if fmt not in READ_FORMATS:
        raise RefusedFile(
            path,
            "aggregate-events reads CSV and Parquet event files; "
            "load JSON events with `scaleboard load`",
        )
    return path


def local_event_files(paths: Sequence[str]) -> list[Path]:
    """Files as given; every CSV and Parquet file under a folder (Hive-style `month=`
    folders included), in path order; a glob's matches. Refuses what names nothing."""
    found: list[Path] = []
    for text in paths:
        given = Path(text)
        if _has_magic(text):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
            if not matches:
                raise RefusedFile(given, "no file matches this pattern; check it")
            found += [_event_file(p) for p in matches if p.is_file()]
        elif given.is_dir():
            inside = sorted(p for p in given.rglob("*") if p.is_file() and not _hidden(p, given))
            found += [_event_file(p) for p in inside if format_of(p) in (*READ_FORMATS, "json")]
        elif given.is_file():
            found.append(_event_file(given))
        else:
            raise RefusedFile(given, "no such file or folder; check the path")
    if not found:
        raise RefusedFile(Path(paths[0]) if paths else Path("."), "no event files found")
    return found


def raw_batch_select(relation: str) -> str:
    """`_raw_<column>` text of each contract column of a relation whose columns are
    `c_<column>` (any type, NULL where the file lacks it), cleaned as `etl.readers` cleans
    a file's cells, plus the relation's `_file`, `_block` and `_pos`."""
    cells = ", ".join(
        f"{clean_text(f'cast(c_{name} as varchar)')} as _raw_{name}" for name in EVENT_COLUMNS
    )
    return f"select _file, _block, _pos, {cells} from {relation}"


def check_plan(job: EventsJob) -> CheckPlan:
    return CheckPlan(ENTITY, "", job.reporting_currency, job.months)


def batch_sql(job: EventsJob, relation: str = "batch") -> str:
    """The checks of one batch of raw events (`raw_batch_select`), its rows numbered by
    `_pos`: a `create temp table checked` statement."""
    source = f"({raw_batch_select(relation)})"
    return (
        f"create or replace temp table checked as {check_select(check_plan(job), source, '_pos')}"
    )


def batch_output_sql(user_key_type: str) -> str:
    """One batch's output, every kind of row in one shape: `user` rows (a user-month with
    its events), `reject` rows (where the row is: file, block, position; and why) and
    `block` rows (the first position and the rows of each block of a file read)."""
    nothing = "null::varchar, null::varchar, null::varchar"
    return f"""
        select 'user' as kind, initiative_id, month, user_key::{user_key_type} as user_key,
               null::varchar as file, null::bigint as block, null::bigint as pos,
               count(*)::bigint as n, null::varchar as column_name, null::varchar as value,
               null::varchar as reason
        from (
            select initiative_id, {EVENT_MONTH_SQL} as month, user_key(user_id) as user_key
            from checked where _ok
        )
        group by initiative_id, month, user_key
        union all
        select 'reject', null, null, null, _file, _block, _pos, 1, {REJECT_COLUMNS_SQL}
        from checked where not _ok
        union all
        select 'block', null, null, null, _file, _block, min(_pos), count(*), {nothing}
        from checked group by _file, _block
        """


def batch_connection_setup(job: EventsJob) -> list[str]:
    """Statements that make a fresh DuckDB connection check events as a load does: the
    user key macro and the table of known initiatives (filled from `job.known_ids`)."""
    return [
        "create temp table initiatives (initiative_id varchar)",
        job.key.macro_sql(),
    ]


def prepare_connection(
    con: duckdb.DuckDBPyConnection, job_setup: list[str], known_ids: list[str]
) -> None:
    """Runs `batch_connection_setup` on a DuckDB connection, with the id functions of
    `etl.identifiers` and the known initiatives."""
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    register_id_functions(con)
    for statement in job_setup:
        con.execute(statement)
    if known_ids:
        con.execute("insert into initiatives select unnest(?::varchar[])", [known_ids])


def describe_local(paths: Sequence[str]) -> list[EventFile]:
    """The event files under local paths, each with its header mapped to the contract (a
    file that lacks a required column, or that cannot be read, refuses the command)."""
    from etl.loader import file_columns
    from etl.readers import SourceFile, column_names, sha256_of
    from etl.results import FileResult

    described = []
    with contextlib.closing(duckdb.connect()) as con:
        for path in local_event_files(paths):
            fmt = format_of(path) or ""
            header = column_names(con, path, fmt)
            source = SourceFile(path, ENTITY, fmt, sha256_of(path))
            noted = FileResult(str(path), ENTITY, source.sha256, fmt)
            columns = file_columns(source, header, noted)
            described.append(
                EventFile(
                    display=str(path),
                    location=str(path),
                    format=fmt,
                    sha256=source.sha256,
                    columns=columns,
                    warnings=tuple(noted.warnings),
                    header=tuple(header),
                )
            )
    return described
