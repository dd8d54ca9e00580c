"""Reading SQL files: nested layers and run-time relation names."""

from __future__ import annotations

import duckdb
import pytest

from etl.sql_files import run_sql, sql_text, with_relations


def test_a_nested_layer_is_read_like_a_flat_one() -> None:
    assert "create or replace temp table {prefix}_rows" in sql_text("adapters/focus", "rows")


def test_relation_names_fill_their_placeholders_only() -> None:
    text = "select {'a': 1} as s, '\\d{4}' as r from {prefix}_rows where x = $value"
    assert with_relations(text, {"prefix": "adapted_3"}) == (
        "select {'a': 1} as s, '\\d{4}' as r from adapted_3_rows where x = $value"
    )


@pytest.mark.parametrize("name", ["x; drop table costs", "Adapted", "a-b", "", "x y"])
def test_a_relation_name_must_be_a_plain_identifier(name: str) -> None:
    with pytest.raises(ValueError, match="plain lower-case identifier"):
        with_relations("select * from {prefix}_rows", {"prefix": name})


def test_a_placeholder_without_a_relation_is_an_error() -> None:
    with pytest.raises(KeyError):
        with_relations("select * from {other}_rows", {"prefix": "adapted_0"})


def test_run_sql_puts_the_relation_names_in() -> None:
    con = duckdb.connect()
    con.execute(
        "create temp table adapted_7_groups as select 'AI-1' as initiative_id, "
        "date '2024-09-01' as month, 'compute' as category, 'USD' as currency, "
        "'focus:1:2024-09' as source, 2.5::decimal(38, 18) as net, 4 as first_row, "
        "2 as records"
    )
    run_sql(con, "adapters/focus", "costs", relations={"prefix": "adapted_7"})
    assert con.execute(
        "select _raw_month, _raw_amount, _weight from adapted_7_costs"
    ).fetchall() == [("2024-09", "2.500000000000000000", 2)]
