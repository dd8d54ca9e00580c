"""Where a file stopped being readable, and how to fix it.

A refusal names the place as an editor shows it: the physical line (a CSV record that holds
a line break spans several) and, for JSON, the column and byte offset. This runs only after
a read failed (or for the one check DuckDB's JSON reader lacks, `json_array_unclosed`), so
it may walk the file in Python: the load path itself never does.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

ENCODING_FIX = "re-save it as UTF-8, or pass --encoding with its encoding, e.g. --encoding cp1252"
RECOPY = "if the file was cut off (a copy or an export that stopped early), copy or export it again"
JSON_PARSE_LIMIT = 64 << 20
"""A JSON array up to this size is parsed again in Python to locate its error."""
_EDGE = 256


def line_at(path: Path, offset: int) -> int:
    """The physical line (1-based, lines end at `\\n`) holding the byte at `offset`."""
    lines, done = 1, 0
    with path.open("rb") as handle:
        while done < offset:
            block = handle.read(min(1 << 20, offset - done))
            if not block:
                break
            lines += block.count(b"\n")
            done += len(block)
    return lines


def _first_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_EDGE).removeprefix(b"\xef\xbb\xbf").lstrip()[:1]


def json_array_unclosed(path: Path) -> str | None:
    """Why a JSON array file is incomplete, else None. DuckDB reads an array cut off right
    after a `,` as complete: the rows after the cut would vanish without a word."""
    if _first_byte(path) != b"[":
        return None
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - _EDGE))
        tail = handle.read()
    end = tail.rstrip()
    if end.endswith(b"]"):
        return None
    last = size - len(tail) + len(end)  # bytes up to and with the last one that is not blank
    shown = end[-20:].decode("utf-8", "replace")
    return (
        f"cannot be read as JSON: the array is never closed: the file ends at byte {last} (line "
        f"{line_at(path, max(0, last - 1))}) with {shown!r} instead of ']', so it looks cut off; "
        "copy or export it again whole"
    )


def _where(error: json.JSONDecodeError, base_line: int, base_byte: int) -> str:
    """`line L, column C (byte B)` of an error in text that starts at `base_line`."""
    byte = base_byte + len(error.doc[: error.pos].encode("utf-8"))
    return f"line {base_line + error.lineno - 1}, column {error.colno} (byte {byte})"


def _cut_off(error: json.JSONDecodeError) -> bool:
    return not error.doc[error.pos :].strip()


def _json_array_error(path: Path, size: int) -> str | None:
    if size > JSON_PARSE_LIMIT:
        return None
    data = path.read_bytes()
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        json.loads(data[bom:].decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _not_utf8(path, bom + exc.start)
    except json.JSONDecodeError as exc:
        hint = "the file ends inside a value, so it looks cut off" if _cut_off(exc) else exc.msg
        return f"{_where(exc, 1, bom)}: {hint}"
    return None


def _not_utf8(path: Path, offset: int) -> str:
    return f"not valid UTF-8 at byte {offset} (line {line_at(path, offset)}); {ENCODING_FIX}"


def _parse_values(decoder: json.JSONDecoder, text: str) -> json.JSONDecodeError | None:
    """Parses every JSON value in `text`; the error, if any (one at the end: more is needed)."""
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index == len(text):
            return None
        try:
            index = decoder.raw_decode(text, index)[1]
        except json.JSONDecodeError as exc:
            return exc


def _json_lines_error(path: Path) -> str | None:
    """The first error of a file of JSON values (one per line or spread over lines)."""
    decoder = json.JSONDecoder()
    pending, start_line, start_byte, offset = "", 1, 0, 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not pending.strip():
                pending, start_line, start_byte = "", number, offset
            try:
                pending += raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                return _not_utf8(path, offset + exc.start)
            offset += len(raw)
            if len(pending) > JSON_PARSE_LIMIT:
                return None
            if not raw.rstrip().endswith((b"}", b"]")):
                continue  # a value cannot end on this line: parse when one may
            error = _parse_values(decoder, pending)
            if error is None:
                pending = ""
            elif not _cut_off(error):
                spans = f" (in the value that starts on line {start_line})"
                return f"{_where(error, start_line, start_byte)}: {error.msg}" + (
                    spans if error.lineno > 1 else ""
                )
    if pending.strip():
        return (
            f"the file ends inside the value that starts on line {start_line} (byte "
            f"{start_byte}), so it looks cut off; copy or export it again whole"
        )
    return None


def json_problem(path: Path, message: str) -> str:
    """Why DuckDB could not read a JSON file: where it broke (as Python's parser finds it)
    and how to fix it; DuckDB's own words when the place cannot be found."""
    located = (
        _json_array_error(path, path.stat().st_size)
        if _first_byte(path) == b"["
        else _json_lines_error(path)
    )
    if located is None:
        return f"cannot be read as JSON: {message}; fix the file there, or {RECOPY}"
    if "cut off" in located or "UTF-8" in located:
        return f"cannot be read as JSON: {located}"
    return f"cannot be read as JSON: {located}; fix the file there, or {RECOPY}"


def csv_line_of_record(path: Path, record: int) -> int | None:
    """The physical line on which CSV record `record` (1-based, the header is record 1, as
    DuckDB counts) starts: records before it may span several lines (quoted line breaks)."""
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            for _ in range(record - 1):
                next(reader)
        except (StopIteration, csv.Error):
            return None
        return reader.line_num + 1


_RECORD = re.compile(r"CSV Error on Line: (\d+)")
_COUNTS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _csv_fix(message: str) -> str:
    counts = _COUNTS.search(message)
    if counts:
        expected, found = int(counts[1]), int(counts[2])
        than = "more" if found > expected else "fewer"
        return (
            f"the record has {than} cells than the header's {expected}; quote each cell that "
            f"holds a comma or a line break (doubling a quote inside it), or, {RECOPY}"
        )
    if "unterminated quote" in message.lower():
        return (
            "a quoted cell starts here and is never closed; close its quote (a quote inside "
            f"a cell is written twice), or, {RECOPY}"
        )
    return f"{message}; fix that record, or, {RECOPY}"


def csv_problem(path: Path, message: str, utf8: bool) -> str | None:
    """Why DuckDB could not read a CSV file, at the physical line where the bad record
    starts (DuckDB counts records); None when DuckDB names no record."""
    found = _RECORD.search(message)
    line = csv_line_of_record(path, int(found[1])) if found else None
    if line is None:
        return None
    if utf8:
        return f"the file is not valid UTF-8 at line {line}; {ENCODING_FIX}"
    rest = _RECORD.sub("", message).strip("; ")
    return f"cannot be read as CSV: line {line}: {_csv_fix(rest)}"


def parquet_problem(path: Path, message: str) -> str:
    if "magic bytes" in message.lower():
        return (
            f"cannot be read as PARQUET: {message}: the file ends at byte "
            f"{path.stat().st_size} without a Parquet footer, so it is cut off or not Parquet; "
            "copy or export it again whole"
        )
    return f"cannot be read as PARQUET: {message}; {RECOPY}"
