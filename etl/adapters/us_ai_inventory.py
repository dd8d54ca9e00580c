"""`--format us-ai-inventory`: the US federal AI use-case inventories (OMB consolidated CSVs of
2023, 2024 and 2025) -> initiatives, one per use case.

The year is told by the header (2023: `Use_Case_ID`/`Title`/`Development_Stage`; 2024: the
question-text headers, or the coded ones of its first release; 2025: snake_case). A file that
is not valid UTF-8 (the 2024 release is Windows-1252) is transcoded as cp1252 first, streamed,
and read strictly: every record is loaded or rejected, none is skipped.

- business_unit is the agency abbreviation (through `us_ai_inventory_agencies.csv`); the
  bureau goes into the description. The stage comes through `us_ai_inventory_stages.csv`
  (source_value, stage, status); a blank stage or one the mapping lacks is rejected.
- The id is the file's id (normalised: NFKC, every dash as `-`, spaces collapsed, see
  `etl.identifiers`; prefixed with the agency when it does not start with it), unless
  it is blank or shared by several rows: then `<AGENCY>-<year>-<8 hex of md5(agency|name|
  bureau)>` (`-<n>` added when that repeats). Ids never match across years (the 2023 ones end
  in `-2023`, 2024 has none), so a use case whose (agency, name) is unique in its file takes
  the id of the use case of other inventory years whose (agency, name) was unique in theirs:
  a name some inventory repeats cannot say which of its rows is which, and judging each file
  alone makes the matching the same whatever order the years are loaded in.
- Each inventory has an as-of date, 31 December of its year. A stage's date is the date
  column of the stage where one parses (not after the inventory year), else the as-of date,
  flagged as estimated. "Pilot" is Experimentation; a use case reported retired takes
  Operationalization when it has a date implemented, else Experimentation.
- A record with exact copies in the file (every cell equal) is loaded once, standing for
  them all, with a warning.
- What each inventory said of each use case is kept (`inventory_sightings`, see
  `etl.inventories`); the use cases' current state and stage history are resolved from all
  of them after each file, by inventory year, whatever the load order.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.adapters.base import (
    AdapterError,
    AdapterOptions,
    Conversion,
    Converted,
    Mapping,
    default_mapping,
    mapping_table,
    read_mapping,
    run_adapter_sql,
)
from etl.config import Settings
from etl.contracts import ENTITIES, Stage, Status, columns_of
from etl.identifiers import flaw_sql, normalise_sql
from etl.period import PlausibleMonths
from etl.readers import RefusedFile, strict_csv_scan, transcode_to_utf8

STAGES = "us_ai_inventory_stages"
AGENCIES = "us_ai_inventory_agencies"
STAGE_COLUMNS = ("source_value", "stage", "status")
AGENCY_COLUMNS = ("source_value", "business_unit")


@dataclass(frozen=True)
class Shape:
    """One year's header: the source column of each thing the adapter reads."""

    year: int
    stage: str
    name: str
    agency: str
    bureau: tuple[str, ...]
    text: str
    id: str | None = None
    owner: str | None = None
    risk: str | None = None
    high_risk: tuple[str, ...] = ()
    started: str | None = None
    dates: dict[Stage, tuple[str, ...]] = field(default_factory=dict)

    def required(self) -> tuple[str, str, str]:
        """The columns that tell the year; any other column may be absent (read as blank)."""
        return (self.stage, self.name, self.agency)


_2024_DATES = (
    "Date Initiated",
    "Date when Acquisition and/or Development began",
    "Date Implemented",
)
_2024_V1_DATES = ("18_date_initiated", "19_date_acq_dev_began", "20_date_implemented")
_2024_HIGH = ("rights-impacting", "safety-impacting", "both")


def _dates_2024(initiated: str, developed: str, implemented: str) -> dict[Stage, tuple[str, ...]]:
    return {
        Stage.EXPERIMENTATION: (initiated, developed),
        Stage.OPERATIONALIZATION: (implemented,),
        Stage.STANDARDIZATION: (implemented,),
    }


SHAPES = (
    Shape(
        2025,
        stage="development_stage",
        name="use_case_name",
        agency="agency",
        bureau=("agency_bureau",),
        text="problem_solved",
        id="id",
        owner="contact_email",
        risk="is_high_impact",
        high_risk=("high-impact",),
        dates={
            Stage.OPERATIONALIZATION: ("operational_date",),
            Stage.STANDARDIZATION: ("operational_date",),
        },
    ),
    Shape(
        2024,
        stage="Stage of Development",
        name="Use Case Name",
        agency="Agency Abbreviation",
        bureau=("Bureau",),
        text="What is the intended purpose and expected benefits of the AI?",
        risk="Is the AI use case rights-impacting, safety-impacting, both, or neither?",
        high_risk=_2024_HIGH,
        started="Date Initiated",
        dates=_dates_2024(*_2024_DATES),
    ),
    Shape(
        2024,
        stage="16_dev_stage",
        name="2_use_case_name",
        agency="3_abr",
        bureau=("4_bureau",),
        text="11_purpose_benefits",
        risk="17_impact_type",
        high_risk=_2024_HIGH,
        started="18_date_initiated",
        dates=_dates_2024(*_2024_V1_DATES),
    ),
    Shape(
        2023,
        stage="Development_Stage",
        name="Title",
        agency="Department_Code",
        bureau=("Agency", "Office"),
        text="Summary",
        id="Use_Case_ID",
    ),
)
"""The known headers, most specific first (2023 and 2025 share `development_stage`)."""

# The queries are in etl/sql/adapters/us_ai_inventory/. What stays here is built from the
# year's header (the select of its columns) or from the contract (the output columns), plus
# the mapping tables' DDL with their bound inserts, and row counts.


def _sql(
    con: duckdb.DuckDBPyConnection, name: str, prefix: str, **params: object
) -> duckdb.DuckDBPyConnection:
    return run_adapter_sql(con, "us_ai_inventory", name, prefix, params)


_OUTPUT_VALUES = {
    "initiative_id": "initiative_id",
    "name": "name",
    "business_unit": "agency",
    "stage": "stage",
    "stage_entered_on": "strftime(entered_on, '%Y-%m-%d')",
    "program_owner": "owner",
    "status": "mapped_status",
    "started_on": "strftime(started_on, '%Y-%m-%d')",
    "risk_tier": "risk_tier",
    "description": (
        "nullif(concat_ws(' ', 'Bureau: ' || bureau || '.', "
        "case when source_id is distinct from initiative_id "
        "then $year || ' inventory id: ' || source_id || '.' end, text), '')"
    ),
}
"""Each initiatives contract column's value (other columns: blank, so their default)."""


def _mapping_path(options: AdapterOptions, name: str, columns: tuple[str, ...]) -> Path | None:
    """`--map FILE` replaces the mapping whose columns FILE has; None: the default one."""
    if options.map_file is None or not options.map_file.exists():
        return options.map_file
    with options.map_file.open(encoding="utf-8-sig", newline="") as handle:
        header = {h.strip().lower() for h in next(csv.reader(handle), [])}
    if header >= set(STAGE_COLUMNS) or header >= set(AGENCY_COLUMNS):
        return options.map_file if header >= set(columns) else None
    raise AdapterError(
        f"the mapping file {options.map_file} needs the columns {', '.join(STAGE_COLUMNS)} "
        f"(stages) or {', '.join(AGENCY_COLUMNS)} (agencies)"
    )


def _canonical(value: str, choices: list[str], path: Path, what: str) -> str | None:
    if not value:
        return None
    for choice in choices:
        if choice.lower() == value.lower():
            return choice
    raise AdapterError(f"the mapping file {path} maps to {value!r}, not a {what} ({choices})")


def _stage_rows(options: AdapterOptions) -> tuple[Path, list[tuple[str, str | None, str | None]]]:
    """(key, stage, status) per source value; keys lower-cased, spaces collapsed."""
    path = _mapping_path(options, STAGES, STAGE_COLUMNS)
    chosen = AdapterOptions(map_file=path)
    stages = read_mapping(STAGES, chosen, ("source_value", "stage"))
    statuses = read_mapping(STAGES, chosen, ("source_value", "status"))
    path = path or default_mapping(STAGES)
    stage_names, status_names = [str(s) for s in Stage], [str(s) for s in Status]
    return path, [
        (
            " ".join(key.split()),
            _canonical(stage, stage_names, path, "stage"),
            _canonical(statuses[key].lower(), status_names, path, "status"),
        )
        for key, stage in stages.items()
    ]


def _load_mappings(con: duckdb.DuckDBPyConnection, options: AdapterOptions, p: str) -> Path:
    path, rows = _stage_rows(options)
    con.execute(
        f"create or replace temp table {p}_stages "
        "(source_key varchar, stage varchar, status varchar)"
    )
    if rows:
        con.executemany(f"insert into {p}_stages values (?, ?, ?)", rows)
    agencies = read_mapping(
        AGENCIES,
        AdapterOptions(map_file=_mapping_path(options, AGENCIES, AGENCY_COLUMNS)),
        AGENCY_COLUMNS,
    )
    mapping_table(con, f"{p}_agencies", agencies)
    return path


def _utf8_file(path: Path, folder: Path) -> Path:
    """The file itself when it is UTF-8, else a UTF-8 copy of it read as Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        return path
    except UnicodeDecodeError:
        pass
    try:
        return transcode_to_utf8(path, "cp1252", folder)
    except (UnicodeDecodeError, RefusedFile) as exc:
        raise AdapterError(f"the file is neither UTF-8 nor Windows-1252: {exc}") from None


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except (csv.Error, UnicodeDecodeError) as exc:
        raise AdapterError(f"not a CSV file: {exc}") from None


def _shape(header: list[str]) -> tuple[Shape, dict[str, int]]:
    """The year's shape and the position of each column name (lower-cased, first one)."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name.strip().lower(), position)
    for shape in SHAPES:
        if all(c.lower() in index for c in shape.required()):
            return shape, index
    raise AdapterError(
        "not a US federal AI use-case inventory of 2023, 2024 or 2025: the header lacks "
        "the stage, name and agency columns of each year (e.g. development_stage, "
        "use_case_name, agency)"
    )


def _date_columns(shape: Shape) -> list[str]:
    """Every date column the year's shape reads, once each."""
    names = [shape.started] if shape.started else []
    names += [c for columns in shape.dates.values() for c in columns]
    return list(dict.fromkeys(names))


def _source_select(shape: Shape, index: dict[str, int]) -> str:
    """The columns the adapter reads, from the positional columns c0, c1, ... of the file;
    `stage_dates` maps each stage to its date column, `implausible_dates` counts the dates
    that parse but fall outside `$first_day`..`$last_day` (the plausible months' first day,
    the inventory year's last day, or the plausible months' last when earlier), read as
    missing. Other parameters: `$high_risk` (the risk values that make a use case high
    risk) and `$stages` (the stage names)."""

    def col(name: str | None) -> str:
        position = index.get((name or "").lower())
        return "null::varchar" if position is None else f"c{position}"

    def line(name: str | None) -> str:
        return f"us_ai_line({col(name)})"

    def date(names: tuple[str, ...]) -> str:
        dates = [f"us_ai_date({col(c)}, $first_day, $last_day)" for c in names]
        return f"coalesce({', '.join(dates)})" if dates else "null::date"

    selected = {
        "stage_value": line(shape.stage),
        "agency_value": line(shape.agency),
        "name": line(shape.name),
        "bureau": f"nullif(concat_ws(' / ', {', '.join(line(b) for b in shape.bureau)}), '')",
        "text": f"nullif(trim({col(shape.text)}), '')",
        "source_id": normalise_sql(line(shape.id)),
        "is_id_normalised": f"coalesce({flaw_sql(line(shape.id))}, false)",
        "owner": line(shape.owner),
        "risk_tier": (
            f"case when list_contains($high_risk::varchar[], lower({line(shape.risk)})) "
            "then 'high' end"
        ),
        "started_on": f"us_ai_date({col(shape.started)}, $first_day, $last_day)",
        "stage_dates": f"map($stages, [{', '.join(date(shape.dates.get(s, ())) for s in Stage)}])",
        "implausible_dates": " + ".join(
            [
                "0",
                *(
                    f"us_ai_implausible({col(c)}, $first_day, $last_day)::int"
                    for c in _date_columns(shape)
                ),
            ]
        ),
    }
    return ", ".join(f"{sql} as {name}" for name, sql in selected.items())


def _firsts_sql(shape: Shape, index: dict[str, int], columns: list[str], p: str) -> str:
    """The first record of each set of exact copies (every cell equal, in file order), with
    `copies`, how many records it stands for, and its columns as `_source_select` reads them."""
    cells = ", ".join(columns)
    return (
        f"select _source_row, copies, {_source_select(shape, index)} from ("
        f"select *, rowid + 1 as _source_row, count(*) over (partition by {cells}) as copies, "
        f"row_number() over (partition by {cells} order by rowid) as copy_number "
        f"from {p}_file) where copy_number = 1"
    )


def _read(
    con: duckdb.DuckDBPyConnection, path: Path, p: str
) -> tuple[Shape, dict[str, int], list[str]]:
    """The file into `{p}_file` (columns c0, c1, ... as text), strictly: no record skipped;
    returns the year's shape, the column positions and the column names c0, c1, ..."""
    with tempfile.TemporaryDirectory() as folder:
        utf8 = _utf8_file(path, Path(folder))
        header = _header(utf8)
        shape, index = _shape(header)
        columns = [f"c{i}" for i in range(len(header))]
        scan = strict_csv_scan(columns)
        try:
            con.execute(
                f"create or replace temp table {p}_file as select * from {scan}", [str(utf8)]
            )
        except duckdb.Error as exc:
            raise AdapterError(f"a record breaks the CSV format: {_short(exc)}") from None
    return shape, index, columns


def _short(exc: duckdb.Error) -> str:
    """DuckDB's CSV error without its hints: 'CSV Error on Line: 3; Expected ... Found: 4'."""
    lines = str(exc).split("\n\n")[0].splitlines()
    return "; ".join(
        x.strip() for x in lines if not x.startswith(("Original Line", "Possible", "*"))
    )


def as_of_date(year: int, plausible: PlausibleMonths) -> dt.date:
    """An inventory's as-of date: 31 December of its year (the plausible months' last day
    when earlier). A date the source does not give is this date, never an earlier one."""
    return min(dt.date(year, 12, 31), plausible.last_day)


def _output_sql(p: str) -> str:
    """The contract's initiatives columns (generated from the contract, so it stays here)."""
    values = [
        f"{_OUTPUT_VALUES.get(c.name, 'null')}::varchar as _raw_{c.name}"
        for c in columns_of(ENTITIES["initiatives"])
    ]
    return (
        f"create or replace temp table {p}_initiatives as select {', '.join(values)}, "
        f"_source_row, copies as _weight from {p}_dated"
    )


def _notes(
    con: duckdb.DuckDBPyConnection, p: str, shape: Shape, plausible: PlausibleMonths
) -> list[str]:
    """Warnings about the ids and dates of the rows the adapter passes on."""
    [(missing, duplicate, groups, numbered, matched, prefixed, copies, normalised, dates)] = _sql(
        con, "id_report", p
    ).fetchall()
    last = min(dt.date(shape.year, 12, 31), plausible.last_day)
    synthesized = f"<AGENCY>-{shape.year}-<8 hex of md5(agency|name|bureau)>"
    own = " (their own id is in their description)" if shape.id else ""
    texts = [
        (missing, f"{missing} rows have no id: each got the id {synthesized}"),
        (
            duplicate,
            f"{duplicate} rows share {groups} ids with another row: each got the id "
            f"{synthesized}{own}",
        ),
        (
            numbered,
            f"{numbered} rows without a usable id share agency, name and bureau with another "
            "row: their ids end in -1, -2, ... in file order",
        ),
        (prefixed, f"{prefixed} ids do not start with their agency: it was put in front"),
        (
            normalised,
            f"{normalised} ids held lookalike characters (another dash than -, another "
            "space than U+0020, invisible or fullwidth characters): normalised (NFKC, every "
            "dash as -, spaces collapsed)",
        ),
        (
            matched,
            f"{matched} use cases match a use case of another loaded inventory by agency and "
            f"name (unique in both files): they keep its id{own}",
        ),
        (
            dates,
            f"{dates} dates outside {plausible.first} to {last} (the plausible months, "
            "SCALEBOARD_EARLIEST_MONTH, and the inventory year) were read as missing",
        ),
        (
            copies,
            f"{copies} rows are exact copies of an earlier row (every cell equal): each "
            "group was loaded once",
        ),
    ]
    return [text for count, text in texts if count]


def _mappings(con: duckdb.DuckDBPyConnection, p: str, shape: Shape) -> list[Mapping]:
    stages = _sql(con, "stage_report", p).fetchall()
    agencies = _sql(con, "agency_report", p).fetchall()
    return [Mapping(shape.stage, v, m, int(n)) for v, m, n in stages] + [
        Mapping(shape.agency, v, m, int(n)) for v, m, n in agencies
    ]


class UsAiInventory:
    name = "us-ai-inventory"
    produces: tuple[str, ...] = ("initiatives",)
    summary = "US federal AI use-case inventories (OMB, 2023/2024/2025 CSV) -> initiatives"
    example = "scaleboard load --format us-ai-inventory 2023.csv 2024.csv 2025.csv"

    def convert(
        self, con: duckdb.DuckDBPyConnection, path: Path, options: AdapterOptions, prefix: str
    ) -> Conversion:
        p = prefix
        plausible = options.plausible_months or Settings().plausible_months()
        mapping_file = _load_mappings(con, options, p)
        _sql(con, "macros", p)
        shape, index, columns = _read(con, path, p)
        year = str(shape.year)
        con.execute(
            f"create or replace temp table {p}_source as {_firsts_sql(shape, index, columns, p)}",
            {
                "first_day": plausible.first,
                "last_day": min(dt.date(shape.year, 12, 31), plausible.last_day),
                "high_risk": list(shape.high_risk),
                "stages": [str(s) for s in Stage],
            },
        )
        _sql(con, "rows", p)
        _sql(con, "rejects", p, column=shape.stage, file=str(mapping_file.name))
        _sql(con, "ids", p, year=year)
        _sql(con, "dated", p, as_of=as_of_date(shape.year, plausible), year=shape.year)
        con.execute(_output_sql(p), {"year": year})
        _sql(con, "sightings", p)
        [(rows,)] = con.execute(f"select count(*) from {p}_file").fetchall()
        return Conversion(
            outputs=[Converted("initiatives", f"{p}_initiatives")],
            rows_read=int(rows),
            rejects_table=f"{p}_rejects",
            sightings_table=f"{p}_sightings",
            mappings=_mappings(con, p, shape),
            notes=_notes(con, p, shape, plausible),
        )
