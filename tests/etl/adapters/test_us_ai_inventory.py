"""`--format us-ai-inventory`: the US federal AI use-case inventories (2023, 2024, 2025) ->
initiatives, stage through a mapping file, ids kept or synthesized, history across years."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from etl.adapters import AdapterOptions
from etl.config import Settings
from etl.load import LoadResult, load_files
from etl.storage import open_reader
from tests.conftest import write_csv

FIXTURES = Path(__file__).parent / "fixtures" / "us_ai_inventory"
Y2023 = FIXTURES / "2023_inventory.csv"
Y2024 = FIXTURES / "2024_inventory_cp1252.csv"
Y2025 = FIXTURES / "2025_inventory.csv"
MAPPINGS = Path(__file__).resolve().parents[3] / "etl" / "adapters" / "mappings"
STAGES = MAPPINGS / "us_ai_inventory_stages.csv"
REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata"
REAL_2023 = REALDATA / "us-federal-ai-inventory-2024" / "2023_consolidated_ai_inventory_raw.csv"
REAL_2024 = REALDATA / "us-federal-ai-inventory-2024" / "2024_consolidated_ai_inventory_raw_v2.csv"
REAL_2024_V1 = REALDATA / "us-federal-ai-inventory-2024" / "2024_consolidated_ai_inventory_raw.csv"
REAL_2025 = (
    REALDATA / "us-federal-ai-inventory-2025" / "2025_individually_reported_AI_use_cases.csv"
)
needs_realdata = pytest.mark.skipif(not REALDATA.exists(), reason="no shared/realdata here")

SYNTHESIZED = r"[A-Z]+-20\d\d-[0-9a-f]{8}(-\d+)?"


def _load(db: Path, *paths: Path, options: AdapterOptions | None = None) -> LoadResult:
    return load_files(
        db,
        list(paths),
        Settings(),
        adapter="us-ai-inventory",
        adapter_options=options or AdapterOptions(),
    )


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with open_reader(db) as con:
        return con.execute(sql).fetchall()


def _initiative(db: Path, initiative_id: str) -> dict[str, Any]:
    with open_reader(db) as con:
        cursor = con.execute(
            "select name, business_unit, stage, strftime(stage_entered_on, '%Y-%m-%d') as on, "
            "status, risk_tier, program_owner, strftime(started_on, '%Y-%m-%d') as started, "
            "description from initiatives where initiative_id = ?",
            [initiative_id],
        )
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone() or (), strict=True))


def _history(db: Path) -> dict[str, list[str]]:
    rows = _rows(
        db,
        "select initiative_id, list(stage || '@' || strftime(entered_on, '%Y-%m-%d') "
        "order by entered_on) from stage_entries group by all",
    )
    return {initiative_id: entries for initiative_id, entries in rows}


def _ids_like(db: Path, name: str) -> list[str]:
    rows = _rows(db, f"select initiative_id from initiatives where name = '{name}' order by 1")
    return [r[0] for r in rows]


# --- the fixtures: one small file of each year's shape -------------------------------------


@pytest.mark.parametrize("path", [Y2023, Y2024, Y2025], ids=["2023", "2024", "2025"])
def test_every_row_is_loaded_or_rejected(tmp_path: Path, path: Path) -> None:
    result = _load(tmp_path / "db.duckdb", path)

    assert result.status == "loaded_with_rejects"
    assert result.rows_read == 9
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    [(initiatives,)] = _rows(tmp_path / "db.duckdb", "select count(*) from initiatives")
    assert initiatives == result.rows_loaded


def test_a_blank_or_unknown_stage_is_rejected_saying_why(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _load(db, Y2023)

    assert _rows(db, "select row_number, column_name, value, reason from rejects") == [
        (4, "Development_Stage", None, "no stage"),
        (
            6,
            "Development_Stage",
            "Someday maybe",
            "stage value Someday maybe is not in the mapping us_ai_inventory_stages.csv",
        ),
    ]


def test_the_windows_1252_file_is_read_without_losing_a_row(tmp_path: Path) -> None:
    assert b"\x92" in Y2024.read_bytes()  # not UTF-8: a UTF-8 reader fails or drops rows
    db = tmp_path / "db.duckdb"

    result = _load(db, Y2024)

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (9, 8, 1)
    [va] = _ids_like(db, "Veteran\u2019s Claims Caf\u00e9 Assistant")
    description = _initiative(db, va)["description"]
    assert description == (
        "Bureau: VBA. Answers claims questions \u2013 faster. Stage date estimated: 2024-12-31, "
        "the 2024 inventory's as-of date (the source gives none)."
    )


def test_multi_line_cells_stay_in_their_record(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _load(db, Y2023)
    _load(db, Y2025)

    summary = _initiative(db, "DHS-0000-2023")["description"]
    assert "Anomalies hide in X-ray scans.\nSynthetic data helps." in summary


def test_blank_and_duplicated_ids_get_deterministic_ids(tmp_path: Path) -> None:
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    result = _load(first, Y2025)
    _load(second, Y2025)

    pattern = _ids_like(first, "Prisoner Assessment Tool (PATTERN)")
    assert len(pattern) == 2 and all(re.fullmatch(SYNTHESIZED, i) for i in pattern)
    assert all(i.startswith("DOJ-2025-") for i in pattern)
    assert pattern == _ids_like(second, "Prisoner Assessment Tool (PATTERN)")
    assert "2025 inventory id: DOJ-0160." in str(_initiative(first, pattern[0])["description"])
    [visa] = _ids_like(first, "Visa Translation")
    assert visa.startswith("STATE-2025-")
    warnings = " | ".join(result.files[0].warnings)
    assert "2 rows share 1 ids with another row" in warnings
    assert "rows have no id" in warnings


def test_bare_ids_get_their_agency_in_front(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _load(db, Y2025)

    assert _ids_like(db, "Streamflow Duration Modeling") == ["EPA-10"]
    assert _ids_like(db, "Adobe Photoshop") == ["NSF-10"]


def test_rows_equal_in_agency_name_and_bureau_are_numbered(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _load(db, Y2024)

    ids = _ids_like(db, "Generative AI Usage")
    assert [i[-2:] for i in ids] == ["-1", "-2"]
    assert ids[0][:-2] == ids[1][:-2]


def test_stage_status_dates_and_risk_of_2024(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _load(db, Y2024)

    [retired] = _ids_like(db, "Autonomous Situational Awareness")
    assert _initiative(db, retired) | {"description": None} == {
        "name": "Autonomous Situational Awareness",
        "business_unit": "DHS",
        # first seen as retired: the stage its own dates support, a Date Implemented
        "stage": "Operationalization",
        "on": "2021-05-01",  # Date Implemented: when it entered Operationalization
        "status": "retired",
        "risk_tier": "high",  # "Rights-Impacting\n"
        "program_owner": None,
        "started": None,
        "description": None,
    }
    [complete] = _ids_like(db, "Rulemaking Comment Analysis")  # two spaces in the source value
    assert (_initiative(db, complete)["stage"], _initiative(db, complete)["status"]) == (
        "Experimentation",
        "retired",
    )
    [synthetic] = _ids_like(db, "AI Curated Synthetic Data")
    assert _initiative(db, synthetic)["on"] == "2024-03-15"
    assert _initiative(db, synthetic)["started"] == "2022-07-01"
    [visa] = _ids_like(db, "Visa Translation")
    assert _initiative(db, visa)["on"] == "2024-07-01"  # `24-Jul` is July 2024
    [va] = _ids_like(db, "Veteran\u2019s Claims Caf\u00e9 Assistant")
    # `Q4FY25` is no date: the inventory's as-of date, never an earlier one
    assert _initiative(db, va)["on"] == "2024-12-31"


def test_the_mapping_report_counts_each_source_value(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _load(db, Y2023)
    _load(db, Y2024)

    report = _rows(db, "select source_column, source_value, mapped_to, rows from adapter_mappings")
    assert ("Development_Stage", "Someday maybe", None, 1) in report
    assert ("Development_Stage", None, None, 1) in report
    assert ("Department_Code", "DOS", "STATE", 1) in report
    assert ("Stage of Development", "Ideation", "Experimentation", 2) in report
    assert ("Stage of Development", "Retired", "Experimentation", 1) in report


def test_three_years_in_order_build_stage_history(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    for path in (Y2023, Y2024, Y2025):
        _load(db, path)

    history = _history(db)
    assert history["DHS-0000-2023"] == [
        "Experimentation@2023-12-31",  # 2023 gives no dates: its as-of date
        "Operationalization@2024-03-15",
        "Standardization@2025-07-01",
    ]
    # 2023's DOS is 2024's STATE; 2025's `Deployed` is the stage it had: its date stays
    assert _initiative(db, "DOS-0003-2023")["business_unit"] == "STATE"
    assert history["DOS-0003-2023"] == [
        "Operationalization@2023-12-31",
        "Standardization@2024-07-01",
    ]
    # 2024's Date Implemented (2022) is before the 2023 entry: the 2024 inventory's as-of date
    [label] = _ids_like(db, "Label Review")
    assert history[label] == ["Experimentation@2023-12-31", "Standardization@2024-12-31"]
    # a retired use case seen before keeps its stage and date
    [outbreak] = _ids_like(db, "Outbreak Detection")
    assert history[outbreak] == ["Standardization@2023-12-31"]
    assert _initiative(db, outbreak)["status"] == "retired"
    assert _initiative(db, "DHS-0000-2023")["description"].startswith(
        "Bureau: CBP. 2025 inventory id: DHS-2705."
    )


def test_one_command_with_the_three_years_gives_the_same_result(tmp_path: Path) -> None:
    apart, together = tmp_path / "apart.duckdb", tmp_path / "together.duckdb"
    for path in (Y2023, Y2024, Y2025):
        _load(apart, path)
    _load(together, Y2023, Y2024, Y2025)

    query = "select * exclude (load_id, source_file) from initiatives order by initiative_id"
    assert _rows(apart, query) == _rows(together, query)
    assert _history(apart) == _history(together)


def test_a_rerun_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    first = _load(db, Y2023, Y2024, Y2025)
    before = _rows(db, "select * from initiatives order by initiative_id"), _history(db)

    again = _load(db, Y2023, Y2024, Y2025)

    assert again.status == "loaded" and all(f.skipped for f in again.files)
    assert again.rows_skipped == first.rows_read
    assert (_rows(db, "select * from initiatives order by initiative_id"), _history(db)) == before


def test_map_replaces_the_mapping_whose_columns_it_has(tmp_path: Path) -> None:
    stages = write_csv(
        tmp_path / "stages.csv",
        ("source_value", "stage", "status"),
        [
            ("Deployed", "Standardization", ""),
            ("Pilot", "experimentation", ""),
            ("Retired", "", ""),
        ],
    )
    db = tmp_path / "db.duckdb"
    result = _load(db, Y2025, options=AdapterOptions(map_file=stages))

    assert _initiative(db, "EPA-10")["stage"] == "Experimentation"
    reasons = {r[0] for r in _rows(db, "select reason from rejects")}
    assert "stage value Pre-deployment is not in the mapping stages.csv" in reasons
    assert "the mapping stages.csv gives stage value Retired no stage" in reasons
    assert result.rows_read == result.rows_loaded + result.rows_rejected

    agencies = write_csv(tmp_path / "agencies.csv", ("source_value", "business_unit"), [])
    _load(tmp_path / "other.duckdb", Y2023, options=AdapterOptions(map_file=agencies))
    assert _initiative(tmp_path / "other.duckdb", "DOS-0003-2023")["business_unit"] == "DOS"


def test_a_map_file_of_other_columns_is_refused(tmp_path: Path) -> None:
    wrong = write_csv(tmp_path / "wrong.csv", ("value", "target"), [("Pilot", "x")])
    result = _load(tmp_path / "db.duckdb", Y2025, options=AdapterOptions(map_file=wrong))

    assert result.status == "refused"
    assert "needs the columns source_value, stage, status" in str(result.error)


def test_an_inventory_without_its_optional_columns_loads(tmp_path: Path) -> None:
    """Agencies may remove the id (and e-mail) columns from their public inventories."""
    lean = write_csv(
        tmp_path / "lean.csv",
        ("agency", "use_case_name", "agency_bureau", "development_stage"),
        [("NASA", "Rover Navigation", "JPL", "Deployed"), ("NASA", "Rover Navigation", "", "")],
    )
    db = tmp_path / "db.duckdb"
    result = _load(db, lean)

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    [rover] = _ids_like(db, "Rover Navigation")
    assert re.fullmatch(SYNTHESIZED, rover) and rover.startswith("NASA-2025-")
    assert _initiative(db, rover)["on"] == "2025-12-31"  # no date: the as-of date


def test_a_record_that_breaks_the_csv_refuses_the_file(tmp_path: Path) -> None:
    """Never skip a record the parser cannot read (DuckDB's ignore_errors would)."""
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "agency,use_case_name,development_stage\nNASA,Rover,Deployed\nNASA,Rover,Pilot,extra\n",
        encoding="utf-8",
    )
    result = _load(tmp_path / "db.duckdb", broken)

    assert result.status == "refused"
    assert "broken.csv" in str(result.error) and "Found: 4" in str(result.error)


def test_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    other = write_csv(tmp_path / "other.csv", ("agency", "name"), [("DHS", "x")])
    result = _load(tmp_path / "db.duckdb", other)

    assert result.status == "refused"
    assert "not a US federal AI use-case inventory" in str(result.error)


# --- the real inventories (skipped where shared/realdata is absent) -------------------------


def _stage_mapping() -> dict[str, str]:
    with STAGES.open(encoding="utf-8", newline="") as handle:
        return {_key(r["source_value"]): r["stage"] for r in csv.DictReader(handle)}


def _key(value: str) -> str:
    return " ".join(value.split()).lower()


def _retired_statuses() -> set[str]:
    with STAGES.open(encoding="utf-8", newline="") as handle:
        return {_key(r["source_value"]) for r in csv.DictReader(handle) if r["status"]}


REAL_FILES = [
    (REAL_2023, "utf-8", "Development_Stage", "Title", None, 2023),
    (REAL_2024, "cp1252", "Stage of Development", "Use Case Name", "Date Implemented", 2024),
    (REAL_2024_V1, "utf-8-sig", "16_dev_stage", "2_use_case_name", "20_date_implemented", 2024),
    (REAL_2025, "utf-8-sig", "development_stage", "use_case_name", "operational_date", 2025),
]


def _implemented(frame: pd.DataFrame, column: str | None, year: int) -> pd.Series:
    """Whether a row has a date implemented within the plausible range and its year."""
    if column is None:
        return pd.Series(False, index=frame.index)
    dates = pd.to_datetime(frame[column].str.strip(), format="mixed", errors="coerce")
    return dates.between(pd.Timestamp("1990-01-01"), pd.Timestamp(f"{year}-12-31"))


@needs_realdata
@pytest.mark.parametrize(
    ("path", "encoding", "stage", "name", "implemented", "year"),
    REAL_FILES,
    ids=["2023", "2024", "2024-v1", "2025"],
)
def test_real_inventory_counts_per_stage_match_pandas(
    tmp_path: Path,
    path: Path,
    encoding: str,
    stage: str,
    name: str,
    implemented: str | None,
    year: int,
) -> None:
    db = tmp_path / "db.duckdb"
    result = _load(db, path)

    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    assert result.rows_read == len(frame)
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    mapping = _stage_mapping()
    mapped = frame[stage].map(lambda v: mapping.get(_key(v)) if v.strip() else None)
    # a use case first seen as retired takes the stage its own dates support
    retired = frame[stage].map(_key).isin(_retired_statuses())
    mapped = mapped.mask(retired & _implemented(frame, implemented, year), "Operationalization")
    named = frame[name].str.strip() != ""
    first = ~frame.duplicated()  # exact copies of a record are loaded once
    expected = mapped[named & first].dropna().value_counts().to_dict()
    loaded = dict(_rows(db, "select stage, count(*) from initiatives group by all"))
    assert loaded == expected
    assert result.rows_rejected == int(mapped.isna().sum() + (mapped.notna() & ~named).sum())


@needs_realdata
def test_real_inventories_in_order_build_stage_history(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    results = [_load(db, path) for path in (REAL_2023, REAL_2024, REAL_2025)]

    assert all(r.rows_read == r.rows_loaded + r.rows_rejected for r in results)
    [(with_history,)] = _rows(
        db,
        "select count(*) from (select initiative_id from stage_entries "
        "group by all having count(*) > 1)",
    )
    assert with_history > 150  # use cases matched across years by agency and name
    [(bureaus,)] = _rows(db, "select count(*) from initiatives where business_unit = 'DOS'")
    assert bureaus == 0
    before = _rows(db, "select * from initiatives order by initiative_id"), _history(db)

    again = _load(db, REAL_2023, REAL_2024, REAL_2025)

    assert again.status == "loaded" and all(f.skipped for f in again.files)
    assert (_rows(db, "select * from initiatives order by initiative_id"), _history(db)) == before
