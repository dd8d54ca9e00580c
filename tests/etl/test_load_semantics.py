"""CONTRACT.md load semantics: upsert, idempotence, --force, order, formats, headers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import write_csv
from tests.etl.conftest import load, metrics, table, write_worked_example

COSTS = ("initiative_id", "month", "category", "amount")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db.duckdb"
    assert load(path, write_worked_example(tmp_path / "in")).status == "loaded"
    return path


def test_a_later_row_with_the_same_key_corrects_the_earlier(db: Path, tmp_path: Path) -> None:
    fix = write_csv(tmp_path / "fix" / "costs.csv", COSTS, [("a", "2026-03", "people", "20000")])

    load(db, fix)

    assert metrics(db)["total_cost"] == pytest.approx(120_000)


def test_rerun_after_a_correction_changes_nothing(db: Path, tmp_path: Path) -> None:
    original = tmp_path / "in"
    fix = write_csv(tmp_path / "fix" / "costs.csv", COSTS, [("a", "2026-03", "people", "20000")])
    load(db, fix)
    before = metrics(db)

    rerun = load(db, original)

    assert rerun.status == "loaded" and rerun.rows_loaded == 0
    assert all(f.skipped for f in rerun.files)
    assert rerun.rows_skipped == 2 + 2 + 4 + 2
    assert metrics(db) == before


def test_force_loads_the_same_content_again(db: Path, tmp_path: Path) -> None:
    fix = write_csv(tmp_path / "fix" / "costs.csv", COSTS, [("a", "2026-03", "people", "20000")])
    load(db, fix)

    forced = load(db, tmp_path / "in" / "costs.csv", force=True)

    assert forced.rows_loaded == 4
    assert metrics(db)["total_cost"] == pytest.approx(150_000)


def test_initiatives_load_first_whatever_the_command_line_order(tmp_path: Path) -> None:
    folder = write_worked_example(tmp_path / "in")
    db = tmp_path / "db.duckdb"

    result = load(db, folder / "costs.csv", folder / "outcomes.csv", folder / "initiatives.csv")

    assert result.status == "loaded"
    assert [f.entity for f in result.files] == ["initiatives", "costs", "outcomes"]


def test_files_of_one_entity_apply_in_command_line_order(db: Path, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "x" / "costs-2.csv", COSTS, [("a", "2026-03", "people", "1")])
    second = write_csv(tmp_path / "x" / "costs-1.csv", COSTS, [("a", "2026-03", "people", "2")])

    load(db, first, second)

    assert table(db, "select amount from costs where month = '2026-03-01'") == [(2,)]


def test_folder_files_apply_in_name_order(db: Path, tmp_path: Path) -> None:
    write_csv(tmp_path / "x" / "costs-2026-02.csv", COSTS, [("a", "2026-03", "people", "1")])
    write_csv(tmp_path / "x" / "costs-2026-03.csv", COSTS, [("a", "2026-03", "people", "2")])

    load(db, tmp_path / "x")

    assert table(db, "select amount from costs where month = '2026-03-01'") == [(2,)]


def test_entity_option_overrides_the_file_name(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", COSTS, [("a", "2026-03", "people", "1")])

    result = load(db, path, entity="costs")

    assert result.files[0].entity == "costs" and result.rows_loaded == 1


def test_headers_match_case_insensitively_and_extras_warn(db: Path, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "costs.csv",
        (" Initiative_ID ", "MONTH", "Category", "amount ", "Comment"),
        [("a", "2026-03", "people", "1", "x")],
    )

    result = load(db, path)

    assert result.rows_loaded == 1
    assert result.files[0].warnings == ["ignored unknown column(s): Comment"]


def test_money_keeps_ten_decimal_places(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "costs.csv", COSTS, [("a", "2026-03", "data", "0.1234567891")])

    load(db, path)

    assert str(table(db, "select amount from costs where category = 'data'")[0][0]).startswith(
        "0.1234567891"
    )


def _rows() -> list[dict[str, object]]:
    return [
        {"initiative_id": "a", "month": "2026-03", "category": "data", "amount": "7.5"},
        {"initiative_id": "b", "month": "2026-03", "category": "data", "amount": "2.5"},
    ]


def test_json_array_ndjson_and_parquet_load_alike(db: Path, tmp_path: Path) -> None:
    array = tmp_path / "costs-array.json"
    array.write_text(json.dumps(_rows()), encoding="utf-8")
    ndjson = tmp_path / "costs-lines.ndjson"
    ndjson.write_text("\n".join(json.dumps(r) for r in _rows()), encoding="utf-8")
    parquet = tmp_path / "costs-p.parquet"
    with duckdb.connect() as con:
        con.execute(f"copy (select * from read_json('{array}')) to '{parquet}' (format parquet)")

    for path in (array, ndjson, parquet):
        result = load(db, path, force=True)
        assert (result.status, result.rows_loaded) == ("loaded", 2), path

    assert table(db, "select sum(amount) from costs where category = 'data'") == [(10,)]


def test_bom_quoted_multiline_cells_and_blank_optional(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "initiatives-more.csv"
    text = (
        "\ufeffinitiative_id,name,business_unit,stage,stage_entered_on,description,strategic_impact\n"
        'c,"Chat, ""support""",Ops,experimentation,2026-01-01,"line one\nline two", \n'
        "# not a comment,Hash,Ops,Experimentation,2026-01-01,,5\n"
    )
    path.write_text(text, encoding="utf-8")

    result = load(db, path)

    assert result.rows_loaded == 2
    rows = table(
        db,
        "select initiative_id, name, stage, description, strategic_impact from initiatives "
        "where business_unit = 'Ops' order by 1",
    )
    assert rows == [
        ("# not a comment", "Hash", "Experimentation", None, 5),
        ("c", 'Chat, "support"', "Experimentation", "line one\nline two", 3),
    ]


def test_reject_row_numbers_count_records_not_lines(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "initiatives-more.csv"
    path.write_text(
        "initiative_id,name,business_unit,stage,stage_entered_on\n"
        'c,"two\nlines",Ops,Experimentation,2026-01-01\n'
        "d,Bad,Ops,Pilot,2026-01-01\n",
        encoding="utf-8",
    )

    load(db, path)

    assert table(db, "select row_number, column_name from rejects") == [(2, "stage")]
