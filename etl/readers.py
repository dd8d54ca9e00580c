"""Extract: one input file into a staging table of text columns, whatever its format.

Every format lands the same way (all columns VARCHAR, names as in the file), so one set of
vectorized checks serves CSV, Parquet and JSON alike.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from etl.contracts import ENTITIES, Kind, columns_of
from etl.read_errors import (
    ENCODING_FIX,
    csv_problem,
    json_array_unclosed,
    json_problem,
    parquet_problem,
)
from etl.validate import quote_ident, quote_literal

FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".json": "json",
    ".ndjson": "json",
    ".jsonl": "json",
}


USER_MONTHS_MANIFEST = "scaleboard-user-months.json"
"""Names a folder of keyed user-months that `scaleboard aggregate-events --out` wrote
(`etl.user_months`): `load` takes such a folder in whole."""


def is_user_months(path: Path) -> bool:
    return path.is_dir() and (path / USER_MONTHS_MANIFEST).is_file()


class RefusedFile(Exception):
    """A file that cannot be loaded at all; the whole command is refused."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path = path
        self.why = why


@dataclass(frozen=True)
class SourceFile:
    """One input file, resolved: what entity it holds, in which format, with which content."""

    path: Path
    entity: str
    format: str
    sha256: str
    adapter: str | None = None


def entity_of(path: Path) -> str | None:
    """The entity a file name names: the part of the name before the first `-` or `.`."""
    stem = re.split(r"[-.]", path.name, maxsplit=1)[0].strip().lower()
    return stem if stem in ENTITIES else None


def format_of(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in FORMATS:
            return FORMATS[suffix]
    return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder's loadable files in name order."""
    files: list[Path] = []
    for path in paths:
        if is_user_months(path):
            files.append(path)
        elif path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and format_of(p))
        elif path.is_file():
            files.append(path)
        else:
            raise RefusedFile(path, "no such file or folder; check the path")
    return files


def resolve(path: Path, entity: str | None = None) -> SourceFile:
    """Names the entity and format of a file, or refuses it saying why."""
    if is_user_months(path):
        if entity and entity.lower() != "usage_events":
            raise RefusedFile(path, f"holds keyed usage events, not {entity}; drop --entity")
        digest = sha256_of(path / USER_MONTHS_MANIFEST)
        return SourceFile(path=path, entity="usage_events", format="user_months", sha256=digest)
    chosen = (entity or entity_of(path) or "").lower()
    if chosen not in ENTITIES:
        known = ", ".join(ENTITIES)
        raise RefusedFile(
            path,
            f"the file name names no known entity; name it after one ({known}) or pass --entity",
        )
    fmt = format_of(path)
    if fmt is None:
        raise RefusedFile(path, "unknown format; use .csv, .parquet, .json or .ndjson")
    return SourceFile(path=path, entity=chosen, format=fmt, sha256=sha256_of(path))


def transcode_to_utf8(path: Path, encoding: str, folder: Path) -> Path:
    """A UTF-8 copy of a text file in another encoding, streamed block by block."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
    except LookupError:
        raise RefusedFile(
            path, f"unknown encoding {encoding!r}; use e.g. cp1252 or latin-1"
        ) from None
    fd, name = tempfile.mkstemp(suffix=".csv", dir=folder)
    os.close(fd)
    target = Path(name)
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        for block in iter(lambda: src.read(1 << 20), b""):
            dst.write(decoder.decode(block))
        dst.write(decoder.decode(b"", final=True))
    return target


def csv_header(path: Path) -> list[str]:
    """The header record of a CSV file (a UTF-8 BOM is dropped). Bytes that are not UTF-8
    refuse the file here only when they are in the header: further down, the read names
    their line."""
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            header = next(csv.reader(handle), [])
    except csv.Error as exc:
        raise RefusedFile(path, f"cannot be read as CSV: {exc}") from None
    try:
        "".join(header).encode("utf-8")
    except UnicodeEncodeError:
        raise RefusedFile(path, f"the header is not valid UTF-8; {ENCODING_FIX}") from None
    return header


def strict_csv_scan(names: Sequence[str]) -> str:
    """`read_csv(?)` of a UTF-8 CSV file whose header has the columns `names` (they name the
    columns read, in order), every column as text. Parsed strictly with no sniffing, so no
    row is ever skipped as a comment or a preamble, and a malformed record is an error."""
    columns = ", ".join(f"{quote_literal(name)}: 'VARCHAR'" for name in names)
    return (
        f"read_csv(?, columns = {{{columns}}}, header = true, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
        "skip = 0, comment = '', encoding = 'utf-8')"
    )


def _scan_sql(fmt: str, header: list[str]) -> str:
    """A DuckDB table function reading the file (CSV: `strict_csv_scan`). JSON is read with
    every column of `header` as the JSON type, so each row's value is typed on its own
    (see `_json_select`); with no header, its columns are detected from every row."""
    if fmt == "csv":
        return strict_csv_scan(header)
    if fmt == "parquet":
        return "read_parquet(?)"
    if not header:
        return "read_json(?, format = 'auto', sample_size = -1, maximum_object_size = 67108864)"
    columns = ", ".join(f"{quote_literal(name)}: 'JSON'" for name in header)
    return f"read_json(?, format = 'auto', columns = {{{columns}}}, maximum_object_size = 67108864)"


def _utf8_problem(message: str) -> bool:
    lowered = message.lower()
    return "unicode" in lowered or "utf-8" in lowered or "utf8" in lowered


def _short(message: str) -> str:
    """DuckDB's error without its hints: 'CSV Error on Line: 2; Expected ... Found: 5'."""
    keep = []
    for line in message.splitlines():
        if not line.strip():
            break
        if not line.startswith(("Original Line", "Possible", "*")):
            keep.append(line.strip())
    return "; ".join(keep)


def _refusal(path: Path, fmt: str, exc: duckdb.Error) -> RefusedFile:
    """Why the file cannot be read, where it broke (a line as an editor numbers it, or a
    byte offset) and how to fix it."""
    message = _short(str(exc))
    if fmt == "json":
        return RefusedFile(path, json_problem(path, message))
    if fmt == "parquet":
        return RefusedFile(path, parquet_problem(path, message))
    utf8 = _utf8_problem(message)
    located = csv_problem(path, message, utf8)
    if located:
        return RefusedFile(path, located)
    if utf8:
        return RefusedFile(path, f"the file is not valid UTF-8 ({message}); {ENCODING_FIX}")
    return RefusedFile(path, f"cannot be read as CSV: {message}")


def column_names(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> list[str]:
    """The file's column names; refuses an empty file, a repeated name or an unreadable file."""
    if path.stat().st_size == 0:
        raise RefusedFile(path, "the file is empty; it needs at least a header row")
    if fmt == "csv":
        names = csv_header(path)
    else:
        unclosed = json_array_unclosed(path) if fmt == "json" else None
        if unclosed:
            raise RefusedFile(path, unclosed)
        try:
            names = con.sql(f"select * from {_scan_sql(fmt, [])}", params=[str(path)]).columns
        except duckdb.Error as exc:
            raise _refusal(path, fmt, exc) from None
    normal = [n.strip().lower() for n in names]
    if len(set(normal)) != len(normal):
        raise RefusedFile(
            path, "the header names a column twice (names are compared ignoring case)"
        )
    return list(names)


def clean_text(sql: str) -> str:
    """Text with surrounding spaces removed, blank -> NULL. Trimming is costly, so it runs
    only on text that starts or ends with a space (`prefix`/`suffix` are the cheapest test)."""
    return (
        f"nullif(case when prefix({sql}, ' ') or suffix({sql}, ' ') then trim({sql}) "
        f"else {sql} end, '')"
    )


def raw_select(fmt: str, header: list[str], columns: dict[str, str | None], entity: str) -> str:
    """`select _raw_<column>, ... from <the file>`: the cleaned text of each contract column
    (NULL where the file lacks it); the file's path is the query's one `?` parameter. JSON
    adds `_bad_<column>` (see `_json_select`)."""
    if fmt == "json":
        return _json_select(columns, entity)
    selected = ", ".join(
        (clean_text(f"cast({quote_ident(name)} as varchar)") if name else "cast(null as varchar)")
        + f" as _raw_{column}"
        for column, name in columns.items()
    )
    return f"select {selected} from {_scan_sql(fmt, header)}"


def _json_select(columns: dict[str, str | None], entity: str) -> str:
    """JSON typed row by row: a string, a number (as written, e.g. 12 or 1.5) or, in a
    boolean column, true/false is the cell's text in `_raw_<column>`; an object, an array
    or a boolean elsewhere is no text (NULL) but the JSON in `_bad_<column>`, which the
    checks reject for that row alone (`etl.validate`). JSON null is a missing value."""
    kinds = {c.name: c.kind for c in columns_of(ENTITIES[entity])}
    present = {column: name for column, name in columns.items() if name}
    inner = ", ".join(
        f"{quote_ident(name)} as _j_{column}, json_type({quote_ident(name)}) as _t_{column}, "
        f"{quote_ident(name)} ->> '$' as _s_{column}"
        for column, name in present.items()
    )
    cells = []
    for column in columns:
        if column not in present:
            cells.append(
                f"cast(null as varchar) as _raw_{column}, cast(null as varchar) as _bad_{column}"
            )
            continue
        bad = ("'OBJECT', 'ARRAY'") + ("" if kinds[column] == Kind.BOOL else ", 'BOOLEAN'")
        cells.append(
            clean_text(f"(case when _t_{column} in ({bad}) then null else _s_{column} end)")
            + f" as _raw_{column}, case when _t_{column} in ({bad}) then "
            f"cast(_j_{column} as varchar) end as _bad_{column}"
        )
    scan = _scan_sql("json", list(present.values()))
    return f"select {', '.join(cells)} from (select {inner} from {scan})"


def run_on_file(con: duckdb.DuckDBPyConnection, sql: str, path: Path, fmt: str) -> Any:
    """Runs a statement that reads the file; a read error refuses the file."""
    try:
        return con.execute(sql, [str(path)]).fetchall()
    except duckdb.Error as exc:
        raise _refusal(path, fmt, exc) from None


def read_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    header: list[str],
    columns: dict[str, str | None],
    table: str,
    entity: str,
) -> None:
    """Reads the file into `table` (see `raw_select`) in one ordered pass with no join, so a
    row's rowid + 1 is its record number."""
    sql = f"create or replace temp table {table} as {raw_select(fmt, header, columns, entity)}"
    run_on_file(con, sql, path, fmt)
